"""How long the in-process export of a full gemeente takes: 100 ontwikkelpunten over every
basisfunctie and thema (with a stand van zaken each), all 48 answers, as Word and as Excel.

    python scripts/bench_export.py [--rounds 5]

The time is from the store's rows to the document's bytes, as ``leidraadbot export`` makes it
(the first round loads Word, Excel and matplotlib; the median of the others is quoted).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bot.export import render
from bot.service import Service
from dialogues.content import checklist
from store import Store

AT = "2026-11-02T09:00:00+00:00"


def full_gemeente(store: Store, service: Service, punten: int = 100) -> None:
    with store.transaction():
        gemeente = store.create_gemeente("utrecht", "Utrecht", "console:anna", AT, code="GM0344")
        store.ensure_user("console:anna", "Anna", AT)
        for question in checklist().questions:
            store.save_answer(gemeente["id"], question.id, f"Antwoord op {question.id} " * 8,
                              "console:anna", AT)
        themes = [(b.number, t.number) for b in service.plan.content.basisfuncties for t in b.themes]
        for n in range(punten):
            basisfunctie, thema = themes[n % len(themes)]
            punt = store.create_punt(gemeente["id"], {
                "basisfunctie": basisfunctie, "thema": thema, "ontwikkelpunt": f"Doel {n} " * 10,
                "beoogd_resultaat": "Resultaat " * 15, "verbeteractie": "Stap " * 20,
                "kosten": "Binnen het budget", "wie": "Anna", "planning": "2027-03-01",
                "status": "open", "concept": int(n % 17 == 0)}, "console:anna", AT)
            store.log_punt(punt["id"], "stand", "Stand van zaken " * 5, "console:anna", AT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.db")
        service = Service(store)
        full_gemeente(store, service)
        for fmt in ("docx", "xlsx"):
            samples = []
            for _ in range(args.rounds + 1):
                start = time.perf_counter()
                render(service.export("Utrecht", fmt), service.plan.content)
                samples.append(time.perf_counter() - start)
            print(f"{fmt}: first {samples[0] * 1000:.0f} ms, then median "
                  f"{statistics.median(samples[1:]) * 1000:.0f} ms (max {max(samples[1:]) * 1000:.0f} ms)")
        store.close()


if __name__ == "__main__":
    main()
