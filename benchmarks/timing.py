"""Samples, percentiles, and the one table every benchmark adds a row to."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field


def percentile(samples: list[float], fraction: float) -> float:
    """The nearest-rank percentile (0.99 for p99) of ``samples``."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def timed(work: Callable[[], object], rounds: int, warm_up: int = 2) -> list[float]:
    """``work`` run ``rounds`` times after ``warm_up`` uncounted runs; seconds per run."""
    for _ in range(warm_up):
        work()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return samples


@dataclass
class Row:
    """One path: its p50 and p99 in ms, the ratio to its floor where it has one, its target."""

    path: str
    p50: float
    p99: float
    target: str
    met: bool
    ratio: str = ""  # to the floor measured in the same run: "1.3x / 1.6x"
    note: str = ""

    @classmethod
    def of(cls, path: str, samples: list[float], target: str, met: Callable[[float, float], bool],
           note: str = "") -> Row:
        """A row from samples in seconds; ``met(p50_ms, p99_ms)``."""
        p50, p99 = percentile(samples, 0.5) * 1000, percentile(samples, 0.99) * 1000
        return cls(path, p50, p99, target, met(p50, p99), note=note)


@dataclass
class Table:
    """What one run measured, on which machine."""

    machine: str
    rows: list[Row] = field(default_factory=list)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        print(f"  {row.path}: p50 {row.p50:.2f} ms, p99 {row.p99:.2f} ms {row.ratio}", flush=True)
        return row

    def text(self) -> str:
        head = ("path", "p50 ms", "p99 ms", "x floor (p50 / p99)", "target", "met")
        lines = [(r.path, _ms(r.p50), _ms(r.p99), r.ratio, r.target, "yes" if r.met else "NO")
                 for r in self.rows]
        widths = [max(len(str(line[n])) for line in (head, *lines)) for n in range(len(head))]
        out = [f"Machine: {self.machine}", "",
               "| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |",
               "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
        out += ["| " + " | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) + " |"
                for line in lines]
        notes = [f"- {r.path}: {r.note}" for r in self.rows if r.note]
        return "\n".join(out + (["", *notes] if notes else []))

    def json(self) -> str:
        return json.dumps({"machine": self.machine, "rows": [asdict(r) for r in self.rows]},
                          indent=2, ensure_ascii=False)


def _ms(value: float) -> str:
    return f"{value:.0f}" if value >= 100 else f"{value:.2f}" if value < 10 else f"{value:.1f}"
