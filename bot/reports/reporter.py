"""Summaries for the stuurgroep, the regiobeeld, and the data behind the exports."""

from __future__ import annotations

from datetime import date, datetime

from bot.core.dutch import local_day
from bot.core.replies import (
    BouwsteenBrief,
    ExportData,
    KeyAnswer,
    Regiobeeld,
    RegioRow,
    SectionTally,
    Summary,
)
from bot.ontwikkelplan.plan import WALK, Plan, stale_before
from bot.team.handing import open_line
from dialogues.content import Questionnaire
from store import Store

# The Deel II answers a stuurgroep wants to read first.
KEY_QUESTIONS = ("gesprek.prioriteit", "gesprek.nodig", "gesprek.ontbreekt")
EXPORT_FORMATS = ("md", "docx", "xlsx")


class Reporter:
    """Builds summaries and regiobeelden from the store."""

    def __init__(self, questionnaire: Questionnaire, plan: Plan):
        self.questionnaire = questionnaire
        self.plan = plan

    def summary(self, store: Store, gemeente: dict, today: date) -> Summary:
        answers = store.answers.current(gemeente["id"])
        sections = tuple(
            SectionTally(part.title, section.title,
                         sum(q.id in answers for q in section.questions), len(section.questions))
            for part in self.questionnaire.parts for section in part.sections
        )
        key_answers = tuple(
            KeyAnswer(self.questionnaire.position(qid).question.text, answers[qid]["text"])
            for qid in KEY_QUESTIONS if qid in answers
        )
        deel2 = self.questionnaire.part(2)
        bouwstenen = tuple(
            BouwsteenBrief(s.title, s.lead, sum(q.id in answers for q in s.questions),
                           len(s.questions), answers.get(f"{s.id}.acties", {}).get("text", ""))
            for s in (deel2.sections if deel2 else ()) if s.id.startswith("bouwsteen")
        )
        punten = [p for p in store.punten.all(gemeente["id"]) if not p["concept"]]
        counts = tuple((label, sum(p["status"] == status for p in punten))
                       for status, label in self.plan.statuses.items())
        return Summary(
            gemeente=gemeente["naam"],
            day=today,
            stale_weeks=gemeente.get("stale_weeks") or 6,
            sections=sections,
            key_answers=key_answers,
            bouwstenen=bouwstenen,
            groups=self.plan.open_groups(store, gemeente, today),
            status_counts=counts,
            handed=open_line(store.team.assignments(gemeente["id"]), answers),
        )

    def regiobeeld(self, store: Store, regio: dict, today: date) -> Regiobeeld:
        """Per gemeente of the regio how far it is: counted for the whole regio at once, with the
        same flags as each gemeente's own summary."""
        parts = {part.title: [q.id for section in part.sections for q in section.questions]
                 for part in self.questionnaire.parts}
        answered = {title: store.answers.counts_in_regio(regio["id"], ids) for title, ids in parts.items()}
        gemeenten = store.gemeenten.of_regio(regio["id"])
        by_weeks: dict[int, list[int]] = {}  # the gemeenten by how many weeks make verouderd
        for g in gemeenten:
            by_weeks.setdefault(g["stale_weeks"] or 6, []).append(g["id"])
        counts = {}
        for weeks, ids in by_weeks.items():
            counts |= store.punten.flag_counts(ids, stale_before(today, weeks).isoformat(), today.isoformat())
        none = {"live": 0, "verouderd": 0, "over_datum": 0, "afgerond": 0}
        rows = [RegioRow(gemeente=g["naam"],
                         deel1=(answered["Deel I"].get(g["id"], 0), len(parts["Deel I"])),
                         deel2=(answered["Deel II"].get(g["id"], 0), len(parts["Deel II"])),
                         open=count["live"], verouderd=count["verouderd"],
                         over_datum=count["over_datum"], afgerond=count["afgerond"])
                for g in gemeenten for count in (counts.get(g["id"], none),)]
        rows.sort(key=lambda r: (-(r.over_datum + r.verouderd),
                                 (r.deel1[0] + r.deel2[0]) / max(1, r.deel1[1] + r.deel2[1]),
                                 r.gemeente.casefold()))
        return Regiobeeld(regio["naam"], today, tuple(rows))

    def export_data(self, store: Store, gemeente: dict, today: date) -> ExportData:
        plan = self.plan
        punten = []
        counts: dict[int, dict[str, int]] = {b.number: {} for b in plan.content.basisfuncties}
        for punt in plan.flagged(store, gemeente, today):
            summary = plan.summary(punt)
            punten.append({
                "nummer": punt["nummer"],
                **{field: plan.value_text(field, punt) for field in WALK[:-1]},
                "basisfunctie_nr": punt["basisfunctie"],
                "thema_nr": punt["thema"],
                "aangemaakt": local_day(datetime.fromisoformat(punt["created_at"])),
                "bijgewerkt": local_day(datetime.fromisoformat(punt["updated_at"])),
                "concept": bool(punt["concept"]),
                "planning_datum": summary.planning,
                "stand_van_zaken": punt["stand"] or "",
                "stand_datum": summary.stand_at.date() if summary.stand_at else None,
                "status": plan.statuses[punt["status"]],
                "verouderd": summary.verouderd,
                "over_datum": summary.over_datum,
            })
            if not punt["concept"]:  # the chart counts the plan's ontwikkelpunten
                by_status = counts[punt["basisfunctie"]]
                by_status[summary.status] = by_status.get(summary.status, 0) + 1
        answers = store.answers.current(gemeente["id"])
        texts = {q.id: q.text for q in self.questionnaire.questions}
        rows = tuple(
            (p.part.title, p.section.title, q.text, answer["text"], answer["author"],
             datetime.fromisoformat(answer["created_at"]), q.id)
            for q in self.questionnaire.questions
            for p in (self.questionnaire.position(q.id),)
            for answer in (store.answers.per_person(gemeente["id"], q.id) if q.personal
                           else [answers[q.id]] if q.id in answers else [])
        )
        return ExportData(
            summary=self.summary(store, gemeente, today),
            punten=tuple(punten),
            answers=rows,
            history=tuple(map(plan.readable, store.punten.histories(gemeente["id"]))),
            versions=tuple(
                (self.questionnaire.position(v["question_id"]).ref, texts[v["question_id"]], v["text"],
                 v["author"], datetime.fromisoformat(v["created_at"]))
                for v in store.answers.all_versions(gemeente["id"]) if v["question_id"] in texts),
            counts_by_basisfunctie=tuple(
                (f"{b.number}. {b.short_title}", counts[b.number]) for b in plan.content.basisfuncties),
            info={kind: row["text"] for kind, row in store.punten.info(gemeente["id"]).items()},
        )
