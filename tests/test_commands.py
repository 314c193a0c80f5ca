"""The command table: words, synonyms, arguments, near misses, help, and the README."""

from __future__ import annotations

import re

import pytest

from bot.core.commands import Parsed, Unfit, part_number
from bot.core.replies import CommandUsage
from bot.render.plain import render_one
from bot.service import Service
from dialogues.content import checklist

from .conftest import ROOT


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    from store import Store

    return Service(Store(tmp_path_factory.mktemp("table") / "t.db", durable=False)).table


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
                                  "Regie ligt bij de wethouder", "Beleid", "Nvt", "Een visie ligt er",
                                  "Status quo is dat er geen visie is", "Regio Utrecht heeft een plan",
                                  "deel van het team", "Stop met werken in silo's is het motto.",
                                  "Start van de implementatie was in 2025.", "Hulp is goed geregeld",
                                  "Versie 2 van het beleidsplan is in 2024 vastgesteld.",
                                  "Koppel de acties aan het budget", "Stuurgroep is er niet",
                                  "Wijzig de aanpak niet", "Lid van het college: de wethouder.",
                                  "Status ² van het beleid is vastgesteld", "Regie"])
def test_ordinary_answers_are_free_text(table, text):
    """A sentence is no command because its first word is one."""
    assert table.parse(text) is None


@pytest.mark.parametrize(
    ("text", "usages"),
    [
        ("bijwerken", ["bijwerken 3 <tekst>"]),
        ("ontwikkelpunt", ["ontwikkelpunt 3", "ontwikkelpunt nieuw"]),
        ("ontwikkelpunt abc", ["ontwikkelpunt 3"]),
        ("regio", ["regio instellen <naam>"]),
        ("regio instellen", ["regio instellen <naam>"]),
        ("herinnering", ["herinnering wekelijks maandag 9:00", "herinnering maandelijks 1 9:00",
                         "herinnering uit"]),
        ("lid toevoegen bram", ["lid toevoegen @iemand"]),
        ("status afgerond", ["status 3 afgerond"]),
        ("Status quo.", ["status 3 afgerond"]),
        ("deel 3", ["deel 1 of deel 2"]),
        ("wijzig 2 budget 5000", ["wijzig 3 planning 1-3-2027"]),
        ("koppel Nepdorp", ["koppel <gemeente>"]),
        ("hulp nodig", ["hulp [commando]"]),
    ],
)
def test_a_short_near_miss_of_a_command_is_unfit(table, text, usages):
    """The command's words alone, or with arguments that do not fit, in a short text."""
    result = table.parse(text)
    assert isinstance(result, Unfit) and [c.usage for c in result.commands] == usages
    assert not result.guess


@pytest.mark.parametrize("text", ["Status quo is dat er geen visie is", "Regio Utrecht heeft een plan",
                                  "Deel van het team doet mee", "stop met werken in silo's"])
def test_addressed_as_a_command_what_starts_as_one_is_its_usage(table, text):
    """``/leidraad status quo is …``: explicit, so the usage rather than an answer."""
    assert isinstance(table.parse(text, explicit=True), Unfit)


@pytest.mark.parametrize(
    ("text", "guess"),
    [("overslan", "overslaan"), ("Voortgnag", "voortgang"), ("hlup", "hulp"),
     ("ontwikelpunten", "ontwikkelpunten"), ("samenvating", "samenvatting"),
     ("bijwerkne 3 offerte binnen", "bijwerken 3 offerte binnen"), ("kopel Utrecht", "koppel Utrecht"),
     ("stauts 3 afgerond", "status 3 afgerond"), ("regio instelen West", "regio instellen West"),
     ("Sotp", "stop"), ("ONTWIKKELPUNT NEIUW", "ontwikkelpunt nieuw")],
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
    "ontwikkelpunt abc": "ontwikkelpunt 3",
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


def test_a_sentence_that_starts_with_a_command_word_is_stored_at_once(chat, store):
    chat.start()
    replies = chat.say("Status quo is dat er geen visie is")
    assert stored(store) == [(FIRST, "Status quo is dat er geen visie is")]
    assert "Opgeslagen" in render_one(replies[0]) and chat.prompt(replies).question_id == SECOND
    chat.say("Regio Utrecht heeft een projectleider, lokaal de wethouder Jeugd.")
    assert stored(store)[-1] == (SECOND, "Regio Utrecht heeft een projectleider, lokaal de wethouder Jeugd.")


def test_a_short_near_miss_is_asked_about_and_stored_after_one_word(chat, store):
    chat.start()
    [asked] = chat.say("status afgerond")
    shown = " ".join(render_one(asked).split())
    assert "Was “status afgerond” je antwoord bij vraag 1.1? Typ dan ‘ja’ of ‘opslaan’; dat kan " \
           "zolang we bij deze vraag zijn." in shown and "status 3 afgerond" in shown
    assert stored(store) == []
    replies = chat.say("opslaan")
    assert stored(store) == [(FIRST, "status afgerond")]
    assert chat.prompt(replies).question_id == SECOND


def test_a_held_text_waits_while_its_question_does_and_a_guess_can_be_taken(chat, store):
    chat.start()
    chat.say("regio")
    between = chat.say("voortgang")  # something else: the held text still waits, and the bot says so
    assert "“regio” is nog niet opgeslagen" in render_one(between[0])
    assert "nog niet opgeslagen" not in " ".join(render_one(r) for r in chat.say("begrippen"))  # once
    chat.say("opslaan")
    assert stored(store) == [(FIRST, "regio")]
    chat.say("lid")
    assert "Goed, er is niets opgeslagen" in render_one(chat.say("nee")[0])
    chat.say("ontwikelpunten")
    [listing] = chat.say("ja")  # "Bedoel je ‘ontwikkelpunten’?"
    assert type(listing).__name__ == "PuntList"
    chat.say("bijwerken")
    replies = chat.say("Een gewoon antwoord")  # the question is answered: the held text lapses, said
    assert stored(store)[-1] == (SECOND, "Een gewoon antwoord")
    assert "Je eerdere bericht “bijwerken” is niet opgeslagen bij vraag 1.2." in render_one(replies[0])
    assert chat.prompt(replies).question_id == checklist().questions[2].id
    assert "Was " not in " ".join(render_one(r) for r in chat.say("ja"))  # nothing held any more


def test_commands_inside_an_ontwikkelpunt_walk_are_not_field_values(chat, store):
    chat.start()
    chat.say("ontwikkelpunt nieuw")
    chat.say("2")  # basisfunctie
    [refused] = chat.say("wijzig 1.1")  # the command, refused here: never offered as a value
    assert "ontwikkelpunt aan het invullen" in render_one(refused)
    assert "Typ dan ‘ja’" not in render_one(refused)
    [usage] = chat.say("bijwerken")  # a command word without its number: may be a value
    assert isinstance(usage, CommandUsage) and "het veld ‘Quickscan-thema’" in render_one(usage)
    punt = store.punten.get(store.gemeenten.get("utrecht")["id"], 1)
    assert punt["thema"] is None and punt["basisfunctie"] == 2
    assert chat.prompt(chat.say("overslaan")).question_id == "punt.ontwikkelpunt"


def test_help_lists_what_this_user_may_use_here(service, chat):
    from bot.core.messages import Command, Place, PlaceKind, User

    chat.start()
    [console] = chat.say("hulp")
    usages = {u for _, lines in console.groups for u, _ in lines}
    assert {c.usage for c in service.table.commands} - usages == {
        "koppel <gemeente>", "lid toevoegen @iemand", "beheerder toevoegen @iemand",
        "lid verwijderen @iemand", "projectleider toevoegen @iemand"}  # those need a chat platform
    stranger = User("slack:T1:U9", "Iemand")
    [unbound] = service.handle(Command(stranger, Place(PlaceKind.CHANNEL, "slack:T1:C9", "slack:T1:C9"),
                                       text="hulp"))
    assert {u for _, lines in unbound.groups for u, _ in lines} == {
        "koppel <gemeente>", "hulp [commando]", "begrippen", "thema 1.2", "afwezig tot 1-3-2027",
        "aanwezig"}  # being away is about oneself
    [one] = chat.say("hulp bijwerken")
    assert [u for _, lines in one.groups for u, _ in lines] == ["bijwerken 3 <tekst>"]


@pytest.mark.parametrize("text", ["ontwikkelpunt ²", "status ² afgerond", "ontwikkelpunt ١"])
def test_a_number_is_written_in_0_to_9(table, text):
    """``isdigit`` takes ² and ١ too; ``int`` cannot read the one and reads the other as 1."""
    assert not isinstance(table.parse(text), Parsed)


def test_an_answer_with_a_superscript_is_stored_at_once(chat, store):
    """Before, ``int("²")`` raised: "Er ging iets mis", and the answer was lost."""
    chat.start()
    chat.say("Status ² van het beleid is vastgesteld")
    assert stored(store) == [("rollen.wie", "Status ² van het beleid is vastgesteld")]


def test_where_no_question_waits_what_starts_as_a_command_gets_its_usage(chat, store):
    """Nothing to answer: "verouderd na nul weken" can only be that command, typed wrong."""
    *_, usage = chat.say("verouderd na nul weken")  # no gesprek begun (Utrecht is made first)
    assert isinstance(usage, CommandUsage) and "verouderd na 8 weken" in render_one(usage)
    chat.start()
    chat.say("pauze")
    [usage] = chat.say("Terug naar af.")  # paused: what is typed is not stored
    assert isinstance(usage, CommandUsage) and stored(store) == []


def test_a_pause_lets_a_held_text_go_and_says_so(chat, store):
    chat.start()
    chat.say("regio")
    paused = " ".join(render_one(r) for r in chat.say("pauze"))
    assert "Je eerdere bericht “regio” is niet opgeslagen bij vraag 1.1." in " ".join(paused.split())
    chat.say("verder")
    chat.say("ja")  # nothing waits any more: "ja" is the answer to the question
    assert stored(store) == [(FIRST, "ja")]


def test_a_command_is_parsed_once(service):
    """Where a platform is acknowledged only a command that can open a form is parsed (it is
    opened there, at once); every other command is parsed once, where it is handled."""
    from bot.adapters.slack.translate import channel_place
    from bot.core.messages import Command, User

    anna = User("slack:T1:U1", "Anna")
    here = channel_place("T1", "C1")
    service.handle(Command(anna, here, text="koppel Utrecht"))
    table = service.table
    before = table.parsed.cache_info()
    assert not service.opens_form(Command(anna, here, text="voortgang", forms=True))
    assert table.parsed.cache_info() == before  # not parsed where it was acknowledged
    form = Command(anna, here, text="ontwikkelpunt nieuw", forms=True)
    assert service.opens_form(form)
    service.handle(form)
    after = table.parsed.cache_info()
    assert (after.misses, after.hits) == (before.misses + 1, before.hits + 1)  # parsed once
