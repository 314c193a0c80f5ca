"""The ontwikkelplan as an Excel workbook: ontwikkelpunten, answers and history."""

from __future__ import annotations

from datetime import datetime

from bot.core.dutch import AMSTERDAM
from bot.core.replies import ExportData
from bot.export import xlsx
from bot.export.xlsx import Sheet
from dialogues.content import Ontwikkelplan


def workbook(data: ExportData, plan: Ontwikkelplan) -> bytes:
    labels = {f.id: f.label for f in plan.fields}
    return xlsx.workbook([
        Sheet("Ontwikkelpunten",
              ["Nummer", "Basisfunctie", "Quickscan-thema", labels["ontwikkelpunt"],
               labels["beoogd_resultaat"], labels["verbeteractie"], labels["kosten"], labels["wie"],
               "Planning", "Uiterlijk klaar", "Status", "Stand van zaken", "Datum stand van zaken",
               "Verouderd", "Over datum", "Aangemaakt", "Laatst bijgewerkt"],
              [[p["nummer"], p["basisfunctie"], p["thema"], p["ontwikkelpunt"], p["beoogd_resultaat"],
                p["verbeteractie"], p["kosten"], p["wie"],
                p["planning"], p["planning_datum"], "concept" if p["concept"] else p["status"],
                p["stand_van_zaken"], p["stand_datum"],
                "ja" if p["verouderd"] else "nee", "ja" if p["over_datum"] else "nee",
                p["aangemaakt"], p["bijgewerkt"]]
               for p in data.punten],
              [9, 28, 32, 40, 32, 40, 24, 20, 24, 12, 14, 40, 14, 11, 11, 13, 13]),
        Sheet("Antwoorden", ["Deel", "Onderdeel", "Vraag", "Antwoord", "Door", "Datum"],
              [[*row[:5], row[5].astimezone(AMSTERDAM).replace(tzinfo=None)] for row in data.answers],
              [9, 32, 50, 70, 18, 16]),
        Sheet("Antwoorden-versies", ["Vraag", "Tekst van de vraag", "Antwoord", "Door", "Datum"],
              [[ref, question, text, by, at.astimezone(AMSTERDAM).replace(tzinfo=None)]
               for ref, question, text, by, at in data.versions],
              [9, 50, 70, 18, 18]),
        Sheet("Geschiedenis", ["Nummer", "Datum", "Door", "Soort", "Veld", "Waarde", "Was"],
              [[h["nummer"], datetime.fromisoformat(h["created_at"]).astimezone(AMSTERDAM)
                .replace(tzinfo=None), h["author"], h["kind"], h["field"] or "", h["value"],
                h["previous"] or ""] for h in data.history],
              [9, 18, 18, 10, 18, 60, 40]),
    ])
