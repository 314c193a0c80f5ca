"""The reports: a gemeente's summary, the regiobeeld of the whole country, and the exports.

Each is timed from the store's rows to what goes out: the summary and the regiobeeld as the Slack
messages the bot posts, an export as the document's bytes (as ``leidraadbot export`` makes it),
the dashboard's pages as the HTML the server sends (its own time, without the network).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from benchmarks.data import full_gemeente
from benchmarks.timing import Row, Table, timed
from bot.adapters.dashboard import Operator, page
from bot.export import document
from bot.render.slack import messages_of as slack_messages
from bot.service import Service
from store import Store

TODAY = date(2027, 1, 4)


def run(table: Table, folder: Path, rounds: int, country_store: Store) -> None:
    store = Store(folder / "reports.db")
    service = Service(store)
    gemeente = full_gemeente(store, service.plan)
    reporter = service.reporter
    table.add(Row.of(
        "summary of a full gemeente (100 ontwikkelpunten), as Slack messages",
        timed(lambda: slack_messages([reporter.summary(store, gemeente, TODAY)]), rounds * 4),
        "< 3 ms", lambda p50, _: p50 < 3))
    for fmt, limit in (("xlsx", 50), ("docx", 200)):
        table.add(Row.of(
            f"export {fmt} of that gemeente, in process",
            timed(lambda f=fmt: document(service.export("Utrecht", f), service.plan.content), rounds),
            f"< {limit} ms", lambda p50, _, limit=limit: p50 < limit))
    store.close()
    whole = Service(country_store)
    regio = country_store.gemeenten.regio_named("nederland")
    table.add(Row.of(
        "regiobeeld of 342 gemeenten (40 ontwikkelpunten each), as Slack messages",
        timed(lambda: slack_messages([whole.reporter.regiobeeld(country_store, regio, TODAY)]), rounds),
        "< 40 ms", lambda p50, _: p50 < 40))
    operator = Operator(whole)
    table.add(Row.of(
        "dashboard: the regio page of 342 gemeenten, server time",
        timed(lambda: page(whole, operator, f"/dashboard/regio/{regio['id']}", {}).body, rounds),
        "< 300 ms", lambda p50, _: p50 < 300))
    gemeente = country_store.gemeenten.all()[0]
    table.add(Row.of(
        "dashboard: a gemeente's page (40 ontwikkelpunten), server time",
        timed(lambda: page(whole, operator, f"/dashboard/gemeente/{gemeente['id']}", {}).body, rounds),
        "< 100 ms", lambda p50, _: p50 < 100))
