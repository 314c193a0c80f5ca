"""Run the benchmarks and print the table (see the package's docstring)."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' doubles of the platforms

from benchmarks import dialogue, platforms, reminders, reports, startup
from benchmarks.data import country
from benchmarks.timing import Table
from bot.service import Service
from store import Store

PARTS = ("dialogue", "reports", "reminders", "slack", "teams", "startup")


def machine() -> str:
    """This machine in one line: CPU, cores, memory, Python."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() \
        else platform.processor()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024 ** 3
    return (f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds: under a minute")
    parser.add_argument("--json", metavar="FILE", help="also write the table as JSON")
    parser.add_argument("--only", default=",".join(PARTS), help="which, comma-separated: " + ", ".join(PARTS))
    args = parser.parse_args()
    only = set(args.only.split(","))
    if unknown := only - set(PARTS):
        parser.error(f"unknown: {', '.join(sorted(unknown))}")
    quick = args.quick
    table = Table(machine())
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="leidraad-bench-") as name:
        folder = Path(name)
        if "dialogue" in only:
            print("dialogue step and bare commit …", flush=True)
            dialogue.run(table, folder, 2000 if quick else 10_000, 5 if quick else 20)
        if only & {"reports", "reminders"}:
            print("the whole country: 342 gemeenten …", flush=True)
            whole = Store(folder / "country.db")
            country(whole, Service(whole).plan, reminders.SINCE)
            if "reports" in only:
                reports.run(table, folder, 5 if quick else 20, whole)
            if "reminders" in only:
                reminders.run(table, whole, 5 if quick else 20)
            whole.close()
        for part, run in (("slack", platforms.slack), ("teams", platforms.teams)):
            if part in only:
                print(f"{part} under load …", flush=True)
                (folder / part).mkdir()
                run(table, folder / part, 5 if quick else 20)
        if "startup" in only:
            print("start-up …", flush=True)
            startup.run(table, folder, 5 if quick else 20)
    print()
    print(table.text())
    print(f"\n{len(table.rows)} rows in {time.perf_counter() - started:.0f} s"
          f"{' (--quick)' if quick else ''}; {sum(not r.met for r in table.rows)} targets not met.")
    if args.json:
        Path(args.json).write_text(table.json(), encoding="utf-8")


if __name__ == "__main__":
    main()
