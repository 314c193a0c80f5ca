"""The commands a user can type during a gesprek, in Dutch, with their synonyms.

``parse`` recognises a command (case-insensitive, surrounding punctuation ignored);
``misspelled`` spots a near miss such as "overslan", so the bot can ask instead of storing it
as an answer.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import StrEnum


class Cmd(StrEnum):
    SKIP = "overslaan"
    BACK = "terug"
    PAUSE = "pauze"
    HELP = "hulp"
    PROGRESS = "voortgang"
    EDIT = "wijzig"
    PART = "deel"
    KEEP = "behouden"
    REPLACE = "vervangen"
    RESUME = "verder"
    YES = "ja"
    NO = "nee"


SYNONYMS: dict[Cmd, tuple[str, ...]] = {
    Cmd.SKIP: ("overslaan", "sla over", "skip", "volgende vraag"),
    Cmd.BACK: ("terug", "vorige", "ga terug", "vorige vraag"),
    Cmd.PAUSE: ("pauze", "pauzeer", "pauzeren", "stop", "stoppen", "later verder"),
    Cmd.HELP: ("hulp", "help", "?", "uitleg", "commando's", "commandos"),
    Cmd.PROGRESS: ("voortgang", "overzicht", "waar ben ik"),
    Cmd.EDIT: ("wijzig", "wijzigen", "aanpassen", "pas aan"),
    Cmd.PART: ("deel",),
    Cmd.KEEP: ("behouden", "behoud", "houden", "bewaren", "laten staan"),
    Cmd.REPLACE: ("vervangen", "vervang"),
    Cmd.RESUME: ("verder", "hervat", "hervatten", "ga verder", "doorgaan", "start", "begin"),
    Cmd.YES: ("ja", "j", "yes", "ja graag", "klopt"),
    Cmd.NO: ("nee", "n", "no", "nee hoor"),
}

# "wijzig 1.6", "wijzig meldcode", "aanpassen 6": an argument after these words is a reference or
# a few search words. Only "wijzig" takes words; a longer sentence is an answer, not a command.
EDIT_WITH_WORDS = ("wijzig", "wijzigen")
_REFERENCE = re.compile(r"(\d\s*[.,]\s*)?\d+")
_PART = re.compile(r"deel\s*(\w+)")  # "deel 2", "deel II", "deel1"; "deel 3" gets an explanation

# Commands worth asking about when a short answer looks like a typo of one.
GUARDED = (Cmd.SKIP, Cmd.BACK, Cmd.PAUSE, Cmd.HELP, Cmd.PROGRESS, Cmd.KEEP, Cmd.REPLACE,
           Cmd.RESUME, Cmd.EDIT)

_LOOKUP = {word: cmd for cmd, words in SYNONYMS.items() for word in words}
_EDGE_PUNCTUATION = re.compile(r"^[\s/!.,;:]+|[\s!.,;:]+$")


@dataclass(frozen=True)
class Command:
    name: Cmd
    argument: str = ""


def _normalise(text: str) -> str:
    return " ".join(_EDGE_PUNCTUATION.sub("", text.casefold()).split())


def parse(text: str) -> Command | None:
    """The command ``text`` is, or None when it is an ordinary answer."""
    words = _normalise(text)
    if words in _LOOKUP:
        return Command(_LOOKUP[words])
    part = _PART.fullmatch(words)
    if part:
        return Command(Cmd.PART, part.group(1))
    for synonym in SYNONYMS[Cmd.EDIT]:
        rest = words.removeprefix(synonym + " ").strip()
        if rest != words and (_REFERENCE.fullmatch(rest) or (
                synonym in EDIT_WITH_WORDS and len(rest.split()) <= 4)):
            return Command(Cmd.EDIT, rest)
    return None


def misspelled(text: str) -> Cmd | None:
    """The command a short input most likely misspells ("overslan", "pauz"), if any."""
    words = _normalise(text)
    if not words or len(words) > 20 or len(words.split()) > 2:
        return None
    candidates = {word: cmd for word, cmd in _LOOKUP.items() if cmd in GUARDED and len(word) > 3}
    close = difflib.get_close_matches(words, candidates, n=1, cutoff=0.75)
    return candidates[close[0]] if close else None


def part_number(argument: str) -> int | None:
    """1 or 2 for "1", "i", "een", "2", "ii", "twee"; None for anything else."""
    return {"1": 1, "i": 1, "een": 1, "2": 2, "ii": 2, "twee": 2}.get(argument.strip().casefold())
