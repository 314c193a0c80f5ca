"""The ontwikkelplan as a Word document, laid out like the Lokaal meerjarig ontwikkelplan."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from bot.core.dutch import format_date
from bot.core.replies import ExportData
from bot.export import clean
from bot.export.chart import status_chart
from dialogues.content import Ontwikkelplan

COLUMNS = ("ontwikkelpunt", "beoogd_resultaat", "verbeteractie", "kosten", "wie", "planning",
           "stand_van_zaken")

def _orient(section, landscape: bool) -> None:
    """Turn a section to landscape (or back to portrait): the page's width and height follow."""
    short, long = sorted((section.page_width, section.page_height))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)


def _repeat_header(table) -> None:
    """Repeat the header row on every page, and keep it with the first row."""
    row = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row.append(header)
    for paragraph in table.rows[0].cells[0].paragraphs:
        paragraph.paragraph_format.keep_with_next = True


def document(data: ExportData, plan: Ontwikkelplan) -> bytes:
    summary = data.summary
    doc = Document()
    properties = doc.core_properties  # Word shows them under Bestand › Info
    properties.author = properties.last_modified_by = "Leidraadbot"
    properties.title = f"Lokaal meerjarig ontwikkelplan gemeente {summary.gemeente}"
    properties.comments = properties.keywords = properties.subject = ""
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(10)
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(2)

    title = doc.add_paragraph()
    title.paragraph_format.space_before = Pt(120)
    run = title.add_run("Lokaal meerjarig ontwikkelplan")
    run.bold, run.font.size, run.font.color.rgb = True, Pt(28), RGBColor(0x1D, 0x4F, 0x91)
    doc.add_paragraph().add_run(f"Gemeente {clean(summary.gemeente)}").font.size = Pt(20)
    doc.add_paragraph("Op weg naar Stevige Lokale Teams").runs[0].italic = True
    doc.add_paragraph(f"Stand per {format_date(summary.day)}")
    doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)

    doc.add_heading("Samenvatting", level=1)
    open_punten = summary.open_punten
    counts = ", ".join(f"{label}: {count}" for label, count in summary.status_counts)
    doc.add_paragraph(f"Ontwikkelpunten: {counts}.")
    doc.add_paragraph(f"Verouderd (langer dan {summary.stale_weeks} weken geen stand van zaken): "
                      f"{sum(p.verouderd for p in open_punten)}. Over datum (planning verstreken, "
                      f"niet afgerond): {sum(p.over_datum for p in open_punten)}.")
    doc.add_picture(io.BytesIO(status_chart(data.counts_by_basisfunctie)), width=Cm(16))
    for tally in summary.sections:
        doc.add_paragraph(f"{tally.part} · {clean(tally.title)}: {tally.answered} van {tally.total} "
                          "vragen beantwoord", style="List Bullet")

    _orient(doc.add_section(), landscape=True)
    labels = {f.id: f.label for f in plan.fields}
    for functie in plan.basisfuncties:
        doc.add_heading(f"Basisfunctie {functie.number}: {functie.title}", level=1)
        doc.add_paragraph(functie.description.split("\n\n")[0]).paragraph_format.keep_with_next = True
        punten = [p for p in data.punten if p["basisfunctie_nr"] == functie.number]
        table = doc.add_table(rows=1, cols=len(COLUMNS))
        table.style = "Light Grid Accent 1"
        _repeat_header(table)
        for cell, field in zip(table.rows[0].cells, COLUMNS, strict=True):
            cell.text = labels[field]
        for punt in punten:
            stand = (f"{format_date(punt['stand_datum'])}: {punt['stand_van_zaken']}"
                     if punt["stand_datum"] else "")
            flags = "".join(f" [{name}]" for name, on in (("verouderd", punt["verouderd"]),
                                                          ("over datum", punt["over_datum"])) if on)
            values = {**punt, "stand_van_zaken": stand,
                      "ontwikkelpunt": f"#{punt['nummer']} ({punt['status']}{flags}) "
                                       f"{punt['ontwikkelpunt']}"
                                       + (f"\nThema: {punt['thema']}" if punt["thema"] else "")}
            for cell, field in zip(table.add_row().cells, COLUMNS, strict=True):
                cell.text = clean(values.get(field))
        if not punten:
            table.add_row().cells[0].text = "Nog geen ontwikkelpunten."
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(8.5)

    _orient(doc.add_section(), landscape=False)
    doc.add_heading("Checklist sturing: de antwoorden", level=1)
    if not data.answers:
        doc.add_paragraph("Nog geen antwoorden.")
    current = (None, None)
    for deel, section_title, question, answer, author in data.answers:
        if deel != current[0]:
            doc.add_heading(deel, level=2)
        if (deel, section_title) != current:
            doc.add_heading(clean(section_title), level=3)
            current = (deel, section_title)
        paragraph = doc.add_paragraph()
        paragraph.add_run(clean(question)).bold = True
        paragraph.add_run(f"\n{clean(answer)}")
        paragraph.add_run(f"\n({clean(author)})").italic = True
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
