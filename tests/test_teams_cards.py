"""The Teams renderer: every card it makes is one Teams takes (Adaptive Card 1.5, the size
budget), and what people typed is shown as text, never as card markup."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("microsoft_teams.cards")

from bot.core.replies import FormErrors, Notice, OpenForm
from bot.ontwikkelplan.form import form_spec
from bot.render import teams
from dialogues.content import load_ontwikkelplan

from . import adaptive_cards
from .test_slack_limits import LONG

PLAN = load_ontwikkelplan()
MARKUP = "<at>Bram</at> **vet** [klik](https://example.org) # kop & <b>html</b>"


def _all_cards(replies) -> list[dict]:
    return teams.cards_of(list(replies))


def _checked(cards: list[dict]) -> list[dict]:
    for card in cards:
        assert adaptive_cards.problems(card) == [], json.dumps(card)[:500]
    return cards


def test_a_mention_needs_its_entity_and_an_entity_its_mention():
    from microsoft_teams.cards import Mention, MentionedEntity

    text = {"type": "TextBlock", "text": "Eigenaar: <at>Bram</at>"}
    bram = Mention(text="<at>Bram</at>", mentioned=MentionedEntity(id="aad-bram", name="Bram"))
    assert adaptive_cards.problems(teams.card([text], [bram])) == []
    assert adaptive_cards.problems(teams.card([text]))  # no entity
    assert adaptive_cards.problems(teams.card([{"type": "TextBlock", "text": "Bram"}], [bram]))


def test_the_validator_refuses_what_teams_refuses():
    card = teams.card([{"type": "TextBlock", "text": "x", "colour": "red"}])
    assert any("colour" in p for p in adaptive_cards.problems(card))
    assert adaptive_cards.problems(teams.card([{"type": "Carousel", "pages": []}]))
    big = teams.card([{"type": "TextBlock", "text": "x" * 30_000}])
    assert any("budget" in p for p in adaptive_cards.problems(big))
    assert adaptive_cards.problems(teams.card([{"type": "TextBlock", "text": "x"}])) == []
    choices = {"type": "Input.ChoiceSet", "id": "c", "choices": [{"title": "a", "value": "a"}]}
    assert adaptive_cards.problems(teams.card([choices | {"style": "filtered"}])) == []  # Teams'
    assert adaptive_cards.problems(teams.card([choices | {"style": "sorted"}]))


def test_every_reply_of_a_gesprek_and_the_plan_is_a_card_teams_takes(chat):
    said = [*chat.start()]
    for text in ("hulp", MARKUP, "overslan", "nee", "voortgang", "wijzig 1.1", "versies 1.1",
                 "terug", "pauze", "verder", "ontwikkelpunt nieuw", "1", "1.1", MARKUP, "overslaan",
                 "overslaan", "overslaan", "Anna", "1-3-2027", "Gestart", "ontwikkelpunten",
                 "ontwikkelpunt 1", "samenvatting", "herinneringen", "stuurgroepen", "kopel",
                 "deel 2", "vragen"):
        said += chat.say(text)
    cards = _checked(_all_cards(said))
    assert len(cards) > 30
    shown = json.dumps(cards, ensure_ascii=False)
    assert "Overslaan" in shown and "Nee, opslaan als antwoord" in shown


def test_what_someone_typed_is_text_never_markup(chat):
    chat.start()
    chat.say(MARKUP)
    replies = [chat.prompt(chat.say("wijzig 1.1")), *chat.say("versies 1.1"), *chat.say(MARKUP)]
    holders = [e for e in adaptive_cards.nodes(teams.cards_of(replies))
               if any(isinstance(v, str) and MARKUP in v for v in e.values())]
    assert len(holders) >= 2 and all(e["type"] == "TextRun" for e in holders), holders


def test_the_longest_content_is_split_over_cards_within_the_budget(chat, store):
    chat.start()
    for _ in range(3):
        chat.say("wijzig 1.1")
        chat.say("vervangen")
        chat.say(LONG)
    for _ in range(60):
        chat.say("ontwikkelpunt nieuw")
        for text in ("2", "overslaan", LONG, LONG, LONG, LONG, "Anna", "1-3-2027", LONG):
            chat.say(text)
    replies = [*chat.say("ontwikkelpunten"), *chat.say("samenvatting"), *chat.say("versies 1.1"),
               *chat.say("ontwikkelpunt 1")]
    cards = _checked(_all_cards(replies))
    assert len(cards) > len(replies)  # some were split
    listing = json.dumps(cards, ensure_ascii=False)
    assert listing.count("Stand van zaken bijwerken") >= 60


def test_the_ontwikkelpunt_dialog_new_update_and_with_errors():
    values = (("basisfunctie", "2"), ("thema", "1"), ("ontwikkelpunt", MARKUP),
              ("wie_id", "teams:t1:aad-1"), ("status", "open"), ("planning", "2027-03-01"))
    for form in (OpenForm("nieuw"), OpenForm("nieuw", 4, values, "Utrecht"),
                 OpenForm("bijwerken", 3, values, "Utrecht")):
        [card] = _checked([teams.punt_form(form, PLAN)])
        shown = json.dumps(card, ensure_ascii=False)
        assert "Opslaan" in shown
    errors = FormErrors((("planning", "Die datum bestaat niet: 31-2-2027."),))
    card = teams.punt_form(OpenForm("nieuw"), PLAN, errors, {"planning": "2027-02-31"})
    _checked([card])
    fields = {n["id"]: (box, n) for box in card["body"] for n in adaptive_cards.nodes(box)
              if n.get("type", "").startswith("Input.")}
    assert fields["wie"][1]["choices.data"]["type"] == "Data.Query"
    planning_box = json.dumps(fields["planning"][0], ensure_ascii=False)
    assert "Die datum bestaat niet" in planning_box  # the error next to its field
    assert "Zo concreet mogelijk" in planning_box  # and the Leidraad's guidance, whole
    assert "Die datum" not in json.dumps(fields["status"][0], ensure_ascii=False)
    thema = fields["thema"][1]
    assert thema["style"] == "filtered" and thema["placeholder"] == "Kies…"
    assert all(not c["title"].endswith("…") for c in thema["choices"])  # whole titles
    assert not any("placeholder" in n for _, n in fields.values() if n["type"] == "Input.Text")
    spec = form_spec(OpenForm("nieuw"), PLAN)  # the required marks are the server's rules
    assert {f.id for f in spec.fields if f.required} == {
        n["id"] for _, n in fields.values() if n.get("isRequired")}


def test_a_command_to_type_names_the_bot_where_it_must():
    from bot.core.text import typed
    from bot.render.plain import render

    notice = Notice(f"Start het gesprek met {typed('start')}.")
    assert "‘@Leidraadbot start’" in json.dumps(teams.cards(notice, addressed=True), ensure_ascii=False)
    assert "met ‘start’." in json.dumps(teams.cards(notice), ensure_ascii=False)
    assert render([notice]) == "Start het gesprek met ‘start’."


def test_a_command_for_the_personal_chat_is_written_as_typed_there_even_in_a_channel():
    from bot.core.replies import Notice
    from bot.core.text import typed
    from bot.render.teams import cards_of as render

    notice = Notice(f"Vraag het met {typed('samenvatting regio', private=True)} of "
                    f"{typed('voortgang')}, of in het kanaal met {typed('start', in_channel=True)}.")
    [channel] = render([notice], addressed=True)
    [personal] = render([notice])
    assert "‘samenvatting regio’ of ‘@Leidraadbot voortgang’, of in het kanaal met ‘@Leidraadbot start’" \
        in json.dumps(channel, ensure_ascii=False)
    assert "‘samenvatting regio’ of ‘voortgang’, of in het kanaal met ‘@Leidraadbot start’" \
        in json.dumps(personal, ensure_ascii=False)
