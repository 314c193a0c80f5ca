"""The command table: words, synonyms, arguments, near misses, help, and the README."""

from __future__ import annotations

import re

import pytest

from bot.core.commands import Parsed, Unfit, part_number
from bot.core.replies import CommandUsage
from bot.render.text import render_one
from bot.service import Service
from dialogues.content import checklist

from .conftest import ROOT


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    from store import Store

    return Service(Store(tmp_path_factory.mktemp("table") / "t.db")).table


def parsed(table, text: str) -> tuple[str, dict]:
    result = table.parse(text)
    assert isinstance(result, Parsed), f"{text!r} -> {result}"
    return result.command.name, result.args


@pytest.mark.parametrize(
    ("text", "name", "args"),
    [
        ("overslaan", "overslaan", {}), ("Sla over", "overslaan", {}), ("  SKIP! ", "overslaan", {}),
        ("terug", "terug", {}), ("vorige", "terug", {}),
        ("pauze", "pauze", {}), ("Stop", "pauze", {}),
        ("hulp", "hulp", {}), ("?", "hulp", {}), ("/help", "hulp", {}),
        ("hulp bijwerken", "hulp", {"onderwerp": "bijwerken"}),
        ("voortgang", "voortgang", {}), ("waar ben ik?", "voortgang", {}),
        ("wijzig", "wijzig", {}), ("Wijzig 1.6", "wijzig", {"vraag": "1.6"}),
        ("wijzigen meldcode", "wijzig", {"vraag": "meldcode"}),
        ("deel 2", "deel", {"deel": 2}), ("Deel II", "deel", {"deel": 2}), ("deel1", "deel", {"deel": 1}),
        ("behouden", "behouden", {}), ("vervangen", "vervangen", {}), ("verder", "start", {}),
        ("start deel2", "start", {"deel": 2}), ("start Utrecht", "start", {"gemeente": "Utrecht"}),
        ("versies 1.3", "geschiedenis", {"vraag": "1.3"}),
        ("bijwerken 3 Offerte is binnen", "bijwerken", {"nummer": 3, "tekst": "Offerte is binnen"}),
        ("bijwerken #3", "bijwerken", {"nummer": 3}),
        ("status 3 in uitvoering", "status", {"nummer": 3, "status": "in_uitvoering"}),
        ("wijzig 3 beoogd resultaat Minder", "wijzig",
         {"nummer": 3, "veld": "beoogd_resultaat", "waarde": "Minder"}),
        ("ontwikkelpunt nieuw", "ontwikkelpunt nieuw", {}),
        ("ontwikkelpunt #4", "ontwikkelpunt", {"nummer": 4}),
        ("samenvatting regio", "samenvatting regio", {}), ("export XLSX", "export", {"formaat": "xlsx"}),
        ("stuurgroep verwijder 15-12-2026", "stuurgroep verwijder", {"datum": "15-12-2026"}),
        ("stuurgroep 15-12-2026 14:00", "stuurgroep", {"moment": "15-12-2026 14:00"}),
        ("lid toevoegen <@slack:T1:U3> en <@slack:T1:U4>", "lid toevoegen",
         {"wie": ("slack:T1:U3", "slack:T1:U4")}),
        ("verouderd na 8 weken", "verouderd na", {"weken": 8, "eenheid": ""}),
    ],
)
def test_commands_synonyms_and_arguments_are_recognised(table, text, name, args):
    assert parsed(table, text) == (name, args)


@pytest.mark.parametrize("text", ["De wethouder", "Nee, nog niet", "Ja", "stoppen met roken is lastig",
                                  "Regie ligt bij de wethouder", "Beleid", "Nvt", "Een visie ligt er"])
def test_ordinary_answers_are_free_text(table, text):
    assert table.parse(text) is None


@pytest.mark.parametrize(
    ("text", "usages"),
    [
        ("bijwerken", ["bijwerken 3 <tekst>"]),
        ("ontwikkelpunt", ["ontwikkelpunt 3", "ontwikkelpunt nieuw"]),
        ("ontwikkelpunt abc", ["ontwikkelpunt 3", "ontwikkelpunt nieuw"]),
        ("regio", ["regio instellen <naam>"]),
        ("regio instellen", ["regio instellen <naam>"]),
        ("herinnering", ["herinnering wekelijks maandag 9:00", "herinnering maandelijks 1 9:00",
                         "herinnering uit"]),
        ("lid toevoegen @x", ["lid toevoegen @iemand", "lid verwijderen @iemand"]),
        ("Status quo is dat er geen visie is", ["status 3 afgerond"]),
        ("Regio Utrecht heeft een plan", ["regio instellen <naam>"]),
        ("deel van het team", ["deel 1 of deel 2"]),
    ],
)
def test_text_that_starts_with_a_command_word_but_does_not_fit_is_unfit(table, text, usages):
    result = table.parse(text)
    assert isinstance(result, Unfit) and [c.usage for c in result.commands] == usages


@pytest.mark.parametrize(
    ("text", "guess"),
    [("overslan", "overslaan"), ("Voortgnag", "voortgang"), ("hlup", "hulp"),
     ("ontwikelpunten", "ontwikkelpunten"), ("samenvating", "samenvatting"),
     ("bijwerkne 3 offerte binnen", "bijwerken 3 offerte binnen"), ("kopel Utrecht", "koppel Utrecht")],
)
def test_near_misses_of_any_command_are_guessed(table, text, guess):
    result = table.parse(text)
    assert isinstance(result, Unfit) and result.guess == guess


def test_an_argument_that_does_not_fit_says_why(table):
    assert "geen exportformaat" in table.parse("export pdf").reason
    assert "twee delen" in table.parse("deel 3").reason


def test_part_numbers():
    assert [part_number(a) for a in ("1", "I", "een", "2", "ii", "twee", "3", "")] == [
        1, 1, 1, 2, 2, 2, None, None]


def test_every_command_has_a_usage_a_help_text_and_a_group(table):
    for command in table.commands:
        assert command.usage.strip() and len(command.help) > 15, command.name
        assert command.group and command.handler is not None, command.name
        first = command.usage.split()[0]
        assert any(first == p[0] for p in command.words), (command.name, command.usage)


def _readme_commands() -> list[str]:
    """Every command in the first column of the README's command tables (their header starts
    with "typ"), except the command line's own."""
    found, in_table = [], False
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            in_table = False
            continue
        first = line.split("|")[1].strip()
        if first.startswith("typ"):
            in_table = True
        elif in_table:
            found += [c for c in re.findall(r"`([^`]+)`", first) if not c.startswith("leidraadbot")]
    return found


def test_every_command_in_the_readme_is_in_the_table(table):
    commands = _readme_commands()
    assert len(commands) > 30
    for text in commands:
        text = re.sub(r"^(/leidraad|@Leidraadbot)\s*", "", text)
        result = table.parse(text)
        assert isinstance(result, Parsed) or (isinstance(result, Unfit) and not result.guess), text


# --- in the gesprek: text that looks like a command is never stored as an answer ---------------

TEN = {
    "bijwerken": "bijwerken 3 <tekst>",
    "ontwikkelpunt": "ontwikkelpunt 3",
    "ontwikkelpunt abc": "ontwikkelpunt nieuw",
    "ontwikelpunten": "ontwikkelpunten",
    "samenvating": "samenvatting",
    "regio": "regio instellen <naam>",
    "regio instellen": "regio instellen <naam>",
    "herinnering": "herinnering wekelijks maandag 9:00",
    "lid toevoegen @x": "lid toevoegen @iemand",
    "koppel Utrecht": "koppel <gemeente>",
}


FIRST, SECOND = (q.id for q in checklist().questions[:2])


def stored(store) -> list[tuple[str, str]]:
    return store.db.execute("SELECT question_id, text FROM answers ORDER BY id").fetchall()


@pytest.mark.parametrize(("text", "usage"), TEN.items())
def test_a_command_word_mid_gesprek_stores_nothing_and_gets_its_usage(chat, store, text, usage):
    chat.start()
    chat.say("Eerste antwoord")
    replies = chat.say(text)
    [reply] = replies
    shown = " ".join(render_one(reply).split())
    assert isinstance(reply, CommandUsage) and usage in shown
    assert "Er is niets opgeslagen" in shown or "Bedoel je" in shown
    assert stored(store) == [(FIRST, "Eerste antwoord")]
    assert chat.prompt(chat.say("voortgang") and chat.say("verder")).question_id == SECOND


def test_an_answer_that_starts_with_a_command_word_is_stored_after_one_word(chat, store):
    chat.start()
    [asked] = chat.say("Status quo is dat er geen visie is")
    assert "Was “Status quo is dat er geen visie is” je antwoord bij vraag 1.1? Typ dan ‘ja’" \
        in " ".join(render_one(asked).split())
    assert stored(store) == []
    replies = chat.say("opslaan")
    assert stored(store) == [(FIRST, "Status quo is dat er geen visie is")]
    assert chat.prompt(replies).question_id == SECOND
    chat.say("Regio Utrecht heeft een plan")
    chat.say("ja")  # "Was “Regio Utrecht heeft een plan” je antwoord bij vraag 1.2?"
    assert stored(store)[-1] == (SECOND, "Regio Utrecht heeft een plan")


def test_a_held_text_is_dropped_when_the_user_goes_on_and_a_guess_can_be_taken(chat, store):
    chat.start()
    chat.say("deel van het team")
    assert "Goed, er is niets opgeslagen" in render_one(chat.say("nee")[0])
    chat.say("ontwikelpunten")
    [listing] = chat.say("ja")  # "Bedoel je ‘ontwikkelpunten’?"
    assert type(listing).__name__ == "PuntList"
    chat.say("bijwerken")
    replies = chat.say("Een gewoon antwoord")  # something else: the held text is let go, and said
    assert stored(store) == [(FIRST, "Een gewoon antwoord")]
    assert "Je vorige bericht (‘bijwerken’) heb ik niet opgeslagen" in render_one(replies[0])
    assert chat.prompt(replies).question_id == SECOND


def test_commands_inside_an_ontwikkelpunt_walk_are_not_field_values(chat, store):
    chat.start()
    chat.say("ontwikkelpunt nieuw")
    chat.say("2")  # basisfunctie
    [refused] = chat.say("wijzig 1.1")  # the command, refused here: never offered as a value
    assert "ontwikkelpunt aan het invullen" in render_one(refused)
    assert "Typ dan ‘ja’" not in render_one(refused)
    [usage] = chat.say("bijwerken")  # a command word without its number: may be a value
    assert isinstance(usage, CommandUsage) and "het veld ‘Quickscan-thema’" in render_one(usage)
    punt = store.punt(store.gemeente("utrecht")["id"], 1)
    assert punt["thema"] is None and punt["basisfunctie"] == 2
    assert chat.prompt(chat.say("overslaan")).question_id == "punt.ontwikkelpunt"


def test_help_lists_what_this_user_may_use_here(service, chat):
    from bot.core.messages import Inbound, Place, PlaceKind, User

    chat.start()
    [console] = chat.say("hulp")
    usages = {u for _, lines in console.groups for u, _ in lines}
    assert {c.usage for c in service.table.commands} - usages == {
        "koppel <gemeente>", "lid toevoegen @iemand", "beheerder toevoegen @iemand",
        "lid verwijderen @iemand", "projectleider toevoegen @iemand"}  # those need a chat platform
    stranger = User("slack:T1:U9", "Iemand")
    [unbound] = service.handle(Inbound(stranger, Place(PlaceKind.CHANNEL, "slack:T1:C9", "slack:T1:C9"),
                                       command="hulp"))
    assert {u for _, lines in unbound.groups for u, _ in lines} == {"koppel <gemeente>", "hulp [commando]",
                                                                       "begrippen", "thema 1.2"}
    [one] = chat.say("hulp bijwerken")
    assert [u for _, lines in one.groups for u, _ in lines] == ["bijwerken 3 <tekst>"]


@pytest.mark.parametrize("text", ["ontwikkelpunt ²", "status ² afgerond", "ontwikkelpunt ١"])
def test_a_number_is_written_in_0_to_9(table, text):
    """``isdigit`` takes ² and ١ too; ``int`` cannot read the one and reads the other as 1."""
    assert isinstance(table.parse(text), Unfit)


def test_an_answer_with_a_superscript_is_held_and_stored_after_one_word(chat, store):
    """Before, ``int("²")`` raised: "Er ging iets mis", and the answer was lost."""
    chat.start()
    [held] = chat.say("Status ² van het beleid is vastgesteld")
    assert isinstance(held, CommandUsage) and held.held
    chat.say("ja")
    assert stored(store) == [("rollen.wie", "Status ² van het beleid is vastgesteld")]
