"""Colleagues of one gemeente working on its checklist: the one who comes later sees where the
gemeente stands and answers only what is open; a change made meanwhile is shown with both versions
and who made them; versions are listed and restored; "Wat is jouw rol" is each person's own."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from bot.core.replies import Notice
from bot.export import document as document_of
from bot.render.plain import render
from dialogues.content import checklist

from .conftest import Chat
from .test_slack import blocks_text

QUESTIONS = checklist().questions
ROLE = next(q.id for q in QUESTIONS if q.personal)


def notices(replies) -> str:
    return "\n".join(r.text for r in replies if isinstance(r, Notice))


def test_a_colleague_who_starts_later_sees_the_standing_and_gets_only_open_questions(service):
    anna, bram = Chat(service, "Anna"), Chat(service, "Bram", gemeente="gemeente UTRECHT")
    anna.start()
    anna.say("Wethouder Jansen")        # 1.1
    anna.say("Ik ben beleidsmedewerker")  # 1.2, about Anna
    anna.say("overslaan")                 # 1.3
    anna.say("Via het lokale team")       # 1.4
    replies = bram.start()
    standing = notices(replies)
    assert "2 van de 48 vragen beantwoord (Anna 2)" in standing
    assert "Nog open: Deel I 21, Deel II 25" in standing and "doorloop alles" in standing
    prompt = bram.prompt(replies)
    assert prompt.question_id == ROLE and prompt.previous is None  # Anna's role is not Bram's
    prompt = bram.prompt(bram.say("Ik ben adviseur"))
    assert prompt.question_id == QUESTIONS[2].id  # 1.3 is open; 1.4 is answered: passed by
    assert bram.prompt(bram.say("Ja, maandelijks")).question_id == QUESTIONS[4].id
    replies = bram.say("doorloop alles")
    assert "alle vragen langs" in notices(replies)
    assert bram.prompt(bram.say("terug")).previous.text == "Via het lokale team"


def test_each_keeps_their_own_role(service, store):
    anna, bram = Chat(service, "Anna"), Chat(service, "Bram")
    anna.start()
    anna.say("Wethouder Jansen")
    anna.say("Ik ben beleidsmedewerker")
    bram.start()
    bram.say("Ik ben adviseur")
    prompt = anna.prompt(anna.say("wijzig 1.2"))
    assert prompt.previous.text == "Ik ben beleidsmedewerker"
    book = load_workbook(io.BytesIO(document_of(service.export("Utrecht", "xlsx"),
                                                service.plan.content)))
    roles = [(row[3], row[4]) for row in book["Antwoorden"].iter_rows(values_only=True)
             if row[2] == "Wat is jouw rol"]
    assert roles == [("Ik ben beleidsmedewerker", "Anna"), ("Ik ben adviseur", "Bram")]
    [versions] = bram.say("geschiedenis 1.2")
    assert [v.text for v in versions.versions] == ["Ik ben adviseur"]


def test_an_answer_changed_since_you_saw_it_shows_both_versions_and_who(service):
    anna, bram = Chat(service, "Anna"), Chat(service, "Bram")
    anna.start()
    anna.say("Wethouder Jansen")
    anna.say("wijzig 1.1")           # Anna looks at 1.1 ...
    bram.start()
    bram.say("wijzig 1.1")
    bram.say("Alleen de wethouder")  # ... Bram changes it meanwhile
    said = notices(anna.say("behouden"))  # never keeps, unseen, what Bram wrote
    assert "Bram veranderde dit antwoord" in said and "Jij zag: ‘Wethouder Jansen’" in said
    assert "Nu staat er: ‘Alleen de wethouder’" in said
    assert "behouden" in notices(anna.say("behouden"))  # now she has seen it
    anna.say("wijzig 1.1")
    bram.say("wijzig 1.1")
    bram.say("De burgemeester")
    replies = anna.say("De wethouder en de burgemeester")
    said = notices(replies)
    assert "Bram veranderde het antwoord op vraag 1.1" in said
    assert "Versie van Bram: ‘De burgemeester’" in said
    assert "Jouw versie: ‘De wethouder en de burgemeester’" in said
    assert "terugzetten 1.1 3" in render(replies)


def test_geschiedenis_lists_the_versions_and_terugzetten_restores_one(service, store):
    anna, bram = Chat(service, "Anna"), Chat(service, "Bram")
    anna.start()
    anna.say("Wethouder Jansen")
    bram.start()
    bram.say("wijzig 1.1")
    bram.say("Alleen de wethouder")
    [versions] = anna.say("geschiedenis 1.1")
    assert [(v.author, v.text) for v in versions.versions] == [
        ("Anna", "Wethouder Jansen"), ("Bram", "Alleen de wethouder")]
    shown = render([versions])
    assert "versie 1 · " in shown and "terugzetten 1.1 1" in shown
    assert "Versie 1 van vraag 1.1 (van Anna" in notices(anna.say("terugzetten 1.1 1"))
    gemeente = store.gemeenten.get("utrecht")["id"]
    assert store.answers.current_one(gemeente, QUESTIONS[0].id)["text"] == "Wethouder Jansen"
    assert len(store.answers.history(gemeente, QUESTIONS[0].id)) == 3  # nothing is lost
    assert "kies een nummer van 1 tot en met 3" in notices(anna.say("terugzetten 1.1 7"))
    assert "‘terugzetten 1.6 2’" in render(anna.say("terugzetten 1.1"))


def test_in_slack_the_second_person_sees_the_standing_and_only_the_open_questions(slack):
    anna = slack.user("U1")
    anna.command("koppel Utrecht")
    anna.command("lid toevoegen <@U2|bram>")
    anna.say("start", channel="D1")
    anna.say("Wethouder Jansen", channel="D1")
    anna.say("Ik ben beleidsmedewerker", channel="D1")
    slack.settle()
    slack.api.clear()
    slack.user("U2").say("start", channel="D2")
    slack.settle()
    shown = "\n".join(blocks_text(m) for m in slack.api.named("chat.postMessage"))
    assert "1 van de 48 vragen beantwoord (Anna 1)" in shown  # Anna's role is not Bram's
    assert "Wat is jouw rol" in shown and "Ik ben beleidsmedewerker" not in shown
    slack.user("U2").say("geschiedenis 1.1", channel="D2")
    slack.settle()
    versions = blocks_text(slack.api.named("chat.postMessage")[-1])
    assert "versie 1" in versions and "Wethouder Jansen" in versions


def test_the_audit_log_shows_each_persons_role_after_their_own(service):
    anna, bram = Chat(service, "Anna"), Chat(service, "Bram")
    anna.start()
    anna.say("Wethouder Jansen")
    anna.say("Beleidsmedewerker jeugd")
    bram.start()
    bram.say("Teamleider lokaal team")
    _, changes = service.audit("Utrecht")
    roles = [(c.who, c.old, c.new) for c in changes if c.what == "antwoord 1.2"]
    assert roles == [("Anna", "", "Beleidsmedewerker jeugd"), ("Bram", "", "Teamleider lokaal team")]
