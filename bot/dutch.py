"""Numbers, dates and times the way Dutch readers expect them (times in Europe/Amsterdam)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")


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
