"""Work in lanes: one entry at a time per lane (a conversation), different lanes in parallel.

The entries themselves live in the store; ``Lanes`` only knows which lanes may have work. A lane
is woken after its entry is committed, and taken by one thread at a time, which drains it in
order. A lane whose next entry may only be tried later is woken again when that time comes.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
from collections.abc import Callable, Iterable

from store import StoreError

log = logging.getLogger(__name__)

Drain = Callable[[str], float | None]  # handle a lane's entries; seconds until it may go on, or None


class Lanes:
    """A fixed pool of threads draining lanes with ``drain``."""

    def __init__(self, name: str, drain: Drain, threads: int):
        self.name = name
        self._drain = drain
        self._changed = threading.Condition()
        self._ready: dict[str, None] = {}  # an ordered set: oldest first
        self._busy: set[str] = set()
        self._later: list[tuple[float, str]] = []  # (monotonic time, lane)
        self._stopped = False
        self._threads = [threading.Thread(target=self._work, name=f"{name}-{n}", daemon=True)
                         for n in range(threads)]

    def start(self, lanes: Iterable[str] = ()) -> None:
        """Start the threads, with ``lanes`` that have work left (after a restart)."""
        with self._changed:
            self._ready.update(dict.fromkeys(lanes))
        for thread in self._threads:
            thread.start()

    def wake(self, lane: str) -> None:
        """``lane`` has new work (already committed)."""
        with self._changed:
            self._ready[lane] = None
            self._changed.notify()

    def stop(self, timeout: float = 10) -> None:
        """Let the threads finish what they are doing, then end them."""
        with self._changed:
            self._stopped = True
            self._changed.notify_all()
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout)

    def idle(self) -> bool:
        """Whether no lane has work waiting, now or later, or is being drained."""
        with self._changed:
            return self._idle()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until ``idle``; False if that did not happen within ``timeout`` seconds."""
        with self._changed:
            return self._changed.wait_for(self._idle, timeout)

    def _idle(self) -> bool:
        return not self._ready and not self._busy and not self._later

    def _work(self) -> None:
        while (lane := self._take()) is not None:
            delay: float | None = None
            try:
                delay = self._drain(lane)
            except StoreError as error:  # the database is gone or unusable: say so, in its words
                log.warning("%s: %s", self.name, error)
                delay = 5.0
            except Exception:  # a fault in one lane must not stop the others; try it again later
                log.exception("%s: lane %s failed", self.name, lane)
                delay = 5.0
            finally:
                with self._changed:
                    self._busy.discard(lane)
                    if delay is not None:
                        heapq.heappush(self._later, (time.monotonic() + delay, lane))
                    self._changed.notify_all()

    def _take(self) -> str | None:
        with self._changed:
            while not self._stopped:
                now = time.monotonic()
                while self._later and self._later[0][0] <= now:
                    self._ready[heapq.heappop(self._later)[1]] = None
                lane = next((lane for lane in self._ready if lane not in self._busy), None)
                if lane is not None:
                    del self._ready[lane]
                    self._busy.add(lane)
                    return lane
                self._changed.wait(self._later[0][0] - now if self._later else None)
            return None
