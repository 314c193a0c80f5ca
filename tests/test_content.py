"""Contract tests: the content files against the source document and the dialogue machine."""

from __future__ import annotations

import re

import pytest

from dialogues.content import (
    ContentError,
    checklist,
    load_ontwikkelplan,
    load_questionnaire,
    ontwikkelplan,
)
from dialogues.flow import BACK, END, NEXT, Flow, diagram, goto

from .conftest import ROOT, SEEDS

# Questions per section as Bijlage 1 lists them (sub-bullets are hints, not questions).
EXPECTED_SECTIONS = {
    "rollen": 3, "opdrachtgever": 5, "informatie": 1, "draagvlak": 5, "cijfers": 4, "governance": 5,
    "gesprek": 5, "bouwsteen1": 4, "bouwsteen2": 4, "bouwsteen3": 4, "bouwsteen4": 4, "bouwsteen5": 4,
}


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def source() -> str:
    seed = next(SEEDS.glob("003_*.txt"), None) if SEEDS.is_dir() else None
    if seed is None:
        pytest.skip("shared/seeds is not beside this checkout")
    return _flat(seed.read_text(encoding="utf-8"))


def test_sections_and_counts_match_bijlage_1():
    questionnaire = checklist()
    assert [p.title for p in questionnaire.parts] == ["Deel I", "Deel II"]
    counts = {s.id: len(s.questions) for p in questionnaire.parts for s in p.sections}
    assert counts == EXPECTED_SECTIONS
    assert [s.title for s in questionnaire.parts[0].sections] == [
        "Rollen en taken", "Opdrachtgevende rol", "Welke informatie heb je al",
        "Bestuurlijk en politiek draagvlak en sturing", "Cijfers en letters",
        "Hoe is de regionale governance op zorg en veiligheid georganiseerd",
    ]


def test_question_ids_are_unique_and_stable_in_form():
    ids = [q.id for q in checklist().questions]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*", i) for i in ids)


def test_every_text_is_verbatim_from_the_source(source):
    questionnaire = checklist()
    texts = [questionnaire.intro]
    for part in questionnaire.parts:
        for section in part.sections:
            texts += [section.title, section.intro, section.lead]
            for question in section.questions:
                texts += [question.text, *question.hints]
    missing = [t for t in texts if t and _flat(t) not in source]
    assert not missing


def test_bouwstenen_have_the_four_columns_and_lead_question():
    deel2 = checklist().part(2)
    for section in deel2.sections[1:]:
        assert section.lead
        assert [q.text for q in section.questions] == [
            "Wat is er al?", "Welke resultaten wil je behalen?", "Welke acties zijn daarvoor nodig?",
            "Wie gaat dit uitvoeren, wanneer en welke kosten zijn er aan verbonden?",
        ]


def test_ontwikkelplan_structure_matches_bijlage_3(source):
    plan = ontwikkelplan()
    assert [len(b.themes) for b in plan.basisfuncties] == [11, 3, 5, 5, 4]
    assert [f.id for f in plan.fields] == [
        "ontwikkelpunt", "beoogd_resultaat", "verbeteractie", "kosten", "wie", "planning",
        "stand_van_zaken",
    ]
    assert [s.label for s in plan.statuses] == ["open", "in uitvoering", "afgerond", "vervallen"]
    texts = [f.guidance for f in plan.fields] + [f.label for f in plan.fields]
    for basisfunctie in plan.basisfuncties:
        texts += [basisfunctie.title, basisfunctie.short_title, basisfunctie.why]
        texts += basisfunctie.description.split("\n\n")
        for thema in basisfunctie.themes:
            texts += [thema.title, *thema.checklist]
    missing = [t for t in texts if t and _flat(t) not in source]
    assert not missing


def test_every_question_is_reachable_in_order_and_every_flow_ends():
    questionnaire = checklist()
    flow = Flow(questionnaire)
    ids = [q.id for q in questionnaire.questions]
    assert list(flow.walk(flow.first, NEXT)) == [*ids, END]
    for state in ids:
        assert flow.walk(state, NEXT)[-1] == END
        assert flow.walk(state, BACK)[-1] == ids[0]
        assert flow.move(END, goto(state)) == state


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id: x\ntitle: X\nparts: [", "geen geldige YAML"),
        ("id: x\ntitle: X\nparts: []\n", "parts: verwacht een niet-lege lijst"),
        ("id: x\ntitle: X\nparts:\n- {id: d, number: 1, title: D, sections: [{id: s, title: S, "
         "questions: [{id: s.a}]}]}\n", "questions[0].text: verwacht een niet-lege tekst"),
        ("id: x\ntitle: X\nparts:\n- {id: d, number: 1, title: D, sections: [{id: s, title: S, "
         "questions: [{id: s.a, text: A}, {id: s.a, text: B}]}]}\n", "vraag-id 's.a' komt meer"),
        ("id: x\ntitle: X\nparts:\n- {id: d, number: 1, title: D, sections: [{id: s, title: S, "
         "questions: [{id: s.a, text: A, hint: [x]}]}]}\n", "onbekende sleutel(s) hint"),
        ("id: x\ntitle: X\nparts:\n- {id: d, number: 1, title: D, sections: [{id: s, title: S, "
         "columns: nope}]}\n", "onbekende kolomset 'nope'"),
    ],
)
def test_a_broken_checklist_file_fails_with_a_clear_message(tmp_path, content, message):
    path = tmp_path / "checklist.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_questionnaire(path)
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_a_missing_or_incomplete_plan_file_fails_clearly(tmp_path):
    with pytest.raises(ContentError, match="bestand niet gevonden"):
        load_ontwikkelplan(tmp_path / "weg.yaml")
    path = tmp_path / "plan.yaml"
    path.write_text("title: T\nsource: S\nfields: [{id: ontwikkelpunt, label: O}]\n"
                    "statuses: [{id: open, label: open}]\nbasisfuncties: []\n", encoding="utf-8")
    with pytest.raises(ContentError, match="verwacht de zeven velden"):
        load_ontwikkelplan(path)


def test_the_committed_diagram_matches_the_content():
    committed = (ROOT / "dialogues" / "content" / "checklist.mmd").read_text(encoding="utf-8")
    regenerate = "python -m dialogues.flow > dialogues/content/checklist.mmd"
    assert committed == diagram(checklist()), f"out of date; run: {regenerate}"


def test_a_remembered_move_is_the_machines_own_and_a_refused_one_stays_refused():
    from dialogues.flow import BACK, NEXT, CannotMove, Flow

    flow = Flow(checklist())
    first, second = flow.states[:2]
    assert flow.move(first, NEXT) == second == flow.move(first, NEXT)
    for _ in range(2):
        with pytest.raises(CannotMove):
            flow.move(first, BACK)
