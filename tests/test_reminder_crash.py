"""A kill -9 in the middle of a reminder sweep loses and doubles nothing: a moment's messages are
queued in the outbox in the transaction that marks it done, and the outbox sends them."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import datetime

import pytest

from benchmarks.data import AWAY, OWNERS_PER_GEMEENTE, country
from bot.core.dutch import AMSTERDAM
from bot.ontwikkelplan.plan import Plan
from dialogues.content import ontwikkelplan
from store import Store

from .slack_doubles import BOT_TOKEN, FakeSlackApi

GEMEENTEN = 24
SINCE = datetime(2027, 1, 4, 8, 0, tzinfo=AMSTERDAM)  # a Monday; the reminder is at 9:00
DUE = "2027-01-04T09:30"
KILLED_AFTER = (0, 1, 6, 12, 18, 23)  # moments queued (of 24) when the process is killed


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A database of 24 gemeenten, each with a channel, ten owners and forty ontwikkelpunten over
    datum, and a weekly reminder that is due: 264 messages in one sweep."""
    path = tmp_path_factory.mktemp("land") / "leidraad.db"
    store = Store(path, durable=False)
    country(store, Plan(ontwikkelplan()), SINCE, count=GEMEENTEN)
    store.close()
    return path


def one_shot(db, api) -> subprocess.Popen:
    env = {**os.environ, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": api.url}
    return subprocess.Popen([sys.executable, "-m", "bot", "herinneringen", "--eenmalig", "--nu", DUE,
                             "--db", str(db)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def counts(db, *queries: str) -> list[int]:
    with sqlite3.connect(db) as conn:
        return [conn.execute(query).fetchone()[0] for query in queries]


def fresh(template, folder):
    db = folder / "leidraad.db"
    shutil.copy(template, db)
    return db


def per_moment(db) -> dict[str, int]:
    """The reminder moments marked done, and how many messages each queued."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return dict(conn.execute("SELECT b.key, (SELECT count(*) FROM reminders r WHERE "
                                 "substr(r.key, 1, length(b.key) + 1) = b.key || ':') "
                                 "FROM reminder_batches b").fetchall())


def killed_after(db, moments: int, process: subprocess.Popen) -> None:
    """Kill -9 ``process`` once ``moments`` reminder moments are queued (at once for 0)."""
    while moments and process.poll() is None:  # looking, as an operator would, at the database
        with contextlib.suppress(sqlite3.OperationalError):  # not made yet, or being migrated
            if counts(db, "SELECT count(*) FROM reminder_batches")[0] >= moments:
                break
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def test_a_kill_in_the_middle_of_a_sweep_loses_and_doubles_nothing(template, tmp_path):
    channels = {f"C{n:04d}" for n in range(1, GEMEENTEN + 1)}
    with FakeSlackApi(joined=channels) as api:  # unkilled: what goes out
        _, err = one_shot(fresh(template, tmp_path), api).communicate(timeout=120)
        expected = Counter(p["channel"] for p in api.named("chat.postMessage"))
    [reminders, waiting] = counts(tmp_path / "leidraad.db", "SELECT count(*) FROM reminders",
                                  "SELECT count(*) FROM absences WHERE vervanger_id IS NULL")
    assert reminders == GEMEENTEN * (1 + OWNERS_PER_GEMEENTE) - waiting, err  # theirs waits
    assert set(expected) == channels | {f"U{n:03d}{k:02d}" for n in range(1, GEMEENTEN + 1)
                                        for k in range(OWNERS_PER_GEMEENTE) if k != AWAY}, err
    whole = per_moment(tmp_path / "leidraad.db")
    for round_, moments in enumerate(KILLED_AFTER):
        folder = tmp_path / f"ronde-{round_}"
        folder.mkdir()
        db = fresh(template, folder)
        with FakeSlackApi(joined=channels) as api:
            release = api.stall("chat.postMessage")  # never taken by Slack before the kill
            killed_after(db, moments, one_shot(db, api))
            release.set()
        [done] = counts(db, "SELECT count(*) FROM reminder_batches")
        queued = per_moment(db)
        assert queued == {key: whole[key] for key in queued}  # a moment wholly, or not at all
        assert sum(queued.values()) == counts(db, "SELECT count(*) FROM reminders")[0]
        assert done >= moments
        with FakeSlackApi(joined=channels) as api:  # started again: everything, once
            _, err = one_shot(db, api).communicate(timeout=120)
            assert Counter(p["channel"] for p in api.named("chat.postMessage")) == expected, err
        [sent] = counts(db, "SELECT count(*) FROM reminders WHERE state = 'sent'")
        assert sent == reminders
