"""Reminders: when they are due, and sending each one exactly once.

Three kinds, per gemeente with a bound channel:
- the status reminder, weekly or monthly at a set moment: the ontwikkelpunten that are verouderd
  or over datum, in the channel with their owners mentioned, and to each owner directly;
- stuurgroep preparation, N working days before a meeting: the owners of open ontwikkelpunten
  are asked to update;
- the summary, one working day before a meeting, in the channel.

Working days skip weekends and Dutch public holidays. Only the latest moment of each kind counts,
so a bot that was down catches up once, never with a flood. Every message is claimed in the store
before it is sent and marked after; a claim left by a process that died is retried once.
"""

from __future__ import annotations

import calendar
import logging
import os
import re
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol

import holidays

from bot.core.dutch import AMSTERDAM, DateError, format_date, format_moment, parse_date
from bot.core.replies import Reminder, Reply
from bot.phrases import match_phrase
from store import Store

log = logging.getLogger(__name__)

WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
_WEEKDAY_WORDS = {name: n for n, name in enumerate(WEEKDAYS)} | {
    name[:2]: n for n, name in enumerate(WEEKDAYS)}
PREP_TIME = time(9, 0)  # preparation and summary go out at 09:00 on their working day
LEASE = timedelta(minutes=10)


class ScheduleError(ValueError):
    """A setting that cannot be read; the message says how to write it."""


# --- reading settings ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ScheduleCommand:
    name: str  # wekelijks, maandelijks, uit, stuurgroep, lijst, verwijder, voorbereiding
    argument: str = ""


_COMMANDS = (
    (re.compile(r"herinnering wekelijks (?P<arg>.+)"), "wekelijks"),
    (re.compile(r"herinnering maandelijks (?P<arg>.+)"), "maandelijks"),
    (re.compile(r"herinnering(?:en)? uit"), "uit"),
    (re.compile(r"herinneringen"), "toon"),
    (re.compile(r"stuurgroepen"), "lijst"),
    (re.compile(r"stuurgroep verwijder (?P<arg>.+)"), "verwijder"),
    (re.compile(r"stuurgroep (?P<arg>\d.+)"), "stuurgroep"),
    (re.compile(r"voorbereiding (?P<arg>\d+)(?: werkdagen| werkdag)?"), "voorbereiding"),
)


def parse_schedule_command(text: str, command: bool = False) -> ScheduleCommand | None:
    """``herinnering wekelijks maandag 9:00``, ``stuurgroep 15-12-2026 14:00``, ...; or None.
    As a bot ``command`` the bare ``stuurgroep`` and ``herinnering`` list too; in a gesprek they
    could be answers, so there only ``stuurgroepen`` and ``herinneringen`` do."""
    if command and text.strip().lower() in ("stuurgroep", "herinnering"):
        text = text.strip() + "en"
    found = match_phrase(_COMMANDS, text)
    return ScheduleCommand(*found) if found else None


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
    if not day.isdigit() or not 1 <= int(day) <= 31:
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

def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays.country_holidays("NL", years=day.year)


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


# --- what -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outgoing:
    """One message to send: to a channel (a place id) or a person (a user id)."""

    key: str
    gemeente_id: int
    channel: str | None
    person: str | None
    replies: tuple[Reply, ...]


class DeliveryError(Exception):
    """A message could not be delivered; ``permanent`` when trying again will not help."""

    def __init__(self, reason: str, permanent: bool):
        super().__init__(reason)
        self.permanent = permanent


class Outbox(Protocol):
    """Where reminders go out: the chat platform's side."""

    def send(self, outgoing: Outgoing) -> None: ...


def process_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _gone(holder: str) -> bool:
    """Whether the process that holds a claim on this machine no longer exists."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class Scheduler:
    """Finds the reminders that are due and sends each message once."""

    def __init__(self, store: Store, messages: ReminderMessages, outbox: Outbox,
                 clock: Callable[[], datetime], holder: str | None = None):
        self.store = store
        self.messages = messages
        self.outbox = outbox
        self.clock = clock
        self.holder = holder or process_holder()

    def run_once(self, now: datetime | None = None) -> list[tuple[str, str]]:
        """Send what is due at ``now``; returns (key, outcome) per message considered."""
        now = now or self.clock()
        outcomes = []
        for gemeente in self.store.gemeenten():
            try:
                for outgoing in self.due(gemeente, now):
                    outcomes.append((outgoing.key, self._deliver(outgoing, now)))
            except Exception as error:  # one gemeente's trouble never stops the others
                log.error("reminders for gemeente %s failed: %s", gemeente["naam"], error,
                          exc_info=log.isEnabledFor(logging.DEBUG))
        return outcomes

    def due(self, gemeente: dict, now: datetime) -> Iterator[Outgoing]:
        channel = self.store.gemeente_channel(gemeente["id"])
        if channel is None:
            return
        moment = latest_status_moment(gemeente, now)
        if moment:
            yield from self.messages.status(gemeente, channel, moment, now)
        for meeting in self.store.stuurgroepen(gemeente["id"]):
            when = datetime.fromisoformat(meeting["moment"])
            if when <= now:
                continue
            prep = datetime.combine(
                working_days_before(when.date(), gemeente.get("prep_days") or 5), PREP_TIME, AMSTERDAM)
            if prep <= now:
                yield from self.messages.preparation(gemeente, channel, meeting, when, now)
            if datetime.combine(working_days_before(when.date(), 1), PREP_TIME, AMSTERDAM) <= now:
                yield from self.messages.summary(gemeente, channel, meeting, when, now)

    def _deliver(self, outgoing: Outgoing, now: datetime) -> str:
        at = now.isoformat()
        with self.store.transaction():
            abandoned = {h for h in self.store.reminder_holders() if _gone(h)}
            claimed = self.store.claim_reminder(outgoing.key, outgoing.gemeente_id, self.holder, at,
                                                (now + LEASE).isoformat(), abandoned)
        if not claimed:
            return "al gedaan"
        if not outgoing.replies:
            state, error = "skipped", None
        else:
            try:
                self.outbox.send(outgoing)
                state, error = "sent", None
            except DeliveryError as failure:
                state, error = ("failed" if failure.permanent else "retry"), str(failure)
                log.warning("reminder %s not delivered: %s", outgoing.key, failure)
        with self.store.transaction():
            self.store.finish_reminder(outgoing.key, state, at, error)
        return state


class ReminderMessages:
    """The messages of each reminder, built from the ontwikkelplan."""

    def __init__(self, store: Store, plan, reporter):
        self.store = store
        self.plan = plan
        self.reporter = reporter

    def _open(self, gemeente: dict, today: date):
        return [p for _, punten in self.plan.open_groups(self.store, gemeente, today) for p in punten]

    def _per_owner(self, base: str, gemeente: dict, kind: str, items, meeting=None
                   ) -> Iterator[Outgoing]:
        owners: dict[str, list] = {}
        for item in items:
            if item.wie_id:
                owners.setdefault(item.wie_id, []).append(item)
        for owner, own in owners.items():
            yield Outgoing(f"{base}:eigenaar:{owner}", gemeente["id"], None, owner,
                           (Reminder(kind, gemeente["naam"], tuple(own), meeting,
                                     gemeente.get("stale_weeks") or 6, personal=True),))

    def status(self, gemeente: dict, channel: str, moment: datetime, now: datetime
               ) -> Iterator[Outgoing]:
        base = f"status:{gemeente['id']}:{moment.isoformat()}"
        items = tuple(p for p in self._open(gemeente, now.astimezone(AMSTERDAM).date())
                      if p.verouderd or p.over_datum)
        reply = (Reminder("status", gemeente["naam"], items, None, gemeente.get("stale_weeks") or 6),)
        yield Outgoing(f"{base}:kanaal", gemeente["id"], channel, None, reply if items else ())
        yield from self._per_owner(base, gemeente, "status", items)

    def preparation(self, gemeente: dict, channel: str, meeting: dict, when: datetime,
                    now: datetime) -> Iterator[Outgoing]:
        base = f"voorbereiding:{meeting['id']}"
        items = tuple(self._open(gemeente, now.astimezone(AMSTERDAM).date()))
        reply = (Reminder("voorbereiding", gemeente["naam"], items, when,
                          gemeente.get("stale_weeks") or 6),)
        yield Outgoing(f"{base}:kanaal", gemeente["id"], channel, None, reply if items else ())
        yield from self._per_owner(base, gemeente, "voorbereiding", items, when)

    def summary(self, gemeente: dict, channel: str, meeting: dict, when: datetime, now: datetime
                ) -> Iterator[Outgoing]:
        summary = self.reporter.summary(self.store, gemeente, now.astimezone(AMSTERDAM).date())
        intro = Reminder("samenvatting", gemeente["naam"], (), when, summary.stale_weeks)
        yield Outgoing(f"samenvatting:{meeting['id']}:kanaal", gemeente["id"], channel, None,
                       (intro, summary))


def meeting_text(when: datetime) -> str:
    return f"{WEEKDAYS[when.weekday()]} {format_date(when.date())} om {when:%H:%M}"


class Ticker(threading.Thread):
    """Runs the scheduler every minute inside the bot process until stopped."""

    def __init__(self, scheduler: Scheduler, interval: float = 60.0):
        super().__init__(name="herinneringen", daemon=True)
        self.scheduler = scheduler
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.scheduler.run_once()
            except Exception as error:  # a bad tick must not end the ticking
                log.error("reminder tick failed: %s", error, exc_info=log.isEnabledFor(logging.DEBUG))
            self.stopped.wait(self.interval)

    def stop(self) -> None:
        self.stopped.set()
