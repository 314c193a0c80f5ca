"""The worker process: the inbox's workers, the outbox and the reminders, apart from the process
that acknowledges the platforms.

Python runs one thread at a time per process, so handling messages in the same process as the
acknowledgements would make those wait their turn. ``leidraadbot slack`` and ``run`` therefore
start ``leidraadbot werk`` beside themselves (``WorkerProcess``): it watches the inbox in the
shared database, starts again when it stops, and stops when the process that started it is gone.
Only one worker process works on a database at a time (a lock beside it).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

log = logging.getLogger(__name__)

RESTART_AFTER = (1, 2, 5, 10, 30)  # seconds, after the worker process stopped unasked


class WorkerProcess:
    """``leidraadbot werk`` beside this process, kept running."""

    def __init__(self, arguments: Sequence[str]):
        self.command = [sys.executable, "-m", "bot", "werk", "--ouder", str(os.getpid()), *arguments]
        self._process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._keeper = threading.Thread(target=self._keep, name="werkproces", daemon=True)

    def start(self) -> None:
        self._process = subprocess.Popen(self.command)
        self._keeper.start()

    def stop(self, timeout: float = 10) -> None:
        self._stopping.set()
        if self._process and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()

    def _keep(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            code = self._process.wait()
            if self._stopping.is_set():
                return
            pause = RESTART_AFTER[min(failures, len(RESTART_AFTER) - 1)]
            failures += 1
            if self._stopping.wait(pause):  # a stop for all (SIGTERM to the group) ends both
                return
            log.error("the worker process stopped (exit code %s); started again after %s s", code, pause)
            self._process = subprocess.Popen(self.command)


def exit_with_parent(parent: int, every: float = 0.05) -> None:
    """End this process as soon as ``parent``, the process that started it, is gone (even by
    kill -9, and even before this process got this far)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)  # the pace of looking, not a synchronisation
        os._exit(0)  # what is committed stays; what was under way is rolled back by SQLite

    threading.Thread(target=watch, name="ouder", daemon=True).start()


@contextmanager
def worker_lock(database: Path, wait: bool = True) -> Iterator[bool]:
    """Hold the database's worker lock: only one process sends (the worker process, or a
    reminder run of its own). A second waits until the first is gone, or with ``wait=False``
    goes on without it: whether it holds the lock."""
    if fcntl is None:
        yield True
        return
    with open(database.with_name(database.name + "-werk"), "a+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                yield False
                return
            log.warning("another worker process works on %s; waiting until it stops", database)
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield True
