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
from bot.ontwikkelplan.plan import WALK, Plan
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
        answers = store.current_answers(gemeente["id"])
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
        punten = [p for p in store.punten(gemeente["id"]) if not p["concept"]]
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
        )

    def regiobeeld(self, store: Store, regio: dict, today: date) -> Regiobeeld:
        rows = []
        for gemeente in store.regio_gemeenten(regio["id"]):
            summary = self.summary(store, gemeente, today)
            tallies = {p.title: [0, 0] for p in self.questionnaire.parts}
            for section in summary.sections:
                tallies[section.part][0] += section.answered
                tallies[section.part][1] += section.total
            open_punten = summary.open_punten
            counts = dict(summary.status_counts)
            rows.append(RegioRow(
                gemeente=gemeente["naam"],
                deel1=tuple(tallies["Deel I"]),
                deel2=tuple(tallies["Deel II"]),
                open=len(open_punten),
                verouderd=sum(p.verouderd for p in open_punten),
                over_datum=sum(p.over_datum for p in open_punten),
                afgerond=counts.get("afgerond", 0),
            ))
        rows.sort(key=lambda r: (-(r.over_datum + r.verouderd),
                                 (r.deel1[0] + r.deel2[0]) / max(1, r.deel1[1] + r.deel2[1]),
                                 r.gemeente.casefold()))
        return Regiobeeld(regio["naam"], today, tuple(rows))

    def export_data(self, store: Store, gemeente: dict, today: date) -> ExportData:
        plan = self.plan
        punten = []
        counts: dict[int, dict[str, int]] = {b.number: {} for b in plan.content.basisfuncties}
        stands = store.latest_stands(gemeente["id"])
        for punt in store.punten(gemeente["id"]):
            stand = stands.get(punt["id"])
            summary = plan.summary(punt, stand, today, gemeente.get("stale_weeks") or 6)
            punten.append({
                "nummer": punt["nummer"],
                **{field: plan.value_text(field, punt) for field in WALK[:-1]},
                "basisfunctie_nr": punt["basisfunctie"],
                "thema_nr": punt["thema"],
                "aangemaakt": local_day(datetime.fromisoformat(punt["created_at"])),
                "bijgewerkt": local_day(datetime.fromisoformat(punt["updated_at"])),
                "concept": bool(punt["concept"]),
                "planning_datum": summary.planning,
                "stand_van_zaken": stand["value"] if stand else "",
                "stand_datum": summary.stand_at.date() if summary.stand_at else None,
                "status": plan.statuses[punt["status"]],
                "verouderd": summary.verouderd,
                "over_datum": summary.over_datum,
            })
            if not punt["concept"]:  # the chart counts the plan's ontwikkelpunten
                by_status = counts[punt["basisfunctie"]]
                by_status[summary.status] = by_status.get(summary.status, 0) + 1
        answers = store.current_answers(gemeente["id"])
        texts = {q.id: q.text for q in self.questionnaire.questions}
        rows = tuple(
            (p.part.title, p.section.title, q.text, answer["text"], answer["author"],
             datetime.fromisoformat(answer["created_at"]), q.id)
            for q in self.questionnaire.questions
            for p in (self.questionnaire.position(q.id),)
            for answer in (store.answers_per_person(gemeente["id"], q.id) if q.personal
                           else [answers[q.id]] if q.id in answers else [])
        )
        return ExportData(
            summary=self.summary(store, gemeente, today),
            punten=tuple(punten),
            answers=rows,
            history=tuple(map(plan.readable, store.history(gemeente["id"]))),
            versions=tuple(
                (self.questionnaire.position(v["question_id"]).ref, texts[v["question_id"]], v["text"],
                 v["author"], datetime.fromisoformat(v["created_at"]))
                for v in store.all_answer_versions(gemeente["id"]) if v["question_id"] in texts),
            counts_by_basisfunctie=tuple(
                (f"{b.number}. {b.short_title}", counts[b.number]) for b in plan.content.basisfuncties),
            info={kind: row["text"] for kind, row in store.plan_info(gemeente["id"]).items()},
        )
