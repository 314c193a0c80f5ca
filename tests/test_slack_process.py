"""`leidraadbot slack --http` as a process, against the local fake Slack Web API."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import urllib.request

import pytest

from .slack_doubles import BOT_TOKEN, SIGNING_SECRET, FakeSlackApi, SlackUser


@pytest.fixture
def bot_process(tmp_path):
    with FakeSlackApi() as api:
        env = {**os.environ, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
               "SLACK_API_URL": api.url, "LEIDRAAD_DB": str(tmp_path / "leidraad.db"),
               "PYTHONIOENCODING": "utf-8"}
        env.pop("SLACK_APP_TOKEN", None)
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "slack", "--http", "--port", "0", "--host", "127.0.0.1"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            line = process.stdout.readline()
            assert "luistert op" in line, process.stderr.read()
            url = line.split("luistert op ", 1)[1].strip().removesuffix("/slack/events")
            yield url, api, tmp_path / "leidraad.db"
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_the_http_bot_answers_signed_requests_and_refuses_forged_ones(bot_process):
    url, api, db = bot_process
    with urllib.request.urlopen(url + "/healthz", timeout=5) as response:
        assert response.read() == b"ok"
    anna = SlackUser(url + "/slack/events", api, "U1")
    assert anna.command("koppel Utrecht", secret="vals")[0] == 401
    assert anna.command("koppel Utrecht")[0] == 200
    assert "gekoppeld aan gemeente Utrecht" in api.wait_for("cmd", 1)[0]["text"]
    anna.command("start")
    question = api.wait_for("chat.postMessage", 3)[-1]
    assert "vraag 1 van 23" in question["text"]
    anna.say("Antwoord uit Slack", thread_ts=question["thread_ts"])
    api.wait_for("chat.postMessage", 5)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT text FROM answers").fetchall() == [("Antwoord uit Slack",)]


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
