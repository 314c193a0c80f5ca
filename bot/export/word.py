"""The ontwikkelplan as a Word document laid out as Bijlage 3: title page, contents, Inleiding,
Opbouw, Algemene informatie, per basisfunctie its text and per quickscan thema its table of seven
columns, the status overview, and the Checklist sturing answers as an appendix. A4, numbered."""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape as xml_text

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from bot.core.dutch import AMSTERDAM, format_date
from bot.core.replies import ExportData
from bot.export.chart import status_chart
from bot.export.office import clean
from dialogues.content import Ontwikkelplan, checklist

COLUMNS = ("ontwikkelpunt", "beoogd_resultaat", "verbeteractie", "kosten", "wie", "planning",
           "stand_van_zaken")
PERIOD = "2025-2027"
A4 = (Cm(21), Cm(29.7))
BLUE = RGBColor(0x1D, 0x4F, 0x91)
# the gemeente's own parts under "Lokaal", as Bijlage 3 names them
LOCAL = (("portefeuillehouders", "Verantwoordelijke portefeuillehouder(s)"),
         ("beleidsmedewerkers", "Verantwoordelijke beleidsmedewerker(s)"),
         ("lokaal", "Lokale documenten"), ("aanvullingen", "Lokale aanvullingen"))
BOUWSTEEN_COLUMNS = ("wat_is_er_al", "resultaten", "acties", "uitvoering")


def _page(section, landscape: bool) -> None:
    """A4, upright or on its side, with the margins of the plan."""
    short, long = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)


def _field(paragraph, instruction: str, shown: str = "") -> None:
    """A Word field (PAGE, TOC …) in ``paragraph``; Word fills it in, and until then (or in a
    program that does not) ``shown`` stands there, a line per line."""
    def char(kind: str):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    run = paragraph.add_run()
    run._r.append(char("begin"))
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    run._r.append(char("separate"))
    for n, line in enumerate(shown.split("\n")):
        if n:
            paragraph.add_run().add_break(WD_BREAK.LINE)
        paragraph.add_run(line)
    paragraph.add_run()._r.append(char("end"))


def _numbered(section) -> None:
    """Page numbers in the footer of ``section`` (and the ones after it)."""
    footer = section.footer.paragraphs[0]
    footer.alignment = 1  # centred
    footer.add_run("Pagina ")
    _field(footer, "PAGE", "1")


def _update_on_open(doc) -> None:
    """Ask Word to fill in the fields (the table of contents) when the document opens."""
    setting = OxmlElement("w:updateFields")
    setting.set(qn("w:val"), "true")
    doc.settings.element.append(setting)


def _language(doc, language: str) -> None:
    """The language of every text in the document (Word's proofing, a screen reader's voice,
    the PDF's /Lang) and of the document itself."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    properties = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for old in properties.findall(qn("w:lang")):
        properties.remove(old)
    lang = OxmlElement("w:lang")
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attribute), language)
    properties.append(lang)
    doc.core_properties.language = language


def _described(shape, title: str, description: str) -> None:
    """A picture's alternative text, which a screen reader reads instead of the picture."""
    shape._inline.docPr.set("title", title)
    shape._inline.docPr.set("descr", description)


def chart_description(counts: tuple[tuple[str, dict[str, int]], ...]) -> str:
    """What the status chart shows, in words."""
    per = "; ".join(f"{label}: " + (", ".join(f"{n} {status}" for status, n in by.items() if n)
                                     or "geen") for label, by in counts)
    return f"Staafdiagram van de ontwikkelpunten per basisfunctie, naar status. {per}."


def _repeat_header(table) -> None:
    """Repeat the header row on every page, and keep it with the first row."""
    row = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row.append(header)


class _Styles:
    """The document's styles by name, looked up once: python-docx looks a style name up anew in
    the whole style sheet at every paragraph, which was most of an export's time."""

    def __init__(self, doc):
        self.doc = doc
        self.ids: dict[str, str] = {}

    def id(self, name: str) -> str:
        if name not in self.ids:
            self.ids[name] = self.doc.styles[name].style_id
        return self.ids[name]

    def paragraph(self, text: str = "", style: str | None = None):
        paragraph = self.doc.add_paragraph(text)
        if style:
            paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = self.id(style)
        return paragraph

    def heading(self, text: str, level: int):
        return self.paragraph(text, f"Heading {level}")

    def small(self, size: float) -> str:
        """A paragraph style for table text of ``size`` points, made once."""
        name = f"Tabeltekst {size:g}"
        if name not in self.ids:
            style = self.doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = self.doc.styles["Normal"]
            style.font.size = Pt(size)
            style.paragraph_format.space_after = Pt(0)
            self.ids[name] = style.style_id
        return self.ids[name]

    def table(self, rows: int, cols: int, style: str):
        table = self.doc.add_table(rows=rows, cols=cols)
        table._tbl.tblPr.style = self.id(style)
        return table


def _table(styles: _Styles, header: list[str], rows: list[list[str]], size: float = 8.5):
    """A table with a header row repeated on every page; its cells written as XML at once (the
    cell-by-cell way of python-docx took most of a full plan's time)."""
    table = styles.table(1, len(header), "Light Grid Accent 1")
    _repeat_header(table)
    small = styles.small(size)
    widths = [cell._tc.tcPr.tcW.w for cell in table.rows[0].cells]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell._tc.remove(cell._tc.p_lst[0])
        cell._tc.append(parse_xml(_paragraph_xml(text, small)))
    for row in rows:
        table._tbl.append(parse_xml(
            f"<w:tr {nsdecls('w')}><w:trPr><w:cantSplit/></w:trPr>" + "".join(  # a row whole
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
                f"{_paragraph_xml(clean(text), small, bare=True)}</w:tc>"
                for width, text in zip(widths, row, strict=True)) + "</w:tr>"))
    return table


def _paragraph_xml(text: str, style: str, bare: bool = False) -> str:
    """A paragraph of ``style`` holding ``text`` (its lines as line breaks), as WordprocessingML;
    ``bare`` leaves out the namespace declaration (inside an element that has it)."""
    runs = "<w:r><w:br/></w:r>".join(f'<w:r><w:t xml:space="preserve">{xml_text(line)}</w:t></w:r>'
                                     for line in text.split("\n"))
    where = "" if bare else " " + nsdecls("w")
    return f'<w:p{where}><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{runs}</w:p>'


def _punt_row(punt: dict) -> list[str]:
    """One ontwikkelpunt as the seven columns of its thema's table."""
    stand = (f"{format_date(punt['stand_datum'])}: {punt['stand_van_zaken']}"
             if punt["stand_datum"] else "")
    marks = [punt["status"]] if not punt["concept"] else ["CONCEPT, nog niet compleet"]
    marks += [name for name, on in (("verouderd", punt["verouderd"]),
                                    ("over datum", punt["over_datum"])) if on]
    return [f"#{punt['nummer']} ({', '.join(marks)}) {punt['ontwikkelpunt']}",
            *(punt[field] for field in COLUMNS[1:-1]), stand]


def document(data: ExportData, plan: Ontwikkelplan, version: str | None = None) -> bytes:
    summary = data.summary
    gemeente = clean(summary.gemeente)
    title = f"Lokaal Meerjarig Ontwikkelplan {PERIOD} Gemeente {gemeente}"
    doc = Document()
    properties = doc.core_properties  # Word shows them under Bestand › Info
    properties.author = properties.last_modified_by = "Leidraadbot"
    properties.title = title
    properties.comments = properties.keywords = properties.subject = ""
    _language(doc, "nl-NL")
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(10)
    st = _Styles(doc)
    _page(doc.sections[0], landscape=False)
    _numbered(doc.sections[0])
    _update_on_open(doc)

    # --- title page and contents --------------------------------------------------------------
    heading = st.paragraph(style="Title")  # the document's title, for a screen reader too
    heading.paragraph_format.space_before = Pt(100)
    run = heading.add_run(title)
    run.bold, run.font.size, run.font.color.rgb = True, Pt(26), BLUE
    doc.add_paragraph("Op weg naar Stevige Lokale Teams").runs[0].italic = True
    owners = data.info.get("beleidsmedewerkers")
    doc.add_paragraph(f"Datum: {format_date(summary.day)}\nVersie: {version or summary.day.isoformat()}"
                      + (f"\nEigenaar: {clean(owners)}" if owners else ""))
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    st.heading("Inhoudsopgave", 1)
    chapters = ["Inleiding", "Opbouw ontwikkelplan", "Algemene informatie",
                *(f"Basisfunctie {b.number}: {b.title}" for b in plan.basisfuncties),
                "Stand van zaken", "Bijlage: Checklist sturing"]
    _field(doc.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u', "\n".join(chapters))
    doc.add_paragraph("Word vult de paginanummers in bij het openen (of: rechtermuisknop op de "
                      "inhoudsopgave › Veld bijwerken).").runs[0].italic = True
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # --- Inleiding, Opbouw, Algemene informatie (the source's texts, then the gemeente's) ------
    st.heading("Inleiding", 1)
    for paragraph in plan.inleiding:
        doc.add_paragraph(paragraph)
    st.heading("Opbouw ontwikkelplan", 1)
    for paragraph in plan.opbouw:
        numbered = re.match(r"\d\. ", paragraph) is not None  # the five basisfuncties
        st.paragraph(paragraph[3:] if numbered else paragraph, "List Number" if numbered else None)
    st.heading("Algemene informatie", 1)
    st.heading("Documenten", 2)
    doc.add_paragraph(plan.documenten_intro)
    doc.add_paragraph("Landelijk:").runs[0].bold = True
    for document_ in plan.documenten_landelijk:
        item = st.paragraph(style="List Bullet")
        item.add_run(document_.titel).bold = True
        if document_.uitleg:
            item.add_run(f"\n{document_.uitleg}")
    doc.add_paragraph("Regionaal:").runs[0].bold = True
    doc.add_paragraph(clean(data.info.get("regionaal", "")) or "Nog niet ingevuld (in de chat: "
                      "algemeen regionale documenten <lijst>).")
    doc.add_paragraph("Lokaal:").runs[0].bold = True
    for kind, label in LOCAL:
        item = st.paragraph(style="List Bullet")
        item.add_run(f"{label}: ").bold = True
        item.add_run(clean(data.info.get(kind, "")) or "nog niet ingevuld")

    # --- per basisfunctie, per quickscan thema its table --------------------------------------
    labels = {f.id: f.label for f in plan.fields}
    header = [labels[f] for f in COLUMNS]
    landscape = doc.add_section()
    _page(landscape, landscape=True)
    for functie in plan.basisfuncties:
        st.heading(f"Basisfunctie {functie.number}: {functie.title}", 1)
        for paragraph in functie.description.split("\n\n"):
            doc.add_paragraph(paragraph)
        doc.add_paragraph("Waarom is dit van belang?").runs[0].bold = True
        doc.add_paragraph(functie.why)
        if functie.input:
            doc.add_paragraph(functie.input).runs[0].italic = True
        punten = [p for p in data.punten if p["basisfunctie_nr"] == functie.number]
        for thema in functie.themes:
            st.heading(f"Quickscan {functie.number}.{thema.number} {thema.title}", 2)
            for item in thema.checklist:
                st.paragraph(item, "List Bullet")
            rows = [_punt_row(p) for p in punten if p["thema_nr"] == thema.number]
            _table(st, header, rows or [[""] * len(COLUMNS)])  # an empty row to fill in
        loose = [_punt_row(p) for p in punten if not p["thema_nr"]]
        if loose:
            doc.add_paragraph("Ontwikkelpunten nog zonder quickscan-thema").runs[0].bold = True
            _table(st, header, loose)

    # --- the status overview, and the answers --------------------------------------------------
    _page(doc.add_section(), landscape=False)
    st.heading("Stand van zaken", 1)
    open_punten = summary.open_punten
    counts = ", ".join(f"{label}: {count}" for label, count in summary.status_counts)
    concepts = sum(p["concept"] for p in data.punten)
    doc.add_paragraph(f"Ontwikkelpunten: {counts}" + (f"; concepten: {concepts}" if concepts else "")
                      + ".")
    doc.add_paragraph(f"Verouderd (langer dan {summary.stale_weeks} weken geen stand van zaken): "
                      f"{sum(p.verouderd for p in open_punten)}. Over datum (planning verstreken, "
                      f"niet afgerond): {sum(p.over_datum for p in open_punten)}.")
    chart = doc.add_picture(io.BytesIO(status_chart(data.counts_by_basisfunctie)), width=Cm(16))
    _described(chart, "Ontwikkelpunten per basisfunctie", chart_description(data.counts_by_basisfunctie))
    _answers(st, data)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _answers(st: _Styles, data: ExportData) -> None:
    """Bijlage: the Checklist sturing's answers with their dates; each Bouwsteen as the four
    columns of the source."""
    doc = st.doc
    st.heading("Bijlage: Checklist sturing", 1)
    if not data.answers:
        doc.add_paragraph("Nog geen antwoorden.")
        return
    when = lambda at: format_date(at.astimezone(AMSTERDAM).date())  # noqa: E731
    columns = {c.id: c.text for c in checklist().questions if c.id.startswith("bouwsteen1.")}
    bouwstenen: dict[str, dict[str, tuple]] = {}
    current = (None, None)
    for deel, section_title, question, answer, author, at, question_id in data.answers:
        section_id, _, column = question_id.partition(".")
        if section_id.startswith("bouwsteen"):  # a table of four columns of its own, below
            bouwstenen.setdefault(section_title, {})[column] = (answer, author, at)
            continue
        if deel != current[0]:
            st.heading(deel, 2)
        if (deel, section_title) != current:
            doc.add_paragraph(clean(section_title)).runs[0].bold = True
            current = (deel, section_title)
        paragraph = doc.add_paragraph()
        paragraph.add_run(clean(question)).bold = True
        paragraph.add_run(f"\n{clean(answer)}")
        paragraph.add_run(f"\n({clean(author)}, {when(at)})").italic = True
    header = [columns[f"bouwsteen1.{c}"] for c in BOUWSTEEN_COLUMNS]
    if bouwstenen:
        st.heading("Deel II: de Bouwstenen", 2)
    leads = {s.title: s.lead for p in checklist().parts for s in p.sections}
    for title, cells in bouwstenen.items():
        name = doc.add_paragraph(clean(title))
        name.runs[0].bold = True
        name.paragraph_format.space_before = Pt(10)
        if leads.get(title):
            doc.add_paragraph(leads[title]).runs[0].italic = True  # the Bouwsteen's own question
        _table(st, header, [[f"{a}\n({b}, {when(at)})" if (a, b, at) != ("", "", None) else ""
                              for a, b, at in (cells.get(c, ("", "", None)) for c in BOUWSTEEN_COLUMNS)]],
               size=9)
