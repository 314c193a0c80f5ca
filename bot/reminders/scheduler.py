"""Reminders: finding the ones that are due, and queueing each message exactly once.

Three kinds, per gemeente with a bound channel:
- the status reminder, weekly or monthly at a set moment: the ontwikkelpunten that are verouderd
  or over datum, in the channel with their owners mentioned, and to each owner directly;
- stuurgroep preparation, N working days before a meeting: the owners of open ontwikkelpunten
  are asked to update;
- the summary, one working day before a meeting, in the channel.

Only the latest moment of each kind counts, so a bot that was down catches up once, never with a
flood. A moment's messages are queued in the outbox, like every other message the bot sends, in
the transaction that marks the moment done: a crash before it commits queues nothing (the next
tick does it all), after it nothing is queued again. A message that can never be delivered (the
bot removed from the channel, blocked by its owner) is marked failed by the outbox, and the next
tick tells the gemeente's beheerders, once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from bot.core.dutch import AMSTERDAM
from bot.core.replies import Notice, Reminder, Reply, Tone
from bot.core.text import typed
from bot.reminders.schedule import (
    PREP_TIME,
    describe,
    latest_status_moment,
    meeting_text,
    working_days_before,
)
from bot.service.outbox import Outbox
from bot.team.away import meanwhile
from bot.team.handing import ref_of, still_open
from dialogues.content import checklist
from store import Store

log = logging.getLogger(__name__)


# --- what -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outgoing:
    """One message to send: to a channel (a place id) or a person (a user id)."""

    key: str
    gemeente_id: int
    channel: str | None
    person: str | None
    replies: tuple[Reply, ...]

    @property
    def lane(self) -> str:
        """Its outbox lane: the channel or person it goes to."""
        return self.channel or self.person

    @classmethod
    def of(cls, row: dict) -> Outgoing:
        """A reminder as the store keeps it (without its replies): who it was for."""
        channel = ":kanaal" in row["key"]
        return cls(row["key"], row["gemeente_id"], row["recipient"] if channel else None,
                   None if channel else row["recipient"], ())


@dataclass(frozen=True)
class Batch:
    """The messages of one reminder moment of a gemeente (a week's status reminder, a
    stuurgroep's preparation or summary), whose keys start with ``key``; built only when needed."""

    key: str
    gemeente_id: int
    messages: Callable[[], Iterator[Outgoing]]


class Scheduler:
    """Finds the reminders that are due and queues each message once in the outbox.

    A tick looks at every gemeente with a channel in one query, passes by the moments whose
    messages are all queued (``reminder_batches``) without building them, and queues the others'
    messages, each moment in one transaction."""

    def __init__(self, store: Store, messages: ReminderMessages, outbox: Outbox | None,
                 clock: Callable[[], datetime]):
        self.store = store
        self.messages = messages
        self.outbox = outbox
        self.clock = clock

    def run_once(self, now: datetime | None = None) -> list[tuple[str, str]]:
        """Queue what is due at ``now`` (and tell the beheerders about reminders that could not
        be delivered); returns (key, outcome) per message considered."""
        now = now or self.clock()
        outcomes = self._tell_failures(now) + self._welcome_back(now)
        due = [batch for gemeente in self.store.reminders.places() for batch in self.due(gemeente, now)]
        done = self.store.reminders.moments_done([batch.key for batch in due])
        for batch in due:
            if batch.key not in done:
                outcomes += self._queue_batch(batch, now)
        return outcomes

    def run_here(self, now: datetime | None = None, patience: float = 0) -> list[tuple[str, str]]:
        """A tick whose messages this process sends itself (a one-shot run, with no worker
        process on the database): queue, send, tell the beheerders of what failed just now, send
        that too. What became of each message queued now or left queued by an earlier run:
        sent, skipped, failed, or retry (a pause longer than ``patience`` seconds)."""
        left = self.store.reminders.queued()
        queued = self.run_once(now)
        self.outbox.flush(patience)
        queued += self.run_once(now)
        self.outbox.flush(patience)
        outcomes = [(key, "queued") for key in left] + queued
        states = {key: self.store.reminders.get(key)["state"] for key, outcome in outcomes
                  if outcome == "queued"}
        return [(key, {"queued": "retry"}.get(states.get(key), states.get(key, outcome)))
                for key, outcome in outcomes]

    def due(self, gemeente: dict, now: datetime) -> Iterator[Batch]:
        """The reminder moments of a gemeente (from ``Reminders.places``) that have come."""
        channel, base = gemeente["channel"], partial(Batch, gemeente_id=gemeente["id"])
        moment = latest_status_moment(gemeente, now)
        if moment:
            yield base(f"status:{gemeente['id']}:{moment.isoformat()}",
                       messages=partial(self.messages.status, gemeente, channel, moment, now))
        for meeting in gemeente["meetings"]:
            when = datetime.fromisoformat(meeting["moment"])
            if when <= now:
                continue
            prep = datetime.combine(
                working_days_before(when.date(), gemeente.get("prep_days") or 5), PREP_TIME, AMSTERDAM)
            if prep <= now:
                yield base(f"voorbereiding:{meeting['id']}", messages=partial(
                    self.messages.preparation, gemeente, channel, meeting, when, now))
            if datetime.combine(working_days_before(when.date(), 1), PREP_TIME, AMSTERDAM) <= now:
                yield base(f"samenvatting:{meeting['id']}", messages=partial(
                    self.messages.summary, gemeente, channel, meeting, when, now))

    def preview(self, now: datetime | None = None) -> list[str]:
        """What a run at ``now`` would send, to whom and why, and why not where nothing would go;
        nothing is queued or sent (``leidraadbot herinneringen --voorbeeld``)."""
        now = now or self.clock()
        lines = []
        places = {g["id"]: g for g in self.store.reminders.places()}
        for gemeente in self.store.gemeenten.all():
            due = [o for batch in self.due(places[gemeente["id"]], now) for o in batch.messages()] \
                if gemeente["id"] in places else []
            lines += [outcome_words(self.store, o.key, self._would(o)) for o in due]
            if not due:
                lines.append(self.why_nothing(gemeente, now))
        return lines

    def _would(self, outgoing: Outgoing) -> str:
        done = self.store.reminders.get(outgoing.key)
        if done and done["state"] in ("queued", "sent", "skipped", "failed"):
            return "al " + done["state"]
        return "would" if outgoing.replies else "skipped"

    def why_nothing(self, gemeente: dict, now: datetime) -> str:
        """Why gemeente gets no reminder at ``now``, in words for the operator."""
        naam = gemeente["naam"]
        if self.store.gemeenten.channel(gemeente["id"]) is None:
            return (f"Gemeente {naam}: niets, want er is geen kanaal in Slack of Teams gekoppeld; "
                    "herinneringen gaan naar het kanaal van de gemeente en naar de eigenaren.")
        upcoming = [m for m in self.store.reminders.stuurgroepen(gemeente["id"])
                    if datetime.fromisoformat(m["moment"]) > now]
        meeting = (f"; volgende stuurgroep {meeting_text(datetime.fromisoformat(upcoming[0]['moment']))}"
                   if upcoming else "; geen stuurgroep gepland")
        moment = latest_status_moment(gemeente, now)
        done = moment and self.store.reminders.moments_done([f"status:{gemeente['id']}:{moment.isoformat()}"])
        already = f"; die van {meeting_text(moment)} is al verstuurd" if done else ""
        return (f"Gemeente {naam}: nu niets aan de beurt (statusherinnering {describe(gemeente)}"
                f"{already}{meeting}).")

    def _queue_batch(self, batch: Batch, now: datetime) -> list[tuple[str, str]]:
        """Queue a moment's messages and mark the moment done, in one transaction."""
        try:
            outgoing = list(batch.messages())
            with self.store.transaction():
                outcomes = [(o.key, self._queue(o, now)) for o in outgoing]
                self.store.reminders.moment_done(batch.key, batch.gemeente_id, now.isoformat())
        except Exception as error:  # one gemeente's trouble never stops the others
            log.error("reminders %s failed: %s", batch.key, error,
                      exc_info=log.isEnabledFor(logging.DEBUG))
            return []
        self._wake(o.lane for o in outgoing)
        return outcomes

    def _queue(self, outgoing: Outgoing, now: datetime) -> str:
        """Queue one message (inside the caller's transaction): queued, skipped when there is
        nothing to say, or 'al gedaan' when it was queued before."""
        # skipped: nothing to say, or to someone no platform here reaches (named in the console)
        reached = outgoing.replies and self.outbox.platforms.serves(outgoing.lane)
        state = "queued" if reached else "skipped"
        if not self.store.reminders.queue(outgoing.key, outgoing.gemeente_id, outgoing.lane,
                                          now.isoformat(), state):
            return "al gedaan"
        if state == "queued":
            self.outbox.platforms.of(outgoing.lane).announce(
                outgoing.lane, outgoing.gemeente_id, list(outgoing.replies),
                _Queued(self.outbox, outgoing), in_channel=outgoing.channel is not None)
        return state

    def _tell_failures(self, now: datetime) -> list[tuple[str, str]]:
        """The beheerders hear, once, of each reminder that could not be delivered."""
        failed = self.store.reminders.untold_failures()
        if not failed:
            return []
        outcomes = []
        with self.store.transaction():
            for row in failed:
                self.store.reminders.told(row["key"], now.isoformat())
                if ":gemeld:" in row["key"]:  # a notice that failed itself: nobody left to tell
                    continue
                for notice in self.messages.undelivered(Outgoing.of(row)):
                    outcomes.append((notice.key, self._queue(notice, now)))
        self._wake(row["recipient"] for row in failed)
        return outcomes

    def _welcome_back(self, now: datetime) -> list[tuple[str, str]]:
        """Whoever's last day away is over is back: their reminders come to them again, and one
        message says what happened meanwhile (in the transaction that ends the absence)."""
        today = now.astimezone(AMSTERDAM).date().isoformat()
        outcomes, lanes = [], []
        for absence in self.store.team.returned(today):
            person = absence["user_id"]
            gemeenten = self.store.team.gemeenten_involved(person)
            try:
                with self.store.transaction():
                    self.store.team.set_back(person, "operator", now.isoformat(),
                                             [g["id"] for g in gemeenten])
                    if gemeenten:
                        news = Notice(meanwhile(self.store, person, absence["since"], gemeenten))
                        where = gemeenten[0]["id"]
                        outgoing = Outgoing(f"terug:{where}:{absence['until']}:eigenaar:{person}",
                                            where, None, person, (news,))
                        outcomes.append((outgoing.key, self._queue(outgoing, now)))
                        lanes.append(person)
            except Exception as error:  # one person's trouble never stops the tick
                log.error("welcome back failed: %s", error, exc_info=log.isEnabledFor(logging.DEBUG))
        self._wake(lanes)
        return outcomes

    def _wake(self, lanes) -> None:
        """Once queued calls are committed, the outbox's threads may make them."""
        for lane in set(lanes):
            self.outbox.lanes.wake(lane)


class _Queued:
    """Where a reminder's calls go: its lane of the outbox, marked as the reminder's."""

    def __init__(self, outbox: Outbox, outgoing: Outgoing):
        self.outbox, self.outgoing = outbox, outgoing

    def call(self, call: dict) -> None:
        self.outbox.add(self.outgoing.lane, call | {"reminder": self.outgoing.key},
                        self.outbox.clock().isoformat())

    def then(self, inbound) -> None:
        raise TypeError("a reminder's call has no follow-up messages")


class ReminderMessages:
    """The messages of each reminder, built from the ontwikkelplan."""

    def __init__(self, store: Store, plan, reporter):
        self.store = store
        self.plan = plan
        self.reporter = reporter

    def _open(self, gemeente: dict, today: date):
        return [p for _, punten in self.plan.open_groups(self.store, gemeente, today) for p in punten]

    def _per_owner(self, base: str, gemeente: dict, kind: str, items, today: date, meeting=None,
                   handed: dict[str, list[str]] | None = None) -> Iterator[Outgoing]:
        """To each owner their own items (and, in a status reminder, the questions handed to them
        still open): while they are away to their vervanger, on their behalf, or to nobody. A
        status reminder leaves out what its reader put off; a stuurgroep's preparation never."""
        owners: dict[str, list] = {person: [] for person in handed or {}}
        for item in items:
            if item.wie_id:
                owners.setdefault(item.wie_id, []).append(item)
        if not owners:
            return
        day = today.isoformat()
        away = self.store.team.away_of(list(owners), day)
        later = self.store.team.snoozes(gemeente["id"], day) if kind == "status" else set()
        for owner, own in owners.items():
            absence = away.get(owner)
            reader = absence["vervanger_id"] if absence else owner
            if reader is None:  # away without a vervanger: it waits
                continue
            shown = tuple(p for p in own if (p.nummer, reader) not in later)
            questions = () if absence else tuple(  # handed questions wait for their owner
                (ref_of(q), checklist().listed(q)) for q in (handed or {}).get(owner, ()))
            if shown or questions:
                yield Outgoing(f"{base}:eigenaar:{owner}", gemeente["id"], None, reader, (Reminder(
                    kind, gemeente["naam"], shown, meeting, gemeente.get("stale_weeks") or 6,
                    personal=True, questions=questions,
                    on_behalf=(self.store.people.name(owner) or "") if absence else ""),))

    def _handed_open(self, gemeente: dict) -> dict[str, list[str]]:
        """The questions of a gemeente handed to each person and not answered yet."""
        rows = self.store.team.assignments(gemeente["id"])
        if not rows:
            return {}
        return {user_id: questions for user_id, _, questions in
                still_open(rows, self.store.answers.current(gemeente["id"]))}

    def status(self, gemeente: dict, channel: str, moment: datetime, now: datetime
               ) -> Iterator[Outgoing]:
        base = f"status:{gemeente['id']}:{moment.isoformat()}"
        today = now.astimezone(AMSTERDAM).date()
        items = tuple(p for p in self._open(gemeente, today) if p.verouderd or p.over_datum)
        reply = (Reminder("status", gemeente["naam"], items, None, gemeente.get("stale_weeks") or 6),)
        yield Outgoing(f"{base}:kanaal", gemeente["id"], channel, None, reply if items else ())
        yield from self._per_owner(base, gemeente, "status", items, today,
                                   handed=self._handed_open(gemeente))

    def preparation(self, gemeente: dict, channel: str, meeting: dict, when: datetime,
                    now: datetime) -> Iterator[Outgoing]:
        base = f"voorbereiding:{meeting['id']}"
        today = now.astimezone(AMSTERDAM).date()
        items = tuple(self._open(gemeente, today))
        reply = (Reminder("voorbereiding", gemeente["naam"], items, when,
                          gemeente.get("stale_weeks") or 6),)
        yield Outgoing(f"{base}:kanaal", gemeente["id"], channel, None, reply if items else ())
        yield from self._per_owner(base, gemeente, "voorbereiding", items, today, when)

    def summary(self, gemeente: dict, channel: str, meeting: dict, when: datetime, now: datetime
                ) -> Iterator[Outgoing]:
        summary = self.reporter.summary(self.store, gemeente, now.astimezone(AMSTERDAM).date())
        intro = Reminder("samenvatting", gemeente["naam"], (), when, summary.stale_weeks)
        yield Outgoing(f"samenvatting:{meeting['id']}:kanaal", gemeente["id"], channel, None,
                       (intro, summary))


    def undelivered(self, outgoing: Outgoing) -> Iterator[Outgoing]:
        """To each beheerder (but the one it was for): a reminder could not be delivered."""
        naam = self.store.gemeenten.by_id(outgoing.gemeente_id)["naam"]
        if outgoing.channel:
            text = (f"De herinnering voor gemeente {naam} kon niet in het gekoppelde kanaal worden "
                    "geplaatst: ik zit daar niet meer, of het kanaal bestaat niet meer. Voeg me "
                    "opnieuw toe aan het kanaal, of koppel een ander kanaal met "
                    f"{typed(f'koppel {naam}', in_channel=True)}.")
        else:
            wie = self.store.people.name(outgoing.person) or "een eigenaar van een ontwikkelpunt"
            text = (f"De herinnering voor {wie} (gemeente {naam}) kon ik niet persoonlijk "
                    "bezorgen: ik kan deze persoon geen bericht sturen (niet te vinden in het "
                    "kanaal van de gemeente, de chat met mij geblokkeerd, of het account bestaat "
                    "niet meer). Wilt u het even zelf doorgeven?")
        for beheerder in self.store.people.beheerders(outgoing.gemeente_id):
            if beheerder["id"] != outgoing.person:
                yield Outgoing(f"{outgoing.key}:gemeld:{beheerder['id']}", outgoing.gemeente_id,
                               None, beheerder["id"], (Notice(text, Tone.WARNING),))


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


_KINDS = {"terug": "bericht na afwezigheid", "status": "statusherinnering",
          "voorbereiding": "herinnering voor de stuurgroep",
          "samenvatting": "samenvatting voor de stuurgroep"}
_OUTCOMES = {"sent": "verstuurd", "skipped": "niet nodig (niets te melden)",
             "failed": "niet bezorgd", "retry": "niet gelukt, wordt opnieuw geprobeerd",
             "queued": "klaargezet; het werkproces van de bot verstuurt het",
             "al gedaan": "al eerder klaargezet", "would": "wordt nu verstuurd",
             "al queued": "al klaargezet, nog niet verstuurd",
             "al sent": "al verstuurd", "al skipped": "was niet nodig (niets te melden)",
             "al failed": "kon eerder niet bezorgd worden"}


def outcome_words(store: Store, key: str, outcome: str) -> str:
    """One reminder message and what became of it, in Dutch (``herinneringen --eenmalig``); the
    key is as ``ReminderMessages`` makes it: kind, gemeente or meeting, moment, recipient."""
    kind, rest = key.split(":", 1)
    head, _, recipient = rest.partition(":kanaal") if ":kanaal" in rest else rest.partition(
        ":eigenaar:")
    if kind in ("status", "terug"):
        gemeente_id = int(head.split(":", 1)[0])
    else:
        meeting = store.db.execute("SELECT gemeente_id FROM stuurgroepen WHERE id = ?",
                                   [int(head.split(":", 1)[0])]).fetchone()
        gemeente_id = meeting[0] if meeting else None
    naam = store.gemeenten.by_id(gemeente_id)["naam"] if gemeente_id else "?"
    person = recipient.split(":gemeld:")[0] if ":kanaal" not in rest else ""
    to = f"aan {store.people.name(person) or person}" if person else "in het kanaal"
    return (f"{_KINDS.get(kind, kind).capitalize()} voor gemeente {naam}, {to}: "
            f"{_OUTCOMES.get(outcome, outcome)}")
