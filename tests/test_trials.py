"""What went wrong when people tried the bot on Slack and Teams, each through the platform's own
inbound path (as the inbox keeps it) into the service: a concept thrown away while its fields
were being asked, a colleague starting after Deel I was done, a Deel that does not exist, an
answer that the Markdown export made a list."""

from __future__ import annotations

import pytest

from bot.core.messages import Begin, Start, from_json, to_json
from bot.core.replies import ExportFile, QuestionPrompt, Welcome
from bot.export import document as document_of
from bot.render.plain import render
from dialogues.content import checklist

from .inbound_paths import gesprek_world

DEEL_I, DEEL_II = (checklist().part(n).questions for n in (1, 2))


@pytest.fixture(params=["slack", "teams"])
def world(request, tmp_path):
    """Utrecht's channel bound by Anna (its beheerder), with the gesprek in its thread."""
    if request.param == "teams":
        pytest.importorskip("bot.adapters.teams.translate")
    with gesprek_world(tmp_path, request.param) as world:
        yield world


def said(world, who: str, where: str, text: str) -> list:
    """What the bot answers when ``who`` types ``text`` ``where`` (a thread, a direct message),
    not naming the bot."""
    service, _, path = world
    return service.handle(from_json(to_json(path.said(who, where, text))))


def shown(replies: list) -> str:
    return " ".join(render(replies).split())


def answers(store) -> list[tuple[str, str]]:
    return [tuple(r) for r in store.db.execute("SELECT question_id, text FROM answers ORDER BY id")]


def test_a_concept_thrown_away_elsewhere_ends_its_walk_and_the_thread_goes_on(world):
    """Before, every message in the thread got "Er ging iets mis" from then on."""
    _, store, path = world
    if path.name == "slack":  # a new ontwikkelpunt, its fields asked in the thread
        said(world, "anna", "eigen thread", "ontwikkelpunt nieuw")
        said(world, "anna", "eigen thread", "2")  # its basisfunctie; now the thema is asked
    else:  # Teams opens a dialog for a new one; a field of a concept is asked in the thread
        store.punten.create(store.gemeenten.get("utrecht")["id"], {"concept": 1, "basisfunctie": 2},
                                 path.user("anna").id, "2026-03-12T12:00:00+00:00")
        said(world, "anna", "eigen thread", "wijzig 1 thema")
    assert "Quickscan-thema" in shown(said(world, "anna", "eigen thread", "hulp"))
    said(world, "anna", "direct bericht", "weggooien 1")
    assert store.punten.get(store.gemeenten.get("utrecht")["id"], 1) is None
    typed = said(world, "anna", "eigen thread", "3")  # meant for the thema of the concept
    assert "Concept #1 is intussen weggegooid" in shown(typed)
    assert "niet opgeslagen" in shown(typed) and answers(store) == []  # not filed elsewhere
    assert isinstance(typed[-1], QuestionPrompt) and typed[-1].question_id == DEEL_I[0].id
    for text in ("hulp", "stop", "start"):
        assert "Er ging iets mis" not in shown(said(world, "anna", "eigen thread", text))
    said(world, "anna", "eigen thread", "De wethouder Jeugd")
    assert answers(store) == [(DEEL_I[0].id, "De wethouder Jeugd")]


def test_a_colleague_who_answered_deel_i_starts_at_deel_ii_in_a_direct_message(world):
    """Before: "Deel II heeft 25 open vragen", then the recap, and an answer was not stored."""
    service, store, path = world
    service.handle(path.inbound("anna", "eigen kanaal", "lid toevoegen @bram"))
    for question in DEEL_I:  # Bram answers all of Deel I in the thread, his own role included
        said(world, "bram", "eigen thread", f"Bram over {question.id}")
    assert {q for q, _ in answers(store)} == {q.id for q in DEEL_I}
    started = said(world, "bram", "direct bericht", "start")
    assert isinstance(started[0], Welcome) and "Recap" not in {type(r).__name__ for r in started}
    assert started[-1].question_id == DEEL_II[0].id
    said(world, "bram", "direct bericht", "Er is een visie, vastgesteld in 2024.")
    assert answers(store)[-1] == (DEEL_II[0].id, "Er is een visie, vastgesteld in 2024.")


def test_the_app_home_continue_starts_at_the_first_open_question_of_either_deel(world):
    """*Verder met het gesprek* in Slack's App Home is ``Start(first_open=True)`` in the direct
    message (Teams has no App Home; its personal chat starts the same way)."""
    service, store, path = world
    gemeente = store.gemeenten.get("utrecht")["id"]
    for question in DEEL_I:
        store.answers.save(gemeente, question.id, "Al beantwoord", path.user("anna").id,
                           "2026-03-12T12:00:00+00:00")
    anna = path.user("anna")
    replies = service.handle(Begin(anna, path.place("direct bericht", "anna"), "Utrecht",
                                     start=Start(first_open=True)))
    assert replies[-1].question_id == DEEL_II[0].id


@pytest.mark.parametrize("deel", [0, 3, 99, -1])
def test_a_deel_that_does_not_exist_is_refused_in_dutch(world, deel):
    """``Start(deel=3)`` on a gesprek raised AttributeError in ``go_to_part``."""
    service, store, path = world
    anna = path.user("anna")
    for place in (path.place("eigen thread", "anna"), path.place("direct bericht", "anna")):
        replies = service.handle(Begin(anna, place, start=Start(deel)))
        assert "Er zijn twee delen" in shown(replies)
    assert answers(store) == []


def test_an_answer_that_looks_like_a_list_stays_text_in_the_markdown_export(world):
    """"1. lijst van wat ontbreekt" came out of the export as a numbered list."""
    from markdown_it import MarkdownIt

    service, store, path = world
    said(world, "anna", "eigen thread", "deel 2")  # the bestuurlijk gesprek, in the summary
    texts = ("Veel", "---", "1. lijst van wat ontbreekt", "- meer formatie", "> de wethouder zei het")
    for text in texts:
        said(world, "anna", "eigen thread", text)
    assert [t for _, t in answers(store)] == list(texts)
    [export] = [r for r in service.handle(path.inbound("anna", "eigen kanaal", "export md"))
                if isinstance(r, ExportFile)]
    html = MarkdownIt("commonmark").render(document_of(export, service.plan.content).decode())
    assert "<ol" not in html and "<blockquote>" not in html and "<hr" not in html
    assert "<p>1. lijst van wat ontbreekt</p>" in html and "<p>- meer formatie</p>" in html
