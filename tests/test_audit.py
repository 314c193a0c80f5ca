"""The audit log: every change with who, when, which gemeente, what it was and what it became;
``leidraadbot audit --gemeente X [--sinds DATUM]`` prints it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from bot.cli import main
from bot.core.messages import Begin, Command, Place, PlaceKind, Said, Start, User
from bot.service import Service

from .conftest import Chat, Clock

ANNA = User("slack:T1:U1", "Anna de Vries")
BRAM = User("slack:T1:U2", "Bram Jansen")
CHANNEL = Place(PlaceKind.CHANNEL, "slack:T1:C1", "slack:T1:C1")
THREAD = Place(PlaceKind.THREAD, "slack:T1:C1:1700.1", "slack:T1:C1")
OTHER = Place(PlaceKind.CHANNEL, "slack:T1:C2", "slack:T1:C2")


def command(service: Service, user: User, text: str, place: Place = CHANNEL,
            mentions: tuple[User, ...] = ()) -> None:
    service.handle(Command(user, place, text=text, mentions=mentions))


@pytest.fixture
def worked(store):
    """Utrecht, worked on by Anna (beheerder) and Bram (lid for a while); Zeist beside it."""
    service = Service(store, clock=Clock(datetime(2026, 11, 30, 9, 0, tzinfo=UTC)))
    command(service, ANNA, "koppel Utrecht")
    command(service, ANNA, "koppel Utrecht")  # no change: not logged
    command(service, ANNA, f"lid toevoegen <@{BRAM.id}>", mentions=(BRAM,))
    command(service, ANNA, f"lid toevoegen <@{BRAM.id}>", mentions=(BRAM,))  # the same again
    service.handle(Begin(BRAM, THREAD, start=Start()))
    service.handle(Said(BRAM, THREAD, text="Een stuurgroep", addressed=True))
    service.handle(Command(BRAM, THREAD, text="terug"))
    service.handle(Said(BRAM, THREAD, text="Een stuurgroep en een regiegroep", addressed=True))
    service.clock.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    command(service, ANNA, "verouderd na 8 weken")
    command(service, ANNA, "herinnering wekelijks maandag 9:00")
    command(service, ANNA, "stuurgroep 15-12-2026 14:00")
    command(service, ANNA, "stuurgroep verwijder 15-12-2026")
    command(service, ANNA, f"lid verwijderen <@{BRAM.id}>", mentions=(BRAM,))
    command(service, BRAM, "koppel Zeist", OTHER)
    return service


def test_every_change_is_logged_with_who_when_old_and_new(worked):
    naam, changes = worked.audit("utrecht")
    assert naam == "Utrecht"
    assert [(c.who, c.what, c.old, c.new) for c in changes] == [
        ("Anna de Vries", "gemeente aangemaakt", "", "Utrecht"),
        ("Anna de Vries", "kanaal slack:T1:C1 gekoppeld", "", "Utrecht"),
        ("Anna de Vries", "toegang van Anna de Vries", "geen toegang", "beheerder"),
        ("Anna de Vries", "toegang van Bram Jansen", "geen toegang", "lid"),
        ("Bram Jansen", "antwoord 1.1", "", "Een stuurgroep"),
        ("Bram Jansen", "antwoord 1.1", "Een stuurgroep", "Een stuurgroep en een regiegroep"),
        ("Anna de Vries", "verouderd na", "6 weken", "8 weken"),
        ("Anna de Vries", "statusherinnering", "uit", "elke maandag om 09:00"),
        ("Anna de Vries", "stuurgroep", "", "dinsdag 15 december 2026 om 14:00"),
        ("Anna de Vries", "stuurgroep", "dinsdag 15 december 2026 om 14:00", ""),
        ("Anna de Vries", "toegang van Bram Jansen", "lid", "geen toegang"),
    ]
    assert changes[0].at.isoformat() == "2026-11-30T10:00:01+01:00"  # Dutch time
    assert [c.at for c in changes] == sorted(c.at for c in changes)


def test_one_gemeentes_log_holds_nothing_of_another(worked):
    _, changes = worked.audit("Zeist")
    assert [(c.who, c.what) for c in changes] == [
        ("Bram Jansen", "gemeente aangemaakt"), ("Bram Jansen", "kanaal slack:T1:C2 gekoppeld"),
        ("Bram Jansen", "toegang van Bram Jansen")]


def test_a_channel_bound_to_another_gemeente_is_logged_for_both(worked):
    before = len(worked.audit("Utrecht")[1])
    command(worked, BRAM, "koppel Utrecht", OTHER)  # no beheerder of Utrecht: refused, not logged
    assert len(worked.audit("Utrecht")[1]) == before
    with worked.store.transaction():
        worked.store.people.add_member(worked.store.gemeenten.get("zeist")["id"], ANNA.id, "beheerder",
                                            "operator", worked.clock().isoformat())
    command(worked, ANNA, "koppel Utrecht", OTHER)
    moved = ("kanaal slack:T1:C2 gekoppeld", "Zeist", "Utrecht")
    zeist, utrecht = worked.audit("Zeist")[1], worked.audit("Utrecht")[1]
    assert [(c.what, c.old, c.new) for c in zeist[-2:]] == [
        ("toegang van Anna de Vries", "geen toegang", "beheerder"), moved]
    assert zeist[-2].who == "de beheerder van de bot"
    assert (utrecht[-1].what, utrecht[-1].old, utrecht[-1].new) == moved


def test_ontwikkelpunten_fields_status_and_stand_are_in_the_log(service):
    chat = Chat(service)
    for text in ("nieuw ontwikkelpunt", "1", "1", "Meer samenwerking", "Betere afstemming",
                 "Overleg plannen", "Geen", "Anna", "1-3-2027", "Nog niet begonnen",
                 "status 1 in uitvoering", "wijzig 1 kosten 5000 euro", "bijwerken 1 Gestart"):
        chat.say(text)
    _, changes = service.audit("Utrecht")
    assert [(c.who, c.what, c.old, c.new) for c in changes if c.what.startswith("#1")][-6:] == [
        ("Anna", "#1 Planning", "", "1 maart 2027"),
        ("Anna", "#1 status", "", "open"),  # open as soon as nothing required is missing
        ("Anna", "#1 stand van zaken", "", "Nog niet begonnen"),
        ("Anna", "#1 status", "open", "in uitvoering"),
        ("Anna", "#1 Kosten en hoe deze gedekt worden", "Geen", "5000 euro"),
        ("Anna", "#1 stand van zaken", "", "Gestart"),
    ]
    assert "ontwikkelpunt #1 aangemaakt" in [c.what for c in changes]


def test_the_command_line_prints_it_from_a_day_on_and_as_csv(worked, db_path, capsys):
    assert main(["audit", "--db", str(db_path), "--gemeente", "Utrecht", "--sinds", "1-12-2026"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Gemeente Utrecht, sinds 1 december 2026: 5 wijzigingen\n")
    assert "2026-12-01 10:00  Anna de Vries  verouderd na: ‘6 weken’ → ‘8 weken’" in out
    assert "Een stuurgroep" not in out

    assert main(["audit", "--db", str(db_path), "--gemeente", "Utrecht", "--formaat", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out), delimiter=";"))
    assert rows[0] == ["Wanneer", "Wie", "Wat", "Was", "Werd"]
    assert len(rows) == 12


def test_a_formula_in_a_text_stays_text_in_the_csv(store, db_path, capsys):
    service = Service(store, clock=Clock())
    command(service, ANNA, "koppel Utrecht")
    service.handle(Begin(ANNA, THREAD, start=Start()))
    service.handle(Said(ANNA, THREAD, text='=HYPERLINK("http://x","klik")', addressed=True))
    main(["audit", "--db", str(db_path), "--gemeente", "Utrecht", "--formaat", "csv"])
    *_, last = csv.reader(io.StringIO(capsys.readouterr().out), delimiter=";")
    assert last[-1] == "'=HYPERLINK(\"http://x\",\"klik\")"


@pytest.mark.parametrize("args, says", [
    (["--gemeente", "Utreht"], "Er is geen gemeente ‘Utreht’. Bedoel je ‘Utrecht’?"),
    (["--gemeente", "Houten"], "Gemeente Houten staat nog niet in Leidraadbot."),
    (["--gemeente", "Utrecht", "--sinds", "31-02-2026"], "De datum ‘31-02-2026’ bestaat niet"),
    (["--gemeente", "Utrecht", "--sinds", "gisteren"], "--sinds:"),
])
def test_a_wrong_gemeente_or_date_gets_a_dutch_message(worked, db_path, capsys, args, says):
    assert main(["audit", "--db", str(db_path), *args]) == 2
    assert says in capsys.readouterr().err


def test_a_csv_file_opens_in_a_dutch_spreadsheet(worked, db_path, tmp_path):
    out = tmp_path / "audit.csv"
    assert main(["audit", "--db", str(db_path), "--gemeente", "Utrecht", "--formaat", "csv",
                 "-o", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode()) and raw.decode("utf-8-sig").startswith("Wanneer;Wie;Wat")


def test_a_file_that_cannot_be_written_is_said_in_dutch(worked, db_path, tmp_path, capsys):
    for where, why in ((tmp_path / "weg" / "a.csv", "die map bestaat niet"), (tmp_path, "dat is een map")):
        assert main(["audit", "--db", str(db_path), "--gemeente", "Utrecht", "-o", str(where)]) == 2
        assert why in capsys.readouterr().err


def test_a_projectleider_stays_in_the_log_of_the_gemeenten_they_could_read(worked):
    store = worked.store
    at = "2026-12-01T12:00:00+00:00"
    with store.transaction():
        midden = store.gemeenten.regio("regio midden", "Regio Midden", at)["id"]
        store.gemeenten.set(store.gemeenten.get("utrecht")["id"], "operator", at, regio_id=midden)
        store.people.add_projectleider(midden, BRAM.id, "operator", at)
        oost = store.gemeenten.regio("regio oost", "Regio Oost", at)["id"]
        store.gemeenten.set(store.gemeenten.get("utrecht")["id"], "operator", at, regio_id=oost)
        store.people.add_projectleider(oost, ANNA.id, "operator", at)
    lines = [(c.what, c.new) for c in worked.audit("Utrecht")[1][-4:]]
    assert lines == [("regio", "Regio Midden"), ("projectleider van de regio: Bram Jansen", "projectleider"),
                     ("regio", "Regio Oost"), ("projectleider van de regio: Anna de Vries", "projectleider")]
    assert "projectleider" not in " ".join(c.what for c in worked.audit("Zeist")[1])
