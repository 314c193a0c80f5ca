"""``leidraadbot vergeet``: someone who left is replaced by a pseudonym everywhere (AVG); the
records stay. Asked first, ``--ja`` for scripts; refused while they own open ontwikkelpunten."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from bot.adapters.slack.translate import thread_place
from bot.cli import main
from bot.core.messages import Begin, Command, FormInput, FormSent, Place, PlaceKind, Said, Start, User
from bot.service import Service
from store import Store

from .conftest import Clock

# One person per platform, as each names them; their name must be gone afterwards.
LEAVERS = {
    "slack": (User("slack:T1:U0BRAMJNS", "Bram Jansen"), "U0BRAMJNS"),
    "teams": (User("teams:tenant-1:5c2e8a41-aad-bram", "Bram Jansen"), "5c2e8a41-aad-bram"),
    "console": (User("console:bram jansen", "Bram Jansen"), None),
}
ANNA = User("slack:T1:U0ANNA", "Anna de Vries")
BRAMMETJE = User("slack:T1:U0BRAMMETJE", "Bram Jansen-de Wit")  # holds the name: stays
CHANNEL = Place(PlaceKind.CHANNEL, "slack:T1:C1", "slack:T1:C1")


def _world(db, leaver: User):
    """Utrecht with Bram's answers (also a new version of Anna's), an ontwikkelpunt he owns and
    updated, a question handed to him, an absence, and his name in a colleague's answer."""
    store = Store(db, durable=False)
    service = Service(store, clock=Clock(datetime(2026, 6, 1, 8, 0, tzinfo=UTC)))
    say = lambda who, text, **kw: service.handle(Command(who, CHANNEL, text=text, **kw))  # noqa: E731
    say(ANNA, "koppel Utrecht")
    say(ANNA, f"lid toevoegen <@{leaver.id}>", mentions=(leaver,))
    place = thread_place("T1", "C1", "1700000000.000100")
    service.handle(Begin(ANNA, place, start=Start()))
    service.handle(Said(ANNA, place, text="Wethouder Jansen is opdrachtgever"))
    service.handle(Said(leaver, place, text=f"Ik ben {leaver.naam}, beleidsmedewerker jeugd"))
    service.handle(Said(BRAMMETJE, place, text="Bram Jansen-de Wit, teamleider"))
    say(leaver, "wijzig 1.1")
    service.handle(Said(leaver, place, text="Wethouder Jansen, met Bram Jansen als ambtelijk trekker"))
    values = {"basisfunctie": "1", "ontwikkelpunt": "Meldcode vaker gebruiken", "wie": leaver.naam,
              "planning": "1-9-2026", "status": "open", "stand_van_zaken": "Gestart"}
    service.handle(FormSent(ANNA, CHANNEL, form=FormInput("nieuw", None, values), mentions=(leaver,)))
    say(leaver, "bijwerken 1 Bram heeft de scholen gebeld")
    say(ANNA, f"toewijzen 2.3 <@{leaver.id}>", mentions=(leaver,))
    say(leaver, "afwezig tot 1-9-2026")
    return store, service


def _everything(db, capsys) -> str:
    assert main(["export", "--alles", "--formaat", "json", "--db", str(db), "-o", "-"]) == 0
    exported = capsys.readouterr().out
    assert main(["audit", "--gemeente", "Utrecht", "--formaat", "csv", "--db", str(db)]) == 0
    audit = capsys.readouterr().out
    return exported + audit


def _xlsx(db, tmp_path) -> str:
    out = tmp_path / "plan.xlsx"
    assert main(["export", "--gemeente", "Utrecht", "--formaat", "xlsx", "--db", str(db),
                 "-o", str(out)]) == 0
    book = load_workbook(io.BytesIO(out.read_bytes()))
    return json.dumps([[c for c in row] for sheet in book for row in sheet.iter_rows(values_only=True)],
                      default=str, ensure_ascii=False)


def _counts(store) -> tuple:
    return tuple(store.value(f"SELECT count(*) FROM {t}") for t in (
        "answers", "ontwikkelpunten", "ontwikkelpunt_log", "changes", "assignments", "members"))


@pytest.mark.parametrize("platform", sorted(LEAVERS))
def test_a_person_who_left_is_a_pseudonym_everywhere_and_every_record_stays(tmp_path, capsys, platform):
    leaver, own_id = LEAVERS[platform]
    db = tmp_path / "leidraad.db"
    store, _ = _world(db, leaver)
    before = _counts(store)
    versions = store.value("SELECT count(*) FROM answers WHERE question_id = ?",
                           [store.db.execute("SELECT question_id FROM answers").fetchone()[0]])
    store.close()
    assert "Bram Jansen" in _everything(db, capsys) and "Bram Jansen" in _xlsx(db, tmp_path)
    assert main(["vergeet", "Bram Jansen", "--ja", "--overdragen-aan", "Anna de Vries",
                 "--db", str(db)]) == 0
    said = capsys.readouterr().out
    assert "‘Bram Jansen’ heet nu overal ‘Oud-medewerker 1’" in said
    everything, sheet = _everything(db, capsys), _xlsx(db, tmp_path)
    for trace in filter(None, (leaver.naam, leaver.id, own_id)):
        assert trace not in everything.replace("Bram Jansen-de Wit", ""), trace
        assert trace not in sheet.replace("Bram Jansen-de Wit", ""), trace
        for file in (db, tmp_path / "leidraad-inbox.db"):  # the files themselves, old pages too
            held = file.read_bytes().replace(b"Bram Jansen-de Wit", b"") if file.exists() else b""
            assert trace.encode() not in held, (file, trace)
    assert "Oud-medewerker 1" in everything and "Bram Jansen-de Wit" in everything
    assert "met Oud-medewerker 1 als ambtelijk trekker" in everything
    store = Store(db, durable=False)
    # one change more: forgotten; and one per question handed over, and a log entry for #1's owner
    assert _counts(store) == (before[0], before[1], before[2] + 1, before[3] + 1 + before[4], *before[4:])
    assert store.value("SELECT count(*) FROM answers WHERE question_id = ?",
                       [store.db.execute("SELECT question_id FROM answers").fetchone()[0]]) == versions
    assert store.punten.get(1, 1)["wie"] == "Anna de Vries"  # handed over first
    assert len(store.team.assigned_to(1, ANNA.id)) == before[4]
    store.close()


def test_forgetting_asks_first_and_refuses_while_open_ontwikkelpunten_are_theirs(tmp_path, capsys,
                                                                                 monkeypatch):
    leaver, _ = LEAVERS["slack"]
    db = tmp_path / "leidraad.db"
    store, _ = _world(db, leaver)
    store.close()
    assert main(["vergeet", "Bram Jansen", "--ja", "--db", str(db)]) == 2
    refused = capsys.readouterr().err
    assert "nog eigenaar van open ontwikkelpunten (Utrecht #1)" in refused and "--overdragen-aan" in refused
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda asked: "nee")
    assert main(["vergeet", leaver.id, "--overdragen-aan", ANNA.id, "--db", str(db)]) == 1
    assert "Er is niets veranderd." in capsys.readouterr().out
    for wrong, message in (("Niemand Bekend", "Er is niemand ‘Niemand Bekend’"),
                           ("Bram Jansen", "is iemand anders")):
        extra = ["--overdragen-aan", "Bram Jansen"] if wrong == "Bram Jansen" else []
        assert main(["vergeet", wrong, "--ja", *extra, "--db", str(db)]) == 2
        assert message in capsys.readouterr().err
    store = Store(db, durable=False)
    assert store.people.name(leaver.id) == "Bram Jansen"  # nothing changed
    store.close()


def test_an_owner_named_as_text_counts_too(tmp_path, capsys):
    """In the console an owner is a name typed as text ("@Bram Jansen"): still theirs, so still
    refused while open, and handed over with --overdragen-aan."""
    db = tmp_path / "leidraad.db"
    store = Store(db, durable=False)
    service = Service(store, clock=Clock())
    from .conftest import Chat
    anna, bram = Chat(service, "Anna"), Chat(service, "Bram Jansen")
    anna.start()
    bram.start()
    bram.say("Ik ben de contractmanager")
    anna.command("ontwikkelpunt nieuw")
    for value in ("1", "overslaan", "Meldcode vaker gebruiken", "overslaan", "overslaan", "overslaan",
                  "@Bram Jansen", "1-3-2027"):
        anna.say(value)
    store.close()
    assert main(["vergeet", "Bram Jansen", "--ja", "--db", str(db)]) == 2
    assert "(Utrecht #1)" in capsys.readouterr().err
    assert main(["vergeet", "Bram Jansen", "--ja", "--overdragen-aan", "Anna", "--db", str(db)]) == 0
    store = Store(db, durable=False)
    assert store.punten.get(1, 1)["wie"] == "Anna" and store.punten.get(1, 1)["wie_id"] == "console:anna"
    store.close()
