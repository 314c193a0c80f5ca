"""Numbers, dates and times the way Dutch readers expect them (times in Europe/Amsterdam)."""

from __future__ import annotations

import errno
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")


def local_day(moment: datetime) -> date:
    """The date it is at ``moment`` in the Netherlands."""
    return moment.astimezone(AMSTERDAM).date()


def format_number(number: int) -> str:
    """``4.000``: a dot between thousands."""
    return f"{number:,}".replace(",", ".")


def format_date(day: date) -> str:
    """``12 maart 2026``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_moment(moment: datetime) -> str:
    """``12 maart 2026 om 14:03`` in Dutch local time."""
    local = moment.astimezone(AMSTERDAM)
    return f"{format_date(local.date())} om {local:%H:%M}"


DATE_EXAMPLE = "12-03-2026 of 12 maart 2026"
MONTH_NUMBERS = {name: n for n, name in enumerate(MONTHS, 1)} | {
    name[:3]: n for n, name in enumerate(MONTHS, 1)} | {"mrt": 3, "sept": 9}


class DateError(ValueError):
    """A date that cannot be read or does not exist; the message says why, with an example."""


def parse_date(text: str) -> date:
    """``12-03-2026``, ``12/3/2026``, ``2026-03-12`` or ``12 maart 2026`` as a date."""
    words = " ".join(text.casefold().replace(".", " ").split())
    numeric = re.fullmatch(r"(\d{1,2})[-/](\d{1,2})[-/](\d{4})", words)
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", words)
    spelled = re.fullmatch(r"(\d{1,2}) ([a-z]+) (\d{4})", words)
    if numeric:
        day, month, year = (int(g) for g in numeric.groups())
    elif iso:
        year, month, day = (int(g) for g in iso.groups())
    elif spelled and spelled.group(2) in MONTH_NUMBERS:
        day, month, year = int(spelled.group(1)), MONTH_NUMBERS[spelled.group(2)], int(spelled.group(3))
    else:
        raise DateError(f"Ik kan ‘{text.strip()}’ niet als datum lezen. Schrijf de datum "
                        f"bijvoorbeeld als {DATE_EXAMPLE}.")
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f"De datum ‘{text.strip()}’ bestaat niet. Schrijf een bestaande datum, "
                        f"bijvoorbeeld {DATE_EXAMPLE}.") from None


_OS_ERRORS = {errno.ENOENT: "die map bestaat niet", errno.EISDIR: "dat is een map",
              errno.ENOTDIR: "een deel van het pad is geen map",
              errno.EACCES: "daar mag dit proces niet schrijven",
              errno.EPERM: "daar mag dit proces niet schrijven", errno.ENOSPC: "de schijf is vol",
              errno.EROFS: "die schijf is alleen te lezen", errno.EEXIST: "dat bestand bestaat al"}


def os_error(error: OSError) -> str:
    """Why the system refused a file, in Dutch (its own words are English)."""
    return _OS_ERRORS.get(error.errno, f"het systeem weigert het (fout {error.errno})")
