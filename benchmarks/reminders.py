"""The reminder sweep over the whole country, as ``leidraadbot run`` ticks it every minute.

Three moments of one Monday: 08:30, when nothing is due (the weekly reminder at 9:00 was set at
8:00, the stuurgroep is months away); 09:30, when every gemeente's status reminder is due (in its
channel and to each of its owners: 3,762 messages, to a local fake Slack Web API that answers at
once and checks every message against Block Kit's limits, in a process of its own), queued by
the sweep and sent by the outbox's threads; and 09:31, the next tick after all of them were sent.
Ten percent of the owners are away (half of them with a vervanger, who gets their reminder) and
ten percent of the ontwikkelpunten's reminders are put off.
"""

from __future__ import annotations

import time
from datetime import datetime

from benchmarks.data import OWNERS_PER_GEMEENTE
from benchmarks.fake_slack import FakeSlack
from benchmarks.timing import Row, Table, timed
from bot.adapters.slack.app import slack_platform
from bot.config import SlackSettings
from bot.core.dutch import AMSTERDAM
from bot.reminders.scheduler import ReminderMessages, Scheduler
from bot.service import Service
from bot.service.outbox import Outbox, Platforms
from store import Store
from tests.slack_doubles import BOT_TOKEN, SIGNING_SECRET

SINCE = datetime(2027, 1, 4, 8, 0, tzinfo=AMSTERDAM)  # a Monday
NOTHING_DUE = datetime(2027, 1, 4, 8, 30, tzinfo=AMSTERDAM)
ALL_DUE = datetime(2027, 1, 4, 9, 30, tzinfo=AMSTERDAM)
NEXT_TICK = datetime(2027, 1, 4, 9, 31, tzinfo=AMSTERDAM)


def run(table: Table, store: Store, rounds: int) -> None:
    service = Service(store)
    channels = [row[0] for row in store.db.execute("SELECT place FROM channels")]
    with FakeSlack([c.rsplit(":", 1)[1] for c in channels]) as api:
        settings = SlackSettings(BOT_TOKEN, SIGNING_SECRET, "", api.url)
        outbox = Outbox(store, Platforms(slack=slack_platform(service, settings)))
        outbox.start()  # its 8 threads send, as in the worker process
        scheduler = Scheduler(store, ReminderMessages(store, service.plan, service.reporter),
                              outbox, clock=lambda: NOTHING_DUE)
        gemeenten = len(store.gemeenten.all())
        table.add(Row.of(f"reminder sweep of {gemeenten} gemeenten: nothing due",
                         timed(lambda: scheduler.run_once(NOTHING_DUE), rounds), "< 20 ms",
                         lambda p50, _: p50 < 20))
        start = time.perf_counter()
        outcomes = scheduler.run_once(ALL_DUE)
        outbox.lanes.wait_idle(60)
        took = time.perf_counter() - start
        outbox.lanes.stop()
        sent = sum(store.reminders.get(key)["state"] == "sent" for key, _ in outcomes)
        waiting = store.value("SELECT count(*) FROM absences WHERE vervanger_id IS NULL")
        expected = gemeenten * (1 + OWNERS_PER_GEMEENTE) - waiting  # away without a vervanger
        seen = api.calls()
        calls = seen["calls"].get("chat.postMessage", 0)
        table.add(Row.of(
            f"everything due: {sent} reminders ({calls} Web API calls)", [took], "< 4 s, all sent",
            lambda p50, _: p50 < 4000 and sent == expected and not seen["refused"],
            note=f"{sent} of {expected} sent, {len(seen['refused'])} refused by the fake; 10% of "
                 f"the owners away ({waiting} without a vervanger, so theirs waits), 10% of the "
                 "punten put off; one sweep, so p50 = p99 = its time"))
        table.add(Row.of("the next tick after everything was sent",
                         timed(lambda: scheduler.run_once(NEXT_TICK), rounds), "< 20 ms",
                         lambda p50, _: p50 < 20))
