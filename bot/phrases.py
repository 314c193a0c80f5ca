"""Recognising typed commands: a table of patterns, each matching the whole text."""

from __future__ import annotations

import re
from collections.abc import Iterable


def match_phrase(patterns: Iterable[tuple[re.Pattern, str]], text: str) -> tuple[str, str] | None:
    """The name of the first pattern that matches all of ``text`` (lower case, single spaces),
    with its ``arg`` group as it was typed; None when none matches."""
    words = " ".join(text.split())
    lowered = words.lower()  # lower(), not casefold(): positions must stay those of `words`
    for pattern, name in patterns:
        match = pattern.fullmatch(lowered)
        if match:
            has_arg = "arg" in pattern.groupindex and match.group("arg")
            return name, words[match.start("arg"):match.end("arg")] if has_arg else ""
    return None
