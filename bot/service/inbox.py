"""The inbox: every message from a platform, committed before the platform is acknowledged.

An adapter hands each inbound message to ``accept``, which commits it (a delivery id seen before
stops here) and returns at once, so the acknowledgement never waits for work. Worker threads then
handle the messages in order per conversation (their lane), by the platform's own timestamp;
different conversations go in parallel. A message is handled once it has been in the inbox for
``JITTER`` (20 ms): one that overtook an earlier message on its way here is then handled after it.
Each message is handled, and its replies queued in the outbox, in one transaction. What a crash
left unhandled is handled after the restart.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

from bot.core.messages import Inbound, from_json, timestamp_key, to_json
from bot.core.replies import Notice, Tone
from bot.service.lanes import Lanes
from bot.service.outbox import Call, Outbox, Platform
from bot.service.service import Service

log = logging.getLogger(__name__)

JITTER = timedelta(milliseconds=20)
FAILED = Notice("Er ging iets mis; dit bericht is niet verwerkt en er is niets opgeslagen. Probeer "
                "het nog eens.", Tone.ERROR)


class Inbox:
    """The inbox and outbox of one platform, with their worker threads."""

    def __init__(self, service: Service, platform: Platform, threads: int = 4, senders: int = 8):
        self.store = service.store
        self.service = service
        self.platform = platform
        self.lanes = Lanes("inbox", self._drain, threads)
        self.outbox = Outbox(self.store, platform, self, senders)

    def start(self) -> None:
        """Start the workers; messages and calls left by an earlier run go first."""
        self.lanes.start(self.store.inbox_lanes())
        self.outbox.start()

    def stop(self) -> None:
        self.lanes.stop()
        self.outbox.lanes.stop()

    def accept(self, inbound: Inbound) -> bool:
        """Commit a message, before the platform is acknowledged; False for one seen before."""
        with self.store.transaction():
            lane = self.enqueue(inbound)
        if lane is None:
            log.info("ignoring repeated delivery %s", inbound.delivery_id)
            return False
        self.wake(lane)
        return True

    def enqueue(self, inbound: Inbound) -> str | None:
        """Store a message inside the caller's transaction; its lane, or None for a repeat."""
        now = datetime.now(UTC)
        lane = inbound.place.id
        added = self.store.inbox_add(inbound.delivery_id, lane, inbound.sent_at or timestamp_key(now),
                                     to_json(inbound), now.isoformat())
        return lane if added else None

    def wake(self, lane: str) -> None:
        self.lanes.wake(lane)

    def settle(self, timeout: float = 30) -> None:
        """Wait until every message is handled and every call made (tests, benchmarks)."""
        deadline = time.monotonic() + timeout
        while not (self.lanes.idle() and self.outbox.lanes.idle()):
            left = deadline - time.monotonic()
            if left <= 0 or not (self.lanes.wait_idle(left) and self.outbox.lanes.wait_idle(left)):
                raise TimeoutError("the inbox did not settle")

    def _drain(self, lane: str) -> float | None:
        while (entry := self.store.inbox_next(lane)) is not None:
            entry_id, payload, received_at = entry
            wait = datetime.fromisoformat(received_at) + JITTER - datetime.now(UTC)
            if wait > timedelta(0):
                return wait.total_seconds()
            inbound = self.platform.prepare(from_json(payload))
            out = _Out(self, lane)
            try:
                with self.store.transaction():
                    self.platform.deliver(inbound, self.service.process(inbound), out)
                    self.store.inbox_finish(entry_id, "done", datetime.now(UTC).isoformat())
            except Exception:  # a fault handling one message: the user hears of it, the lane goes on
                log.exception("message %s in lane %s could not be handled", entry_id, lane)
                out = _Out(self, lane)
                with self.store.transaction():
                    self.platform.deliver(inbound, [FAILED], out)
                    self.store.inbox_finish(entry_id, "failed", datetime.now(UTC).isoformat())
            out.wake()
        return None


class _Out:
    """What a handled message leads to, queued in its transaction and woken after it commits."""

    def __init__(self, inbox: Inbox, lane: str):
        self.inbox = inbox
        self.lane = lane
        self.calls = 0
        self.lanes: list[str] = []

    def call(self, call: Call) -> None:
        self.inbox.outbox.add(self.lane, call, datetime.now(UTC).isoformat())
        self.calls += 1

    def then(self, inbound: Inbound) -> None:
        lane = self.inbox.enqueue(inbound)
        if lane:
            self.lanes.append(lane)

    def wake(self) -> None:
        if self.calls:
            self.inbox.outbox.lanes.wake(self.lane)
        for lane in self.lanes:
            self.inbox.wake(lane)
