"""The command table: every command the bot knows, declared once.

A capability declares each command with ``@command`` on the method that carries it out (errbot's
``@botcmd``): the words that start it, the grammar of its arguments, who may use it and where, a
one-line Dutch usage and a help text. The service collects them into one ``Table`` and parses
every message once against it; ``hulp`` and the App Home's list are generated from it.

``Table.parse`` gives ``Parsed`` (a command with its arguments), ``Unfit`` (the text starts with a
command word, or is a near miss of a command, but does not fit: the bot answers with the usage and
stores nothing) or None (free text: an answer).
"""

from __future__ import annotations

import difflib
import functools
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bot.core.access import Role
from bot.core.messages import PlaceKind
from bot.core.text import MENTION, whole_number

ANYWHERE = frozenset(PlaceKind)
IN_CHANNEL = frozenset({PlaceKind.CHANNEL, PlaceKind.THREAD})
WITH_MEMBERS = frozenset({PlaceKind.CHANNEL, PlaceKind.THREAD, PlaceKind.DIRECT})
PRIVATE = frozenset({PlaceKind.CONSOLE, PlaceKind.DIRECT})  # what only its reader sees
PLACE_WORDS = {PlaceKind.CONSOLE: "de terminal", PlaceKind.CHANNEL: "een kanaal",
               PlaceKind.THREAD: "een thread (de reacties onder een bericht)",
               PlaceKind.DIRECT: "een eigen chat met de bot"}

MAX_NUMBER = 999_999
_EDGE = re.compile(r"^[/!.,;:?]+|[!.,;:?]+$")
_GLUED_PART = re.compile(r"^(deel)(\d+|i+|een|twee)$")  # "deel2", "deelII"


class Usage(Exception):
    """What was typed does not fit the command; ``reason`` says why, when known. Raised by an
    argument or by a handler: the bot answers with the command's usage and stores nothing."""

    def __init__(self, reason: str = ""):
        super().__init__(reason)
        self.reason = reason


class Claimed(Usage):
    """Text that fitted a command's first arguments and then not (``wijzig 2 budget 5000``): it
    is that command, typed wrong, never a looser command that happens to take it."""


@dataclass(frozen=True)
class Token:
    word: str  # lower case, without surrounding punctuation
    start: int  # where it stands in the text as typed
    end: int


def tokenize(text: str) -> list[Token]:
    tokens = []
    for match in re.finditer(r"\S+", text):
        word = _EDGE.sub("", match.group().casefold()) or match.group().casefold()
        glued = _GLUED_PART.fullmatch(word)
        if glued:
            tokens += [Token("deel", match.start(), match.start() + 4),
                       Token(glued.group(2), match.start() + 4, match.end())]
        else:
            tokens.append(Token(word, match.start(), match.end()))
    return tokens


# --- arguments ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Arg(ABC):
    """One argument of a command."""

    name: str
    optional: bool = field(default=False, kw_only=True)

    @abstractmethod
    def take(self, text: str, tokens: list[Token], i: int) -> tuple[Any, int]:
        """The value in ``tokens[i:]`` of ``text`` and where the next argument starts;
        ``Usage`` when the tokens do not fit."""


@dataclass(frozen=True)
class Number(Arg):
    """A whole number such as ``3`` or ``#3``."""

    def take(self, text, tokens, i):
        number = whole_number(tokens[i].word.removeprefix("#"), 6) if i < len(tokens) else None
        if number is None:
            raise Usage()
        return number, i + 1


@dataclass(frozen=True)
class Choice(Arg):
    """One of a few words or phrases (``in uitvoering``), as the value it stands for."""

    choices: Mapping[str, str] = field(default_factory=dict)
    invalid: str = ""  # the reason when the word is not one of them ({word} is filled in)

    def take(self, text, tokens, i):
        for phrase in sorted(self.choices, key=lambda p: -len(p.split())):
            words = phrase.split()
            if [t.word for t in tokens[i:i + len(words)]] == words:
                return self.choices[phrase], i + len(words)
        typed = text[tokens[i].start:tokens[i].end] if i < len(tokens) else ""
        raise Usage(self.invalid.format(word=typed) if typed and self.invalid else "")


@dataclass(frozen=True)
class Text(Arg):
    """The rest of the message as it was typed (case, line breaks); at most ``max_words``."""

    max_words: int | None = None

    def take(self, text, tokens, i):
        if i >= len(tokens) or (self.max_words and len(tokens) - i > self.max_words):
            raise Usage()
        return text[tokens[i].start:].strip(), len(tokens)


@dataclass(frozen=True)
class People(Arg):
    """One or more people named with a mention (``@anna``), and nothing else."""

    def take(self, text, tokens, i):
        found = []
        for token in tokens[i:]:
            mention = MENTION.fullmatch(text[token.start:token.end].rstrip(",;."))
            if mention:
                found.append(mention.group(1))
            elif token.word not in ("en", ",", "&"):
                raise Usage("Noem de mensen met @, bijvoorbeeld @anna.")
        if not found:
            raise Usage("Noem de mensen met @, bijvoorbeeld @anna.")
        return tuple(dict.fromkeys(found)), len(tokens)


def part_number(word: str) -> int | None:
    """1 or 2 for "1", "i", "een", "2", "ii", "twee"; None for anything else."""
    return {"1": 1, "i": 1, "een": 1, "2": 2, "ii": 2, "twee": 2}.get(word.strip().casefold())


@dataclass(frozen=True)
class Deel(Arg):
    """Deel I or II: ``2``, ``ii``, ``deel 2``, ``deel2``."""

    def take(self, text, tokens, i):
        at = i + 1 if i < len(tokens) and tokens[i].word == "deel" else i
        if at >= len(tokens):
            raise Usage()
        number = part_number(tokens[at].word)
        if number is None:
            raise Usage("Er zijn twee delen: typ ‘deel 1’ of ‘deel 2’.")
        return number, at + 1


# --- commands -----------------------------------------------------------------------------------

Handler = Callable[..., list]


@dataclass(frozen=True, eq=False)
class Command:
    """One command of the table. ``form`` says, from the arguments, whether on a platform with
    forms the command opens one (it then stores nothing until the form is sent)."""

    words: tuple[tuple[str, ...], ...]
    args: tuple[Arg, ...]
    usage: str
    help: str
    role: Role = Role.LID
    where: frozenset[PlaceKind] = ANYWHERE
    form: Callable[[dict], bool] | None = None
    group: str = ""
    handler: Handler | None = None

    @property
    def name(self) -> str:
        return " ".join(self.words[0])

    @property
    def specificity(self) -> int:
        """How much a text must say to be this command: its words and required arguments."""
        return max(len(p) for p in self.words) + sum(not a.optional for a in self.args)

    def fit(self, text: str, tokens: list[Token], start: int) -> dict[str, Any]:
        """The arguments in ``tokens[start:]``; ``Usage`` when they do not fit."""
        values: dict[str, Any] = {}
        i, passed_over = start, ""
        for arg in self.args:
            if i >= len(tokens) and arg.optional:
                continue
            try:
                values[arg.name], i = arg.take(text, tokens, i)
            except Usage as usage:
                if not arg.optional and values and usage.reason:
                    raise Claimed(usage.reason) from None
                if not arg.optional:
                    raise
                passed_over = passed_over or usage.reason
        if i < len(tokens):
            raise Usage(passed_over)
        return values

    def opens_form(self, args: dict) -> bool:
        return self.form is not None and self.form(args)


def command(*words: str, usage: str, help: str, args: Iterable[Arg] = (), role: Role = Role.LID,
            where: frozenset[PlaceKind] = ANYWHERE, form: Callable[[dict], bool] | None = None):
    """Declare the decorated method as the handler of a command started by any of ``words``."""
    declared = Command(tuple(tuple(w.split()) for w in words), tuple(args), usage, help, role, where,
                       form)

    def mark(method: Handler) -> Handler:
        method.command = declared  # type: ignore[attr-defined]
        return method

    return mark


def declared(*capabilities: object) -> list[Command]:
    """The commands of ``capabilities`` (objects with ``@command`` methods and a ``group``), each
    bound to its handler, in the order they are given and declared."""
    found = []
    for capability in capabilities:
        for name in type(capability).__dict__:
            spec = getattr(getattr(type(capability), name), "command", None)
            if isinstance(spec, Command):
                found.append(replace(spec, handler=getattr(capability, name),
                                     group=capability.group))
    return found


@dataclass(frozen=True)
class Parsed:
    command: Command
    args: dict[str, Any]


@dataclass(frozen=True)
class Unfit:
    """Text that looks like ``commands`` but is not one of them; ``guess`` is the text with a
    near miss corrected, when that is a command."""

    commands: tuple[Command, ...]
    reason: str = ""
    guess: str = ""
    claimed: bool = False  # it is that command, typed wrong: never an answer to hold


class Table:
    """Every command, in the order they are listed in help; where two fit the same text, the more
    specific wins, then the one listed first."""

    def __init__(self, commands: Iterable[Command]):
        self.commands = tuple(commands)
        # The most specific are tried first: "stuurgroep verwijder <datum>" before "stuurgroep
        # <moment>", "wijzig <nummer> <veld>" (the plan) before "wijzig [vraag]" (the gesprek).
        self._tried = sorted(self.commands, key=lambda c: -c.specificity)
        self._first_words = {phrase[0] for c in self.commands for phrase in c.words}
        self._near = functools.lru_cache(maxsize=4096)(self._close_to)

    def parse(self, text: str) -> Parsed | Unfit | None:
        head = text.split(None, 1)
        if not head:
            return None
        first = tokenize(head[0])[0].word
        near = self._near(first)
        if first not in self._first_words and not near:  # most answers: no need to look further
            return None
        tokens = tokenize(text)
        found = self._fit(text, tokens)
        if found is not None:
            return found
        for word in near:
            guess = word + text[tokens[0].end:]
            fitted = self._fit(guess, tokenize(guess))
            if isinstance(fitted, Parsed):
                return Unfit((fitted.command,), guess=guess.strip())
        if near and len(tokens) == 1 and _likeness(tokens[0].word, near[0]) > 0.85:
            return Unfit(self._starting_with(near[0]))
        return None

    def _fit(self, text: str, tokens: list[Token]) -> Parsed | Unfit | None:
        misfits: list[tuple[Command, str]] = []
        for cmd in self._tried:
            phrase = next((p for p in cmd.words if [t.word for t in tokens[:len(p)]] == list(p)), None)
            if phrase is None:
                continue
            try:
                return Parsed(cmd, cmd.fit(text, tokens, len(phrase)))
            except Claimed as claimed:
                return Unfit((cmd,), claimed.reason, claimed=True)
            except Usage as usage:
                misfits.append((cmd, usage.reason))
        if not misfits and tokens[0].word not in self._first_words:
            return None
        looks_like = [c for c, _ in misfits]
        looks_like += [c for c in self._starting_with(tokens[0].word) if c not in looks_like]
        return Unfit(tuple(looks_like), next((reason for _, reason in misfits if reason), ""))

    def _starting_with(self, word: str) -> tuple[Command, ...]:
        return tuple(c for c in self.commands if any(p[0] == word for p in c.words))

    def _close_to(self, word: str) -> tuple[str, ...]:
        """The command words ``word`` may be a typo of ("ontwikelpunten"), closest first."""
        if len(word) < 3 or not word.isalpha():
            return ()
        # A likeness of 0.75 needs lengths within a factor 0.6 of each other: only those are tried.
        candidates = [w for w in self._first_words
                      if len(w) > 3 and w != word and 0.6 * len(w) <= len(word) <= len(w) / 0.6]
        return tuple(difflib.get_close_matches(word, candidates, n=3, cutoff=0.75))

    def named(self, word: str) -> tuple[Command, ...]:
        """The commands ``word`` starts (for ``hulp bijwerken``)."""
        return self._starting_with(word.casefold())

    def allowed(self, kind: PlaceKind, may: Callable[[Role], bool]) -> tuple[Command, ...]:
        """The commands someone may use in this kind of place, in table order."""
        return tuple(c for c in self.commands if kind in c.where and may(c.role))


def grouped(commands: Iterable[Command]) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """(usage, help) of each command, by the group of its capability, for help texts."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for found in commands:
        groups.setdefault(found.group, []).append((found.usage, found.help))
    return tuple((title, tuple(lines)) for title, lines in groups.items())


def _likeness(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def where_words(kinds: frozenset[PlaceKind]) -> str:
    """``een kanaal of een thread``."""
    names = [PLACE_WORDS[k] for k in PlaceKind if k in kinds]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " of " + names[-1]
