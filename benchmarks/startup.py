"""Start-up: from typing ``leidraadbot chat`` to the first question on the screen.

The console runs as a person starts it (``leidraadbot chat --gemeente Utrecht``), on a database
that is already there (every start but the very first), with its output read through a pipe
until the first question's heading appears.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.timing import Row, Table

FIRST_QUESTION = "vraag 1 van"


def _start(folder: Path) -> float:
    env = {**os.environ, "XDG_CONFIG_HOME": str(folder / "config"), "LEIDRAAD_LOG": "ERROR"}
    env.pop("SLACK_BOT_TOKEN", None)
    env.pop("CLIENT_ID", None)
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--gemeente", "Utrecht", "--db",
         str(folder / "chat.db")], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        for line in process.stdout:
            if FIRST_QUESTION in line:
                return time.perf_counter() - start
        raise RuntimeError("leidraadbot chat ended before its first question")
    finally:
        process.kill()
        process.wait()


def run(table: Table, folder: Path, rounds: int) -> None:
    (folder / "config" / "leidraadbot").mkdir(parents=True)
    (folder / "config" / "leidraadbot" / "naam").write_text("Anna\n", encoding="utf-8")
    _start(folder)  # the first start makes the database and the gemeente
    table.add(Row.of("start-up of leidraadbot chat to the first question",
                     [_start(folder) for _ in range(rounds)], "< 150 ms", lambda p50, _: p50 < 150,
                     note="a new Python process each time, on an existing database"))
