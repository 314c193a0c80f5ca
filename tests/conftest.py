"""Shared fixtures: a store on a temporary file, a service with a fixed clock, message factories."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import settings

from bot.core.messages import Begin, Command, Inbound, Place, PlaceKind, Said, Start, User
from bot.core.replies import QuestionPrompt, Reply
from bot.service import Service
from store import Store

from . import look
from .slack_doubles import BOT_TOKEN, SIGNING_SECRET, FakeSlackApi, SlackUser

# Property tests: a quick profile by default (CI); before an issue is called resolved, the long
# one: HYPOTHESIS_PROFILE=long python -m pytest tests/test_bad_input.py --hypothesis-seed=N,
# for several N.
settings.register_profile("quick", max_examples=200)
settings.register_profile("long", max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
COUNTS: list[str] = []  # lines for the end of the test output (the corpora's counts)


def pytest_sessionfinish(session):
    """In a worker of pytest-xdist: hand the counts and the cards sent to Teams to the process
    that reports. There (or without workers): look at every card the suite sent to Teams as
    Teams draws it; a fault fails the run."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["counts"] = COUNTS
        session.config.workeroutput["cards"] = look.SEEN
        return
    if not look.SEEN or session.exitstatus not in (0, 1):
        return
    found = look.sweep(look.SEEN)
    if found is None:
        COUNTS.append(f"look: {len(look.SEEN)} cards sent to Teams not looked at ({look.INSTALL})")
        return
    COUNTS.append(f"look: {len(look.SEEN)} cards the suite sent to Teams, drawn light and dark: "
                  f"{len(found)} faults")
    COUNTS.extend(f"look: {fault}" for fault in found[:50])
    if found:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    COUNTS.extend(getattr(node, "workeroutput", {}).get("counts", []))
    look.SEEN.update(getattr(node, "workeroutput", {}).get("cards", {}))


def pytest_terminal_summary(terminalreporter):
    if COUNTS:
        terminalreporter.section("counts")
        for line in sorted(COUNTS):
            terminalreporter.write_line(line)


class Clock:
    """A clock that moves one second per reading, so every version has its own time."""

    def __init__(self, start: datetime = datetime(2026, 3, 12, 13, 0, tzinfo=UTC)):
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture(autouse=True)
def _no_secrets(monkeypatch, tmp_path):
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "LEIDRAAD_DB"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # the console's name, per test


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "leidraad.db"


@pytest.fixture
def store(db_path):
    store = Store(db_path, durable=False)  # unit tests: no wait for the disk
    yield store
    store.close()


@pytest.fixture
def service(store) -> Service:
    return Service(store, clock=Clock())


def console_inbound(naam: str = "Anna", gemeente: str = "Utrecht", text: str = "",
                    start: Start | None = None, delivery_id: str | None = None,
                    command: str | None = None) -> Inbound:
    user = User(f"console:{naam.casefold()}", naam)
    here = (user, Place(PlaceKind.CONSOLE, user.id), gemeente)
    if start is not None:
        return Begin(*here, start=start, delivery_id=delivery_id)
    if command is not None:
        return Command(*here, text=command, delivery_id=delivery_id)
    return Said(*here, text=text, delivery_id=delivery_id)


class Chat:
    """One person talking to the service, errbot-testbot style: push a message, get the replies."""

    def __init__(self, service: Service, naam: str = "Anna", gemeente: str = "Utrecht"):
        self.service, self.naam, self.gemeente = service, naam, gemeente

    def start(self, deel: int | None = None) -> list[Reply]:
        return self.service.handle(console_inbound(self.naam, self.gemeente, start=Start(deel)))

    def say(self, text: str) -> list[Reply]:
        return self.service.handle(console_inbound(self.naam, self.gemeente, text=text))

    def command(self, text: str) -> list[Reply]:
        """``text`` as a command, as the console sends ``/text``: never an answer."""
        return self.service.handle(console_inbound(self.naam, self.gemeente, command=text))

    @staticmethod
    def prompt(replies: list[Reply]) -> QuestionPrompt:
        prompts = [r for r in replies if isinstance(r, QuestionPrompt)]
        assert prompts, f"no question in {replies}"
        return prompts[-1]


@pytest.fixture
def chat(service) -> Chat:
    return Chat(service)


@dataclass
class SlackHarness:
    api: FakeSlackApi
    store: Store
    url: str
    bot: object

    def user(self, user_id: str = "U1") -> SlackUser:
        return SlackUser(self.url + "/slack/events", self.api, user_id)

    def settle(self) -> None:
        """Wait until the bot has handled every message and made every call."""
        self.bot.settle()


@pytest.fixture
def slack(db_path):
    from bot.adapters.slack.app import build, http_server
    from bot.config import SlackSettings

    with FakeSlackApi() as api:
        store = Store(db_path, durable=False)
        service = Service(store, clock=Clock())
        bot = build(service, SlackSettings(BOT_TOKEN, SIGNING_SECRET, "", api.url), http=True)
        assert [c.method for c in api.calls] == ["auth.test"]  # the token is checked at start-up
        api.clear()
        bot.start()
        server = http_server(bot, service, "127.0.0.1", 0)
        thread = server.serve_in_thread()
        try:
            yield SlackHarness(api, store, f"http://127.0.0.1:{server.port}", bot)
        finally:
            server.stop()
            thread.join(timeout=10)
            bot.stop()
            store.close()
