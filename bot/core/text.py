"""Text: cleaning what people type (control characters, length, gemeente names), and the commands
replies tell them to type."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from bot.core.messages import User
from dialogues.gemeenten import fold

MAX_ANSWER_LENGTH = 4000
MAX_NAME_LENGTH = 80

# C0 and C1 control characters except tab and newline, bidi overrides, zero-width marks, and the
# marks of a typed command (below), so that what people type can never hold one.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff"
                      r"\ue000\ue001]")
_TYPED = re.compile("\ue000([#~]?)([^\ue000\ue001]*)\ue001")
CHANNEL, PRIVATE = "#", "~"  # where a typed command is for: the team's channel, the own chat
_GEMEENTE_PREFIX = re.compile(r"^gemeente(\s+|$)", re.IGNORECASE)
MENTION = re.compile(r"<@([^>\s]+)>")  # a person named in a text, as adapters write it: <@slack:T1:U2>


_DIGITS = re.compile(r"[0-9]+")


def whole_number(text: str, most: int = 9) -> int | None:
    """``text`` as a whole number when it is one written in 0-9 (at most ``most`` digits), else
    None: ``isdigit`` also takes ² and ١, which ``int`` does not, or reads otherwise."""
    return int(text) if len(text) <= most and _DIGITS.fullmatch(text) else None


def typed(command: str, in_channel: bool = False, private: bool = False) -> str:
    """A command for the reader to type, inside a reply's text: where they are, or ``in_channel``
    (the team's channel), or ``private`` (their own chat with the bot), wherever this is read. Each
    renderer shows it the way its platform takes commands there: ``/leidraad start`` in Slack,
    ``@Leidraadbot start`` in a Teams channel, ``start`` in the console and a personal chat."""
    return f"\ue000{CHANNEL if in_channel else PRIVATE if private else ''}{command}\ue001"


def still_typed(command: str, where: str = "") -> str:
    """A typed command marked again, as ``show_typed``'s ``shown``: for a renderer that writes it
    later, once it knows where it is shown."""
    return f"\ue000{where}{command}\ue001"


def show_typed(value, shown: Callable[[str, str], str]):
    """``value`` (a text, or a card or blocks made of texts) with each typed command as
    ``shown(command, where)`` writes it (``where``: "", ``CHANNEL`` or ``PRIVATE``)."""
    if isinstance(value, str):
        return _TYPED.sub(lambda match: shown(match.group(2), match.group(1)), value) \
            if "\ue000" in value else value
    if isinstance(value, dict):
        return {key: show_typed(item, shown) for key, item in value.items()}
    if isinstance(value, list):
        return [show_typed(item, shown) for item in value]
    return value


def clean_text(text: str) -> str:
    """Text as it should be stored: valid Unicode (a lone surrogate from a platform's JSON becomes
    �), no control characters, NFC (after those are gone, so the result is NFC), no surrounding
    white space."""
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return unicodedata.normalize("NFC", text).strip()


def one_line(text: str, limit: int = 80) -> str:
    """A user's text inside a sentence: on one line, cut short."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def readable(text: str, mentions: Iterable[User]) -> str:
    """``text`` with the people named in it as ``@Naam``, the way it is stored and shown (what
    looks like a person but is not among ``mentions`` was typed as text, and stays so)."""
    names = {m.id: m.naam for m in mentions}
    return MENTION.sub(lambda m: "@" + names[m.group(1)] if m.group(1) in names else m.group(0), text)


def gemeente_naam(name: str) -> str:
    """The display name of a gemeente: single spaces, no leading "gemeente"."""
    return _GEMEENTE_PREFIX.sub("", " ".join(clean_text(name).split()))


def gemeente_key(name: str) -> str:
    """The key that identifies a gemeente or regio however its name is typed ("Gemeente  UTRECHT",
    "’s-hertogenbosch", "SUDWEST-FRYSLAN")."""
    return fold(gemeente_naam(name))
