"""Cleaning what people type: control characters, length, and gemeente names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from bot.core.messages import User

MAX_ANSWER_LENGTH = 4000
MAX_NAME_LENGTH = 80

# C0 and C1 control characters except tab and newline, plus bidi overrides and zero-width marks.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_GEMEENTE_PREFIX = re.compile(r"^gemeente(\s+|$)", re.IGNORECASE)
MENTION = re.compile(r"<@([^>\s]+)>")  # a person named in a text, as adapters write it: <@slack:T1:U2>


def clean_text(text: str) -> str:
    """Text as it should be stored: NFC, no control characters, no surrounding white space."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL.sub("", text).strip()


def readable(text: str, mentions: Iterable[User]) -> str:
    """``text`` with the people named in it as ``@Naam``, the way it is stored and shown (what
    looks like a person but is not among ``mentions`` was typed as text, and stays so)."""
    names = {m.id: m.naam for m in mentions}
    return MENTION.sub(lambda m: "@" + names[m.group(1)] if m.group(1) in names else m.group(0), text)


def gemeente_naam(name: str) -> str:
    """The display name of a gemeente: single spaces, no leading "gemeente"."""
    return _GEMEENTE_PREFIX.sub("", " ".join(clean_text(name).split()))


def gemeente_key(name: str) -> str:
    """The key that identifies a gemeente however its name is typed ("Gemeente  UTRECHT")."""
    return gemeente_naam(name).casefold()
