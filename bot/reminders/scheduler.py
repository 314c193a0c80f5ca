"""Reminders: finding the ones that are due, and sending each message exactly once.

Three kinds, per gemeente with a bound channel:
- the status reminder, weekly or monthly at a set moment: the ontwikkelpunten that are verouderd
  or over datum, in the channel with their owners mentioned, and to each owner directly;
- stuurgroep preparation, N working days before a meeting: the owners of open ontwikkelpunten
  are asked to update;
- the summary, one working day before a meeting, in the channel.

Only the latest moment of each kind counts, so a bot that was down catches up once, never with a
flood. Every message is claimed in the store before it is sent and marked after; a claim left by
a process that died is retried once. A message that can never be delivered (the bot removed from
the channel, blocked by its owner) is marked failed, and the gemeente's beheerders are told, once.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Protocol

from bot.core.dutch import AMSTERDAM
from bot.core.replies import Notice, Reminder, Reply, Tone
from bot.core.text import typed, whole_number
from bot.reminders.schedule import (
    PREP_TIME,
    describe,
    latest_status_moment,
    meeting_text,
    working_days_before,
)
from store import Store

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)


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


class Outboxes:
    """Reminders to the platform of their place or person (``slack:…``, ``teams:…``)."""

    def __init__(self, **outboxes: Outbox):
        self._by_name = outboxes

    def send(self, outgoing: Outgoing) -> None:
        platform = (outgoing.channel or outgoing.person or "").split(":", 1)[0]
        if platform not in self._by_name:
            raise DeliveryError(f"{platform or 'een onbekend platform'} is hier niet ingesteld",
                                permanent=False)
        self._by_name[platform].send(outgoing)


def process_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _gone(holder: str) -> bool:
    """Whether the process that holds a claim on this machine no longer exists."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or whole_number(pid, 12) is None:
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@dataclass(frozen=True)
class Batch:
    """The messages of one reminder moment of a gemeente (a week's status reminder, a
    stuurgroep's preparation or summary), whose keys start with ``key``; built only when needed."""

    key: str
    gemeente_id: int
    messages: Callable[[], Iterator[Outgoing]]


class Scheduler:
    """Finds the reminders that are due and sends each message once.

    A tick looks at every gemeente with a channel in one query, passes by the moments whose
    messages are all done (``reminder_batches``) without building them, and sends the others'
    messages on ``SENDERS`` threads: each moment's in order, different moments at once."""

    SENDERS = 8

    def __init__(self, store: Store, messages: ReminderMessages, outbox: Outbox,
                 clock: Callable[[], datetime], holder: str | None = None):
        self.store = store
        self.messages = messages
        self.outbox = outbox
        self.clock = clock
        self.holder = holder or process_holder()
        self._senders = ThreadPoolExecutor(self.SENDERS, thread_name_prefix="herinneringen")

    def run_once(self, now: datetime | None = None) -> list[tuple[str, str]]:
        """Send what is due at ``now``; returns (key, outcome) per message considered."""
        now = now or self.clock()
        due = [batch for gemeente in self.store.reminder_places() for batch in self.due(gemeente, now)]
        done = self.store.batches_done([batch.key for batch in due])
        todo = [batch for batch in due if batch.key not in done]
        if not todo:
            return []
        abandoned = {h for h in self.store.reminder_holders() if _gone(h)}
        sent = self._senders.map(lambda batch: self._send_batch(batch, now, abandoned), todo)
        return [outcome for outcomes in sent for outcome in outcomes]

    def due(self, gemeente: dict, now: datetime) -> Iterator[Batch]:
        """The reminder moments of a gemeente (from ``reminder_places``) that have come."""
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
        nothing is claimed or sent (``leidraadbot herinneringen --voorbeeld``)."""
        now = now or self.clock()
        lines = []
        places = {g["id"]: g for g in self.store.reminder_places()}
        for gemeente in self.store.gemeenten():
            due = [o for batch in self.due(places[gemeente["id"]], now) for o in batch.messages()] \
                if gemeente["id"] in places else []
            lines += [outcome_words(self.store, o.key, self._would(o)) for o in due]
            if not due:
                lines.append(self.why_nothing(gemeente, now))
        return lines

    def _would(self, outgoing: Outgoing) -> str:
        done = self.store.reminder(outgoing.key)
        if done and done["state"] in ("sent", "skipped", "failed"):
            return "al " + done["state"]
        return "would" if outgoing.replies else "skipped"

    def why_nothing(self, gemeente: dict, now: datetime) -> str:
        """Why gemeente gets no reminder at ``now``, in words for the operator."""
        naam = gemeente["naam"]
        if self.store.gemeente_channel(gemeente["id"]) is None:
            return (f"Gemeente {naam}: niets, want er is geen kanaal in Slack of Teams gekoppeld; "
                    "herinneringen gaan naar het kanaal van de gemeente en naar de eigenaren.")
        upcoming = [m for m in self.store.stuurgroepen(gemeente["id"])
                    if datetime.fromisoformat(m["moment"]) > now]
        meeting = (f"; volgende stuurgroep {meeting_text(datetime.fromisoformat(upcoming[0]['moment']))}"
                   if upcoming else "; geen stuurgroep gepland")
        moment = latest_status_moment(gemeente, now)
        already = (f"; die van {meeting_text(moment)} is al verstuurd" if moment and self.store.batches_done(
            [f"status:{gemeente['id']}:{moment.isoformat()}"]) else "")
        return (f"Gemeente {naam}: nu niets aan de beurt (statusherinnering {describe(gemeente)}"
                f"{already}{meeting}).")

    def _send_batch(self, batch: Batch, now: datetime, abandoned: set[str]) -> list[tuple[str, str]]:
        """Claim a moment's messages in one transaction, send them in order, then mark them (and
        the moment, when all are done) in one more. A crash before that mark sends them again
        once, as a crash between sending and marking one message always could."""
        try:
            outgoing = list(batch.messages())
            at, lease = now.isoformat(), (now + LEASE).isoformat()
            with self.store.transaction():
                mine = [o for o in outgoing if self.store.claim_reminder(
                    o.key, o.gemeente_id, self.holder, at, lease, abandoned)]
            tried = [(o, *self._attempt(o)) for o in mine]
            with self.store.transaction():
                states = {o.key: self.store.finish_reminder(o.key, state, at, error)
                          for o, state, error in tried}
                if self.store.reminders_final([o.key for o in outgoing]):
                    self.store.finish_batch(batch.key, batch.gemeente_id, at)
        except Exception as error:  # one gemeente's trouble never stops the others
            log.error("reminders %s failed: %s", batch.key, error,
                      exc_info=log.isEnabledFor(logging.DEBUG))
            return []
        for o in mine:
            if states[o.key] == "failed":
                self._tell(o, now)
        return [(o.key, states.get(o.key, "al gedaan")) for o in outgoing]

    def _tell(self, failed: Outgoing, now: datetime) -> None:
        """The beheerders hear, once, that a reminder could not be delivered."""
        for notice in self.messages.undelivered(failed):
            with self.store.transaction():
                claimed = self.store.claim_reminder(notice.key, notice.gemeente_id, self.holder,
                                                    now.isoformat(), (now + LEASE).isoformat())
            if claimed:
                state, error = self._attempt(notice)
                with self.store.transaction():
                    self.store.finish_reminder(notice.key, state, now.isoformat(), error)

    def _attempt(self, outgoing: Outgoing) -> tuple[str, str | None]:
        """Send one claimed message: the state it gets (sent, skipped when there is nothing to
        say, retry or failed), and why it failed."""
        if not outgoing.replies:
            return "skipped", None
        try:
            self.outbox.send(outgoing)
        except DeliveryError as failure:
            log.warning("reminder %s not delivered: %s", outgoing.key, failure)
            return ("failed" if failure.permanent else "retry"), str(failure)
        return "sent", None


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


    def undelivered(self, outgoing: Outgoing) -> Iterator[Outgoing]:
        """To each beheerder (but the one it was for): a reminder could not be delivered."""
        naam = self.store.gemeente_by_id(outgoing.gemeente_id)["naam"]
        if outgoing.channel:
            text = (f"De herinnering voor gemeente {naam} kon niet in het gekoppelde kanaal worden "
                    "geplaatst: ik zit daar niet meer, of het kanaal bestaat niet meer. Voeg me "
                    "opnieuw toe aan het kanaal, of koppel een ander kanaal met "
                    f"{typed(f'koppel {naam}', in_channel=True)}.")
        else:
            wie = self.store.user_name(outgoing.person) or "een eigenaar van een ontwikkelpunt"
            text = (f"De herinnering voor {wie} (gemeente {naam}) kon ik niet persoonlijk "
                    "bezorgen: ik kan deze persoon geen bericht sturen (niet te vinden in het "
                    "kanaal van de gemeente, de chat met mij geblokkeerd, of het account bestaat "
                    "niet meer). Wilt u het even zelf doorgeven?")
        for beheerder in self.store.beheerders(outgoing.gemeente_id):
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


_KINDS = {"status": "statusherinnering", "voorbereiding": "herinnering voor de stuurgroep",
          "samenvatting": "samenvatting voor de stuurgroep"}
_OUTCOMES = {"sent": "verstuurd", "skipped": "niet nodig (niets te melden)",
             "failed": "niet bezorgd", "retry": "niet gelukt, wordt opnieuw geprobeerd",
             "claimed": "al onderweg (door een ander proces)", "would": "wordt nu verstuurd",
             "al sent": "al verstuurd", "al skipped": "was niet nodig (niets te melden)",
             "al failed": "kon eerder niet bezorgd worden"}


def outcome_words(store: Store, key: str, outcome: str) -> str:
    """One reminder message and what became of it, in Dutch (``herinneringen --eenmalig``); the
    key is as ``ReminderMessages`` makes it: kind, gemeente or meeting, moment, recipient."""
    kind, rest = key.split(":", 1)
    head, _, recipient = rest.partition(":kanaal") if ":kanaal" in rest else rest.partition(
        ":eigenaar:")
    if kind == "status":
        gemeente_id = int(head.split(":", 1)[0])
    else:
        meeting = store.db.execute("SELECT gemeente_id FROM stuurgroepen WHERE id = ?",
                                   [int(head.split(":", 1)[0])]).fetchone()
        gemeente_id = meeting[0] if meeting else None
    naam = store.gemeente_by_id(gemeente_id)["naam"] if gemeente_id else "?"
    person = recipient.split(":gemeld:")[0] if ":kanaal" not in rest else ""
    to = f"aan {store.user_name(person) or person}" if person else "in het kanaal"
    return (f"{_KINDS.get(kind, kind).capitalize()} voor gemeente {naam}, {to}: "
            f"{_OUTCOMES.get(outcome, outcome)}")
