"""The store: schema and pragmas, answer history, conversations, deliveries, concurrency, bad paths."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.service import Service
from store import Store, StoreError
from store.migrations import migrations

from .conftest import Chat, Clock

AT = "2026-03-12T13:00:00+00:00"


def _gemeente(store, key="utrecht"):
    with store.transaction():
        gemeente = store.gemeenten.create(key, key.title(), "console:test", AT)
        store.people.ensure("console:anna", "Anna", AT)
    return gemeente


def test_opening_applies_migrations_once_with_wal_and_foreign_keys(db_path):
    Store(db_path).close()
    store = Store(db_path)  # a second start applies nothing again
    assert migrations.pending(store.db) == []
    assert migrations.applied(store.db)[0] == "m001_core"
    assert len(store.db.execute("SELECT * FROM _sqlite_migrations").fetchall()) == len(
        migrations.applied(store.db))
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    with pytest.raises(sqlite3.IntegrityError), store.transaction():
        store.answers.save(999, "rollen.wie", "x", "console:nobody", AT)


def test_every_version_is_kept_and_the_latest_is_current(store):
    gemeente = _gemeente(store)
    with store.transaction():
        store.people.ensure("console:bram", "Bram", AT)
        store.answers.save(gemeente["id"], "rollen.wie", "eerste", "console:anna", AT)
        store.answers.save(gemeente["id"], "rollen.wie", "tweede", "console:bram", AT)
        store.answers.save(gemeente["id"], "rollen.eigen_rol", "rol", "console:anna", AT)
    current = store.answers.current(gemeente["id"])
    assert {k: v["text"] for k, v in current.items()} == {"rollen.wie": "tweede",
                                                        "rollen.eigen_rol": "rol"}
    assert current["rollen.wie"]["author"] == "Bram"
    history = store.answers.history(gemeente["id"], "rollen.wie")
    assert [(h["text"], h["author"]) for h in history] == [("eerste", "Anna"), ("tweede", "Bram")]


def test_answers_of_one_gemeente_are_invisible_to_another(store):
    utrecht, zeist = _gemeente(store, "utrecht"), _gemeente(store, "zeist")
    with store.transaction():
        store.answers.save(utrecht["id"], "rollen.wie", "geheim", "console:anna", AT)
    assert store.answers.current(zeist["id"]) == {}
    assert store.answers.history(zeist["id"], "rollen.wie") == []


def test_a_failed_transaction_leaves_nothing_behind(store):
    gemeente = _gemeente(store)
    with pytest.raises(RuntimeError), store.transaction():
        store.answers.save(gemeente["id"], "rollen.wie", "half", "console:anna", AT)
        raise RuntimeError("crash between write and commit")
    assert store.answers.current(gemeente["id"]) == {}


def test_conversations_round_trip(store):
    gemeente = _gemeente(store)
    conversation = {"gemeente_id": gemeente["id"], "place": "console:anna", "questionnaire": "checklist",
                    "state": "rollen.afstemming", "status": "actief", "skipped": {"rollen.wie"},
                    "return_to": None, "pending": {"command": "overslaan", "text": "overslan"},
                    "user_id": "console:anna"}
    with store.transaction():
        store.gesprekken.save(conversation, AT)
        store.gesprekken.save({**conversation, "status": "gepauzeerd"}, AT)
    row = store.gesprekken.get(gemeente["id"], "console:anna", "checklist")
    assert row["status"] == "gepauzeerd" and row["skipped"] == ["rollen.wie"]
    assert row["pending"] == {"command": "overslaan", "text": "overslan"}
    assert store.db.execute("SELECT count(*) FROM conversations").fetchone()[0] == 1


def test_a_delivery_is_claimed_once(store):
    with store.transaction():
        assert store.messaging.claim_delivery("evt-1", AT)
        assert not store.messaging.claim_delivery("evt-1", AT)


def test_many_people_at_once_lose_and_duplicate_nothing(db_path):
    """Eight colleagues answer in parallel threads, each with their own connection."""
    store = Store(db_path)
    service = Service(store, clock=Clock())
    names = [f"Collega {i}" for i in range(8)]

    def converse(naam: str) -> None:
        chat = Chat(service, naam)
        chat.start()
        chat.say("doorloop alles")  # all of them, also what a colleague answered a moment ago
        chat.say("deel 1")
        for n in range(12):
            chat.say(f"{naam} antwoord {n}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(converse, names))
    gemeente = store.gemeenten.get("utrecht")
    rows = store.db.execute("SELECT author_id, text FROM answers").fetchall()
    assert len(rows) == 8 * 12
    assert len(set(rows)) == len(rows)
    assert store.db.execute("SELECT count(*) FROM conversations").fetchone()[0] == 8
    assert len(store.answers.current(gemeente["id"])) == 12


@pytest.mark.parametrize("kind", ["missing folder", "folder", "not a database"])
def test_a_bad_database_path_gives_a_clear_error(tmp_path, kind):
    path = {"missing folder": tmp_path / "nope" / "x.db", "folder": tmp_path,
            "not a database": tmp_path / "notes.db"}[kind]
    if kind == "not a database":
        path.write_text("dit is geen database " * 100)
    with pytest.raises(StoreError) as error:
        Store(path)
    assert str(path) in str(error.value) or str(path.parent) in str(error.value)


def test_a_database_removed_while_the_bot_runs_is_not_healthy_and_never_made_anew(db_path):
    store = Store(db_path)
    _gemeente(store)
    store.inbox.newest()
    assert store.healthy()
    db_path.unlink()  # someone removes the file (or a disk is swapped) while the bot runs
    assert not store.healthy()
    with pytest.raises(StoreError, match="weggehaald of vervangen"):
        _gemeente(store, "zeist")  # nothing is written into the file that is gone
    with ThreadPoolExecutor(1) as other, pytest.raises(sqlite3.OperationalError):
        other.submit(lambda: store.db.execute("SELECT 1").fetchone()).result()  # opens it, or fails
    assert not db_path.exists()
    store.close()
    with pytest.raises(StoreError, match="ontbreekt, maar ernaast staan nog bestanden"):
        Store(db_path)  # nor when the bot starts again
    assert not db_path.exists()


def test_a_lane_whose_database_is_gone_says_so_in_one_dutch_line(caplog):
    """Not a traceback every five seconds: the store's own message, once per try."""
    import threading

    from bot.service.lanes import Lanes
    from store import StoreError

    tried = threading.Event()

    def drain(lane: str) -> None:
        tried.set()
        raise StoreError("De database ‘leidraad.db’ is weggehaald of vervangen terwijl de bot draait.")

    lanes = Lanes("inbox", drain, 1)
    lanes.start(["slack:T1:D1"])
    try:
        assert tried.wait(10)
    finally:
        lanes.stop()
    [record] = [r for r in caplog.records if r.name == "bot.service.lanes"]
    assert record.levelname == "WARNING" and record.exc_info is None
    assert "weggehaald of vervangen" in record.getMessage()


def test_a_start_with_nothing_to_migrate_does_not_load_sqlite_utils(db_path):
    Store(db_path).close()
    code = ("import sys; from store import Store; Store(sys.argv[1]).close(); "
            "print('sqlite_utils' in sys.modules, 'numpy' in sys.modules)")
    again = subprocess.run([sys.executable, "-c", code, str(db_path)], capture_output=True,
                           text=True, check=True)
    assert again.stdout.split() == ["False", "False"]
    first = subprocess.run([sys.executable, "-c", code, str(db_path.with_name("new.db"))],
                           capture_output=True, text=True, check=True)
    # a new database: its migrations, with sqlite-utils, but without numpy (matplotlib brings it)
    assert first.stdout.split() == ["True", "False"]


def test_numpy_stays_importable_after_a_migration(db_path):
    code = ("import sys; from store import Store; Store(sys.argv[1]).close(); import numpy, "
            "sqlite_utils.db; print(sqlite_utils.db.np is None, numpy.zeros(2).sum())")
    done = subprocess.run([sys.executable, "-c", code, str(db_path)], capture_output=True,
                          text=True, check=True)
    assert done.stdout.split() == ["True", "0.0"]


def test_a_question_never_posted_has_no_message_to_change_and_the_platform_is_not_called(store):
    from bot.service.outbox import Outbox, Platforms, Sent

    class Platform:
        def __init__(self):
            self.sent: list[dict] = []

        def send(self, call: dict) -> Sent:
            self.sent.append(call)
            return Sent()

    store.gemeenten.create("utrecht", "Utrecht", "console:beheer", "2026-03-12T13:00:00+00:00")
    gemeente = store.gemeenten.get("utrecht")["id"]
    posted, never = (store.gesprekken.ask(gemeente, "slack:T1:C1:1.1", "checklist", question,
                                          "slack:T1:U1", "1", "2026-03-12T13:00:00+00:00")
                     for question in ("rollen.wie", "rollen.rol"))
    store.gesprekken.posted(posted, "2", '{"channel": "C1", "ts": "1.2", "blocks": []}')
    platform = Platform()
    outbox = Outbox(store, Platforms(slack=platform))
    with store.transaction():
        for asked in (never, posted):
            outbox.add("slack:T1:C1:1.1", {"method": "chat.update", "closes": asked, "outcome": "Klaar."},
                       "2026-03-12T13:00:01+00:00")
    outbox.flush()
    assert [c["closes"] for c in platform.sent] == [posted]  # only the one that is there
    assert platform.sent[0]["message"] == '{"channel": "C1", "ts": "1.2", "blocks": []}'
    states = [row[0] for row in store.db.execute("SELECT state FROM outbox ORDER BY id")]
    assert states == ["sent", "sent"]
    assert [q for _, q in store.gesprekken.close_open(gemeente, "slack:T1:C1:1.1", "checklist", "t")] == [
        "rollen.wie", "rollen.rol"]  # both still open until a new question closes them
