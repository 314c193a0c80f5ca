"""The ontwikkelplan as an Excel workbook: ontwikkelpunten, answers and history."""

from __future__ import annotations

import io
from copy import copy
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from bot.core.dutch import AMSTERDAM
from bot.core.replies import ExportData
from bot.export.office import clean
from dialogues.content import Ontwikkelplan

HEADER = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1D4F91")
WRAP = Alignment(wrap_text=True, vertical="top")


def _sheet(workbook: Workbook, title: str, header: list[str], rows, widths: list[int]) -> None:
    """One sheet, streamed (openpyxl's write-only mode: each row written once, the styles shared)."""
    sheet = workbook.create_sheet(title)
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    heads = []
    for text in header:
        cell = WriteOnlyCell(sheet, text)
        cell.font, cell.fill = HEADER, HEADER_FILL
        heads.append(cell)
    sheet.append(heads)
    count = 0
    styles = _styles(sheet)
    for row in rows:
        sheet.append([_cell(sheet, value, styles) for value in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"


def _styles(sheet) -> tuple:
    """The style of a body cell, and of a date in one, each worked out once: given to every cell
    as a copy of the looked-up style (setting a style on a cell looks it up again each time)."""
    text = WriteOnlyCell(sheet)
    text.alignment = WRAP
    day = WriteOnlyCell(sheet)
    day.alignment, day.number_format = WRAP, "DD-MM-YYYY"
    return text._style, day._style


def _cell(sheet, value, styles: tuple) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value if isinstance(value, date | int | bool) or value is None
                         else clean(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # text stays text: "=SUM(...)" in an answer is not a formula
    cell._style = copy(styles[isinstance(value, date)])
    return cell


def workbook(data: ExportData, plan: Ontwikkelplan) -> bytes:
    labels = {f.id: f.label for f in plan.fields}
    book = Workbook(write_only=True)
    _sheet(book, "Ontwikkelpunten",
           ["Nummer", "Basisfunctie", "Quickscan-thema", labels["ontwikkelpunt"],
            labels["beoogd_resultaat"], labels["verbeteractie"], labels["kosten"], labels["wie"],
            "Planning", "Uiterlijk klaar", "Status", "Stand van zaken", "Datum stand van zaken", "Verouderd",
            "Over datum", "Aangemaakt", "Laatst bijgewerkt"],
           [[p["nummer"], p["basisfunctie"], p["thema"], p["ontwikkelpunt"], p["beoogd_resultaat"],
             p["verbeteractie"], p["kosten"], p["wie"],
             p["planning"], p["planning_datum"], "concept" if p["concept"] else p["status"],
             p["stand_van_zaken"], p["stand_datum"],
             "ja" if p["verouderd"] else "nee", "ja" if p["over_datum"] else "nee",
             p["aangemaakt"], p["bijgewerkt"]]
            for p in data.punten],
           [9, 28, 32, 40, 32, 40, 24, 20, 24, 12, 14, 40, 14, 11, 11, 13, 13])
    _sheet(book, "Antwoorden", ["Deel", "Onderdeel", "Vraag", "Antwoord", "Door", "Datum"],
           [[*row[:5], row[5].astimezone(AMSTERDAM).replace(tzinfo=None)] for row in data.answers],
           [9, 32, 50, 70, 18, 16])
    _sheet(book, "Antwoorden-versies", ["Vraag", "Tekst van de vraag", "Antwoord", "Door", "Datum"],
           [[ref, question, text, by, at.astimezone(AMSTERDAM).replace(tzinfo=None)]
            for ref, question, text, by, at in data.versions],
           [9, 50, 70, 18, 18])
    _sheet(book, "Geschiedenis", ["Nummer", "Datum", "Door", "Soort", "Veld", "Waarde", "Was"],
           [[h["nummer"], datetime.fromisoformat(h["created_at"]).astimezone(AMSTERDAM)
             .replace(tzinfo=None), h["author"], h["kind"], h["field"] or "", h["value"],
             h["previous"] or ""] for h in data.history],
           [9, 18, 18, 10, 18, 60, 40])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
