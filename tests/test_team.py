"""The gemeente's team: questions handed to a colleague (``toewijzen``), answered in their own chat
with the bot, on the console, Slack and Teams."""

from __future__ import annotations

import json

import pytest

from bot.core.replies import CommandUsage, Handed, Notice, QuestionPrompt, Tell
from bot.render.plain import render
from dialogues.content import checklist

from .conftest import Chat
from .test_slack import blocks_text

QUESTIONS = checklist().questions
ID = {checklist().position(q.id).ref: q.id for q in QUESTIONS}


def notices(replies) -> str:
    return "\n".join(r.text for r in replies if isinstance(r, Notice))


def handed(store, gemeente: str = "utrecht") -> dict[str, str]:
    gid = store.gemeenten.get(gemeente)["id"]
    return {row["question_id"]: row["naam"] for row in store.team.assignments(gid)}


# --- the console ----------------------------------------------------------------------------------

def test_questions_are_handed_out_by_number_range_and_section_and_taken_back(service, store):
    anna = Chat(service, "Anna")
    anna.start()
    replies = anna.command("toewijzen 2.3 Bram")
    [tell] = [r for r in replies if isinstance(r, Tell)]
    assert tell.person == "console:bram" and isinstance(tell.replies[0], Handed)
    assert tell.replies[0].questions == (("2.3", "Wat ontbreekt er nog"),)
    assert tell.replies[0].by == "Anna" and tell.replies[0].start == "mijn vragen Utrecht"
    anna.command("toewijzen 2.1 - 2.5 Olaf de Boer")  # the range as people type it
    anna.command("toewijzen bouwsteen 3 Bram")
    assert handed(store) == {**{ID[f"2.{n}"]: "Olaf de Boer" for n in range(1, 6)},
                             **{q.id: "Bram" for q in QUESTIONS if q.id.startswith("bouwsteen3")}}
    moved = anna.command("toewijzen 2.3 Bram")  # moved: Olaf hears he need not answer it
    told = {t.naam: " ".join(render(list(t.replies)).split()) for t in moved if isinstance(t, Tell)}
    assert "hoeft hem niet meer te beantwoorden" in told["Olaf de Boer"] and "Bram" in told
    anna.command("toewijzen 2.1-2.2 niemand")
    assert ID["2.1"] not in handed(store) and handed(store)[ID["2.3"]] == "Bram"
    listing = notices(anna.command("toewijzingen"))
    assert "• Bram: nog open 2.3, 2.14–2.17" in listing and "Olaf de Boer: nog open 2.4, 2.5" in listing
    _, changes = service.audit("Utrecht")
    assert [c.what for c in changes].count("vraag 2.3 toegewezen") == 3
    assert ("Olaf de Boer", "Bram") in [(c.old, c.new) for c in changes if c.what == "vraag 2.3 toegewezen"]


@pytest.mark.parametrize("typed, reason", [
    ("toewijzen 2.40 Bram", "Vraag 2.40 bestaat niet; Deel II heeft de vragen 2.1 tot en met 2.25."),
    ("toewijzen 3.1 Bram", "Vraag 3.1 bestaat niet: er zijn twee delen"),
    ("toewijzen 3.1-3.4 Bram", "Vraag 3.1 bestaat niet: er zijn twee delen"),
    ("toewijzen bouwsteen 9 Bram", "Deel II heeft de bouwstenen 1 tot en met 5."),
    ("toewijzen 1.2-2.3 Bram", "Een reeks vragen blijft binnen één deel"),
    ("toewijzen 2.3", "Noem ook aan wie"),
])
def test_a_wrong_handing_says_why_in_dutch_and_stores_nothing(service, store, typed, reason):
    anna = Chat(service, "Anna")
    anna.start()
    replies = anna.say(typed)  # typed where a question waits: asked about, never the answer
    assert any(isinstance(r, CommandUsage) and reason in r.reason for r in replies), replies
    assert handed(store) == {} and store.rows("SELECT * FROM answers") == []


@pytest.mark.parametrize("sentence", [
    "Toewijzen van taken gebeurt door de teamleider",
    "toewijzen aan de afdeling Veiligheid en het lokale team",
    "Toewijzingen van budget lopen via de begroting",
])
def test_a_sentence_that_starts_with_the_word_is_an_answer(service, store, sentence):
    anna = Chat(service, "Anna")
    anna.start()
    assert "Opgeslagen" in notices(anna.say(sentence))
    assert store.db.execute("SELECT text FROM answers").fetchall() == [(sentence,)]


def test_the_colleague_answers_only_their_questions_and_everyone_sees_who_has_which(service, store):
    anna, bram = Chat(service, "Anna"), Chat(service, "Bram")
    anna.start()
    anna.command("toewijzen 2.3-2.4 Bram")
    progress = notices(anna.command("voortgang"))
    assert "Toegewezen en nog open: Bram (2.3, 2.4)." in progress
    assert "Bram (2.3, 2.4)" in render(anna.command("samenvatting"))
    replies = bram.command("mijn vragen")
    assert "die aan jou zijn toegewezen: 2.3, 2.4" in notices(replies)
    assert bram.prompt(replies).question_id == ID["2.3"]
    assert bram.prompt(bram.say("Een goede verbinding met het onderwijs")).question_id == ID["2.4"]
    assert bram.prompt(bram.say("terug")).question_id == ID["2.3"]  # back within their own
    assert "eerste vraag" in notices(bram.say("terug"))
    bram.say("overslaan")
    done = bram.say("De aanpak van huiselijk geweld")
    assert "Dank je!" in notices(done) and not any(isinstance(r, QuestionPrompt) for r in done)
    answers = store.db.execute("SELECT question_id, text, author_id FROM answers ORDER BY id").fetchall()
    assert answers == [(ID["2.3"], "Een goede verbinding met het onderwijs", "console:bram"),
                       (ID["2.4"], "De aanpak van huiselijk geweld", "console:bram")]
    assert "Toegewezen" not in notices(anna.command("voortgang"))  # nothing open any more


# --- Slack ----------------------------------------------------------------------------------------

def test_in_slack_the_colleague_gets_a_message_starts_with_its_button_and_reads_nothing_else(slack):
    anna, bram = slack.user("U1"), slack.user("U2")
    anna.command("koppel Utrecht")
    anna.command("start")
    slack.settle()
    anna.say("Wethouder Jansen is opdrachtgever", thread_ts=_thread(slack))
    anna.command("toewijzen 2.3 <@U2|bram>")
    slack.settle()
    [message] = [m for m in slack.api.named("chat.postMessage") if m["channel"] == "U2"]
    text = blocks_text(message)
    assert "vraagt je om voor gemeente Utrecht deze vraag" in text and "Wat ontbreekt er nog" in text
    assert slack.api.refusals == []
    bram.click(message, "mijn vragen Utrecht", channel="D2")
    slack.settle()
    shown = blocks_text(slack.api.named("chat.postMessage")[-1])
    assert "Wat ontbreekt er nog" in shown
    bram.say("Overleg met de scholen ontbreekt nog", channel="D2")
    slack.settle()
    assert slack.store.db.execute("SELECT question_id, author_id FROM answers ORDER BY id DESC "
                                  "LIMIT 1").fetchone() == (ID["2.3"], "slack:T1:U2")
    bram.open_home()  # their overview: their own questions, nothing of the gemeente's
    anna.open_home()
    slack.settle()
    homes = {p["user_id"]: json.dumps(p["view"], ensure_ascii=False)
             for p in slack.api.named("views.publish")}
    assert "(toegewezen vragen)" in homes["U2"] and "Je toegewezen vragen zijn beantwoord." in homes["U2"]
    assert "Deel I" not in homes["U2"] and "Gemeente Utrecht* (beheerder)" in homes["U1"]
    for text in ("samenvatting", "voortgang", "geschiedenis 1.1", "ontwikkelpunten", "toewijzingen"):
        bram.say(text, channel="D2")
        slack.settle()
        said = blocks_text(slack.api.named("chat.postMessage")[-1])
        assert "geen toegang" in said and "Wethouder" not in said, (text, said)
    assert slack.api.refusals == []


def _thread(slack) -> str:
    return next(m["ts"] for m in slack.api.named("chat.postMessage")
                if m["channel"] == "C1" and "Checklist sturing" in m.get("text", ""))


def test_on_the_console_someone_is_away_puts_a_reminder_off_and_hands_over(service, store):
    anna, bram = Chat(service, "Anna"), Chat(service, "Bram")
    anna.start()
    anna.command("ontwikkelpunt nieuw")
    for value in ("1", "overslaan", "Meldcode vaker gebruiken", "overslaan", "overslaan", "overslaan",
                  "@Bram", "1-3-2027"):
        anna.say(value)
    [punt] = store.punten.all(1)
    assert punt["wie"] == "@Bram" and not punt["concept"]  # the console names people as text
    anna.command("toewijzen 2.3 Bram")
    said = notices(anna.command("afwezig Bram tot 1-2-2027 vervanger Cor"))
    assert "Bram is afwezig tot en met 1 februari 2027" in said and "naar Cor" in said
    assert store.team.away("console:bram")["vervanger_id"] == "console:cor"
    back = notices(bram.command("aanwezig"))
    assert "Welkom terug!" in back and "je toegewezen vragen: nog open 2.3" in back
    said = notices(bram.command("uitstellen 1 twee weken"))
    assert "Goed: tot 26 maart 2026 herinner ik je niet aan #1." in said
    said = notices(anna.command("overdragen @Bram @Cor"))
    assert "Overgedragen van Bram aan Cor: ontwikkelpunt #1; vraag 2.3." in said
    assert store.punten.get(1, 1)["wie"] == "Cor" and store.team.assigned_to(1, "console:cor")
    assert "geen ontwikkelpunten" in notices(anna.command("overdragen @Bram @Cor"))


@pytest.mark.parametrize("typed, reason", [
    ("afwezig tot 31-02-2027", "bestaat niet"),
    ("afwezig tot gisteren", "niet als datum lezen"),
    ("afwezig tot 1-1-2020", "is al voorbij"),
    ("afwezig tot 1-1-2099", "meer dan twee jaar"),
    ("afwezig tot 1-3-2027 vervanger", "Noem na ‘vervanger’ wie er invalt"),
    ("afwezig tot 1-3-2027 vervanger Anna", "Een vervanger is iemand anders"),
    ("uitstellen 1 drie weken", "Kies ‘een week’ of ‘twee weken’"),
    ("overdragen @Bram", "Noem twee mensen"),
])
def test_a_wrong_absence_later_or_hand_over_says_why_in_dutch_and_changes_nothing(service, store, typed,
                                                                                    reason):
    anna = Chat(service, "Anna")
    anna.start()
    replies = anna.command(typed)
    said = " ".join(r.reason if isinstance(r, CommandUsage) else getattr(r, "text", "") for r in replies)
    assert reason in said, replies
    assert store.team.away("console:anna") is None and store.rows("SELECT * FROM snoozes") == []


def test_what_a_new_user_ran_into_is_put_right(service, store):
    """From a trial in a fresh clone: the hint at the start, the end of one's handed questions,
    someone else's reminder, a day without a year, taking a question back."""
    anna, bram = Chat(service, "Anna"), Chat(service, "Bram")
    anna.start()
    anna.command("toewijzen 2.3-2.4 Bram")
    hint = notices(bram.start())
    assert "Er zijn vragen aan jou toegewezen die nog open zijn: 2.3, 2.4. Die beantwoord je met" in hint
    bram.command("mijn vragen")
    bram.say("overslaan")
    done = notices(bram.say("Prioriteit ligt bij de aanpak van huiselijk geweld"))
    assert "Nog open: 2.3; typ \ue000mijn vragen\ue001 om er later op terug te komen." in done
    assert "Nog open: 2.3" in render(bram.command("voortgang"))  # not "Alle vragen zijn doorlopen"
    anna.command("ontwikkelpunt nieuw")
    for value in ("1", "overslaan", "Meldcode vaker gebruiken", "overslaan", "overslaan", "overslaan",
                  "@Bram", "1-3-2027"):
        anna.say(value)
    assert "gaan naar de eigenaar, Bram, niet naar jou" in notices(anna.command("uitstellen 1 een week"))
    assert "herinner ik je niet aan #1" in notices(bram.command("uitstellen 1 een week"))
    said = notices(bram.command("afwezig tot 21 december"))  # no year: the next 21 December
    assert "afwezig tot en met 21 december 2026" in said
    taken = anna.command("toewijzen 2.3 niemand")
    [tell] = [r for r in taken if isinstance(r, Tell)]
    assert tell.person == "console:bram" and "teruggenomen" in tell.replies[0].text
