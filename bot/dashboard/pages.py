"""What each dashboard page shows, from the store: a gemeente's plan at a glance, and the
regiobeeld as a table to sort. The same data as the chat's summary, export and regiobeeld."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.core.dutch import AMSTERDAM
from bot.core.replies import ExportData, Regiobeeld, RegioRow
from bot.ontwikkelplan.planning import steps_of
from bot.reminders.schedule import working_days_before
from bot.reports.reporter import Reporter
from store import Store

AHEAD = timedelta(days=92)  # the planning's coming three months


@dataclass(frozen=True)
class Step:
    day: date
    nummer: int
    text: str  # the step as typed, or the ontwikkelpunt's goal where its planning is one date


@dataclass(frozen=True)
class Meeting:
    moment: datetime
    preparation: date  # when the owners are asked to update
    punten: int  # the open ontwikkelpunten they are asked about
    owners: tuple[str, ...]


@dataclass(frozen=True)
class GemeentePage:
    id: int
    data: ExportData
    timeline: tuple[Step, ...]
    meeting: Meeting | None

    @property
    def flagged(self) -> tuple[dict, ...]:
        """The open ontwikkelpunten that need attention: over datum and verouderd first."""
        live = [p for p in self.data.punten if not p["concept"] and p["status"] in _OPEN]
        return tuple(sorted(live, key=lambda p: (not p["over_datum"], not p["verouderd"], p["nummer"])))


_OPEN = ("open", "in uitvoering")


def gemeente_page(store: Store, reporter: Reporter, gemeente: dict, today: date) -> GemeentePage:
    data = reporter.export_data(store, gemeente, today)
    steps = []
    for punt in data.punten:
        if punt["concept"] or punt["status"] not in _OPEN:
            continue
        planned = steps_of(punt["planning"] or "")
        if len(planned) <= 1:  # one date: the step is the ontwikkelpunt itself
            planned = [(punt["planning_datum"], punt["ontwikkelpunt"])] if punt["planning_datum"] else []
        steps += [Step(day, punt["nummer"], text) for day, text in planned if today <= day <= today + AHEAD]
    return GemeentePage(gemeente["id"], data, tuple(sorted(steps, key=lambda s: (s.day, s.nummer))),
                        _next_meeting(store, gemeente, data, today))


def _next_meeting(store: Store, gemeente: dict, data: ExportData, today: date) -> Meeting | None:
    moments = sorted(datetime.fromisoformat(m["moment"]).astimezone(AMSTERDAM)
                     for m in store.reminders.stuurgroepen(gemeente["id"]))
    upcoming = [m for m in moments if m.date() >= today]
    if not upcoming:
        return None
    meeting = upcoming[0]
    live = [p for p in data.punten if not p["concept"] and p["status"] in _OPEN]
    return Meeting(meeting, working_days_before(meeting.date(), gemeente.get("prep_days") or 5), len(live),
                   tuple(sorted({p["wie"] for p in live if p["wie"]})))


# --- the regio ------------------------------------------------------------------------------------

SORTS = {  # a column of the regio's table, and how its rows sort (the first way: most first)
    "gemeente": (lambda r: r.gemeente.casefold(), False),
    "deel1": (lambda r: r.deel1[0] / max(1, r.deel1[1]), True),
    "deel2": (lambda r: r.deel2[0] / max(1, r.deel2[1]), True),
    "open": (lambda r: r.open, True),
    "verouderd": (lambda r: r.verouderd, True),
    "over_datum": (lambda r: r.over_datum, True),
    "afgerond": (lambda r: r.afgerond, True),
}


@dataclass(frozen=True)
class RegioPage:
    id: int
    beeld: Regiobeeld
    sort: str  # "" for the regiobeeld's own order: who needs attention first
    descending: bool

    @property
    def rows(self) -> tuple[RegioRow, ...]:
        if not self.sort:
            return self.beeld.rows
        key, _ = SORTS[self.sort]
        return tuple(sorted(self.beeld.rows, key=key, reverse=self.descending))

    @property
    def totals(self) -> RegioRow:
        rows = self.beeld.rows
        return RegioRow("Alle gemeenten", (sum(r.deel1[0] for r in rows), sum(r.deel1[1] for r in rows)),
                        (sum(r.deel2[0] for r in rows), sum(r.deel2[1] for r in rows)),
                        sum(r.open for r in rows), sum(r.verouderd for r in rows),
                        sum(r.over_datum for r in rows), sum(r.afgerond for r in rows))


def regio_page(store: Store, reporter: Reporter, regio: dict, today: date, sort: str = "",
               descending: bool | None = None) -> RegioPage:
    """The regio's table, sorted by ``sort`` (a key of ``SORTS``; another: its own order)."""
    sort = sort if sort in SORTS else ""
    if descending is None:
        descending = SORTS[sort][1] if sort else False
    return RegioPage(regio["id"], reporter.regiobeeld(store, regio, today), sort, descending)
