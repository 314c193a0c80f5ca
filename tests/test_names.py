"""Gemeente and regio names: the CBS list is the only source of gemeente names, however they are
typed; a near miss is asked about, a made-up name never becomes a gemeente; operators rename and
merge."""

import subprocess
import sys

import pytest
from sqlite_utils import Database

from bot.core.replies import Notice
from dialogues.gemeenten import fold, gemeenten
from store import Store
from tests.conftest import Chat

AT = "2026-11-02T09:00:00+00:00"


def leidraadbot(*args: str, cwd, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, check=False, input=stdin)


def test_the_cbs_list_holds_every_gemeente_once_with_its_code():
    official = gemeenten()
    assert len(official) == 342
    codes = [o.code for o in official.all]
    assert len(set(codes)) == 342 and all(c[:2] == "GM" and c[2:].isdigit() for c in codes)
    assert len({o.key for o in official.all}) == 342  # no two fold to the same name
    assert "CBS" in official.source


@pytest.mark.parametrize("typed, meant", [
    ("Utrecht", "Utrecht"), ("gemeente UTRECHT", "Utrecht"), ("den bosch", "'s-Hertogenbosch"),
    ("’s-Hertogenbosch", "'s-Hertogenbosch"), ("s Hertogenbosch", "'s-Hertogenbosch"),
    ("SUDWEST-FRYSLAN", "Súdwest-Fryslân"), ("Sudwest Fryslan", "Súdwest-Fryslân"),
    ("Den Haag", "'s-Gravenhage"), ("nuenen", "Nuenen, Gerwen en Nederwetten"),
    ("Bergen (L.)", "Bergen (L.)"), ("bergen nh", "Bergen (NH.)"),  # as the bot suggests them
])
def test_a_name_is_found_however_it_is_written(typed, meant):
    assert gemeenten().find(typed).gemeente.naam == meant


def test_a_near_miss_suggests_and_a_shared_name_asks_which():
    assert [o.naam for o in gemeenten().find("Utreht").suggestions] == ["Utrecht"]
    bergen = gemeenten().find("Bergen")
    assert bergen.gemeente is None and bergen.several
    assert {o.naam for o in bergen.suggestions} == {"Bergen (L.)", "Bergen (NH.)"}
    alphen = gemeenten().find("Alphen")  # the start of two names: which one?
    assert alphen.several and {o.naam for o in alphen.suggestions} == {"Alphen aan den Rijn",
                                                                       "Alphen-Chaam"}
    nothing = gemeenten().find("Nepdorp")
    assert nothing.gemeente is None and nothing.suggestions == ()


def test_the_console_asks_about_a_typo_and_makes_no_gemeente(service, store):
    [said] = Chat(service, gemeente="Utreht").start()
    assert isinstance(said, Notice) and "Bedoel je ‘Utrecht’?" in said.text
    [said] = Chat(service, gemeente="Nepdorp").start()
    assert "geen gemeente in Nederland" in said.text
    assert store.gemeenten.all() == []


def test_spellings_of_one_gemeente_are_one_gemeente(service, store):
    for typed in ("’s-Hertogenbosch", "'s-Hertogenbosch", "den bosch", "S-HERTOGENBOSCH"):
        Chat(service, gemeente=typed).start()
    for typed in ("Súdwest-Fryslân", "Sudwest-Fryslan", "SUDWEST FRYSLAN"):
        Chat(service, gemeente=typed).start()
    assert [(g["naam"], g["code"]) for g in store.gemeenten.all()] == [
        ("'s-Hertogenbosch", "GM0796"), ("Súdwest-Fryslân", "GM1900")]


def test_koppel_in_slack_refuses_a_typo_and_names_the_gemeente(slack):
    person = slack.user("U1")
    person.command("koppel Utreht")
    slack.settle()
    assert "Bedoel je ‘Utrecht’?" in slack.api.named("cmd")[-1]["text"]
    assert slack.store.gemeenten.of_channel("slack:T1:C1") is None
    person.command("koppel gemeente utrecht")
    slack.settle()
    assert slack.store.gemeenten.of_channel("slack:T1:C1")["naam"] == "Utrecht"


def test_a_regio_near_miss_is_asked_about_and_spellings_are_one_regio(slack):
    person = slack.user("U1")
    person.command("koppel Utrecht")
    person.command("regio instellen Regio Midden-Nederland")
    person.command("regio instellen regio midden nederland")  # the same regio
    slack.settle()
    assert len(slack.store.gemeenten.regios()) == 1
    person.command("regio instellen Regio Midden-Nederlnd")
    slack.settle()
    asked = slack.api.named("cmd")[-1]["text"]
    assert "Bedoel je die" in asked and "Regio Midden-Nederland" in asked
    assert len(slack.store.gemeenten.regios()) == 1
    person.command("regio instellen Regio Oost-Nederland")  # not alike: "regio" says nothing
    person.command("regio instellen nieuw Regio Midden-Nederlnd")  # asked, and meant
    slack.settle()
    assert [r["naam"] for r in slack.store.gemeenten.regios()] == [
        "Regio Midden-Nederland", "Regio Midden-Nederlnd", "Regio Oost-Nederland"]


def test_the_command_line_refuses_a_typo_before_anything_is_made(tmp_path):
    done = leidraadbot("chat", "--gemeente", "Utreht", "--gebruiker", "Anna", cwd=tmp_path,
                       stdin="antwoord\n")
    assert done.returncode == 2 and "Bedoel je ‘Utrecht’?" in done.stderr
    assert not (tmp_path / "leidraad.db").exists()  # nothing made at all


def test_the_console_asks_the_name_once_and_remembers_it(tmp_path):
    first = leidraadbot("chat", "--gemeente", "Zeist", cwd=tmp_path, stdin="Anna de Vries\npauze\n")
    assert "Wat is je naam?" in first.stdout
    again = leidraadbot("chat", "--gemeente", "Zeist", cwd=tmp_path, stdin="Wethouder\n")
    assert "Wat is je naam?" not in again.stdout
    store = Store(tmp_path / "leidraad.db")
    [answer] = store.rows("SELECT u.naam FROM answers a JOIN users u ON u.id = a.author_id")
    assert answer == {"naam": "Anna de Vries"}


def test_old_spellings_are_renamed_and_duplicates_merged_by_the_operator(tmp_path):
    db_path = tmp_path / "leidraad.db"
    store = Store(db_path)
    with store.transaction():  # as they were made before the CBS list: one gemeente twice
        store.people.ensure("console:anna", "Anna", AT)
        curly = store.gemeenten.create("’s-hertogenbosch", "’s-Hertogenbosch", "console:anna", AT)
        straight = store.gemeenten.create("'s-hertogenbosch", "'s-Hertogenbosch", "console:bea", AT)
        made_up = store.gemeenten.create("voorbeeldstad", "Voorbeeldstad", "console:anna", AT)
        for gemeente, text in ((curly, "van Anna"), (straight, "van Bea")):
            store.answers.save(gemeente["id"], "deel1.taak_rol", text, "console:anna", AT)
        store.punten.create(curly["id"], {"ontwikkelpunt": "eerste"}, "console:anna", AT)
        store.punten.create(straight["id"], {"ontwikkelpunt": "tweede"}, "console:anna", AT)
    store.close()
    db = Database(db_path)  # as the migration of this issue found them
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm011_official_names'")
    db.execute("UPDATE gemeenten SET key = lower(naam), code = NULL")
    db.execute("DROP INDEX idx_gemeenten_code")
    db.execute("ALTER TABLE gemeenten DROP COLUMN code")
    db.conn.commit()
    db.close()
    listed = leidraadbot("gemeente", "lijst", cwd=tmp_path).stdout.splitlines()
    assert listed == [f"#{curly['id']}  's-Hertogenbosch  (CBS GM0796)",
                      f"#{straight['id']}  's-Hertogenbosch  (niet op de lijst van het CBS)",
                      f"#{made_up['id']}  Voorbeeldstad  (niet op de lijst van het CBS)"]
    refused = leidraadbot("gemeente", "hernoemen", f"#{straight['id']}", "den bosch", "--ja",
                          cwd=tmp_path)
    assert refused.returncode == 2 and "samenvoegen" in refused.stderr
    unsure = leidraadbot("gemeente", "samenvoegen", f"#{straight['id']}", "Den Bosch", cwd=tmp_path)
    assert unsure.returncode == 2 and "Bevestig met --ja" in unsure.stderr  # nothing merged yet
    merged = leidraadbot("gemeente", "samenvoegen", f"#{straight['id']}", "Den Bosch", "--ja",
                         cwd=tmp_path)
    assert merged.returncode == 0, merged.stderr
    renamed = leidraadbot("gemeente", "hernoemen", "Voorbeeldstad", "Vught", "--ja", cwd=tmp_path)
    assert renamed.returncode == 0 and "heet nu Vught" in renamed.stdout
    store = Store(db_path)
    bosch = store.gemeenten.get(fold("'s-Hertogenbosch"))
    versions = store.rows("SELECT text FROM answers WHERE gemeente_id = ? ORDER BY id", [bosch["id"]])
    assert [v["text"] for v in versions] == ["van Anna", "van Bea"]  # both kept, Bea's is current
    punten = store.rows("SELECT nummer, ontwikkelpunt FROM ontwikkelpunten WHERE gemeente_id = ? "
                        "ORDER BY nummer", [bosch["id"]])
    assert punten == [{"nummer": 1, "ontwikkelpunt": "eerste"}, {"nummer": 2, "ontwikkelpunt": "tweede"}]
    assert [g["naam"] for g in store.gemeenten.all()] == ["'s-Hertogenbosch", "Vught"]
    log = leidraadbot("audit", "--gemeente", "den bosch", cwd=tmp_path).stdout
    assert "gemeente 's-Hertogenbosch samengevoegd met deze" in log
