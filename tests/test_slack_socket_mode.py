"""Socket Mode through slack_sdk's own client: envelopes in over a local WebSocket, acks out."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from bot.adapters.slack.app import build, socket_mode
from bot.config import SlackSettings
from bot.service import Service
from store import Store

from .conftest import Clock
from .slack_doubles import BOT_TOKEN, FakeSlackApi, FakeSocketMode, SlackUser


@dataclass
class SocketHarness:
    api: FakeSlackApi
    socket: FakeSocketMode
    store: Store
    bot: object

    def user(self, user_id: str = "U1") -> SlackUser:
        return SlackUser("", self.api, user_id)

    def command(self, person: SlackUser, text: str, channel: str = "C1") -> str:
        """A slash command as Socket Mode carries it: the same fields, as a JSON object."""
        return self.socket.send("slash_commands", person.command_fields(text, channel))

    def event(self, person: SlackUser, event: dict, retry: int = 0) -> str:
        body, _ = person.event_request(event, event_id=event.get("client_msg_id"))
        return self.socket.send("events_api", json.loads(body), retry)


@pytest.fixture
def socket(db_path):
    with FakeSlackApi(joined={"C1"}) as api, FakeSocketMode(api) as fake:
        store = Store(db_path, durable=False)
        service = Service(store, clock=Clock())
        bot = build(service, SlackSettings(BOT_TOKEN, "", "xapp-1-A1-1-test", api.url), http=False)
        bot.start()
        handler = socket_mode(bot, SlackSettings(BOT_TOKEN, "", "xapp-1-A1-1-test", api.url))
        handler.connect()
        fake.wait_connected()
        try:
            yield SocketHarness(api, fake, store, bot)
        finally:
            handler.close()
            bot.stop()
            store.close()


def test_commands_and_messages_arrive_over_socket_mode_and_are_acknowledged(socket):
    anna = socket.user("U1")
    ids = [socket.command(anna, "koppel Utrecht")]
    socket.socket.wait_acks(ids)
    socket.bot.settle()
    ids.append(socket.command(anna, "start", channel="D1"))
    socket.socket.wait_acks(ids)
    socket.bot.settle()
    ids.append(socket.event(anna, anna.message_event("De wethouder jeugd", channel="D1")))
    socket.socket.wait_acks(ids)
    socket.bot.settle()
    assert socket.store.gemeenten.get("utrecht") is not None
    [(text,)] = socket.store.db.execute("SELECT text FROM answers").fetchall()
    assert text == "De wethouder jeugd"
    assert "vraag 2 van 23" in socket.api.named("chat.postMessage")[-1]["text"]


def test_fifty_envelopes_at_once_are_all_acknowledged_and_a_redelivery_is_handled_once(socket):
    """How fast: scripts/bench_ack.py --socket-mode; here, that every one is acknowledged."""
    anna = socket.user("U1")
    socket.socket.wait_acks([socket.command(anna, "koppel Utrecht")])
    socket.bot.settle()
    people = [socket.user(f"U{n}") for n in range(2, 52)]
    events = [p.message_event("voortgang", channel=f"D{n}") for n, p in enumerate(people, 2)]
    ids = [socket.event(p, e) for p, e in zip(people, events, strict=True)]
    ids.append(socket.event(people[0], events[0], retry=1))  # Slack sends it again
    socket.socket.wait_acks(ids)
    socket.bot.settle()
    answered = socket.api.named("chat.postMessage")
    assert sorted(m["channel"] for m in answered) == sorted(f"D{n}" for n in range(2, 52))
