"""The ontwikkelplan in the chat: creating, updating, closing, history, drafts, dates."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.dutch import DateError, parse_date
from bot.core.replies import (
    Abbreviations,
    CommandUsage,
    Notice,
    PuntDetail,
    PuntList,
    QuestionPrompt,
    Recap,
    Tone,
)
from bot.render.plain import render, render_one
from bot.service import Service
from dialogues.content import checklist

from .conftest import Chat, Clock


def notices(replies) -> str:
    """What the bot said in words: its notices, and how a command goes."""
    return " ".join(render_one(r) for r in replies if isinstance(r, Notice | CommandUsage))


def create(chat: Chat, basisfunctie: str, doel: str, wie: str, planning: str) -> list:
    """Walk through `ontwikkelpunt nieuw` answering every field."""
    chat.say("ontwikkelpunt nieuw")
    replies = []
    for value in (basisfunctie, "overslaan", doel, "Resultaat", "Acties", "Kosten", wie, planning,
                  "Net begonnen"):
        replies = chat.say(value)
    return replies


@pytest.fixture
def planner(service) -> Chat:
    chat = Chat(service)
    chat.start()
    return chat


def test_three_punten_updated_closed_listed_and_kept_after_a_restart(planner, store):
    create(planner, "1", "Signaleren verbeteren", "Anna", "1-3-2027")
    create(planner, "3", "Website vindbaar maken", "Bram", "15 april 2027")
    replies = create(planner, "5", "Leren van klachten", "Cor", "2027-06-30")
    assert "Ontwikkelpunt #3 is opgeslagen" in notices(replies)
    planner.say("bijwerken 1 Training gepland")
    planner.say("bijwerken 1 Eerste training gegeven")
    planner.say("status 1 in uitvoering")
    assert "afgerond" in notices(planner.say("status 2 afgerond"))

    again = Chat(Service(store, clock=Clock(start=planner.service.clock.now)))
    [listing] = again.say("ontwikkelpunten")
    assert isinstance(listing, PuntList)
    groups = {title: [p.nummer for p in punten] for title, punten in listing.groups}
    assert groups == {"1. Een veilige leefomgeving": [1], "5. Leren en verbeteren": [3]}
    assert listing.closed == 1
    [first] = listing.groups[0][1]
    assert (first.status, first.stand, first.planning) == (
        "in uitvoering", "Eerste training gegeven", date(2027, 3, 1))
    [detail] = again.say("ontwikkelpunt 1")
    assert isinstance(detail, PuntDetail)
    assert [e.text for e in detail.history] == [
        "status: open", "Net begonnen", "Training gepland", "Eerste training gegeven",
        "status: in uitvoering"]
    assert {e.author for e in detail.history} == {"Anna"}
    [closed] = again.say("ontwikkelpunt 2")
    assert closed.punt.status == "afgerond"


def test_required_fields_cannot_be_skipped_and_bad_values_are_explained(planner, store):
    planner.say("ontwikkelpunt nieuw")
    replies = planner.say("overslaan")
    assert "verplicht" in notices(replies)
    replies = planner.say("9")
    assert "Kies een basisfunctie" in notices(replies)
    planner.say("2")
    replies = planner.say("12")
    assert "1 tot en met 3" in notices(replies)
    for value in ("1", "Samen met scholen signaleren", "overslaan", "overslaan", "overslaan",
                  "Anna"):
        planner.say(value)
    replies = planner.say("morgen")
    assert "geen datum vinden" in notices(replies) and "1 maart 2027" in notices(replies)
    assert isinstance(replies[-1], QuestionPrompt) and replies[-1].section.startswith("Planning")
    planner.say("30-9-2027")
    planner.say("overslaan")
    punt = store.punten.get(store.gemeenten.get("utrecht")["id"], 1)
    assert (punt["basisfunctie"], punt["thema"], punt["planning"], punt["concept"]) == (
        2, 1, "2027-09-30", 0)


def test_stopping_keeps_a_concept_and_afmaken_finishes_it(planner, store):
    planner.say("ontwikkelpunt nieuw")
    planner.say("4")
    replies = planner.say("stop")
    assert "afmaken 1" in notices(replies)
    assert any(isinstance(r, QuestionPrompt) and r.part == "Deel I" for r in replies)
    [listing] = planner.say("ontwikkelpunten")
    assert [c.nummer for c in listing.concepts] == [1]
    assert "Ontwikkelpunt" in listing.concepts[0].missing
    replies = planner.say("afmaken 1")  # only what is still empty: the basisfunctie is not asked
    assert "alleen wat nog leeg is" in notices(replies) and replies[-1].section == "Quickscan-thema"
    for value in ("overslaan", "Brede blik in elk plan", "overslaan", "overslaan", "overslaan",
                  "Team Noord"):
        planner.say(value)
    assert store.punten.get(store.gemeenten.get("utrecht")["id"], 1)["concept"] == 1
    replies = planner.say("1-1-2028")  # nothing required is missing: open at once
    assert store.punten.get(store.gemeenten.get("utrecht")["id"], 1)["concept"] == 0
    assert replies[-1].section.startswith("Stand van zaken")
    assert "#1 is opgeslagen" in notices(planner.say("overslaan"))


def test_a_complete_concept_left_with_stop_is_open_and_a_concept_can_be_thrown_away(planner, store):
    planner.say("ontwikkelpunt nieuw")
    for value in ("1", "overslaan", "Doel", "overslaan", "overslaan", "overslaan", "Anna",
                  "1-3-2027", "stop"):
        replies = planner.say(value)
    assert "staat open" in notices(replies)
    [listing] = planner.say("ontwikkelpunten")
    assert [p.nummer for _, group in listing.groups for p in group] == [1] and not listing.concepts
    planner.say("ontwikkelpunt nieuw")
    planner.say("2")  # a basisfunctie, and nothing more yet: a concept
    planner.say("stop")
    assert "geen concept meer" in notices(planner.say("weggooien 1"))
    assert "weggegooid" in notices(planner.say("weggooien 2"))
    assert store.punten.get(store.gemeenten.get("utrecht")["id"], 2) is None
    planner.say("ontwikkelpunt nieuw")  # the number of the one thrown away is not given again
    assert store.punten.get(store.gemeenten.get("utrecht")["id"], 3)["concept"] == 1


def test_field_changes_of_a_finished_punt_are_kept_in_the_history(planner):
    create(planner, "1", "Doel", "Anna", "1-3-2027")
    planner.say("wijzig 1 wie Bram")
    replies = planner.say("wijzig 1 planning")
    assert isinstance(replies[-1], QuestionPrompt) and replies[-1].previous.text == "1 maart 2027"
    planner.say("1 juni 2027")
    [detail] = planner.say("ontwikkelpunt 1")
    assert [e.text for e in detail.history if e.kind == "veld"] == [
        "Wie gaat de actie uitvoeren?: Bram (was: Anna)", "Planning: 1 juni 2027 (was: 1 maart 2027)"]
    assert detail.punt.wie == "Bram"


def test_unknown_numbers_statuses_and_a_concept_status_are_refused(planner):
    assert "bestaat niet" in notices(planner.say("ontwikkelpunt 7"))
    create(planner, "1", "Doel", "Anna", "1-3-2027")
    assert "geen status" in notices(planner.say("status 1 half klaar"))
    planner.say("ontwikkelpunt nieuw")
    planner.say("3")
    planner.say("stop")
    assert "nog een concept" in notices(planner.say("status 2 afgerond"))


def test_stopping_before_anything_is_filled_in_keeps_no_empty_concept(planner, store):
    planner.say("ontwikkelpunt nieuw")
    assert "er is geen ontwikkelpunt #1 bewaard" in notices(planner.say("stop"))
    assert store.punten.all(store.gemeenten.get("utrecht")["id"]) == []


def test_bouwsteen_actions_become_draft_ontwikkelpunten(planner, store):
    planner.say("deel 2")
    questions = checklist().part(2).questions
    column = {"resultaten": "Resultaten", "acties": "Acties",
              "uitvoering": "Team Jeugd, vanaf 1 maart 2027, 5000 euro uit het jeugdbudget"}
    for question in questions:
        bouwsteen, _, kind = question.id.partition(".")
        replies = planner.say(f"{column[kind]} {bouwsteen}" if kind in column else "antwoord")
    assert any(isinstance(r, Recap) for r in replies)
    assert "concepten maken" in notices(replies)
    replies = planner.say("concepten maken")
    assert "5 concept-ontwikkelpunten klaargezet (#1, #2, #3, #4, #5)" in notices(replies)
    prompt = replies[-1]
    assert prompt.part == "Ontwikkelpunt #1" and prompt.section.startswith("Basisfunctie")
    assert prompt.previous.text.startswith("1. ")  # proposed: the Leidraad is its richtlijn
    punt = store.punten.get(store.gemeenten.get("utrecht")["id"], 1)
    uitvoering = f"{column['uitvoering']} bouwsteen1"
    assert (punt["ontwikkelpunt"], punt["beoogd_resultaat"], punt["verbeteractie"], punt["wie"],
            punt["kosten"], punt["planning"], punt["basisfunctie"], punt["bron"]) == (
        None, "Resultaten bouwsteen1", "Acties bouwsteen1", uitvoering, uitvoering, "2027-03-01",
        1, "bouwsteen1.acties")
    planner.say("behouden")
    replies = planner.say("overslaan")  # the thema; then only the goal is still empty
    assert replies[-1].section.startswith("Ontwikkelpunt")
    planner.say("Jeugdprofessionals weten wat de Leidraad vraagt")
    assert store.punten.get(store.gemeenten.get("utrecht")["id"], 1)["concept"] == 0
    assert "geen antwoorden" in notices(planner.say("concepten maken"))


def test_plan_commands_are_told_apart_from_answers_and_gesprek_commands(service):
    table = service.table
    assert table.parse("wijzig 1.6").command.group.startswith("Het gesprek")
    assert table.parse("Bijwerken 3 Offerte  is\nbinnen").args["tekst"] == "Offerte  is\nbinnen"
    assert table.parse("wijzig 2 beoogd resultaat meer meldingen").args["veld"] == "beoogd_resultaat"
    assert table.parse("status #4 afgerond").args["nummer"] == 4
    assert table.parse("De ontwikkelpunten zijn nog niet bekend") is None


@pytest.mark.parametrize(("text", "expected"), [
    ("12-03-2026", date(2026, 3, 12)), ("1/2/2027", date(2027, 2, 1)),
    ("2026-03-12", date(2026, 3, 12)), ("12 maart 2026", date(2026, 3, 12)),
    ("3 Sept 2026", date(2026, 9, 3)), ("29-02-2028", date(2028, 2, 29)),
])
def test_dates_in_dutch_forms(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("31-02-2026", "bestaat niet"), ("29-02-2027", "bestaat niet"), ("morgen", "niet als datum"),
    ("12 maartje 2026", "niet als datum"), ("2026-13-01", "bestaat niet"),
])
def test_impossible_or_unreadable_dates(text, message):
    with pytest.raises(DateError, match=message) as error:
        parse_date(text)
    assert "12-03-2026" in str(error.value)


def test_the_plan_is_per_gemeente(service):
    utrecht, zeist = Chat(service, "Anna", "Utrecht"), Chat(service, "Zoë", "Zeist")
    utrecht.start()
    zeist.start()
    create(utrecht, "1", "Geheim van Utrecht", "Anna", "1-3-2027")
    [listing] = zeist.say("ontwikkelpunten")
    assert listing.groups == () and listing.concepts == ()
    replies = zeist.say("ontwikkelpunt 1")
    assert any(isinstance(r, Notice) and r.tone is Tone.WARNING for r in replies)


def test_an_unknown_field_lists_the_fields_and_a_new_basisfunctie_asks_its_thema(planner, store):
    create(planner, "1", "Doel", "Anna", "1-3-2027")
    planner.say("wijzig 1 thema 3")
    said = notices(planner.say("wijzig 1 budget 5000"))
    assert "‘budget’ is geen veld" in said and "planning" in said and "geen vraag" not in said
    replies = planner.say("wijzig 1 basisfunctie 2")
    assert "thema hoorde bij de vorige basisfunctie" in notices(replies)
    assert replies[-1].section == "Quickscan-thema" and len(replies[-1].hints) == 3
    planner.say("2")
    punt = store.punten.get(store.gemeenten.get("utrecht")["id"], 1)
    assert (punt["basisfunctie"], punt["thema"]) == (2, 2)
    [detail] = planner.say("ontwikkelpunt 1")
    themes = [e.text for e in detail.history if e.text.startswith("Quickscan")]
    assert themes[-2].endswith("(was: 1.3 Gespecialiseerd hulpaanbod)")  # cleared, and said so
    assert themes[-1].startswith("Quickscan-thema: 2.2 ")


def test_a_planning_may_be_steps_with_dates_and_its_last_date_is_the_deadline(planner, store):
    create(planner, "1", "Doel", "Anna", "1-3-2027")
    steps = "1 maart 2027 offerte; juni 2027 start training"
    assert "is gewijzigd" in notices(planner.say(f"wijzig 1 planning {steps}"))
    punt = store.punten.get(store.gemeenten.get("utrecht")["id"], 1)
    assert (punt["planning"], punt["planning_stappen"]) == ("2027-06-30", steps)
    [detail] = planner.say("ontwikkelpunt 1")
    assert detail.punt.planning_text == steps and detail.punt.planning == date(2027, 6, 30)
    for vague in ("2027", "Q3 2027", "derde kwartaal 2027"):
        said = notices(planner.say(f"wijzig 1 planning {vague}"))
        assert "niet alleen een jaartal of kwartaal" in said
    assert store.punten.get(store.gemeenten.get("utrecht")["id"], 1)["planning_stappen"] == steps
    assert "is gewijzigd" in notices(planner.say("wijzig 1 planning juni 2027"))  # a month will do
    assert store.punten.get(store.gemeenten.get("utrecht")["id"], 1)["planning"] == "2027-06-30"


def test_a_planning_in_the_past_is_questioned_once(planner, store):
    create(planner, "1", "Doel", "Anna", "1-3-2027")
    replies = planner.say("wijzig 1 planning 1-3-2020")
    assert "al voorbij. Klopt dat?" in notices(replies)
    assert store.punten.get(store.gemeenten.get("utrecht")["id"], 1)["planning"] == "2027-03-01"
    assert "Opgeslagen" in notices(planner.say("1-3-2020"))  # the same again: it is meant
    assert store.punten.get(store.gemeenten.get("utrecht")["id"], 1)["planning"] == "2020-03-01"


def test_the_abbreviations_of_a_thema_list_are_explained_at_their_first_use(planner):
    planner.say("ontwikkelpunt nieuw")
    replies = planner.say("1")  # the themes of basisfunctie 1 name VT, GI's and RvdK
    said = " ".join(render_one(r, width=None) for r in replies if isinstance(r, Abbreviations))
    assert "VT = Veilig Thuis" in said and "RvdK = Raad voor de Kinderbescherming" in said


def test_the_gemeentes_own_parts_of_the_plan_are_kept_with_their_history(planner, service):
    said = notices(planner.say("algemeen portefeuillehouders Wethouder Jansen"))
    assert "Verantwoordelijke portefeuillehouder(s) opgeslagen" in said
    planner.say("algemeen portefeuillehouders Wethouder Jansen en wethouder De Vries")
    planner.say("algemeen lokale documenten Beleidsplan Veilig Thuis 2025")
    shown = notices(planner.say("algemeen"))
    assert "portefeuillehouder(s): Wethouder Jansen en wethouder De Vries" in shown
    assert "Lokale documenten: Beleidsplan Veilig Thuis 2025" in shown
    assert "Lokale aanvullingen: nog niet ingevuld" in shown
    assert "geen deel van de algemene informatie" in notices(planner.command("algemeen budget 5"))
    planner.say("Algemeen beeld: goed.")  # where a question waits, a sentence like it is an answer
    utrecht = service.store.gemeenten.get("utrecht")["id"]
    assert service.store.answers.current_one(utrecht, checklist().questions[0].id)["text"] \
        == "Algemeen beeld: goed."
    assert "e-mailadres" in notices(planner.say("algemeen beleidsmedewerkers a.jansen@gmail.com"))
    _, changes = service.audit("Utrecht")
    versions = [(c.old, c.new) for c in changes if "portefeuillehouder" in c.what]
    assert versions == [("", "Wethouder Jansen"),
                        ("Wethouder Jansen", "Wethouder Jansen en wethouder De Vries")]


def test_a_thema_shows_its_quickscan_and_why_on_request_and_when_chosen(planner):
    [shown] = planner.say("thema 2.1")
    assert shown.text.startswith("Quickscan 2.1 Samenwerking met betrokken partners")
    assert "• Er is verbinding met de zichtbare partijen in de wijk" in shown.text
    assert "Waarom is dit van belang? Tijdig signaleren van de vraag" in shown.text
    assert "bijvoorbeeld ‘thema 1.2’" in render(planner.say("thema 9.9"))
    planner.say("ontwikkelpunt nieuw")
    prompt = planner.prompt(planner.say("2"))
    assert "‘thema 2.1’" in " ".join(render([prompt]).split())
    said = notices(planner.say("3"))
    assert "Quickscan 2.3" in said and "Er zijn voldoende, structurele middelen voor preventie" in said
