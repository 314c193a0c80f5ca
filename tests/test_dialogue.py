"""The gesprek through the service: every command, shared answers, bad input, restarts."""

from __future__ import annotations

import unicodedata

from bot.core.messages import Begin, Place, PlaceKind, Said, Start, User
from bot.core.replies import (
    CommandUsage,
    Help,
    Notice,
    Paused,
    ProgressReport,
    QuestionList,
    Recap,
    Tone,
    Welcome,
)
from bot.core.text import MAX_ANSWER_LENGTH
from bot.render.plain import render_one
from bot.service import Service
from dialogues.content import checklist

from .conftest import Chat, Clock, console_inbound

QUESTIONS = checklist().questions


def notices(replies) -> str:
    """What the bot said in words: its notices, and how a command goes."""
    return " ".join(render_one(r) for r in replies if isinstance(r, Notice | CommandUsage))


def test_start_welcomes_and_asks_the_first_question(chat):
    replies = chat.start()
    assert isinstance(replies[0], Notice) and "nieuw" in replies[0].text  # gemeente created
    assert any(isinstance(r, Welcome) for r in replies)
    prompt = chat.prompt(replies)
    assert (prompt.part, prompt.section, prompt.number, prompt.total) == (
        "Deel I", "Rollen en taken", 1, 23)
    assert prompt.hints == ("Implementatie Leidraad", "Aanpak HG en KM",
                            "Werken volgens het Toekomstscenario", "Hervormingsagenda")


def test_an_answer_is_stored_with_author_and_time_and_the_next_question_follows(chat, store):
    chat.start()
    replies = chat.say("De wethouder jeugd")
    assert "Opgeslagen" in notices(replies)
    assert chat.prompt(replies).question_id == QUESTIONS[1].id
    gemeente = store.gemeenten.get("utrecht")
    [answer] = store.answers.history(gemeente["id"], QUESTIONS[0].id)
    assert answer["text"] == "De wethouder jeugd"
    assert answer["author"] == "Anna"
    assert answer["created_at"].startswith("2026-03-12T13:00")


def test_skip_moves_on_and_is_counted_in_progress(chat):
    chat.start()
    replies = chat.say("Overslaan")
    assert "Overgeslagen" in notices(replies) and "wijzig 1.1" in notices(replies)
    assert chat.prompt(replies).number == 2
    chat.say("Beleidsmedewerker")
    [report] = chat.say("voortgang")
    assert isinstance(report, ProgressReport)
    rollen = report.sections[0]
    assert (rollen.answered, rollen.skipped, rollen.open) == (1, 1, 1)
    assert "vraag 3 van 23" in report.where


def test_back_goes_to_the_previous_question_but_not_before_the_first(chat):
    chat.start()
    replies = chat.say("terug")
    assert "eerste vraag" in notices(replies)
    assert chat.prompt(replies).number == 1
    chat.say("antwoord 1")
    assert chat.prompt(chat.say("Vorige")).number == 1


def test_pause_keeps_the_place_and_nothing_typed_meanwhile_is_stored(chat, store):
    chat.start()
    chat.say("antwoord 1")
    [paused] = chat.say("STOP")
    assert isinstance(paused, Paused) and "1.2" in paused.resume_hint
    assert "gepauzeerd" in notices(chat.say("iets tussendoor"))
    assert set(store.answers.current(store.gemeenten.get("utrecht")["id"])) == {QUESTIONS[0].id}
    replies = chat.say("verder")
    assert "verder" in notices(replies)
    assert chat.prompt(replies).number == 2


def test_help_at_a_question_is_about_the_question_and_hulp_alles_lists_the_commands(chat):
    chat.start()
    [help_reply] = chat.say("hulp")
    assert isinstance(help_reply, Help) and help_reply.folded
    assert help_reply.prompt.hints[0] == "Implementatie Leidraad"
    shown = " ".join(render_one(help_reply).split())
    assert "‘hulp alles’" in shown and "voortgang" not in shown and QUESTIONS[0].text in shown
    [everything] = chat.say("hulp alles")
    assert not everything.folded and everything.prompt is None
    shown = render_one(everything)
    for command in ("overslaan", "terug", "pauze", "voortgang", "wijzig", "deel", "behouden"):
        assert command in shown
    assert everything.groups == help_reply.groups  # what a button shows beside the question
    elsewhere = Chat(chat.service, "Bram", "Zeist")  # no gesprek: help is the commands
    assert not elsewhere.say("hulp")[-1].folded


def test_edit_revisits_a_question_and_returns_to_where_you_were(chat, store):
    chat.start()
    for answer in ("een", "twee", "drie", "vier"):
        chat.say(answer)
    replies = chat.say("wijzig 1.2")
    prompt = chat.prompt(replies)
    assert prompt.number == 2 and prompt.revisit and prompt.previous.text == "twee"
    replies = chat.say("twee, verbeterd")
    assert chat.prompt(replies).number == 5
    history = store.answers.history(store.gemeenten.get("utrecht")["id"], QUESTIONS[1].id)
    assert [h["text"] for h in history] == ["twee", "twee, verbeterd"]


def test_edit_without_argument_lists_the_questions_and_finds_by_words(chat):
    chat.start()
    [listing] = chat.say("wijzig")
    assert isinstance(listing, QuestionList)
    assert [i.ref for i in listing.items][:3] == ["1.1", "1.2", "1.3"]
    assert len(listing.items) == 23
    prompt = chat.prompt(chat.say("wijzig meldcode"))
    assert prompt.question_id == "cijfers.meldcode"
    assert "geen vraag" in notices(chat.say("wijzig 1.99"))
    [choices] = chat.say("wijzig visie")
    assert isinstance(choices, QuestionList) and len(choices.items) > 1


def test_choosing_a_deel_jumps_to_its_start(chat):
    chat.start()
    prompt = chat.prompt(chat.say("Deel II"))
    assert (prompt.part, prompt.number, prompt.total) == ("Deel II", 1, 25)
    assert prompt.intro.startswith("Ga lokaal het gesprek aan")
    assert "twee delen" in notices(chat.say("deel 3"))
    prompt = chat.prompt(chat.start(deel=1))
    assert (prompt.part, prompt.number) == ("Deel I", 1)


def test_a_bouwsteen_question_carries_its_lead_question(chat):
    chat.start(deel=2)
    for _ in range(5):
        replies = chat.say("inventarisatie")
    prompt = chat.prompt(replies)
    assert prompt.section == "Bouwsteen 1" and prompt.text == "Wat is er al?"
    assert prompt.lead.startswith("Welke informatie is nodig")


def test_a_colleague_sees_the_gemeente_answer_and_keeps_or_replaces_it(service, store):
    anna, bram = Chat(service, "Anna"), Chat(service, "Bram", gemeente="gemeente UTRECHT")
    anna.start()
    for text in ("Antwoord van Anna", "Anna's rol", "Tweede van Anna"):
        anna.say(text)
    bram.start()
    bram.say("doorloop alles")  # not only the open questions
    prompt = bram.prompt(bram.say("deel 1"))
    assert prompt.previous.text == "Antwoord van Anna" and prompt.previous.author == "Anna"
    replies = bram.say("behouden")
    assert "behouden" in notices(replies)
    assert bram.prompt(replies).previous is None  # "Wat is jouw rol": Bram's own
    assert bram.prompt(bram.say("overslaan")).previous.text == "Tweede van Anna"
    assert "nieuwe antwoord" in notices(bram.say("vervangen"))
    bram.say("Bram weet het beter")
    gemeente = store.gemeenten.get("utrecht")
    history = store.answers.history(gemeente["id"], QUESTIONS[2].id)
    assert [(h["text"], h["author"]) for h in history] == [
        ("Tweede van Anna", "Anna"), ("Bram weet het beter", "Bram")]
    assert store.answers.current(gemeente["id"])[QUESTIONS[2].id]["text"] == "Bram weet het beter"


def test_keep_without_an_earlier_answer_explains(chat):
    chat.start()
    replies = chat.say("behouden")
    assert "geen eerder antwoord" in notices(replies)
    assert chat.prompt(replies).number == 1


def test_a_misspelled_command_is_asked_about(chat, store):
    chat.start()
    replies = chat.say("overslan")
    assert "Bedoel je ‘overslaan’" in notices(replies)
    assert chat.prompt(chat.say("ja")).number == 2
    chat.say("hlup")
    chat.say("nee")
    answers = store.answers.current(store.gemeenten.get("utrecht")["id"])
    assert answers[QUESTIONS[1].id]["text"] == "hlup"
    assert QUESTIONS[0].id not in answers


def test_yes_and_no_are_ordinary_answers_without_a_question_pending(chat, store):
    chat.start()
    chat.say("Ja")
    chat.say("nee")
    answers = store.answers.current(store.gemeenten.get("utrecht")["id"])
    assert [answers[q.id]["text"] for q in QUESTIONS[:2]] == ["Ja", "nee"]


def test_empty_long_and_control_character_input(chat, store):
    chat.start()
    replies = chat.say("   \t ")
    assert "geen tekst" in notices(replies) and chat.prompt(replies).number == 1
    replies = chat.say("x" * (MAX_ANSWER_LENGTH + 1))
    [refusal] = replies
    assert refusal.tone is Tone.ERROR
    assert "4.001 tekens, en het maximum is 4.000" in refusal.text and "Kort het in, of" in refusal.text
    gemeente_id = store.gemeenten.get("utrecht")["id"]
    assert store.answers.current(gemeente_id) == {}
    chat.say("be\x00leid\x1b[31m\u202e")
    assert store.answers.current(gemeente_id)[QUESTIONS[0].id]["text"] == "beleid[31m"
    chat.say("lone \ud800 surrogate, a pair \ud83d\ude00, e\u200b\u0301")  # as JSON may give them
    text = store.answers.current(gemeente_id)[QUESTIONS[1].id]["text"]
    assert text == "lone \ufffd surrogate, a pair 😀, é" and unicodedata.is_normalized("NFC", text)


def test_the_end_gives_a_recap_and_later_text_is_not_stored(chat, store):
    chat.start()
    chat.say("overslaan")
    for _ in QUESTIONS[1:-1]:
        chat.say("antwoord")
    replies = chat.say("laatste antwoord")
    [recap] = [r for r in replies if isinstance(r, Recap)]
    assert [(t.title, t.answered, t.total) for t in recap.parts] == [
        ("Deel I", 22, 23), ("Deel II", 25, 25)]
    assert [(i.ref, i.status) for i in recap.open] == [("1.1", "overgeslagen")]
    assert "niet opgeslagen" in notices(chat.say("nog iets"))
    assert len(store.answers.current(store.gemeenten.get("utrecht")["id"])) == 47
    prompt = chat.prompt(chat.say("wijzig 1.1"))
    assert prompt.number == 1
    assert any(isinstance(r, Recap) and not r.open for r in chat.say("alsnog"))


def test_a_new_service_on_the_same_store_resumes_where_the_user_was(store):
    first = Chat(Service(store, clock=Clock()))
    first.start()
    first.say("een")
    first.say("overslaan")
    again = Chat(Service(store, clock=Clock()))
    replies = again.start()
    assert "Welkom terug" in notices(replies)
    assert again.prompt(replies).number == 3
    [report] = again.say("voortgang")
    assert report.sections[0].skipped == 1


def test_a_repeated_delivery_is_ignored(service, store):
    service.handle(console_inbound(start=None, text="start"))
    first = service.handle(console_inbound(text="eenmaal", delivery_id="evt-1"))
    again = service.handle(console_inbound(text="eenmaal", delivery_id="evt-1"))
    assert first and again == []
    history = store.answers.history(store.gemeenten.get("utrecht")["id"], QUESTIONS[0].id)
    assert len(history) == 1


def test_no_gemeente_name_is_a_clear_error(service):
    [reply] = service.handle(console_inbound(gemeente="  gemeente  ", text="hoi"))
    assert reply.tone is Tone.ERROR and "gemeente" in reply.text


def test_text_before_any_gesprek_points_to_start(chat):
    assert "start" in notices(chat.say("hallo"))


def test_access_is_checked_in_one_place_and_a_refusal_changes_nothing(service, store):
    Chat(service).start()
    anna = User("slack:T1:U1", "Anna")
    elsewhere = Said(anna, Place(PlaceKind.DIRECT, "slack:D1"), "Utrecht", text="geheim")
    [refusal] = service.handle(elsewhere)
    assert refusal.tone is Tone.ERROR and "beheerder" in refusal.text
    [unknown] = service.handle(Begin(anna, Place(PlaceKind.CHANNEL, "slack:C1"), "Nergenshuizen",
                                       start=Start()))
    assert unknown.tone is Tone.ERROR and "geen gemeente in Nederland" in unknown.text
    assert store.gemeenten.get("nergenshuizen") is None
    assert store.answers.current(store.gemeenten.get("utrecht")["id"]) == {}


def test_an_overlong_gemeente_name_is_refused(service):
    [reply] = service.handle(console_inbound(gemeente="Utrecht" * 20, start=Start()))
    assert reply.tone is Tone.ERROR and "te lang" in reply.text
