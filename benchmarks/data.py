"""The data the benchmarks run on, built straight into a store: one full gemeente, and the
whole country (every official gemeente, in one regio, each with its channel, owners and plan)."""

from __future__ import annotations

from datetime import datetime

from bot.ontwikkelplan.plan import Plan
from dialogues.content import checklist
from dialogues.gemeenten import gemeenten
from store import Store

AT = "2026-01-05T09:00:00+00:00"  # when the plans were made: long enough ago to be verouderd
TEAM = "T1"
ADMIN = f"slack:{TEAM}:UADMIN"
PUNTEN_PER_GEMEENTE = 40
OWNERS_PER_GEMEENTE = 10
AWAY = OWNERS_PER_GEMEENTE - 1  # the last owner of each gemeente is away (10%): with a vervanger
# in the even-numbered gemeenten, without one (their reminder waits) in the others
LATER = 10  # and every tenth ontwikkelpunt's owner put its reminder off (10%)
UNTIL = "2027-12-31"


def _fill(store: Store, plan: Plan, gemeente_id: int, punten: int, owners: list[str],
          planning: str) -> None:
    """All of the checklist's answers, and ``punten`` ontwikkelpunten over every basisfunctie and
    thema (a stand van zaken each, owned in turn by ``owners``; a concept now and then)."""
    for question in checklist().questions:
        store.answers.save(gemeente_id, question.id, f"Antwoord op {question.id} " * 8, owners[0], AT)
    themes = [(b.number, t.number) for b in plan.content.basisfuncties for t in b.themes]
    for n in range(punten):
        basisfunctie, thema = themes[n % len(themes)]
        owner = owners[n % len(owners)]
        punt = store.punten.create(gemeente_id, {
            "basisfunctie": basisfunctie, "thema": thema, "ontwikkelpunt": f"Doel {n} " * 10,
            "beoogd_resultaat": "Resultaat " * 15, "verbeteractie": "Stap " * 20,
            "kosten": "Binnen het budget", "wie": store.people.name(owner), "wie_id": owner,
            "planning": planning, "status": "open", "concept": int(n % 17 == 16)}, owners[0], AT)
        store.punten.log(punt["id"], "stand", "Stand van zaken " * 5, owner, AT)
        if n % LATER == LATER - 1:
            store.team.snooze(punt, owner, UNTIL, AT)


def full_gemeente(store: Store, plan: Plan, naam: str = "Utrecht", punten: int = 100) -> dict:
    """One gemeente with everything filled in: its 48 answers and ``punten`` ontwikkelpunten."""
    official = gemeenten().find(naam).gemeente
    with store.transaction():
        gemeente = store.gemeenten.create(official.key, official.naam, "console:anna", AT,
                                          code=official.code)
        store.people.ensure("console:anna", "Anna", AT)
        _fill(store, plan, gemeente["id"], punten, ["console:anna"], "2027-03-01")
    return gemeente


def country(store: Store, plan: Plan, reminder_since: datetime, count: int | None = None
            ) -> list[dict]:
    """Every official gemeente in regio Nederland, each bound to a Slack channel of its own with
    a beheerder and ``OWNERS_PER_GEMEENTE`` owners of its ``PUNTEN_PER_GEMEENTE`` ontwikkelpunten,
    all over datum (10% of the owners away, 10% of the punten's reminders put off by their
    owner); a weekly status reminder on Monday 9:00 set at ``reminder_since``, and a stuurgroep
    far ahead. ``count``: only the first so many gemeenten."""
    made = []
    with store.transaction():
        regio = store.gemeenten.regio("nederland", "Nederland", AT)
        store.people.ensure(ADMIN, "Functioneel beheer", AT)
        for n, official in enumerate(gemeenten().all[:count], 1):
            gemeente = store.gemeenten.create(official.key, official.naam, ADMIN, AT,
                                              code=official.code)
            owners = [f"slack:{TEAM}:U{n:03d}{k:02d}" for k in range(OWNERS_PER_GEMEENTE)]
            for k, owner in enumerate(owners):
                store.people.ensure(owner, f"Eigenaar {k + 1} van {official.naam}", AT)
                store.people.add_member(gemeente["id"], owner, "beheerder" if k == 0 else "lid", owner, AT)
            store.gemeenten.bind(f"slack:{TEAM}:C{n:04d}", gemeente["id"], owners[0], AT)
            store.gemeenten.set(gemeente["id"], owners[0], AT, regio_id=regio["id"],
                                reminder_kind="wekelijks", reminder_day=0, reminder_time="09:00",
                                reminder_since=reminder_since.isoformat())
            store.reminders.add_stuurgroep(gemeente["id"], "2027-06-01T14:00:00+02:00", owners[0], AT)
            _fill(store, plan, gemeente["id"], PUNTEN_PER_GEMEENTE, owners, "2026-06-30")
            store.team.set_away(owners[AWAY], UNTIL, owners[0] if n % 2 == 0 else None, owners[AWAY],
                                AT, [gemeente["id"]])
            made.append(gemeente)
    return made
