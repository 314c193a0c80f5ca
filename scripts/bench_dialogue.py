"""How long one dialogue step takes, compared with one bare SQLite commit on the same disk.

    python scripts/bench_dialogue.py [--steps 2000]

A step is one answer through the service: resolve gemeente and access, load the conversation and
the gemeente's answers, move the state machine, store the answer and the conversation, commit.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bot.core.messages import Inbound, Place, PlaceKind, Start, User
from bot.service import Service
from store import Store


def _percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    return (f"median {statistics.median(ms):.2f} ms, p95 {ms[int(len(ms) * 0.95)]:.2f} ms, "
            f"max {ms[-1]:.2f} ms")


def bench_commit(store: Store, steps: int) -> list[float]:
    """One INSERT and COMMIT per sample: the floor every step pays."""
    store.db.execute("CREATE TABLE IF NOT EXISTS bench (id INTEGER PRIMARY KEY, text TEXT)")
    samples = []
    for n in range(steps):
        start = time.perf_counter()
        with store.transaction():
            store.db.execute("INSERT INTO bench (text) VALUES (?)", [f"regel {n}"])
        samples.append(time.perf_counter() - start)
    return samples


def bench_steps(store: Store, steps: int) -> list[float]:
    service = Service(store)
    samples = []
    for n in range(steps):
        user = User(f"console:bench{n // 40}", f"Bench {n // 40}")
        place = Place(PlaceKind.CONSOLE, user.id)
        if n % 40 == 0:
            service.handle(Inbound(user, place, "Utrecht", start=Start()))
        inbound = Inbound(user, place, "Utrecht", text=f"Antwoord {n} " + "tekst " * 30)
        start = time.perf_counter()
        service.handle(inbound)
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--dir", help="folder for the database (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        store = Store(Path(folder) / "bench.db")
        commit = bench_commit(store, args.steps)
        step = bench_steps(store, args.steps)
        print(f"bare commit    : {_percentiles(commit)}")
        print(f"dialogue step  : {_percentiles(step)}")
        overhead = statistics.median(step) - statistics.median(commit)
        print(f"step - commit  : {overhead * 1000:.2f} ms (median)")
        store.close()


if __name__ == "__main__":
    main()
