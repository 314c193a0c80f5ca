"""The plain-text renderer: what a person reads in the terminal."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.replies import ListedQuestion, Notice, PartTally, PreviousAnswer, QuestionPrompt, Recap, Tone
from bot.render.plain import render


def test_a_question_shows_where_you_are_hints_and_the_earlier_answer_in_dutch_time():
    prompt = QuestionPrompt(
        question_id="rollen.wie", part="Deel I", section="Rollen en taken", number=1, total=23,
        text="Wie heeft als taak/rol onderstaande te implementeren/ontwikkelen",
        hints=("Implementatie Leidraad", "Aanpak HG en KM"),
        previous=PreviousAnswer("regel één\nregel twee", "Anna",
                                datetime(2026, 3, 12, 13, 3, tzinfo=UTC)),
    )
    text = render([Notice("Opgeslagen.", Tone.SUCCESS), prompt])
    assert text.startswith("✓ Opgeslagen.\n\nDeel I › Rollen en taken · vraag 1 van 23\n")
    assert "Denk aan:\n  • Implementatie Leidraad\n  • Aanpak HG en KM" in text
    assert "door Anna op 12 maart 2026 om 14:03" in text  # CET in March
    assert "  │ regel één\n  │ regel twee" in text
    assert "‘behouden’" in text


def test_the_recap_lists_what_is_open_with_the_command_to_fix_it():
    recap = Recap("Utrecht", (PartTally("Deel I", 22, 23), PartTally("Deel II", 25, 25)),
                  (ListedQuestion("1.4", "Ligt er een visie", "overgeslagen"),))
    text = render([recap])
    assert "Deel I: 22 van 23 vragen beantwoord" in text
    assert "1.4  Ligt er een visie (overgeslagen)" in text
    assert "‘wijzig 1.4’" in text
    complete = render([Recap("Utrecht", (PartTally("Deel I", 23, 23),), ())])
    assert "Alle vragen zijn beantwoord" in complete


def test_a_command_to_type_is_written_as_each_surface_takes_it():
    from bot.core.text import clean_text, typed
    from bot.render import slack

    notice = Notice(f"Koppel het kanaal met {typed('koppel <gemeente>')}.")
    assert render([notice]) == "Koppel het kanaal met ‘koppel <gemeente>’."
    [message] = slack.messages_of([notice])
    assert "‘/leidraad koppel &lt;gemeente&gt;’" in message.text
    assert "‘/leidraad koppel &lt;gemeente&gt;’" in message.blocks[0]["text"]["text"]
    assert clean_text(typed("start")) == "start"  # what people type can never hold one
