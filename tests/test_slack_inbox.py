"""The inbox in Slack: answers that arrive together land where they belong, and text that looks
like a command is never an answer. (Order under a stream, and kill -9: test_slack_process.)"""

from __future__ import annotations

import json
import threading

import pytest

from dialogues.content import checklist

from .test_commands import TEN
from .test_slack import answers, bind_and_start, blocks_text

QUESTIONS = checklist().questions


def at_once(sends) -> None:
    """Run the sends together, released by one barrier, as a burst of people would."""
    barrier = threading.Barrier(len(sends))

    def send(function):
        barrier.wait()
        function()

    threads = [threading.Thread(target=send, args=(f,)) for f in sends]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_twenty_colleagues_answering_the_question_they_see_all_land_under_it(slack):
    _, thread_ts = bind_and_start(slack)
    posts_before = len(slack.api.named("chat.postMessage"))
    people = [slack.user(f"U{n}") for n in range(1, 21)]
    at_once([lambda p=p: p.say(f"Antwoord van {p.user}", thread_ts=thread_ts) for p in people])
    slack.settle()
    stored = answers(slack)
    assert len(stored) == 20
    assert {question for question, _, _ in stored} == {QUESTIONS[0].id}  # 20 versions of question 1
    posts = slack.api.named("chat.postMessage")[posts_before:]
    assert sum("vraag 2 van 23" in blocks_text(p) for p in posts) == 1  # the gesprek moved on once
    told = [p for p in posts if "nieuwste versie" in " ".join(p["text"].split())]
    assert len(told) == 19 and all("geschiedenis 1.1" in p["text"] for p in told)


@pytest.mark.parametrize(("text", "usage"), TEN.items())
def test_a_command_word_in_the_thread_stores_nothing_and_gets_its_usage(slack, text, usage):
    anna, thread_ts = bind_and_start(slack)
    anna.say(text, thread_ts=thread_ts)
    slack.settle()
    assert answers(slack) == []
    reply = slack.api.named("chat.postMessage")[-1]
    shown = " ".join(blocks_text(reply).split())
    if text.startswith("koppel"):  # in the channel's own thread a real command: nothing to store
        usage = "al gekoppeld aan gemeente Utrecht"
    assert reply["thread_ts"] == thread_ts and usage.replace("<", "&lt;").replace(">", "&gt;") in shown
    if "niets opgeslagen" in reply["text"]:  # the text can still be the answer, with one click
        anna.click(reply, "opslaan")
        slack.settle()
        assert answers(slack) == [(QUESTIONS[0].id, text, "Anna")]


def test_status_quo_is_an_answer_and_a_near_miss_is_stored_with_a_word(slack):
    anna, thread_ts = bind_and_start(slack)
    anna.say("Status quo is dat er geen visie is", thread_ts=thread_ts)
    slack.settle()
    assert answers(slack) == [(QUESTIONS[0].id, "Status quo is dat er geen visie is", "Anna")]
    anna.say("status afgerond", thread_ts=thread_ts)
    slack.settle()
    asked = slack.api.named("chat.postMessage")[-1]
    assert [b["text"]["text"] for b in asked["blocks"][-1]["elements"]] == [
        "Ja, opslaan als antwoord", "Nee, niet opslaan"]  # the words of the question above them
    assert "Kies hieronder" in blocks_text(asked)
    anna.say("ja", thread_ts=thread_ts)
    slack.settle()
    assert answers(slack)[-1] == (QUESTIONS[1].id, "status afgerond", "Anna")
    assert "vraag 3 van 23" in blocks_text(slack.api.named("chat.postMessage")[-1])


def test_wijzig_in_an_ontwikkelpunt_walk_in_the_thread_is_not_a_field_value(slack):
    anna, thread_ts = bind_and_start(slack)
    for text in ("ontwikkelpunt nieuw", "2", "wijzig 1.1"):
        anna.say(text, thread_ts=thread_ts)
        slack.settle()
    reply = slack.api.named("chat.postMessage")[-1]
    assert "ontwikkelpunt aan het invullen" in " ".join(reply["text"].split())
    punt = slack.store.punten.get(slack.store.gemeenten.get("utrecht")["id"], 1)
    assert punt["thema"] is None and punt["basisfunctie"] == 2
    assert answers(slack) == []


def test_the_app_home_lists_what_the_user_may_ask_in_a_direct_message(slack):
    bind_and_start(slack)
    slack.user("U1").open_home()
    slack.settle()
    view = slack.api.named("views.publish")[-1]["view"]
    shown = blocks_text(view)
    assert "Wat je de bot in een direct bericht kunt vragen" in shown
    assert "lid toevoegen @iemand" in shown and "koppel &lt;gemeente&gt;" not in shown  # beheerder, DM
    slack.user("U2").open_home()
    slack.settle()
    stranger = blocks_text(slack.api.named("views.publish")[-1]["view"])
    assert "hulp [commando]" in stranger and "bijwerken 3" not in stranger


def test_a_fault_handling_one_message_is_told_and_the_conversation_goes_on(slack, monkeypatch):
    anna, thread_ts = bind_and_start(slack)
    service = slack.bot.inbox.service
    process = service.process
    monkeypatch.setattr(service, "process", lambda inbound: 1 / 0)
    anna.say("Dit gaat mis", thread_ts=thread_ts)
    slack.settle()
    assert "Er ging iets mis" in slack.api.named("chat.postMessage")[-1]["text"]
    monkeypatch.setattr(service, "process", process)
    anna.say("Dit gaat goed", thread_ts=thread_ts)
    slack.settle()
    assert answers(slack) == [(QUESTIONS[0].id, "Dit gaat goed", "Anna")]


def test_a_message_with_a_lone_surrogate_is_taken_in_and_answered(slack):
    """Slack's JSON can carry half of an emoji (``\\ud83d``); the inbox keeps it as sent, and the
    answer is stored without it (before, the inbox's commit failed: HTTP 500, no reply)."""
    anna, thread_ts = bind_and_start(slack)
    status, _ = anna.say("antwoord \ud83d eind", thread_ts=thread_ts)[1]
    slack.settle()
    assert status == 200
    [(text,)] = slack.store.db.execute("SELECT text FROM answers").fetchall()
    assert text == "antwoord \ufffd eind"


def test_a_message_that_arrives_while_the_worker_starts_is_handled(store, monkeypatch):
    """The worker lists the lanes with messages left, then watches for new ones. A message taken
    in between (by the process that acknowledges) was missed: the watch began after it. Here one
    arrives, in a lane of its own, right after the lanes are listed."""
    from bot.core.messages import Inbound, Place, PlaceKind, Said, User
    from bot.service import Service
    from bot.service.inbox import Inbox
    from bot.service.outbox import Platforms

    handled = threading.Event()

    class Recording:  # the platform's side of the inbox: what the worker handled
        def prepare(self, inbound):
            return inbound

        def deliver(self, inbound, replies, out):
            if inbound.text == "tweede":
                handled.set()

    service = Service(store)
    taking_in, worker = Inbox(service, Platforms()), Inbox(service, Platforms(slack=Recording()))
    anna = User("slack:T1:U1", "Anna")

    def message(place: str, text: str) -> Inbound:
        return Said(anna, Place(PlaceKind.DIRECT, place), text=text, delivery_id=f"{place}:{text}")

    taking_in.accept(message("slack:T1:D1", "eerste"))
    listed = worker.entries.lanes

    def listed_then_one_arrives() -> list[str]:
        lanes = listed()
        taking_in.accept(message("slack:T1:D2", "tweede"))
        return lanes

    monkeypatch.setattr(worker.entries, "lanes", listed_then_one_arrives)
    worker.start(watch=True)
    try:
        assert handled.wait(30), "the second message was never handled"
    finally:
        worker.stop()


@pytest.mark.parametrize(("old", "kind", "text"), [
    ({"text": "Wethouder", "command": None, "addressed": True, "expects": "rollen.wie"}, "Said",
     "Wethouder"),
    ({"text": "", "command": "voortgang", "forms": True}, "Command", "voortgang"),
    ({"text": "Nieuwe tekst", "command": None, "edits": "slack:T1:C1:1.2"}, "Edited", "Nieuwe tekst"),
    ({"start": {"deel": 2, "first_open": False}, "command": None}, "Begin", None),
    ({"home": True, "command": None}, "Opened", None),
])
def test_a_message_taken_in_before_messages_had_kinds_is_read_after_the_update(old, kind, text):
    """The inbox may hold messages an older version took in: read as the kind they were."""
    from bot.core.messages import from_json

    shared = {"user": {"id": "slack:T1:U1", "naam": "Anna"},
              "place": {"kind": "thread", "id": "slack:T1:C1:1.2", "channel": "slack:T1:C1"},
              "gemeente": None, "mentions": [], "delivery_id": "d1", "sent_at": "", "route": {}}
    defaults = {"text": "", "start": None, "command": None, "expects": None, "addressed": False,
                "forms": False, "form": None, "home": False, "edits": None, "files": 0}
    inbound = from_json(json.dumps(shared | defaults | old))
    assert type(inbound).__name__ == kind and inbound.delivery_id == "d1"
    assert getattr(inbound, "text", None) == text
