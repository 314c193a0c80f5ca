"""Bad input everywhere: random sequences of commands, answers, clicks, starts of any Deel,
concepts thrown away while their fields are asked, and unicode through the service, as the
console, Slack and Teams hand them over. No exception escapes, what is stored is NFC and within
its limits, every reply is one its platform takes, and none pings a channel."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.messages import Begin, Inbound, Place, PlaceKind, Start, from_json, to_json
from bot.core.text import MAX_ANSWER_LENGTH
from bot.render import slack
from bot.service import Service
from store import Store

from . import block_kit_limits as block_kit
from .conftest import Clock
from .inbound_paths import PATHS, begin_gesprek

COMMANDS = ["start", "start deel 2", "overslaan", "terug", "pauze", "verder", "hulp", "hulp bijwerken",
            "voortgang", "wijzig", "wijzig 1.6", "versies 1.1", "behouden", "vervangen", "deel 3",
            "ontwikkelpunt nieuw", "ontwikkelpunten", "ontwikkelpunt 1", "bijwerken 1 offerte",
            "status 1 afgerond", "wijzig 1 planning 31-02-2027", "afmaken 1", "concepten maken",
            "samenvatting", "samenvatting regio", "export docx", "verouderd na 0 weken",
            "herinnering wekelijks maandag 25:00", "stuurgroep 32-13-2026", "koppel Utrecht",
            "lid toevoegen", "regio instellen", "ja", "nee", "opslaan", "stop", "1", "overslan",
            "ontwikkelpunt 99999999999999999999", "status 1e99 afgerond", "bijwerken -1 x",
            "ontwikkelpunt ²", "status ² afgerond", "Status ² van het beleid is vastgesteld",
            "ontwikkelpunt ١", "verouderd na ³ weken", "herinnering maandelijks ² 9:00",
            "wijzig 1 thema", "concepten maken", "weggooien 1", "regio", "status afgerond", "/start",
            "Regio Utrecht heeft een projectleider.", "lid toevoegen @anna",
            "toewijzen 2.3 @anna", "toewijzen 2.1-2.99 @anna", "toewijzen bouwsteen 7 niemand",
            "toewijzen deel 1 @anna", "toewijzingen", "mijn vragen", "afwezig tot 31-2-2027",
            "afwezig tot 1-3-2027 vervanger @anna", "aanwezig", "uitstellen 1 een week",
            "uitstellen 99 twee weken", "overdragen @anna @anna", "Toewijzen doet de teamleider."]
NASTY = ["", " ", "\x00", "\u202egeheim", "\ud800", "\udfff lone", "😀" * 50, "<!channel>", "<@U1>",
         "*vet* _schuin_ `code`", '{"type": "AdaptiveCard"}', "<at>Iemand</at>", "'; DROP TABLE answers; --",
         "x" * 50_000, "9" * 400, "e\u0301\u200b", "‘’“”", "\r\n\r\n", "BSN 111222333"]
TEXT = st.one_of(st.sampled_from(COMMANDS), st.sampled_from(NASTY),
                 st.text(st.characters(codec=None), max_size=300),
                 st.builds(lambda c, n: f"{c} {n}", st.sampled_from(COMMANDS), st.sampled_from(NASTY)))
WHERE = ["eigen kanaal", "eigen thread", "direct bericht"]
HOW = ["text", "command", "click", "discard"]  # discard: the newest concept, by its number


NAMES = sorted(PATHS)
STEP = st.one_of(st.tuples(st.sampled_from(NAMES), st.sampled_from(WHERE), st.sampled_from(HOW), TEXT),
                 st.tuples(st.sampled_from(NAMES), st.sampled_from(WHERE), st.just("start"),
                           st.one_of(st.none(), st.integers(-3, 9))))


def inbound(path, where: str, how: str, text, store: Store) -> Inbound | None:
    """What the platform's adapter makes of Anna's message, command or click with ``text`` (or
    her start of Deel ``text``), as the inbox keeps it (the console's is handled at once)."""
    if how == "start":
        user = path.user("anna")
        place = Place(PlaceKind.CONSOLE, user.id) if path.name == "console" else path.place(where, "anna")
        return Begin(user, place, "Utrecht", start=Start(text))
    if how == "discard":
        newest = store.db.execute("SELECT max(nummer) FROM ontwikkelpunten WHERE concept = 1").fetchone()[0]
        how, text = "text", f"weggooien {newest or 1}"
    if path.name == "console":
        return path.inbound("anna", where, text)
    made = _made(path, where, how, text)
    return made and from_json(to_json(made))


def _made(path, where: str, how: str, text: str) -> Inbound | None:
    if path.name == "console":
        return path.inbound("anna", where, text)
    if how == "click":
        return path.click("anna", where, text, "rollen.wie")
    if how == "text" and path.name == "slack" and where != "eigen kanaal":
        return path.said("anna", where, text)
    return path.inbound("anna", where, text)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("bad") / "leidraad.db", durable=False)
    service = Service(store, clock=Clock())
    paths = {name: PATHS[name]() for name in NAMES}
    for path in paths.values():
        path.connect(service)
        if path.name != "console":
            begin_gesprek(service, path)
    yield service, store, paths
    store.close()
    for path in paths.values():
        path.close()


def _mrkdwn(value) -> list[str]:
    """The texts Slack reads as mrkdwn (where ``<!channel>`` pings), in blocks; plain_text is
    shown as it is."""
    if isinstance(value, list):
        return [text for item in value for text in _mrkdwn(item)]
    if isinstance(value, dict):
        own = [value["text"]] if value.get("type") == "mrkdwn" else []
        return own + [text for key, item in value.items() if key != "text" or not own
                      for text in _mrkdwn(item)]
    return []


def _checked(replies: list) -> None:
    for message in slack.messages_of(replies):
        assert block_kit.message_problems(message.blocks) == [], message.blocks
        assert not any("<!" in text for text in [message.text, *_mrkdwn(message.blocks)])
    try:
        from bot.render import teams
    except ImportError:  # without the [teams] extra
        return
    from . import adaptive_cards
    for card in teams.cards_of(replies):
        assert adaptive_cards.problems(card) == []


@settings(deadline=None, print_blob=True,  # a failure says how to replay it
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(STEP, min_size=1, max_size=8))
def test_random_sequences_never_raise_and_store_only_clean_text(world, steps):
    service, store, paths = world
    for name, where, how, text in steps:
        message = inbound(paths[name], where, how, text, store)
        if message is not None:
            _checked(service.handle(message))
    for (text,) in store.db.execute("SELECT text FROM answers UNION ALL SELECT value FROM "
                                    "ontwikkelpunt_log WHERE value IS NOT NULL"):
        assert unicodedata.is_normalized("NFC", text) and len(text) <= MAX_ANSWER_LENGTH
        text.encode("utf-8")  # valid unicode: no lone surrogate
