"""Reminders: settings, due moments on working days, exactly-once sending, failures, catch-up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.adapters.slack.app import slack_platform
from bot.adapters.slack.translate import channel_place
from bot.config import SlackSettings
from bot.core.commands import Parsed
from bot.core.dutch import AMSTERDAM
from bot.core.messages import Command, FormInput, FormSent, User
from bot.core.replies import CommandUsage, Notice, Setting
from bot.reminders.schedule import (
    ScheduleError,
    latest_status_moment,
    parse_meeting,
    working_days_before,
)
from bot.reminders.scheduler import ReminderMessages, Scheduler, Ticker
from bot.render.plain import render_one
from bot.service import Service
from bot.service.outbox import MAX_ATTEMPTS, Outbox, Platforms

from .conftest import Clock
from .slack_doubles import BOT_TOKEN, SIGNING_SECRET, FakeSlackApi

ANNA, BRAM, COR = (User(f"slack:T1:{u}", n) for u, n in (("U1", "Anna"), ("U2", "Bram"),
                                                         ("U3", "Cor")))


def local(*args) -> datetime:
    return datetime(*args, tzinfo=AMSTERDAM)


def say(service: Service, text: str, who: User = ANNA, channel: str = "C1", **extra) -> list:
    return service.handle(Command(who, channel_place("T1", channel), text=text, **extra))


def punt(service: Service, doel: str, owner: User, planning: str, channel: str = "C1") -> None:
    values = {"basisfunctie": "1", "ontwikkelpunt": doel, "wie": owner.naam, "planning": planning,
              "status": "open", "stand_van_zaken": "Gestart"}
    service.handle(FormSent(ANNA, channel_place("T1", channel), form=FormInput("nieuw", None, values),
                           mentions=(owner,)))


@pytest.fixture
def api():
    """Slack, with the bot in C1 and C2 (``koppel`` joined them: these tests call the service)."""
    with FakeSlackApi(joined={"C1", "C2"}) as fake:
        yield fake


@pytest.fixture
def world(store, api):
    """Utrecht in C1 with three ontwikkelpunten made on 1 June 2026."""
    clock = Clock(datetime(2026, 6, 1, 8, 0, tzinfo=UTC))
    service = Service(store, clock=clock)
    say(service, "koppel Utrecht")
    punt(service, "Meldcode vaker gebruiken", BRAM, "1-9-2026")      # over datum from September
    punt(service, "Zicht op veiligheid", COR, "1-6-2027")           # verouderd after 6 weeks
    punt(service, "Scholen als vindplaats", BRAM, "1-6-2027")
    clock.now = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    say(service, "bijwerken 3 Gesprekken met scholen gepland")     # fresh: not verouderd
    scheduler = Sweeps(service, _settings(api), clock)
    api.clear()
    return service, scheduler, clock


class Sweeps:
    """The scheduler with its outbox, in the test's thread: a sweep queues, then the outbox makes
    every call that is due (by the test's clock); a call to try again later waits for the clock."""

    def __init__(self, service: Service, settings: SlackSettings, clock: Clock):
        self.outbox = Outbox(service.store, Platforms(slack=slack_platform(service, settings)),
                             clock=clock)
        self.scheduler = Scheduler(service.store, ReminderMessages(
            service.store, service.plan, service.reporter), self.outbox, clock)
        self.store = service.store

    def run_once(self, now: datetime) -> list[tuple[str, str]]:
        """A one-shot tick at ``now``: what became of each message."""
        return self.scheduler.run_here(now)


def _settings(api):
    return SlackSettings(BOT_TOKEN, SIGNING_SECRET, "", api.url)


def posts(api) -> list[dict]:
    return api.named("chat.postMessage")


def test_settings_are_read_in_dutch_and_shown(world):
    service, _, _ = world
    [notice, setting] = say(service, "herinnering wekelijks maandag 9:00")
    assert notice.text == "De statusherinnering komt elke maandag om 09:00."
    assert isinstance(setting, Setting) and setting.reminder == "elke maandag om 09:00"
    [_, setting] = say(service, "stuurgroep 15-12-2026 14:00")
    assert setting.meetings == (local(2026, 12, 15, 14, 0),)
    assert "dinsdag 15 december 2026 om 14:00" in say(service, "stuurgroep 15-12-2026 14:00")[0].text
    [setting] = say(service, "stuurgroepen")
    assert len(setting.meetings) == 1
    assert "verwijderd" in say(service, "stuurgroep verwijder 15 december 2026")[0].text
    assert say(service, "herinnering maandelijks 31 8:30")[1].reminder == "elke maand op de 31e om 08:30"
    assert say(service, "herinnering uit")[1].reminder == "uit"


@pytest.mark.parametrize(("text", "message"), [
    ("herinnering wekelijks maanddag 9:00", "Noem een dag"),
    ("herinnering wekelijks maandag 25:00", "geen tijd"),
    ("herinnering maandelijks 32 9:00", "1 tot en met 31"),
    ("stuurgroep 31-02-2027", "bestaat niet"),
    ("stuurgroep 1-1-2020", "in het verleden"),
    ("stuurgroep verwijder 3-3-2027", "geen stuurgroep"),
    ("voorbereiding 30 werkdagen", "1 tot en met 20"),
])
def test_bad_settings_get_a_clear_message_and_change_nothing(world, text, message):
    service, _, _ = world
    [reply] = say(service, text)
    assert isinstance(reply, Notice | CommandUsage) and message in render_one(reply)


def test_only_a_beheerder_changes_settings_but_anyone_in_the_channel_may_look(world):
    service, _, _ = world
    [refusal] = say(service, "herinnering wekelijks maandag 9:00", who=COR)
    assert "Alleen een beheerder" in refusal.text
    [setting] = say(service, "herinneringen", who=COR)
    assert setting.reminder == "uit"


def test_chat_words_that_could_be_answers_are_not_taken_as_commands(service):
    for text in ("Stuurgroep", "Voorbereiding nodig", "Verouderd na de reorganisatie"):
        assert not isinstance(service.table.parse(text), Parsed), text
    assert service.table.parse("stuurgroepen").command.name == "stuurgroepen"


def test_working_days_skip_weekends_and_holidays():
    meeting = date(2027, 5, 18)  # Tuesday after Pinkstermaandag
    assert working_days_before(meeting, 1) == date(2027, 5, 14)  # Friday
    assert working_days_before(meeting, 5) == date(2027, 5, 10)  # Monday the week before
    assert working_days_before(date(2026, 12, 28), 1) == date(2026, 12, 24)  # over Christmas


def test_a_stuurgroep_after_a_holiday_monday_gets_preparation_and_summary_on_working_days(world, api):
    service, scheduler, clock = world
    clock.now = datetime(2027, 5, 1, 8, 0, tzinfo=UTC)
    say(service, "stuurgroep 18-5-2027 14:00")
    api.clear()
    assert scheduler.run_once(local(2027, 5, 10, 8, 59)) == []
    sent = scheduler.run_once(local(2027, 5, 10, 9, 0))
    assert sorted(k.split(":", 2)[0] + ":" + k.rsplit(":", 1)[-1] for k, o in sent if o == "sent") \
        == ["voorbereiding:U2", "voorbereiding:U3", "voorbereiding:kanaal"]
    channel = next(p for p in posts(api) if p["channel"] == "C1")
    assert "vergadert op 18 mei 2027 om 14:00" in channel["text"]
    assert "<@U2>" in str(channel["blocks"]) and "<@U3>" in str(channel["blocks"])
    assert {p["channel"] for p in posts(api)} == {"C1", "U2", "U3"}
    api.clear()
    assert scheduler.run_once(local(2027, 5, 13, 9, 0)) == []  # nothing new, nothing twice
    assert posts(api) == []
    api.clear()
    outcomes = dict(scheduler.run_once(local(2027, 5, 14, 9, 0)))
    assert [k for k, o in outcomes.items() if o == "sent"] == ["samenvatting:1:kanaal"]
    [summary_post] = [p for p in posts(api) if "Samenvatting gemeente Utrecht" in p["text"]]
    assert summary_post["channel"] == "C1"
    api.clear()
    scheduler.run_once(local(2027, 5, 17, 9, 0))  # the holiday Monday: nothing new
    scheduler.run_once(local(2027, 5, 18, 15, 0))  # after the meeting: nothing
    assert posts(api) == []


def test_the_status_reminder_names_stale_and_overdue_items_and_their_owners(world, api):
    service, scheduler, clock = world
    clock.now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # a Wednesday
    say(service, "herinnering wekelijks maandag 9:00")
    assert scheduler.run_once(local(2026, 11, 27, 9, 0)) == []  # no Monday since it was set
    outcomes = dict(scheduler.run_once(local(2026, 11, 30, 9, 0)))
    assert sorted(outcomes.values()) == ["sent", "sent", "sent"]
    channel = next(p for p in posts(api) if p["channel"] == "C1")
    text = str(channel["blocks"])
    assert "Meldcode vaker gebruiken" in text and "over datum" in text
    assert "Zicht op veiligheid" in text and "verouderd" in text
    assert "Scholen als vindplaats" not in text  # updated a week ago, planning ahead
    assert "leidraad_punt_bijwerken" in text and "1|Utrecht" in text
    bram = next(p for p in posts(api) if p["channel"] == "U2")
    assert "Meldcode vaker gebruiken" in str(bram["blocks"]) and "Zicht" not in str(bram["blocks"])


def test_silence_when_nothing_is_stale(world, api):
    service, scheduler, _clock = world
    say(service, "status 1 afgerond")
    say(service, "bijwerken 2 Bijgewerkt")
    say(service, "herinnering wekelijks maandag 9:00")
    assert dict(scheduler.run_once(local(2026, 11, 23, 9, 30))) == {
        f"status:1:{local(2026, 11, 23, 9, 0).isoformat()}:kanaal": "skipped"}
    assert posts(api) == []


def test_downtime_over_several_moments_gives_one_catch_up(world, api):
    service, scheduler, _clock = world
    say(service, "herinnering wekelijks maandag 9:00")
    scheduler.run_once(local(2026, 11, 23, 9, 0))
    api.clear()
    outcomes = scheduler.run_once(local(2026, 12, 16, 11, 0))  # three Mondays missed
    keys = {k for k, o in outcomes if o == "sent"}
    assert keys and all(local(2026, 12, 14, 9, 0).isoformat() in k for k in keys)
    assert len([p for p in posts(api) if p["channel"] == "C1"]) == 1
    assert scheduler.run_once(local(2026, 12, 16, 11, 1)) == []


def test_a_slack_failure_skips_that_reminder_and_not_the_others(world, api, store):
    service, scheduler, clock = world
    say(service, "koppel Zeist", channel="C2", who=COR)
    punt(service, "Zeist te laat", COR, "1-10-2026", channel="C2")
    for channel in ("C1", "C2"):
        say(service, "herinnering wekelijks maandag 9:00", channel=channel,
            who=ANNA if channel == "C1" else COR)
    api.failing["chat.postMessage"] = "channel_not_found"
    outcomes = dict(scheduler.run_once(local(2026, 11, 23, 9, 0)))
    assert set(outcomes.values()) == {"failed"}
    del api.failing["chat.postMessage"]
    api.rate_limited["chat.postMessage"] = 1  # retried after Retry-After by the client
    assert scheduler.run_once(local(2026, 11, 23, 9, 1)) == []  # failed for good: done
    clock.now = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    outcomes = dict(scheduler.run_once(local(2026, 11, 30, 9, 0)))
    assert list(outcomes.values()).count("sent") == len(outcomes)
    assert {p["channel"] for p in posts(api)} >= {"C1", "C2"}


def test_a_channel_the_bot_left_fails_for_good_and_the_beheerder_hears_once(world, api):
    service, scheduler, _clock = world
    say(service, "herinnering wekelijks maandag 9:00")
    api.joined.discard("C1")  # someone removed the bot from the channel
    api.expect("not_in_channel")
    outcomes = dict(scheduler.run_once(local(2026, 11, 23, 9, 0)))
    channel_key = f"status:1:{local(2026, 11, 23, 9, 0).isoformat()}:kanaal"
    assert outcomes.pop(channel_key) == "failed"
    assert set(outcomes.values()) == {"sent"}  # the owners still hear
    told = [p for p in posts(api) if p["channel"] == "U1"]  # Anna, beheerder of Utrecht
    assert len(told) == 1 and "kon niet in het gekoppelde kanaal" in told[0]["text"]
    scheduler.run_once(local(2026, 11, 23, 9, 1))
    assert len([p for p in posts(api) if p["channel"] == "U1"]) == 1


def test_latest_status_moment_monthly_uses_the_last_day_of_a_short_month():
    gemeente = {"reminder_kind": "maandelijks", "reminder_day": 31, "reminder_time": "09:00",
                "reminder_since": None}
    assert latest_status_moment(gemeente, local(2027, 2, 28, 10, 0)) == local(2027, 2, 28, 9, 0)
    assert latest_status_moment(gemeente, local(2027, 3, 15, 10, 0)) == local(2027, 2, 28, 9, 0)


def test_a_meeting_time_is_optional_and_years_are_not_times():
    now = local(2026, 11, 23, 9, 0)
    assert parse_meeting("15 december 2026", now) == local(2026, 12, 15, 9, 0)
    assert parse_meeting("15-12-2026 14u", now) == local(2026, 12, 15, 14, 0)
    with pytest.raises(ScheduleError, match="geen tijd"):
        parse_meeting("15-12-2026 25:00", now)


# --- the one-shot as a process -----------------------------------------------------------------


def one_shot(db, api, now: str, wait: bool = True) -> subprocess.Popen | subprocess.CompletedProcess:
    env = {**os.environ, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": api.url,
           "PYTHONIOENCODING": "utf-8"}
    command = [sys.executable, "-m", "bot", "herinneringen", "--eenmalig", "--nu", now, "--db", str(db)]
    if not wait:
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)


def test_the_one_shot_sends_exactly_what_is_due_and_a_second_run_nothing(world, api, db_path):
    service, _, _ = world
    say(service, "herinnering wekelijks maandag 9:00")
    api.clear()
    result = one_shot(db_path, api, "2026-11-30T09:00")
    assert result.returncode == 0, result.stderr
    assert "✓ 3 herinnering(en) verstuurd." in result.stdout
    assert "Statusherinnering voor gemeente Utrecht, in het kanaal: verstuurd" in result.stdout
    assert result.stdout.count("Statusherinnering voor gemeente Utrecht, aan ") == 2  # the owners
    assert "sent:" not in result.stdout and "status:" not in result.stdout  # Dutch, not keys
    assert sorted(p["channel"] for p in posts(api)) == ["C1", "U2", "U3"]
    again = one_shot(db_path, api, "2026-11-30T09:00")
    assert "✓ 0 herinnering(en) verstuurd." in again.stdout
    assert len(posts(api)) == 3


def test_killed_while_a_reminder_is_on_its_way_it_is_sent_once_on_the_next_run(
        world, api, db_path, store):
    service, _, _ = world
    say(service, "status 1 afgerond")
    say(service, "wijzig 2 wie Anna")  # no Slack owner: only the channel message
    say(service, "herinnering wekelijks maandag 9:00")
    api.clear()
    release = api.stall("chat.postMessage")
    process = one_shot(db_path, api, "2026-11-30T09:00", wait=False)
    assert api.arrived.wait(timeout=30), "the reminder never got to Slack"
    process.send_signal(signal.SIGKILL)  # Slack has not taken it: its answer never came
    process.wait(timeout=30)
    release.set()
    del api.stalled["chat.postMessage"]
    key = f"status:1:{local(2026, 11, 30, 9, 0).isoformat()}:kanaal"
    assert store.reminders.get(key)["state"] == "queued"  # in the outbox, which the next run drains
    assert posts(api) == []
    result = one_shot(db_path, api, "2026-11-30T09:00")
    assert "✓ 1 herinnering(en) verstuurd." in result.stdout, result.stdout + result.stderr
    assert one_shot(db_path, api, "2026-11-30T09:05").stdout.count("verstuurd.") == 1
    assert len(posts(api)) == 1 and store.reminders.get(key)["state"] == "sent"


def test_a_passing_slack_failure_is_retried_on_the_next_tick(world, api, store):
    service, scheduler, _ = world
    say(service, "herinnering wekelijks maandag 9:00")
    api.failing["chat.postMessage"] = "internal_error"
    assert set(dict(scheduler.run_once(local(2026, 11, 30, 9, 0))).values()) == {"retry"}
    del api.failing["chat.postMessage"]
    api.clear()
    assert set(dict(scheduler.run_once(local(2026, 11, 30, 9, 1))).values()) == {"sent"}
    assert len(posts(api)) == 3
    assert scheduler.run_once(local(2026, 11, 30, 9, 2)) == []  # all done: not built again


def test_the_ticker_keeps_going_after_a_failing_tick():
    class Flaky:
        def __init__(self):
            self.calls, self.second = 0, threading.Event()

        def run_once(self):
            self.calls += 1
            if self.calls == 1:
                raise RuntimeError("database briefly unavailable")
            self.second.set()
            return []

    flaky = Flaky()
    ticker = Ticker(flaky, interval=0.01)
    ticker.start()
    assert flaky.second.wait(timeout=10)
    ticker.stop()
    ticker.join(timeout=10)
    assert not ticker.is_alive() and flaky.calls >= 2


def test_leidraadbot_run_starts_slack_and_the_reminders_together(store, api, db_path):
    clock = Clock(datetime.now(UTC))
    service = Service(store, clock=clock)
    say(service, "koppel Utrecht")
    punt(service, "Al lang over datum", BRAM, "1-1-2026")
    today = datetime.now(AMSTERDAM)
    weekday = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")[
        today.weekday()]
    clock.now = datetime(2020, 1, 1, tzinfo=UTC)  # set long ago, so today 00:00 counts
    say(service, f"herinnering wekelijks {weekday} 0:00")
    store.close()
    env = {**os.environ, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": api.url, "LEIDRAAD_DB": str(db_path), "PYTHONIOENCODING": "utf-8"}
    env.pop("SLACK_APP_TOKEN", None)
    process = subprocess.Popen([sys.executable, "-m", "bot", "run", "--port", "0",
                                "--host", "127.0.0.1"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert "luistert op" in process.stdout.readline()
        channel_posts = api.wait_for("chat.postMessage", 2)
        assert {p["channel"] for p in channel_posts} == {"C1", "U2"}
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_preview_shows_what_would_go_out_to_whom_without_a_token(world, api, db_path):
    service, _, _ = world
    say(service, "herinnering wekelijks maandag 9:00")
    api.clear()
    env = {k: v for k, v in os.environ.items() if k not in ("SLACK_BOT_TOKEN", "CLIENT_ID")}
    preview = subprocess.run([sys.executable, "-m", "bot", "herinneringen", "--voorbeeld", "--nu",
                              "2026-11-30T09:00", "--db", str(db_path)], env=env,
                             capture_output=True, text=True, timeout=60, check=False)
    assert preview.returncode == 0, preview.stderr
    lines = preview.stdout.splitlines()
    assert "Statusherinnering voor gemeente Utrecht, in het kanaal: wordt nu verstuurd" in lines
    assert sum(line.startswith("Statusherinnering voor gemeente Utrecht, aan ") for line in lines) == 2
    assert "er is niets verstuurd" in preview.stdout and posts(api) == []
    result = one_shot(db_path, api, "2026-11-30T09:00")
    assert "✓ 3 herinnering(en) verstuurd." in result.stdout
    again = subprocess.run(preview.args, env=env, capture_output=True, text=True, timeout=60)
    assert "Statusherinnering voor gemeente Utrecht, in het kanaal: al verstuurd" in again.stdout


def test_a_run_that_sends_nothing_says_why(store, api, db_path):
    service = Service(store, clock=Clock(datetime(2026, 11, 30, 8, 0, tzinfo=UTC)))
    say(service, "koppel Utrecht")
    from .conftest import Chat
    Chat(service, gemeente="Zeist").start()  # a gemeente without a channel
    result = one_shot(db_path, api, "2026-11-30T09:00")
    assert "✓ 0 herinnering(en) verstuurd." in result.stdout
    assert "Gemeente Utrecht: nu niets aan de beurt (statusherinnering" in result.stdout
    assert "Gemeente Zeist: niets, want er is geen kanaal in Slack of Teams gekoppeld" in result.stdout


def test_a_reminder_set_where_no_channel_is_bound_says_where_reminders_go(service):
    from .conftest import Chat
    chat = Chat(service)
    chat.start()
    said = render_one(chat.say("herinnering wekelijks maandag 9:00")[1])
    assert "herinneringen gaan via Slack of Teams" in said and "nergens heen" in said
    assert "koppel Utrecht" in said
    said = [render_one(r) for r in chat.say("stuurgroep 15-12-2026 14:00")]
    assert any("via Slack of Teams" in s for s in said)


def test_a_failure_that_stays_after_its_last_try_is_failed_and_the_beheerder_hears(world, api, store):
    service, scheduler, clock = world
    say(service, "herinnering wekelijks maandag 9:00")
    api.failing["chat.postMessage"] = "internal_error"
    outcomes = dict(scheduler.run_once(local(2026, 11, 30, 9, 0)))
    assert set(outcomes.values()) == {"retry"}
    for _ in range(MAX_ATTEMPTS):  # the outbox tries again after a pause, each longer
        clock.now += timedelta(minutes=1)
        outcomes |= dict(scheduler.run_once(local(2026, 11, 30, 9, 1)))
    assert {outcomes[key] for key in outcomes if ":gemeld:" not in key} == {"failed"}
    tries = store.db.execute("SELECT lane, attempts FROM outbox WHERE state = 'failed'").fetchall()
    assert sorted(tries) == [(f"slack:T1:{to}", MAX_ATTEMPTS) for to in ("C1", "U2", "U3")]
    key = next(iter(outcomes))
    assert store.reminders.get(key)["error"] == "internal_error"
    del api.failing["chat.postMessage"]
    api.clear()
    clock.now += timedelta(minutes=10)  # the notices to the beheerder, tried again meanwhile
    scheduler.run_once(local(2026, 11, 30, 9, 2))
    told = [p for p in posts(api) if p["channel"] == "U1"]  # Anna, the beheerder, is told
    assert len(told) == 3 and all("kon niet" in p["text"] or "niet persoonlijk" in p["text"]
                                  for p in told)
    assert scheduler.run_once(local(2026, 11, 30, 9, 3)) == []  # done: not tried again
    assert len(posts(api)) == 3
