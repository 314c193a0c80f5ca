"""The summary as Markdown, for e-mail or a wiki. User text is escaped so it cannot format."""

from __future__ import annotations

import re

from bot.core.dutch import AMSTERDAM, format_date
from bot.core.replies import PuntSummary, Regiobeeld, Summary

_SPECIAL = re.compile(r"([\\`*_\[\]|~#])")
_LIST_OR_RULE = re.compile(r"^(\d+)(?=[.)])|^(?=[-+=])")  # "1.", "1)", "- ", "+ ", "---", "==="


def escape(text: str) -> str:
    """User text made literal in Markdown, on one line: no emphasis, links, tables, HTML, and
    where it begins a line no list, quote (``>`` is an entity) or rule."""
    text = " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _LIST_OR_RULE.sub(r"\1\\", _SPECIAL.sub(r"\\\1", text), count=1)


def flags(punt: PuntSummary) -> str:
    marks = [name for name, on in (("verouderd", punt.verouderd), ("over datum", punt.over_datum))
             if on]
    return f" **{' · '.join(marks)}**" if marks else ""


def summary(report: Summary) -> str:
    lines = [f"# Samenvatting gemeente {escape(report.gemeente)}", "",
             f"Stand per {format_date(report.day)}.", ""]
    if report.empty:
        lines += ["Nog niets ingevuld: er zijn nog geen antwoorden en geen ontwikkelpunten. Begin met "
                  "`/leidraad start` (Slack) of `@Leidraadbot start` (Teams) in het kanaal van de "
                  "gemeente, of met `leidraadbot chat`, en voeg "
                  "ontwikkelpunten toe met `ontwikkelpunt nieuw`.", ""]
        return "\n".join(lines)
    lines += ["## Checklist sturing", "", "| Deel | Onderdeel | Beantwoord | Open |",
              "| --- | --- | --- | --- |"]
    lines += [f"| {s.part} | {escape(s.title)} | {s.answered} van {s.total} | {s.total - s.answered} |"
              for s in report.sections]
    lines += ["", "## Deel II: bestuurlijk gesprek", ""]
    if report.key_answers:
        for answer in report.key_answers:
            lines += [f"**{escape(answer.question)}**", "", escape(answer.text), ""]
    else:
        lines += ["Nog niet beantwoord.", ""]
    lines += ["## Bouwstenen", ""]
    for brief in report.bouwstenen:
        acties = f" Acties: {escape(brief.acties[:300])}" if brief.acties else ""
        lines.append(f"- **{escape(brief.title)}** ({brief.answered} van {brief.total} "
                     f"beantwoord).{acties}")
    counts = ", ".join(f"{label}: {count}" for label, count in report.status_counts)
    open_punten = report.open_punten
    lines += ["", "## Open ontwikkelpunten", "",
              f"{counts}. Verouderd (geen stand van zaken in {report.stale_weeks} weken): "
              f"{sum(p.verouderd for p in open_punten)}; over datum: "
              f"{sum(p.over_datum for p in open_punten)}.", ""]
    if not report.groups:
        lines.append("Geen open ontwikkelpunten.")
    for title, punten in report.groups:
        lines += [f"### Basisfunctie {escape(title)}", ""]
        for punt in punten:
            planning = punt.planning_text
            lines.append(f"- **#{punt.nummer}** {escape(punt.ontwikkelpunt)}{flags(punt)}  ")
            lines.append(f"  wie: {escape(punt.wie)} · planning: {planning} · {punt.status}  ")
            if punt.stand:
                day = format_date(punt.stand_at.astimezone(AMSTERDAM).date())
                lines.append(f"  stand van zaken ({day}): {escape(punt.stand)}")
            else:
                lines.append("  nog geen stand van zaken")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def regiobeeld(report: Regiobeeld) -> str:
    lines = [f"# Regiobeeld {escape(report.regio)}", "", f"Stand per {format_date(report.day)}.", "",
             "| Gemeente | Deel I | Deel II | Open | Verouderd | Over datum | Afgerond |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {escape(r.gemeente)} | {r.deel1[0]}/{r.deel1[1]} | {r.deel2[0]}/{r.deel2[1]} | "
              f"{r.open} | {r.verouderd} | {r.over_datum} | {r.afgerond} |" for r in report.rows]
    if not report.rows:
        lines.append("| Nog geen gemeenten in deze regio | | | | | | |")
    return "\n".join(lines) + "\n"
