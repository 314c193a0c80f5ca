"""Reminders: reading the settings people type, and when a reminder is due.

The status reminder goes out weekly or monthly at a set moment; the stuurgroep preparation N
working days before a meeting, and the summary one working day before. Working days skip weekends
and Dutch public holidays.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta
from functools import cache

from bot.core.commands import DoesNotFit
from bot.core.dutch import AMSTERDAM, DateError, format_date, format_moment, parse_date
from bot.core.text import whole_number

WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
_WEEKDAY_WORDS = {name: n for n, name in enumerate(WEEKDAYS)} | {
    name[:2]: n for n, name in enumerate(WEEKDAYS)}
PREP_TIME = time(9, 0)  # preparation and summary go out at 09:00 on their working day


class ScheduleError(DoesNotFit):
    """A setting that cannot be read; the message says how to write it."""


# --- reading settings -----------------------------------------------------------------------

def parse_time(text: str) -> time:
    """``9:00``, ``09.30``, ``14u`` as a time of day."""
    match = re.fullmatch(r"(\d{1,2})(?:[:.](\d{2})|u)?", text.strip().lower())
    if not match or int(match.group(1)) > 23 or int(match.group(2) or 0) > 59:
        raise ScheduleError(f"‘{text.strip()}’ is geen tijd. Schrijf bijvoorbeeld 9:00 of 14:30.")
    return time(int(match.group(1)), int(match.group(2) or 0))


def parse_weekly(argument: str) -> tuple[int, time]:
    """``maandag 9:00`` -> (0, 09:00)."""
    day, _, clock = argument.strip().partition(" ")
    weekday = _WEEKDAY_WORDS.get(day.lower())
    if weekday is None:
        raise ScheduleError("Noem een dag en een tijd, bijvoorbeeld ‘herinnering wekelijks maandag "
                            "9:00’.")
    return weekday, parse_time(clock or "9:00")


def parse_monthly(argument: str) -> tuple[int, time]:
    """``1 9:00`` -> (1, 09:00): a day of the month; a short month uses its last day."""
    day, _, clock = argument.strip().partition(" ")
    if not 1 <= (whole_number(day, 2) or 0) <= 31:
        raise ScheduleError("Noem de dag van de maand (1 tot en met 31) en een tijd, bijvoorbeeld "
                            "‘herinnering maandelijks 1 9:00’.")
    return int(day), parse_time(clock or "9:00")


def parse_meeting(argument: str, now: datetime) -> datetime:
    """``15-12-2026 14:00`` (the time is optional, 09:00) as a local moment in the future."""
    parts = argument.split()
    is_time = len(parts) > 1 and re.fullmatch(r"\d{1,2}(?:[:.]\d{2}|u)?", parts[-1].lower())
    clock = parse_time(parts[-1]) if is_time else None
    text = " ".join(parts[:-1] if clock else parts)
    try:
        day = parse_date(text)
    except DateError as error:
        raise ScheduleError(str(error)) from None
    moment = datetime.combine(day, clock or PREP_TIME, AMSTERDAM)
    if moment <= now:
        raise ScheduleError(f"{format_moment(moment)} ligt in het verleden; geef een datum die nog "
                            "moet komen.")
    return moment


def describe(gemeente: dict) -> str:
    """The status reminder setting in words."""
    kind, day, at = gemeente.get("reminder_kind"), gemeente.get("reminder_day"), gemeente.get(
        "reminder_time")
    if kind == "wekelijks":
        return f"elke {WEEKDAYS[day]} om {at}"
    if kind == "maandelijks":
        return f"elke maand op de {day}e om {at}"
    return "uit"


# --- when ---------------------------------------------------------------------------------------

@cache
def _holidays(year: int) -> frozenset[date]:
    """The Dutch public holidays of a year (the calendar is built once per year, not per day, and
    loaded the first time it is needed, not at start-up)."""
    import holidays

    return frozenset(holidays.country_holidays("NL", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def working_days_before(day: date, count: int) -> date:
    """The working day ``count`` working days before ``day``."""
    while count:
        day -= timedelta(days=1)
        count -= is_working_day(day)
    return day


def latest_status_moment(gemeente: dict, now: datetime) -> datetime | None:
    """The most recent moment (local) the status reminder was set for, at or before ``now``."""
    kind, day, clock = gemeente.get("reminder_kind"), gemeente.get("reminder_day"), gemeente.get(
        "reminder_time")
    if kind not in ("wekelijks", "maandelijks") or clock is None:
        return None
    at = time.fromisoformat(clock)
    local = now.astimezone(AMSTERDAM)
    since = datetime.fromisoformat(gemeente["reminder_since"]) if gemeente.get("reminder_since") \
        else None
    moment = None
    if kind == "wekelijks":
        candidate = local.date() - timedelta(days=(local.weekday() - day) % 7)
        moment = datetime.combine(candidate, at, AMSTERDAM)
        moment = moment if moment <= local else moment - timedelta(days=7)
    else:
        year, month = local.year, local.month
        for _ in range(2):
            last = calendar.monthrange(year, month)[1]
            candidate = datetime.combine(date(year, month, min(day, last)), at, AMSTERDAM)
            if candidate <= local:
                moment = candidate
                break
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return moment if moment and (since is None or moment >= since) else None


def meeting_text(when: datetime) -> str:
    return f"{WEEKDAYS[when.weekday()]} {format_date(when.date())} om {when:%H:%M}"
