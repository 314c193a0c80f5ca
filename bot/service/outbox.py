"""The outbox: the platform calls that carry the replies out, in order per lane, with retries.

Every message leaves this way: a handled message's replies are turned into calls by the adapter's
``Platform`` and stored in the same transaction as the message's effects, and a reminder's
(``announce``) in the transaction that marks its moment done; the outbox then makes them. A call
that fails in a way that may pass is tried again after a pause; one that cannot succeed is marked
failed and logged, and the lane goes on. A reminder's call marks the reminder sent or failed. A
call made just before a crash may be made again after the restart.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from bot.core.messages import Inbound
from bot.core.replies import Reply
from bot.service.lanes import Lanes
from store import Store

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
Call = dict[str, Any]  # the adapter's own description of one call; "asked" marks a question


class TryLater(Exception):
    """The call failed in a way that may pass (the platform is busy or unreachable); ``after``
    is how many seconds the platform asked to wait (``Retry-After``), when it said."""

    def __init__(self, reason: str, after: float | None = None):
        super().__init__(reason)
        self.after = after


class CannotSend(Exception):
    """The call will never succeed (the channel is gone, the bot was removed)."""


class Out(Protocol):
    """Where an adapter puts what follows from a message: calls to make, messages to handle."""

    def call(self, call: Call) -> None: ...

    def then(self, inbound: Inbound) -> None: ...


@dataclass(frozen=True)
class Sent:
    """A call made: the platform's time of the question it posted (for ``asked``) and that
    message as the platform updates it later (``message``, its own JSON), and the messages to
    handle now that it is there (the gesprek in a thread just made)."""

    posted_at: str | None = None
    then: tuple[Inbound, ...] = ()
    message: str | None = None


class Platform(Protocol):
    """A chat platform's side of the inbox and outbox."""

    def prepare(self, inbound: Inbound) -> Inbound:
        """The inbound with what the platform must tell about it (people's names)."""

    def expect(self, inbounds: list[Inbound]) -> None:
        """Start finding out, all at once, what ``prepare`` will need for these messages."""

    def keep(self, inbound: Inbound) -> None:
        """Keep what the platform needs of a message later (how to reach its sender), in the
        transaction that handles it."""

    def deliver(self, inbound: Inbound, replies: list[Reply], out: Out) -> None:
        """Turn the replies to ``inbound`` into calls (and follow-up messages)."""

    def announce(self, to: str, gemeente_id: int, replies: list[Reply], out: Out,
                 in_channel: bool = False) -> None:
        """Turn replies that answer no message into calls: a new post in the channel ``to`` (a
        place id, ``in_channel``), or a message in the person ``to``'s own chat with the bot."""

    def send(self, call: Call) -> Sent:
        """Make one call; raises ``TryLater`` or ``CannotSend``."""


class Platforms:
    """The platforms behind one inbox and outbox, each with places of its own (``slack:…``,
    ``teams:…``): a message, its replies and their calls go to the platform of its place."""

    def __init__(self, **platforms: Platform):
        self._by_name = platforms

    def serves(self, key: str) -> bool:
        """Whether a place or lane (``slack:T1:C1|…``) is one of these platforms'."""
        return key.split(":", 1)[0] in self._by_name

    def of(self, key: str) -> Platform:
        return self._by_name[key.split(":", 1)[0]]


class Follower(Protocol):
    """What handles a call's follow-up messages (the inbox), inside the outbox's transaction."""

    def follow(self, inbound: Inbound) -> Woken: ...


class Woken(Protocol):
    def wake(self) -> None: ...


def _now() -> datetime:
    return datetime.now(UTC)


class Outbox:
    """Makes the queued calls, each by the platform of its lane. ``inbox`` handles the messages
    that follow from a call (none for an outbox that only sends reminders)."""

    def __init__(self, store: Store, platforms: Platforms, inbox: Follower | None = None,
                 threads: int = 8, clock: Callable[[], datetime] = _now):
        self.store = store
        self.platforms = platforms
        self.inbox = inbox
        self.clock = clock
        self.lanes = Lanes("outbox", self._drain, threads)

    def start(self) -> None:
        self.lanes.start(self._lanes())

    def _lanes(self) -> list[str]:
        return [lane for lane in self.store.messaging.call_lanes() if self.platforms.serves(lane)]

    def add(self, lane: str, call: Call, at: str) -> None:
        """Queue a call (inside the caller's transaction; ``lanes.wake`` after it commits)."""
        self.store.messaging.queue_call(lane, json.dumps(call), at)

    def flush(self, patience: float = 0) -> None:
        """Make every call that is due, in this thread, without the lanes' threads (a one-shot
        run); a call that is to be tried again within ``patience`` seconds is waited for."""
        deadline = time.monotonic() + patience
        while True:
            waits = [wait for lane in self._lanes() if (wait := self._drain(lane)) is not None]
            if not waits or time.monotonic() + min(waits) > deadline:
                return
            time.sleep(min(waits))  # the platform's own pace (Retry-After), not a synchronisation

    def _drain(self, lane: str) -> float | None:
        while (item := self.store.messaging.next_call(lane)) is not None:
            now = self.clock()
            due = datetime.fromisoformat(item["due_at"])
            if due > now:
                return (due - now).total_seconds()
            call = json.loads(item["payload"])
            if call.get("closes"):  # a question's message to update: as it was posted
                call["message"] = self.store.gesprekken.message(call["closes"])
                if call["message"] is None:  # never posted (it failed, or went where none changes)
                    with self.store.transaction():
                        self.store.messaging.call_done(item["id"], "sent", now.isoformat())
                    continue
            try:
                sent = self.platforms.of(lane).send(call)
            except TryLater as failure:
                if item["attempts"] + 1 < MAX_ATTEMPTS:
                    pause = timedelta(seconds=max(2 ** item["attempts"], failure.after or 0))
                    log.warning("%s failed (%s); trying again in %s", call.get("method"), failure, pause)
                    with self.store.transaction():
                        self.store.messaging.call_later(item["id"], (now + pause).isoformat(),
                                                        now.isoformat(), str(failure))
                    continue
                log.error("%s to lane %s failed %d times: %s", call.get("method"), lane, MAX_ATTEMPTS,
                          failure)
                self._failed(item["id"], call, str(failure))
                continue
            except CannotSend as failure:
                log.error("%s to lane %s failed for good: %s", call.get("method"), lane, failure)
                self._failed(item["id"], call, str(failure))
                continue
            except Exception as failure:  # a fault of ours: logged, and the lane goes on
                log.exception("%s to lane %s failed", call.get("method"), lane)
                self._failed(item["id"], call, repr(failure))
                continue
            log.debug("%s to lane %s sent (%d bytes)", call.get("method"), lane, len(item["payload"]))
            with self.store.transaction():
                at = self.clock().isoformat()
                self.store.messaging.call_done(item["id"], "sent", at)
                if sent.posted_at and call.get("asked"):
                    self.store.gesprekken.posted(call["asked"], sent.posted_at, sent.message)
                if call.get("reminder"):
                    self.store.reminders.delivered(call["reminder"], at)
                following = [self.inbox.follow(inbound) for inbound in sent.then]
            for woken in following:
                woken.wake()
        return None

    def _failed(self, item_id: int, call: Call, error: str) -> None:
        with self.store.transaction():
            at = self.clock().isoformat()
            self.store.messaging.call_done(item_id, "failed", at, error)
            if call.get("reminder"):
                self.store.reminders.delivered(call["reminder"], at, error)
