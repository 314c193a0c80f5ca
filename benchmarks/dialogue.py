"""A dialogue step against its floor, one bare SQLite commit, interleaved in the same run.

A step is one typed answer through the service, as the console and the inbox's workers handle it:
find the gemeente and the user's access, load the conversation, move the state machine, store the
answer, the question asked next and the conversation, commit. The floor is one INSERT and COMMIT
on the same connection (the product's pragmas: WAL, ``synchronous=FULL``), in the same file. Both
are timed in turns, after a warm-up that lasts until the WAL file has stopped growing (the WAL is
copied into the database in the background, as the bot does), so both see the same disk.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from benchmarks.timing import Row, Table
from bot.core.messages import Begin, Inbound, Place, PlaceKind, Said, Start, User
from bot.service import Service
from store import Store

ANSWERS_PER_GESPREK = 40  # then a colleague starts their own
STEADY = 500  # rounds without the WAL growing: it has stopped growing
# Everyday answers that begin with a command word ("Regio Utrecht heeft …"): the rule that tells
# an answer from a command reads them to the end, where other answers stop at their first word.
WORDED = Path(__file__).resolve().parents[1] / "tests" / "corpus" / "command_words.yaml"


class _Steps:
    """Answers in the gesprekken of one gemeente, one after another; a new person begins every so
    many answers, and walks all the questions (``doorloop alles``), so that every answer is stored
    (as a new version of a colleague's), never "Alle vragen zijn doorlopen"."""

    def __init__(self, service: Service, gemeente: str, texts: Callable[[int], str]):
        self.service, self.gemeente, self.texts = service, gemeente, texts
        self._count = itertools.count()
        self._next = self._prepare()

    def _prepare(self) -> Inbound:
        n = next(self._count)
        person = n // ANSWERS_PER_GESPREK
        user = User(f"console:{self.gemeente.casefold()}{person}", f"Collega {person}")
        place = Place(PlaceKind.CONSOLE, user.id)
        if n % ANSWERS_PER_GESPREK == 0:
            self.service.handle(Begin(user, place, self.gemeente, start=Start()))
            self.service.handle(Said(user, place, self.gemeente, text="doorloop alles"))
        return Said(user, place, self.gemeente, text=self.texts(n))

    def step(self, _: int = 0) -> float:
        inbound = self._next
        start = time.perf_counter()
        self.service.handle(inbound)
        took = time.perf_counter() - start
        self._next = self._prepare()
        return took


def _commit(store: Store, n: int) -> float:
    conn = store.db
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO bench_floor (text) VALUES (?)", [f"regel {n}: " + "tekst " * 30])
    conn.commit()
    return time.perf_counter() - start


def run(table: Table, folder: Path, steps: int, warm_up: float) -> None:
    store = Store(folder / "dialogue.db")
    store.checkpoint_in_background()
    store.db.execute("CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, text TEXT)")
    service = Service(store)
    worded = [s for sentences in yaml.safe_load(WORDED.read_text(encoding="utf-8")).values()
              for s in sentences]
    kinds = (lambda n: _commit(store, n),  # each kind of answer in a gemeente of its own
             _Steps(service, "Utrecht", lambda n: f"Antwoord {n}: " + "een zin van het gesprek " * 8).step,
             _Steps(service, "Zeist", lambda n: worded[n % len(worded)]).step)
    wal = folder / "dialogue.db-wal"
    size, steady, n = -1, 0, 0
    deadline = time.monotonic() + warm_up  # or until then, if it keeps growing a little
    while steady < STEADY and time.monotonic() < deadline:  # warm-up
        for kind in kinds:
            kind(n)
        n += 1
        grown = wal.stat().st_size
        steady, size = (steady + 1, size) if grown <= size else (0, grown)
    samples: list[list[float]] = [[], [], []]
    for k in range(steps):
        for i in (k + j for j in range(3)):  # in turns, so none always goes first
            samples[i % 3].append(kinds[i % 3](n + k))
    store.close()
    commits, answers, worded_answers = samples
    floor = Row.of("bare commit (WAL, synchronous=FULL): the floor", commits, "-", lambda *_: True)
    floor.ratio = "1x / 1x"
    table.add(floor)
    for path, taken in (("dialogue step (one answer)", answers),
                        ("dialogue step (an answer that begins with a command word)", worded_answers)):
        step = Row.of(path, taken, "<= 1.5x p50, <= 2x p99 of the commit", lambda *_: True,
                      note=f"{steps} of each, in turns, after {n} to warm up")
        p50, p99 = step.p50 / floor.p50, step.p99 / floor.p99
        step.ratio, step.met = f"{p50:.2f}x / {p99:.2f}x", p50 <= 1.5 and p99 <= 2
        table.add(step)
