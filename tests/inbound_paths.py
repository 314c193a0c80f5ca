"""The platforms' inbound paths for tests that go through every one of them: payloads shaped as
Slack and Teams send them (built by the doubles), turned into ``Inbound``s by the adapters' own
translation, as their listeners do. ``@name`` in a text names one of ``NAMES`` the platform's way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.adapters.slack import translate as slack
from bot.core.messages import Begin, Inbound, Place, PlaceKind, Said, Start, User

from .slack_doubles import BOT_USER, TEAM, SlackUser

NAMES = {"anna": "Anna de Vries", "bram": "Bram Jansen", "piet": "Piet Bakker",
         "quinn": "Quinn de Wit", "zoe": "Zoë Visser", "lars": "Lars Mulder", "olaf": "Olaf Peters",
         "tina": "Tina Smit"}
RESPOND = SimpleNamespace(response_url="http://127.0.0.1:9/respond")
_NAMED = re.compile(r"@(" + "|".join(NAMES) + r")\b")


class _Path:
    def connect(self, service) -> None:
        """Nothing to prepare: the adapter's translation is all."""

    def close(self) -> None:
        """Nothing to let go of: no double runs beside it."""


class SlackPath(_Path):
    name = "slack"

    def __init__(self):
        self.ids = {"anna": "U1", "bram": "U2", "piet": "U3", "quinn": "U4", "zoe": "U5",
                    "lars": "U6", "olaf": "U7", "tina": "U8"}
        self.channels = {"eigen kanaal": "C1", "kanaal van een andere gemeente": "C2",
                         "los kanaal": "C3"}
        self.threads = {"eigen thread": ("C1", "1700000000.000100"),
                        "thread van een andere gemeente": ("C2", "1700000000.000200")}

    def user(self, who: str) -> User:
        return User(f"slack:{TEAM}:{self.ids[who]}", NAMES[who])

    def place(self, where: str, who: str) -> Place:
        if where == "direct bericht":
            return slack.direct_place(TEAM, "D" + self.ids[who])
        if where in self.threads:
            return slack.thread_place(TEAM, *self.threads[where])
        return slack.channel_place(TEAM, self.channels[where])

    def inbound(self, who: str, where: str, text: str) -> Inbound:
        """A slash command in a channel or direct message; in a thread, a message naming the bot
        (Slack has no slash commands in threads)."""
        text = _NAMED.sub(lambda named: f"<@{self.ids[named[1]]}>", text)
        person = SlackUser("", RESPOND, user=self.ids[who])
        if where in self.threads:
            event = person.message_event(f"<@{BOT_USER}> {text}", *self.threads[where])
            return slack.message(event, TEAM, BOT_USER)
        channel = "D" + self.ids[who] if where == "direct bericht" else self.channels[where]
        return slack.slash_command(person.command_fields(text, channel), TEAM)

    def said(self, who: str, where: str, text: str) -> Inbound | None:
        """A message typed here, not naming the bot: in a thread or a direct message."""
        text = _NAMED.sub(lambda named: f"<@{self.ids[named[1]]}>", text)
        person = SlackUser("", RESPOND, user=self.ids[who])
        channel, thread = self.threads.get(where, ("D" + self.ids[who], None))
        return slack.message(person.message_event(text, channel, thread), TEAM, BOT_USER)

    def click(self, who: str, where: str, text: str, question: str | None = None) -> Inbound:
        """A button of the bot's, standing for ``text``, on a message it posted here."""
        person = SlackUser("", RESPOND, user=self.ids[who])
        channel, thread = self.threads.get(where, (self.channels.get(where, "D" + self.ids[who]), None))
        action = person._action("leidraad_question", {"value": json.dumps({"cmd": text, "q": question})})
        container = {"type": "message", "message_ts": "1700000000.000900", "channel_id": channel,
                     "is_ephemeral": False} | ({"thread_ts": thread} if thread else {})
        body = person._interaction("block_actions", container=container, actions=[action],
                                   channel={"id": channel, "name": "veiligheid"},
                                   state={"values": {}}, response_url=RESPOND.response_url,
                                   message={"bot_id": "BBOT", "type": "message", "text": "x",
                                            "user": BOT_USER, "ts": "1700000000.000900",
                                            **({"thread_ts": thread} if thread else {})})
        return slack.button(body, action, TEAM)


class TeamsPath(_Path):
    name = "teams"

    def __init__(self):
        self.channels = {"eigen kanaal": "19:veiligheid@thread.tacv2",
                         "kanaal van een andere gemeente": "19:zeist@thread.tacv2",
                         "los kanaal": "19:los@thread.tacv2"}
        self.threads = {"eigen thread": ("eigen kanaal", "1700000000100"),
                        "thread van een andere gemeente": ("kanaal van een andere gemeente",
                                                           "1700000000200")}
        self.doubles = pytest.importorskip("tests.teams_doubles")
        self.translate = pytest.importorskip("bot.adapters.teams.translate")
        self.connector = self.doubles.FakeConnector().__enter__()  # who is who, for mentions
        self.platform = None

    def connect(self, service) -> None:
        """Prepare what comes in as the adapter does (people mentioned, by their Entra id)."""
        from bot.adapters.teams.app import worker_platform
        from bot.config import TeamsSettings

        self.platform = worker_platform(service, TeamsSettings("", "", "", local=True))

    def close(self) -> None:
        self.connector.__exit__(None, None, None)

    def _prepared(self, inbound: Inbound | None) -> Inbound | None:
        return self.platform.prepare(inbound) if self.platform and inbound else inbound

    def activity(self, who: str, where: str, text: str, mention_bot: bool = True) -> dict:
        person = self.doubles.TeamsUser("", self.connector, who)
        mentions = tuple(_NAMED.findall(text))
        if where == "direct bericht":
            return person.message(text, mentions=mentions)
        channel, post = self.threads.get(where, (where, None))
        activity = person.message(text, "channel", post, mention_bot=mention_bot, mentions=mentions)
        return json.loads(json.dumps(activity).replace(self.doubles.CHANNEL, self.channels[channel]))

    @staticmethod
    def typed(activity: dict):
        """An activity as the SDK hands it to the bot: read into its own model."""
        from microsoft_teams.api import ActivityTypeAdapter

        return ActivityTypeAdapter.validate_python(activity)

    def user(self, who: str) -> User:
        return self.translate.person(self.typed(self.activity(who, "direct bericht", "x")))

    def place(self, where: str, who: str) -> Place:
        return self.translate.place_of(self.typed(self.activity(who, where, "x")))

    def inbound(self, who: str, where: str, text: str) -> Inbound:
        """A post naming the bot first (a command) in a channel or its thread; in the personal
        chat, a message."""
        return self._prepared(self.translate.message(self.typed(self.activity(who, where, text))))

    def said(self, who: str, where: str, text: str) -> Inbound | None:
        """A message typed here, not naming the bot: a reply in a thread, or in the personal chat
        (the app's resource-specific consent lets Teams deliver thread replies)."""
        return self._prepared(self.translate.message(
            self.typed(self.activity(who, where, text, mention_bot=False))))

    def click(self, who: str, where: str, text: str, question: str | None = None) -> Inbound:
        """A question's button (``Action.Execute``) on a message of the bot here, standing for
        ``text``: the invoke Teams sends."""
        from bot.render.teams import button

        person = self.doubles.TeamsUser("", self.connector, who)
        action = button(text, text, question or "").model_dump(exclude_none=True)
        return self._prepared(self.translate.executed(self.typed(
            person.press(self.activity(who, where, "x"), action))))


class ConsolePath(_Path):
    """The operator's terminal, where everything is allowed, for gemeente Utrecht."""

    name = "console"

    def user(self, who: str) -> User:
        return User(f"console:{who}", NAMES[who])

    def inbound(self, who: str, where: str, text: str) -> Inbound:
        user = self.user(who)
        return Said(user, Place(PlaceKind.CONSOLE, user.id), "Utrecht", text=text)


def begin_gesprek(service, path, who: str = "anna") -> None:
    """The gesprek at its first question: in the console, or on a platform in the thread of the
    channel, which ``who`` binds to Utrecht first (and so becomes its beheerder)."""
    if path.name == "console":
        service.handle(Begin(path.user(who), Place(PlaceKind.CONSOLE, path.user(who).id), "Utrecht",
                               start=Start()))
        return
    service.handle(path.inbound(who, "eigen kanaal", "koppel Utrecht"))
    service.handle(Begin(path.user(who), path.place("eigen thread", who), start=Start()))


def teams_installed() -> bool:
    """Whether the [teams] extra is installed (its paths are tested only then)."""
    try:
        import bot.adapters.teams.translate  # noqa: F401
    except ImportError:
        return False
    return True


PATHS = {"console": ConsolePath, "slack": SlackPath, **({"teams": TeamsPath} if teams_installed() else {})}


@contextmanager
def gesprek_world(folder: Path, name: str) -> Iterator[tuple]:
    """(service, store, path) of platform ``name``, with ``begin_gesprek`` done, in ``folder``."""
    from bot.service import Service
    from store import Store

    from .conftest import Clock

    store = Store(folder / "leidraad.db", durable=False)
    service = Service(store, clock=Clock())
    path = PATHS[name]()
    path.connect(service)
    begin_gesprek(service, path)
    try:
        yield service, store, path
    finally:
        store.close()
        path.close()
