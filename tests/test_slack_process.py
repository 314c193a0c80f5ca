"""`leidraadbot slack --http` as a process, against the local fake Slack Web API: start-up,
ordering under load, and nothing acknowledged lost when the process is killed."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.adapters.slack.translate import channel_place
from bot.core.messages import Command, FormInput, FormSent, User
from bot.service import Service
from dialogues.content import checklist
from store import Store

from .slack_doubles import BOT_TOKEN, SIGNING_SECRET, FakeSlackApi, SlackUser, post

QUESTIONS = checklist().questions


class BotProcess:
    """The bot in a process of its own, on one database, that can be killed and started again."""

    def __init__(self, api: FakeSlackApi, db: Path):
        self.api, self.db = api, db
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self, **settings: str) -> str:
        env = {**os.environ, **settings, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
               "SLACK_API_URL": self.api.url, "LEIDRAAD_DB": str(self.db), "PYTHONIOENCODING": "utf-8"}
        env.pop("SLACK_APP_TOKEN", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "slack", "--http", "--port", "0", "--host", "127.0.0.1"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        assert "luistert op" in line, self.process.stderr.read()
        self.url = line.split("luistert op ", 1)[1].strip().removesuffix("/slack/events")
        return self.url

    def user(self, user_id: str) -> SlackUser:
        return SlackUser(self.url + "/slack/events", self.api, user_id)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def rows(self, sql: str, *params) -> list[tuple]:
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql, params).fetchall()


@pytest.fixture
def bot(tmp_path):
    with FakeSlackApi() as api:
        process = BotProcess(api, tmp_path / "leidraad.db")
        try:
            yield process
        finally:
            process.stop()


def test_the_http_bot_answers_signed_requests_and_refuses_forged_ones(bot):
    url = bot.start()
    with urllib.request.urlopen(url + "/healthz", timeout=5) as response:
        assert response.read() == b"ok"
    anna = bot.user("U1")
    assert anna.command("koppel Utrecht", secret="vals")[0] == 401
    assert anna.command("koppel Utrecht")[0] == 200
    assert "gekoppeld aan gemeente Utrecht" in bot.api.wait_for("cmd", 1)[0]["text"]
    anna.command("start")
    question = bot.api.wait_for("chat.postMessage", 4)[-1]  # the thread, welcome, begrippen, 1.1
    assert "vraag 1 van 23" in question["text"]
    anna.say("Antwoord uit Slack", thread_ts=question["thread_ts"])
    bot.api.wait_for("chat.postMessage", 6)
    assert bot.rows("SELECT text FROM answers") == [("Antwoord uit Slack",)]


def test_debug_logs_name_what_happened_never_what_people_wrote(bot):
    bot.start(LEIDRAAD_LOG="DEBUG")
    anna = bot.user("U1")
    anna.command("koppel Utrecht")
    anna.command("start")
    question = bot.api.wait_for("chat.postMessage", 4)[-1]
    anna.say("Wethouder Ypma stuurt op de aanpak", thread_ts=question["thread_ts"])
    bot.api.wait_for("chat.postMessage", 6)
    anna.command("geschiedenis 1.1")  # the answer goes out again
    assert "Ypma" in bot.api.wait_for("cmd", 2)[-1]["text"]
    bot.stop()
    log = bot.process.stderr.read()
    assert "DEBUG" in log and "sent (" in log  # the calls are logged, by method and size
    assert "Ypma" not in log and "vraag 1 van" not in log


def test_one_persons_answers_three_ms_apart_fill_consecutive_questions_in_order(bot):
    bot.start()
    anna = bot.user("U1")
    anna.command("koppel Utrecht")
    anna.command("start")
    thread_ts = bot.api.wait_for("chat.postMessage", 4)[-1]["thread_ts"]
    statuses = anna.stream([f"Antwoord {n}" for n in range(1, 46)], 0.003, thread_ts=thread_ts)
    assert statuses == [200] * 45
    bot.api.wait_until(lambda: any("vraag 21 van 25" in p.get("text", "")
                                   for p in bot.api.named("chat.postMessage")))
    assert bot.rows("SELECT question_id, text FROM answers ORDER BY id") == [
        (q.id, f"Antwoord {n}") for n, q in enumerate(QUESTIONS[:45], 1)]


def _prepare(db: Path) -> None:
    """Utrecht bound to C1 by Anna (beheerder, so a member), with ontwikkelpunt #1."""
    store = Store(db)
    service = Service(store)
    anna = User("slack:T1:U1", "Anna")
    service.handle(Command(anna, channel_place("T1", "C1"), text="koppel Utrecht"))
    service.handle(FormSent(anna, channel_place("T1", "C1"), mentions=(anna,), form=FormInput(
        "nieuw", None, {"basisfunctie": "1", "ontwikkelpunt": "Meldcode", "wie": "<@slack:T1:U1>",
                        "planning": "2027-03-01", "status": "open"})))
    store.close()


def test_every_acknowledged_message_is_handled_after_kill_9(bot):
    """20 times: a stream of messages, the process killed at a random moment, started again.
    What Slack got a 200 for is handled exactly once; what it did not, Slack sends again (the
    same message: the inbox recognises it)."""
    _prepare(bot.db)
    rng = random.Random(9)
    acked: set[str] = set()
    unacked: list[tuple[str, dict]] = []  # (text, event): Slack retries these
    counter = iter(range(1, 10_000))
    for _ in range(20):
        bot.start()
        anna = bot.user("U1")
        retried, unacked = unacked, []
        sends = retried + [(f"stand {n}", None) for n in (next(counter) for _ in range(12))]
        stop_after = rng.randint(2, 10)
        done = threading.Event()

        def stream(anna=anna, sends=sends, stop_after=stop_after, done=done, unacked=unacked):
            for index, (text, event) in enumerate(sends):
                event = event or anna.message_event(f"bijwerken 1 {text}", channel="D1")
                body, headers = anna.event_request(event)
                try:
                    status, _ = post(anna.events_url, body, headers)
                except (urllib.error.URLError, ConnectionError):
                    status = 0
                (acked.add(text) if status == 200 else unacked.append((text, event)))
                if index + 1 == stop_after:
                    done.set()
            done.set()

        sender = threading.Thread(target=stream)
        sender.start()
        done.wait(timeout=30)
        bot.kill()  # in the middle of the stream: requests in flight get no answer
        sender.join(timeout=30)
    bot.start()
    for text, event in unacked:  # Slack's last retries
        body, headers = bot.user("U1").event_request(event)
        if post(bot.user("U1").events_url, body, headers)[0] == 200:
            acked.add(text)

    def stands() -> list[str]:
        return [r[0] for r in bot.rows("SELECT value FROM ontwikkelpunt_log WHERE kind = 'stand'")]

    bot.api.wait_until(lambda: acked <= set(stands()))
    assert len(acked) > 100
    assert sorted(stands()) == sorted(acked)  # each once: none lost, none twice
    inbox = bot.db.with_name("leidraad-inbox.db")
    with sqlite3.connect(inbox) as conn:
        assert conn.execute("SELECT count(*) FROM entries WHERE state != 'done'").fetchone() == (0,)
    assert bot.rows("SELECT count(*) FROM handled WHERE entry_id IS NOT NULL") == [(len(acked),)]


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["slack"], {"SLACK_BOT_TOKEN": BOT_TOKEN}, "SLACK_APP_TOKEN ontbreekt"),
        (["slack", "--http"], {"SLACK_BOT_TOKEN": "geen-token"}, "SLACK_SIGNING_SECRET ontbreekt"),
        (["slack", "--http", "--port", "x"],
         {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}, "geen poortnummer"),
    ],
)
def test_missing_or_malformed_settings_give_one_clear_error(tmp_path, args, env, message):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    result = subprocess.run([sys.executable, "-m", "bot", *args, "--db", str(tmp_path / "x.db")],
                            env={**clean, **env}, capture_output=True, text=True, timeout=60,
                            check=False, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_one_shot_reminder_run_beside_the_bot_leaves_the_sending_to_its_worker(tmp_path):
    """``herinneringen --eenmalig`` from cron while ``leidraadbot slack`` runs: it queues, and the
    bot's worker process (which holds the database) sends; nothing goes out twice."""
    db = tmp_path / "leidraad.db"
    _prepare(db)
    store = Store(db)
    Service(store).handle(Command(User("slack:T1:U1", "Anna"), channel_place("T1", "C1"),
                                  text="herinnering wekelijks maandag 9:00"))
    store.close()
    with FakeSlackApi(joined={"C1"}) as api:
        bot = BotProcess(api, db)
        bot.start()
        try:
            env = {**os.environ, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": api.url}
            done = subprocess.run([sys.executable, "-m", "bot", "herinneringen", "--eenmalig", "--nu",
                                   "2027-06-07T09:00", "--db", str(db)], env=env, capture_output=True,
                                  text=True, timeout=60, check=False)
            assert done.returncode == 0, done.stderr
            assert done.stdout.count("klaargezet; het werkproces van de bot verstuurt het") == 2
            api.wait_until(lambda: bot.rows("SELECT state FROM reminders") == [("sent",), ("sent",)])
        finally:
            bot.stop()
        assert sorted(p["channel"] for p in api.named("chat.postMessage")) == ["C1", "U1"]
