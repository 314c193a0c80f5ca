"""Slack's limits: the fake refuses what Slack refuses, and the bot stays within them with the
largest content a gemeente can have."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from slack_sdk.errors import SlackApiError

from bot.reminders.scheduler import ReminderMessages, Scheduler
from bot.render.slack import INPUT_LIMIT
from dialogues.content import checklist, load_ontwikkelplan
from tests import block_kit_limits as block_kit
from tests import slack_doubles
from tests.slack_doubles import trigger_id

# The longest answer the bot takes, full of what Slack must escape.
LONG = ("Kosten < 5k & dekking > 0 <!channel> <@U2> " * 120)[:4000]
AT = "2026-03-01T09:00:00+00:00"


# --- the double -----------------------------------------------------------------------------------

def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _modal(*blocks: dict, **extra) -> dict:
    return {"type": "modal", "title": {"type": "plain_text", "text": "Nieuw ontwikkelpunt"},
            "submit": {"type": "plain_text", "text": "Opslaan"}, "blocks": list(blocks)} | extra


def _input(element: dict) -> dict:
    return {"type": "input", "block_id": "b", "label": {"type": "plain_text", "text": "Veld"},
            "element": element}


def _button(text: str = "Klik", **extra) -> dict:
    return {"type": "button", "action_id": "a", "text": {"type": "plain_text", "text": text}} | extra


def _select(count: int, text: str = "Optie") -> dict:
    return {"type": "static_select", "action_id": "s",
            "options": [{"text": {"type": "plain_text", "text": text}, "value": str(n)}
                        for n in range(count)]}


REFUSED_MESSAGES = {
    "51 blocks": [_section("x")] * 51,
    "section text of 3001": [_section("x" * 3001)],
    "empty section text": [_section("")],
    "header of 151": [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}],
    "11 context elements": [{"type": "context",
                             "elements": [{"type": "mrkdwn", "text": "x"}] * 11}],
    "button text of 76": [{"type": "actions", "elements": [_button("x" * 76)]}],
    "button value of 2001": [{"type": "actions", "elements": [_button(value="x" * 2001)]}],
    "one action_id twice in a block": [{"type": "actions", "elements": [_button(), _button()]}],
    "action_id of 256": [{"type": "actions", "elements": [_button(action_id="a" * 256)]}],
}

REFUSED_VIEWS = {
    "plain_text_input max_length 4000": _modal(_input({"type": "plain_text_input",
                                                       "action_id": "v", "max_length": 4000})),
    "initial_value longer than max_length": _modal(_input(
        {"type": "plain_text_input", "action_id": "v", "max_length": 10, "initial_value": "x" * 11})),
    "option text of 76": _modal(_input(_select(2, "x" * 76))),
    "101 options": _modal(_input(_select(101))),
    "title of 25": _modal(_section("x")) | {"title": {"type": "plain_text", "text": "x" * 25}},
    "private_metadata of 3001": _modal(_section("x"), private_metadata="x" * 3001),
    "inputs without submit": {"type": "modal", "title": {"type": "plain_text", "text": "T"},
                              "blocks": [_input({"type": "datepicker", "action_id": "d"})]},
    "101 blocks": _modal(*[_section("x")] * 101),
}


@pytest.mark.parametrize("blocks", REFUSED_MESSAGES.values(), ids=REFUSED_MESSAGES.keys())
def test_the_double_refuses_blocks_outside_slacks_limits(blocks):
    assert block_kit.message_problems(blocks)


@pytest.mark.parametrize("view", REFUSED_VIEWS.values(), ids=REFUSED_VIEWS.keys())
def test_the_double_refuses_views_outside_slacks_limits(view):
    assert block_kit.view_problems(view)


def test_the_double_takes_what_slack_takes():
    assert block_kit.message_problems([_section("x" * 3000)] * 3) == []
    assert block_kit.view_problems(_modal(_input({"type": "plain_text_input", "action_id": "v",
                                                  "max_length": 3000}))) == []


def test_the_fake_refuses_long_messages_unjoined_channels_and_used_triggers(slack):
    client, api = slack.bot.app.client, slack.api
    api.expect("msg_blocks_too_long", "not_in_channel", "invalid_trigger_id", "exchanged_trigger_id")
    api.joined.add("C1")
    trigger = trigger_id()
    client.views_open(trigger_id=trigger, view=_modal(_section("x")))
    for call in (
        lambda: client.chat_postMessage(channel="C1", text="x", blocks=[_section("x" * 3000)] * 5),
        lambda: client.chat_postMessage(channel="C9", text="hallo"),
        lambda: client.views_open(trigger_id="1.2.bedacht", view=_modal(_section("x"))),
        lambda: client.views_open(trigger_id=trigger, view=_modal(_section("x"))),
    ):
        with pytest.raises(SlackApiError):
            call()
    assert [r[1] for r in api.refusals] == ["msg_blocks_too_long", "not_in_channel",
                                           "invalid_trigger_id", "exchanged_trigger_id"]


def test_the_fake_refuses_a_trigger_id_older_than_three_seconds(slack, monkeypatch):
    monkeypatch.setattr(slack_doubles, "TRIGGER_LIFETIME", -1.0)  # every trigger is old already
    slack.api.expect("expired_trigger_id")
    with pytest.raises(SlackApiError):
        slack.bot.app.client.views_open(trigger_id=trigger_id(), view=_modal(_section("x")))
    assert slack.api.refusals[-1][1] == "expired_trigger_id"


# --- the bot, with the most a gemeente can have ---------------------------------------------------

def _fill(slack, punten: int) -> int:
    """Utrecht with every question answered three times at the longest, ``punten`` open
    ontwikkelpunten with the longest fields and twenty stands each, and one concept."""
    plan = load_ontwikkelplan()
    store = slack.store
    gemeente = store.gemeenten.get("utrecht")["id"]
    with store.transaction():
        for question in checklist().questions:
            for _ in range(3):
                store.answers.save(gemeente, question.id, LONG, "slack:T1:U1", AT)
        for n in range(punten):
            basis = plan.basisfuncties[n % len(plan.basisfuncties)]
            punt = store.punten.create(gemeente, {
                "basisfunctie": basis.number, "thema": basis.themes[0].number, "ontwikkelpunt": LONG,
                "beoogd_resultaat": LONG, "verbeteractie": LONG, "kosten": LONG,
                "wie": "Anna & <Bram>", "wie_id": "slack:T1:U1", "planning": "2026-01-01",
                "status": "open", "concept": 0}, "slack:T1:U1", AT)
            for _ in range(20):
                store.punten.log(punt["id"], "stand", LONG, "slack:T1:U1", AT)
        concept = store.punten.create(gemeente, {
            "basisfunctie": 1, "ontwikkelpunt": LONG, "verbeteractie": LONG, "status": "open",
            "concept": 1}, "slack:T1:U1", AT)
    return concept["nummer"]


def test_every_message_view_and_home_fits_with_the_largest_content(slack):
    """The fake checks every call; a refusal fails the test when it closes."""
    anna = slack.user("U1")
    anna.command("koppel Utrecht")
    slack.settle()
    concept = _fill(slack, 120)
    for command in ("samenvatting", "ontwikkelpunten", "ontwikkelpunt 1", "versies 1.1", "voortgang",
                    "hulp", "stuurgroepen", "herinneringen", f"afmaken {concept}", "bijwerken 2",
                    "export docx"):
        anna.command(command)
        slack.settle()
    anna.command("start")
    slack.settle()
    thread_ts = slack.api.named("chat.postMessage")[-1]["thread_ts"]
    anna.say("hulp", thread_ts=thread_ts)  # help with the question, its hints
    anna.open_home()
    slack.settle()
    api = slack.api
    assert len(api.named("views.open")) == 2 and api.named("views.publish")
    assert api.refusals == []
    summary = [m for m in api.named("chat.postMessage") if "Samenvatting" in m["text"]]
    assert len(summary) >= 2  # split over messages, none of them refused
    listing = [m for m in api.named("cmd") if m["text"].startswith("Open ontwikkelpunten")]
    assert sum(_buttons(m) for m in listing) == 100 and "en 20 meer" in json.dumps(listing[-1])
    assert all(len(m["text"]) < 4000 for m in api.named("chat.postMessage") + api.named("cmd"))


def _buttons(message: dict) -> int:
    return sum(1 for b in message["blocks"] if b.get("accessory", {}).get("type") == "button")


def test_a_field_longer_than_a_form_takes_is_kept_and_changed_in_the_chat(slack):
    anna = slack.user("U1")
    anna.command("koppel Utrecht")
    slack.settle()
    concept = _fill(slack, 0)
    anna.command(f"afmaken {concept}")
    slack.settle()
    [view] = slack.api.named("views.open")
    shown = json.dumps(view["view"]["blocks"], ensure_ascii=False)
    assert f"langer dan {INPUT_LIMIT} tekens" in shown and f"wijzig {concept} verbeteractie" in shown
    assert "ontwikkelpunt" not in [b.get("block_id") for b in view["view"]["blocks"]]
    status, _ = anna.submit(view["view"], {"basisfunctie": "1", "wie": "U2",
                                                "planning": "2027-03-01", "status": "open"})
    slack.settle()
    punt = slack.store.punten.get(slack.store.gemeenten.get("utrecht")["id"], concept)
    assert (status, punt["concept"], punt["verbeteractie"], punt["ontwikkelpunt"]) == \
        (200, 0, LONG, LONG)


def test_a_reminder_of_many_ontwikkelpunten_fits(slack):
    anna = slack.user("U1")
    anna.command("koppel Utrecht")
    anna.command("herinnering wekelijks maandag 9:00")
    slack.settle()
    _fill(slack, 60)
    service = slack.bot.inbox.service
    scheduler = Scheduler(slack.store, ReminderMessages(slack.store, service.plan, service.reporter),
                          slack.bot.inbox.outbox, service.clock)
    outcomes = scheduler.run_once(datetime(2026, 3, 16, 8, 0, tzinfo=UTC))
    slack.settle()  # the outbox of the bot sends them
    assert outcomes and all(slack.store.reminders.get(key)["state"] == "sent" for key, _ in outcomes)
    assert slack.api.refusals == []


def test_the_app_home_of_someone_in_many_gemeenten_fits(slack):
    store = slack.store
    store.people.ensure("slack:T1:U1", "Anna", AT)
    with store.transaction():
        for n in range(45):
            gemeente = store.gemeenten.create(f"gemeente-{n}", f"Gemeente {n} & <Co>", "slack:T1:U1", AT)
            store.people.add_member(gemeente["id"], "slack:T1:U1", "lid", "slack:T1:U1", AT)
    slack.user("U1").open_home()
    slack.settle()
    [home] = slack.api.named("views.publish")
    assert len(home["view"]["blocks"]) <= 100 and "en nog 15 gemeenten" in json.dumps(home)


def test_mrkdwn_has_no_angle_bracket_that_slack_would_read_as_a_link(service):
    """Slack reads ``<…>`` in mrkdwn as a link or a mention; a placeholder like ``<tekst>`` in a
    usage must be escaped, or it shows as a link (or not at all)."""
    import re

    from bot.render.slack import messages

    from .conftest import Chat
    from .test_access import SAMPLES

    chat = Chat(service)
    chat.start()
    raw = re.compile(r"<(?![@#!]|https?:|mailto:)")
    found = []
    for text in (*SAMPLES, "hulp", "bijwerken", "ontwikkelpunten", "geschiedenis 1.1", "wijzig"):
        for reply in chat.say(re.sub(r"@\w+", "@anna", text)):
            for message in messages(reply):
                stack = list(message.blocks)
                while stack:
                    value = stack.pop()
                    if isinstance(value, dict):
                        if value.get("type") == "mrkdwn" and raw.search(value["text"]):
                            found.append((text, value["text"][:120]))
                        stack += list(value.values())
                    elif isinstance(value, list):
                        stack += value
    assert found == []


def test_help_at_a_question_is_one_message_with_the_questions_buttons(chat):
    from bot.render.slack import messages_of

    chat.start()
    [message] = messages_of(chat.say("hulp"))
    assert block_kit.message_problems(message.blocks) == []
    shown = json.dumps(message.blocks, ensure_ascii=False)
    [buttons] = [b for b in message.blocks if b["type"] == "actions"]
    assert [e["text"]["text"] for e in buttons["elements"]] == ["Overslaan", "Terug", "Pauzeren"]
    assert "hulp alles" in shown and "voortgang" not in shown
