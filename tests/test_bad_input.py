"""Bad input everywhere: random sequences of commands, answers, clicks and unicode through the
service, as the console, Slack and Teams hand them over. No exception escapes, what is stored is
NFC and within its limits, every reply is one its platform takes, and none pings a channel."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.slack.translate import channel_place, direct_place
from bot.core.messages import Inbound, Place, PlaceKind, User
from bot.core.text import MAX_ANSWER_LENGTH
from bot.render import slack
from bot.service import Service
from store import Store

from . import block_kit
from .conftest import Clock

COMMANDS = ["start", "start deel 2", "overslaan", "terug", "pauze", "verder", "hulp", "hulp bijwerken",
            "voortgang", "wijzig", "wijzig 1.6", "versies 1.1", "behouden", "vervangen", "deel 3",
            "ontwikkelpunt nieuw", "ontwikkelpunten", "ontwikkelpunt 1", "bijwerken 1 offerte",
            "status 1 afgerond", "wijzig 1 planning 31-02-2027", "afmaken 1", "concepten maken",
            "samenvatting", "samenvatting regio", "export docx", "verouderd na 0 weken",
            "herinnering wekelijks maandag 25:00", "stuurgroep 32-13-2026", "koppel Utrecht",
            "lid toevoegen", "regio instellen", "ja", "nee", "opslaan", "stop", "1", "overslan",
            "ontwikkelpunt 99999999999999999999", "status 1e99 afgerond", "bijwerken -1 x"]
NASTY = ["", " ", "\x00", "\u202egeheim", "\ud800", "\udfff lone", "😀" * 50, "<!channel>", "<@U1>",
         "*vet* _schuin_ `code`", '{"type": "AdaptiveCard"}', "<at>Iemand</at>", "'; DROP TABLE answers; --",
         "x" * 50_000, "9" * 400, "e\u0301\u200b", "‘’“”", "\r\n\r\n", "BSN 111222333"]
TEXT = st.one_of(st.sampled_from(COMMANDS), st.sampled_from(NASTY),
                 st.text(st.characters(codec=None), max_size=300),
                 st.builds(lambda c, n: f"{c} {n}", st.sampled_from(COMMANDS), st.sampled_from(NASTY)))
ANNA = User("slack:T1:U1", "Anna")
PLACES = {
    "console": lambda who: Place(PlaceKind.CONSOLE, f"console:{who}"),
    "slack channel": lambda who: channel_place("T1", "C1"),
    "slack thread": lambda who: Place(PlaceKind.THREAD, "slack:T1:C1:1700000000.000100",
                                      channel="slack:T1:C1"),
    "slack dm": lambda who: direct_place("T1", "D1"),
    "teams chat": lambda who: Place(PlaceKind.DIRECT, "teams:t1:a:personal-1"),
}
STEP = st.tuples(st.sampled_from(sorted(PLACES)), st.sampled_from(["text", "command", "click"]), TEXT)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("bad") / "leidraad.db")
    service = Service(store, clock=Clock())
    service.handle(Inbound(ANNA, channel_place("T1", "C1"), command="koppel Utrecht"))
    service.handle(Inbound(ANNA, channel_place("T1", "C1"), command="start"))
    yield service, store
    store.close()


def _checked(replies: list) -> None:
    for message in slack.render(replies):
        assert block_kit.message_problems(message.blocks) == [], message.blocks
        assert "<!channel>" not in message.text + str(message.blocks)
    try:
        from bot.render import teams
    except ImportError:  # without the [teams] extra
        return
    from . import adaptive_cards
    for card in teams.render(replies):
        assert adaptive_cards.problems(card) == []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(STEP, min_size=1, max_size=8))
def test_random_sequences_never_raise_and_store_only_clean_text(world, steps):
    service, store = world
    for where, how, text in steps:
        place = PLACES[where]("anna")
        user = User("console:anna", "Anna") if where == "console" else ANNA
        gemeente = "Utrecht" if where == "console" else None
        extra = ({"command": text} if how == "command" else
                 {"text": text, "expects": "rollen.wie"} if how == "click" else {"text": text})
        inbound = Inbound(user, place, gemeente, forms=where.startswith("teams"), **extra)
        _checked(service.handle(inbound))
    for (text,) in store.db.execute("SELECT text FROM answers UNION ALL SELECT value FROM "
                                    "ontwikkelpunt_log WHERE value IS NOT NULL"):
        assert unicodedata.is_normalized("NFC", text) and len(text) <= MAX_ANSWER_LENGTH
        text.encode("utf-8")  # valid unicode: no lone surrogate
