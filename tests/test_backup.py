"""Backups: a consistent copy while the bot writes, put back only when it is sound."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing

import pytest

from bot.core.replies import QuestionPrompt
from bot.service import Service
from store import Store, StoreError
from store.backup import backup, check, restore

from .conftest import Chat, Clock


def leidraadbot(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, check=False)


def test_a_backup_taken_while_a_gesprek_writes_holds_every_confirmed_answer(tmp_path):
    db = tmp_path / "leidraad.db"
    store = Store(db)
    service = Service(store, clock=Clock())
    writing = threading.Event()
    stop = threading.Event()

    def gesprek() -> None:  # colleagues answering, one gemeente each, as fast as it goes
        chats = [Chat(service, f"Collega {n}", naam)
                 for n, naam in enumerate(("Utrecht", "Zeist", "Houten", "De Bilt"))]
        for chat in chats:
            chat.start()
        n = 0
        while not stop.is_set():
            chat = chats[n % 4]
            if not any(isinstance(r, QuestionPrompt) for r in chat.say(f"Antwoord {n}")):
                chat.say("wijzig 1.1")  # at the end of the gesprek: back to a question
            n += 1
            writing.set()

    def confirmed() -> set[str]:
        """What the bot has confirmed: every answer committed (it confirms after the commit)."""
        with sqlite3.connect(db) as conn:
            return {row[0] for row in conn.execute("SELECT text FROM answers")}

    writer = threading.Thread(target=gesprek)
    writer.start()
    writing.wait(10)
    try:
        for n in range(3):  # backups under way while it writes
            before = confirmed()
            copy = tmp_path / "backups" / f"backup-{n}.db"  # a folder of its own, made by backup
            done = leidraadbot("backup", "--db", str(db), str(copy), cwd=tmp_path)
            assert done.returncode == 0, done.stderr
            restored = tmp_path / "teruggezet.db"
            restored.unlink(missing_ok=True)
            assert leidraadbot("herstel", "--db", str(restored), str(copy),
                               cwd=tmp_path).returncode == 0
            with closing(sqlite3.connect(restored)) as conn:
                kept = {row[0] for row in conn.execute("SELECT text FROM answers")}
            assert before <= kept and len(before) > 0
    finally:
        stop.set()
        writer.join(30)
        store.close()


def test_herstel_refuses_a_damaged_file_and_what_is_no_leidraadbot_database(tmp_path):
    db = tmp_path / "leidraad.db"
    Chat(Service(Store(db), clock=Clock())).start()
    backup(db, tmp_path / "goed.db")
    check(tmp_path / "goed.db")
    damaged = tmp_path / "kapot.db"
    raw = bytearray((tmp_path / "goed.db").read_bytes())
    raw[len(raw) // 2:len(raw) // 2 + 4096] = b"\xff" * 4096  # a page in the middle overwritten
    damaged.write_bytes(bytes(raw))
    other = tmp_path / "ander.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (text)")
    (tmp_path / "tekst.db").write_text("geen database")
    for bad in ("kapot.db", "ander.db", "tekst.db", "weg.db"):
        with pytest.raises(StoreError):
            restore(tmp_path / bad, db)
        done = leidraadbot("herstel", "--db", str(db), str(tmp_path / bad), cwd=tmp_path)
        assert done.returncode == 2 and "Traceback" not in done.stderr and "✗" in done.stderr, bad
    assert Store(db).gemeenten.get("utrecht") is not None  # the database itself untouched


def test_herstel_keeps_the_database_it_replaces(tmp_path):
    db = tmp_path / "leidraad.db"
    chat = Chat(Service(Store(db), clock=Clock()))
    chat.start()
    chat.say("Eerste antwoord")
    backup(db, tmp_path / "backup.db")
    chat.say("Tweede antwoord")
    kept = restore(tmp_path / "backup.db", db)
    with sqlite3.connect(db) as now, sqlite3.connect(kept) as before:
        assert now.execute("SELECT count(*) FROM answers").fetchone() == (1,)
        assert before.execute("SELECT count(*) FROM answers").fetchone() == (2,)


def test_everything_the_bot_keeps_comes_out_as_json_per_gemeente(tmp_path):
    import json

    db = tmp_path / "leidraad.db"
    service = Service(Store(db), clock=Clock())
    utrecht, zeist = Chat(service, "Anna", "Utrecht"), Chat(service, "Bram", "Zeist")
    for chat in (utrecht, zeist):
        chat.start()
        chat.say(f"De wethouder van {chat.gemeente}")
    utrecht.say("wijzig 1.1")
    utrecht.say("Het college")  # a second version
    for value in ("ontwikkelpunt nieuw", "1", "overslaan", "Meldcode vaker gebruiken", "overslaan",
                  "overslaan", "overslaan", "Anna", "1-3-2027", "Net begonnen"):
        utrecht.say(value)
    utrecht.say("bijwerken 1 Training gepland")
    service.store.close()
    done = leidraadbot("export", "--db", str(db), "--alles", "--formaat", "json", "-o", "alles.json",
                       cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads((tmp_path / "alles.json").read_text(encoding="utf-8"))
    by_name = {g["naam"]: g for g in data["gemeenten"]}
    assert [a["tekst"] for a in by_name["Utrecht"]["antwoorden"]] == [
        "De wethouder van Utrecht", "Het college"]
    assert [a["tekst"] for a in by_name["Zeist"]["antwoorden"]] == ["De wethouder van Zeist"]
    first = by_name["Utrecht"]["antwoorden"][0]
    assert first["vraag"] == "1.1" and first["vraagtekst"].startswith("Wie heeft als taak")
    assert by_name["Utrecht"]["instellingen"]["verouderd_na_weken"] == 6
    [punt] = by_name["Utrecht"]["ontwikkelpunten"]
    assert punt["ontwikkelpunt"] == "Meldcode vaker gebruiken" and punt["planning"] == "2027-03-01"
    assert punt["concept"] is False and "aangemaakt_op" in punt
    assert [e["waarde"] for e in punt["geschiedenis"] if e["soort"] == "stand"] == [
        "Net begonnen", "Training gepland"]
    assert by_name["Zeist"]["ontwikkelpunten"] == []


def test_a_backup_never_overwrites_and_herstel_waits_for_a_chat_in_the_terminal(tmp_path):
    db = tmp_path / "leidraad.db"
    store = Store(db)
    Chat(Service(store, clock=Clock())).start()
    store.close()  # this process lets go of it: only the chat below has it open
    assert leidraadbot("backup", "--db", str(db), "b.db", cwd=tmp_path).returncode == 0
    again = leidraadbot("backup", "--db", str(db), "b.db", cwd=tmp_path)
    assert again.returncode == 2 and "bestaat al; een backup overschrijft niets" in again.stderr
    chat = subprocess.Popen([sys.executable, "-m", "bot", "chat", "--db", str(db), "--gemeente",
                             "Utrecht", "--gebruiker", "Bert"], cwd=tmp_path, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=os.environ | {"PYTHONUNBUFFERED": "1"})
    try:
        chat.stdin.write("voortgang\n")
        chat.stdin.flush()
        for line in iter(chat.stdout.readline, ""):  # the chat has the database open once it answers
            if "Voortgang" in line:
                break
        refused = leidraadbot("herstel", "--db", str(db), "b.db", cwd=tmp_path)
        assert refused.returncode == 2 and "nog open in een ander proces" in refused.stderr
    finally:
        chat.stdin.close()
        chat.wait(60)
    assert leidraadbot("herstel", "--db", str(db), "b.db", cwd=tmp_path).returncode == 0


def test_a_backup_never_writes_over_a_file_by_another_way_and_says_why_it_cannot_write(tmp_path):
    db = tmp_path / "leidraad.db"
    store = Store(db)
    Chat(Service(store, clock=Clock())).start()
    store.close()
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.db").write_text("er staat al iets")
    (tmp_path / "link.db").symlink_to(tmp_path / "nergens.db")  # points at no file yet
    for target, says in (("nieuw/../sub/b.db", "bestaat al"), ("link.db", "bestaat al"),
                         ("/proc/leidraad.db", "kan niet worden geschreven")):
        done = leidraadbot("backup", "--db", str(db), target, cwd=tmp_path)
        assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr, target
    assert (tmp_path / "sub" / "b.db").read_text() == "er staat al iets"
    assert not (tmp_path / "nergens.db").exists()


def test_a_database_of_something_else_is_left_as_it_is(tmp_path):
    other = tmp_path / "ander.db"
    with closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE notes (text)")
    done = leidraadbot("chat", "--db", str(other), "--gemeente", "Utrecht", cwd=tmp_path)
    assert done.returncode == 2 and "database van iets anders dan Leidraadbot" in done.stderr
    with closing(sqlite3.connect(other)) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["notes"]


def test_an_export_to_minus_goes_to_standard_output(tmp_path):
    db = tmp_path / "leidraad.db"
    store = Store(db)
    Chat(Service(store, clock=Clock())).start()
    store.close()
    done = subprocess.run([sys.executable, "-m", "bot", "export", "--db", str(db), "--gemeente",
                           "Utrecht", "--formaat", "xlsx", "-o", "-"], cwd=tmp_path,
                          capture_output=True, timeout=120, check=False)
    assert done.returncode == 0 and done.stdout[:2] == b"PK" and not (tmp_path / "-").exists()
    assert "naar de standaarduitvoer geschreven" in done.stderr.decode()
