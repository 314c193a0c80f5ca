"""A planning as Bijlage 3 asks for it: "Zo concreet mogelijk, niet alleen een jaartal of
kwartaal". One date, or steps with dates ("1 maart 2027 offerte; juni 2027 start training"); the
last date is the deadline that "over datum" is measured against."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from bot.core.dutch import MONTH_NUMBERS, DateError, format_date, parse_date

_MONTH = "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True))
# a day with a month (12-3-2027, 2027-03-12, 12 maart 2027), or a month of a year (juni 2027)
_DATES = re.compile(
    rf"\b(?P<numeric>\d{{1,2}}[-/]\d{{1,2}}[-/]\d{{4}})\b|\b(?P<iso>\d{{4}}-\d{{1,2}}-\d{{1,2}})\b"
    rf"|\b(?P<day>\d{{1,2}}\s+(?:{_MONTH})\.?\s+\d{{4}})\b|\b(?P<month>(?:{_MONTH})\.?)\s+(?P<year>\d{{4}})\b",
    re.IGNORECASE)
_VAGUE = re.compile(r"\b(?:q[1-4]|kwartaal|\d{4})\b", re.IGNORECASE)
EXAMPLE = "‘1 maart 2027’, of stappen met datums: ‘1 maart 2027 offerte; juni 2027 start training’"


@dataclass(frozen=True)
class Planning:
    deadline: date  # the last date in it
    steps: str | None  # the text as typed, when it is more than one date


def read_planning(text: str) -> Planning:
    """The planning in ``text``; ``DateError`` with the source's guidance when it names no day or
    month (only a year or a quarter) or a date that does not exist."""
    text = text.strip()
    try:
        return Planning(parse_date(text), None)
    except DateError as error:
        if "bestaat niet" in str(error):
            raise
    found = _dates_in(text)
    if found:
        return Planning(max(found), text)
    if _VAGUE.search(text):
        raise DateError("Zo concreet mogelijk, niet alleen een jaartal of kwartaal (Bijlage 3). "
                        f"Noem een dag of een maand, bijvoorbeeld {EXAMPLE}.")
    raise DateError(f"Ik kan in ‘{text[:60]}’ geen datum vinden. Schrijf bijvoorbeeld {EXAMPLE}.")


def _dates_in(text: str) -> list[date]:
    """Every date a planning's text names (a month alone counts as its last day)."""
    found: list[date] = []
    for match in _DATES.finditer(text):
        if match["month"]:
            year = int(match["year"])
            month = MONTH_NUMBERS[match["month"].casefold().rstrip(".")]
            found.append(date(year, month, calendar.monthrange(year, month)[1]))
        else:
            found.append(parse_date(match.group(0)))
    return found


def steps_of(steps: str) -> list[tuple[date, str]]:
    """The steps of a planning typed as steps with dates, each with its (last) date: "1 maart
    2027 offerte; juni 2027 start training" gives two."""
    found = []
    for step in re.split(r"[;\n]+", steps):
        try:
            dates = _dates_in(step)
        except DateError:
            continue
        what = _DATES.sub("", step).strip(" \t:;,-–·")  # the step without its date
        if dates and step.strip():
            found.append((max(dates), what or step.strip()))
    return found


def planning_text(deadline: str | None, steps: str | None) -> str:
    """How a stored planning reads: its steps, or its one date."""
    if steps:
        return steps
    return format_date(date.fromisoformat(deadline)) if deadline else ""
