"""The inbox: every message from a platform, committed before the platform is acknowledged.

An adapter hands each inbound message to ``accept``, which commits it to the inbox database (a
delivery id seen before stops here) and returns, so the acknowledgement never waits for work:
not for the Web API, not for the workers' transactions in the main database. Messages that arrive
together are committed together, one write to disk for all of them.

Worker threads (``start``; in ``leidraadbot slack`` they run in the worker process, see
``bot.service.worker``) handle the messages in order per conversation (their lane), by the
platform's own timestamp; different conversations go in parallel. A message is handled once it has
been in the inbox for ``JITTER`` (20 ms): one that overtook an earlier message on its way here is
then handled after it. A message's effects, its replies queued in the outbox and the record that
it is handled are committed in one transaction of the main database: whatever crashes, every
message taken in is handled once, after a restart if need be.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from datetime import UTC, datetime, timedelta

from bot.core.messages import Command, Inbound, from_json, timestamp_key, to_json
from bot.core.replies import Notice, Tone
from bot.service.lanes import Lanes
from bot.service.outbox import Call, Outbox, Platforms
from bot.service.service import Service

log = logging.getLogger(__name__)

JITTER = timedelta(milliseconds=20)
WATCH = 0.01  # seconds between looks for messages that another process took in
FAILED = Notice("Er ging iets mis; dit bericht is niet verwerkt en er is niets opgeslagen. Probeer "
                "het nog eens.", Tone.ERROR)


def _now() -> datetime:
    return datetime.now(UTC)


class Inbox:
    """The inbox and outbox of the platforms that run here, with their worker threads."""

    def __init__(self, service: Service, platforms: Platforms, threads: int = 4, senders: int = 8):
        self.store = service.store
        self.entries = service.store.inbox
        self.service = service
        self.platforms = platforms
        self.lanes = Lanes("inbox", self._drain, threads)
        self.outbox = Outbox(self.store, platforms, self, senders)
        self._intake = _Intake(self)
        self._watching = threading.Event()

    def start(self, watch: bool = False) -> None:
        """Start the workers; messages and calls left by an earlier run go first. With
        ``watch``, also look for messages that another process (the one that acknowledges
        them) takes in, and calls it queues (a one-shot reminder run)."""
        self.store.checkpoint_in_background()
        self.entries.checkpoint_in_background()
        seen = self.entries.newest()  # first: what comes in after this, the watch finds
        queued = self.store.messaging.newest_call()
        self.lanes.start([lane for lane in self.entries.lanes() if self.platforms.serves(lane)])
        self.outbox.start()
        if watch:
            self._watching.set()
            threading.Thread(target=self._watch, args=(seen, queued), name="inbox-watch",
                             daemon=True).start()

    def stop(self) -> None:
        self._watching.clear()
        self.lanes.stop()
        self.outbox.lanes.stop()

    def open(self) -> None:
        """Ready to take messages in (the process that acknowledges): the inbox's file is kept
        up to date by a thread of its own, never inside a commit that an acknowledgement waits
        for."""
        self.entries.checkpoint_in_background()

    def accept(self, inbound: Inbound) -> bool:
        """Commit a message, before the platform is acknowledged; False for one seen before."""
        return self._intake.take(inbound)

    def wake(self, lane: str) -> None:
        """Handle a lane's messages, when they are for a platform of this process."""
        if self.platforms.serves(lane):
            self.lanes.wake(lane)

    def settle(self, timeout: float = 30) -> None:
        """Wait until every message is handled and every call made (tests, benchmarks)."""
        deadline = time.monotonic() + timeout
        while not (self.lanes.idle() and self.outbox.lanes.idle()):
            left = deadline - time.monotonic()
            if left <= 0 or not (self.lanes.wait_idle(left) and self.outbox.lanes.wait_idle(left)):
                raise TimeoutError("the inbox did not settle")

    def handle(self, inbound: Inbound, out: _Out) -> None:
        """Handle a message inside the caller's transaction: what it does, and its replies."""
        self.platforms.of(inbound.place.id).deliver(inbound, self.service.process(inbound), out)

    def follow(self, inbound: Inbound) -> _Out:
        """Handle a message that follows from a call just made (the gesprek in the thread a call
        made) inside the caller's transaction; wake what it returns once that commits."""
        out = _Out(self, inbound)
        self.handle(inbound, out)
        return out

    def _watch(self, seen: int, queued: int) -> None:
        """Wake the lanes of messages that arrive after entry ``seen``, and of calls queued
        after call ``queued`` (the ones before were there when the lanes started)."""
        while self._watching.is_set():
            for lane, newest in self.entries.arrived(seen):
                seen = max(seen, newest)
                self.wake(lane)
            for lane, newest in self.store.messaging.calls_after(queued):
                queued = max(queued, newest)
                if self.platforms.serves(lane):
                    self.outbox.lanes.wake(lane)
            time.sleep(WATCH)  # the pace of looking, not a synchronisation

    def _drain(self, lane: str) -> float | None:
        self._expect(lane)
        while (entry := self.entries.next(lane)) is not None:
            entry_id, payload, received_at = entry
            wait = datetime.fromisoformat(received_at) + JITTER - _now()
            if wait > timedelta(0):
                return wait.total_seconds()
            if self.store.messaging.was_handled(entry_id):  # handled just before a crash
                self.entries.finish(entry_id, "done", _now().isoformat())
                continue
            try:
                inbound = from_json(payload)
            except (ValueError, TypeError, KeyError):
                log.exception("message %s in lane %s cannot be read; left aside", entry_id, lane)
                self.entries.finish(entry_id, "failed", _now().isoformat())
                continue
            self._handle(entry_id, self.platforms.of(lane).prepare(inbound))
        return None

    def _expect(self, lane: str) -> None:
        """When messages wait in a lane, let the platform find out what it needs for all of them
        at once (Slack: the names of people it does not know yet)."""
        waiting = self.entries.waiting(lane)
        if len(waiting) > 1:
            with contextlib.suppress(ValueError, TypeError, KeyError):  # _drain says which
                self.platforms.of(lane).expect([from_json(payload) for payload in waiting])

    def _handle(self, entry_id: int, inbound: Inbound) -> None:
        out = _Out(self, inbound)
        state = "done"
        try:
            with self.store.transaction():
                self.platforms.of(inbound.place.id).keep(inbound)
                self.handle(inbound, out)
                self.store.messaging.handled(entry_id, inbound.delivery_id, _now().isoformat())
        except Exception:  # a fault handling one message: the user hears of it, the lane goes on
            log.exception("message %s in lane %s could not be handled", entry_id, inbound.place.id)
            out, state = _Out(self, inbound), "failed"
            with self.store.transaction():
                self.platforms.of(inbound.place.id).deliver(inbound, [FAILED], out)
                self.store.messaging.handled(entry_id, inbound.delivery_id, _now().isoformat())
        self.entries.finish(entry_id, state, _now().isoformat())
        out.wake()


def replies_lane(inbound: Inbound) -> str:
    """The outbox lane of a message's replies: its conversation's; a command's answer is for the
    one who asked, so it does not wait behind the answers to others in the channel."""
    place = inbound.place.id
    return f"{place}|{inbound.user.id}" if isinstance(inbound, Command) else place


class _Out:
    """Where a handled message's consequences go, in its transaction: calls into the outbox
    (woken once it commits), and follow-up messages handled right away."""

    def __init__(self, inbox: Inbox, inbound: Inbound):
        self.inbox = inbox
        self.lane = replies_lane(inbound)
        self.woken: set[str] = set()

    def call(self, call: Call) -> None:
        self.inbox.outbox.add(self.lane, call, _now().isoformat())
        self.woken.add(self.lane)

    def then(self, inbound: Inbound) -> None:
        self.woken |= self.inbox.follow(inbound).woken

    def wake(self) -> None:
        for lane in self.woken:
            self.inbox.outbox.lanes.wake(lane)


class _Intake:
    """Messages that arrive together are committed together: each thread that takes one in waits
    for the commit that holds it, and one commit (one write to disk) serves them all. Whoever finds
    no commit going makes it, then hands the next one to the first who waits."""

    def __init__(self, inbox: Inbox):
        self.inbox = inbox
        self._changed = threading.Lock()
        self._waiting: list[_Arrival] = []
        self._committing = False

    def take(self, inbound: Inbound) -> bool:
        arrival = _Arrival(inbound)
        with self._changed:
            self._waiting.append(arrival)
            lead, self._committing = not self._committing, True
        while True:
            if lead:
                self._commit()
            arrival.ready.wait()
            if arrival.outcome is not _LEAD:
                break
            arrival.ready.clear()
            lead = True
        if isinstance(arrival.outcome, BaseException):
            raise arrival.outcome
        if not arrival.outcome:
            log.info("ignoring repeated delivery %s", inbound.delivery_id)
        return arrival.outcome

    def _commit(self) -> None:
        with self._changed:
            batch, self._waiting = self._waiting, []
        now = _now()
        try:
            ids = self.inbox.entries.add([
                (a.inbound.delivery_id, a.inbound.place.id, a.inbound.sent_at or timestamp_key(now),
                 to_json(a.inbound), now.isoformat()) for a in batch])
        except Exception as error:
            ids, failure = [None] * len(batch), error
        else:
            failure = None
        for entry_id, arrival in zip(ids, batch, strict=True):
            if entry_id:
                self.inbox.wake(arrival.inbound.place.id)
            arrival.outcome = failure or entry_id is not None
            arrival.ready.set()
        with self._changed:
            if self._waiting:  # the next commit is for the first who waits
                self._waiting[0].outcome = _LEAD
                self._waiting[0].ready.set()
            else:
                self._committing = False


_LEAD = object()


class _Arrival:
    __slots__ = ("inbound", "outcome", "ready")

    def __init__(self, inbound: Inbound):
        self.inbound = inbound
        self.outcome: object = None
        self.ready = threading.Event()
