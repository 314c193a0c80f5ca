"""Summaries, the regiobeeld and the exports, on a gemeente with a filled plan."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from docx import Document
from openpyxl import load_workbook

from bot.core.dutch import parse_date
from bot.core.messages import Command, Place, PlaceKind, User
from bot.core.replies import ExportFile, Notice, Regiobeeld, Summary
from bot.export import document as document_of
from bot.export import markdown
from bot.render.plain import render
from bot.service import Service
from dialogues.content import checklist

from .conftest import Chat, Clock, console_inbound

TODAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
# (basisfunctie, doel, planning, weeks since the last stand, status)
PUNTEN = [
    (1, "Meldcode *vaker* gebruiken", "1-3-2027", 1, "open"),
    (1, "Zicht op veiligheid in elk plan", "1-10-2026", 2, "in uitvoering"),   # over datum
    (1, "Samenwerken met VT <VT>", "1-6-2027", 10, "in uitvoering"),          # verouderd
    (2, "Preventie structureel bekostigen", "1-2-2027", 12, "open"),          # verouderd
    (2, "Scholen als vindplaats", "1-11-2026", 9, "open"),                    # both
    (3, "Website in begrijpelijke taal", "1-4-2027", 3, "afgerond"),
    (4, "Eén plan per gezin", "1-5-2027", 1, "open"),
    (4, "Regie helder beleggen", "1-1-2026", 1, "vervallen"),
    (5, "Leren van klachten", "1-9-2027", 4, "in uitvoering"),
    (5, "Intervisie voor iedereen", "1-7-2027", 20, "afgerond"),
]


def fill(service: Service, clock: Clock, gemeente: str = "Utrecht", punten=PUNTEN,
         answer_all: bool = True) -> None:
    chat = Chat(service, "Anna", gemeente)
    clock.now = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    chat.start()
    if answer_all:
        for question in checklist().questions:
            chat.say(f"Antwoord op {question.id}")
    for basisfunctie, doel, planning, _, _ in punten:
        past = (planning,) * (parse_date(planning) < clock.now.date())  # asked once: "Klopt dat?"
        for value in ("ontwikkelpunt nieuw", str(basisfunctie), "overslaan", doel, "overslaan",
                      "overslaan", "overslaan", "Anna", planning, *past, "overslaan"):
            chat.say(value)
    for nummer, (_, _, _, weeks, status) in enumerate(punten, 1):
        clock.now = datetime.fromtimestamp(TODAY.timestamp() - weeks * 7 * 86400, UTC)
        chat.say(f"bijwerken {nummer} Stand {weeks} weken geleden")
        if status != "open":
            chat.say(f"status {nummer} {status}")
    clock.now = TODAY


@pytest.fixture
def filled(store):
    clock = Clock()
    service = Service(store, clock=clock)
    fill(service, clock)
    return service, clock


def test_the_summary_counts_and_flags(filled):
    service, _ = filled
    [summary] = Chat(service).say("samenvatting")
    assert isinstance(summary, Summary) and summary.day == date(2026, 12, 1)
    assert all(s.answered == s.total for s in summary.sections)
    assert [a.question for a in summary.key_answers] == [
        "Waar ligt prioriteit", "Wat heb je nodig", "Wat ontbreekt er nog"]
    assert dict(summary.status_counts) == {"open": 4, "in uitvoering": 3, "afgerond": 2,
                                           "vervallen": 1}
    flagged = {p.ontwikkelpunt: (p.verouderd, p.over_datum) for p in summary.open_punten}
    assert len(flagged) == 7
    assert flagged["Zicht op veiligheid in elk plan"] == (False, True)
    assert flagged["Samenwerken met VT <VT>"] == (True, False)
    assert flagged["Scholen als vindplaats"] == (True, True)
    assert flagged["Eén plan per gezin"] == (False, False)
    assert [b.acties for b in summary.bouwstenen] == [f"Antwoord op bouwsteen{n}.acties" for n in range(1, 6)]
    text = " ".join(render([summary]).split())
    assert "Verouderd (langer dan 6 weken geen stand van zaken): 3; over datum: 2." in text
    assert "#5 [VEROUDERD · OVER DATUM] Scholen als vindplaats" in text


def test_the_threshold_is_set_per_gemeente(filled):
    service, _ = filled
    chat = Chat(service)
    assert "verouderd na 11 weken" in " ".join(r.text for r in chat.say("verouderd na 11 weken"))
    [summary] = chat.say("samenvatting")
    assert sum(p.verouderd for p in summary.open_punten) == 1  # only the one of 12 weeks
    assert "1 tot en met 52" in chat.say("verouderd na 0 weken")[0].text
    assert "verouderd na 8 weken" in render(chat.say("verouderd na nul weken"))


def test_markdown_has_the_same_content_escaped(filled):
    service, _ = filled
    text = document_of(service.export("Utrecht", "md"), service.plan.content).decode()
    assert text.startswith("# Samenvatting gemeente Utrecht\n")
    assert "Meldcode \\*vaker\\* gebruiken" in text
    assert "Samenwerken met VT &lt;VT&gt; **verouderd**" in text
    assert "Scholen als vindplaats **verouderd · over datum**" in text
    assert "open: 4, in uitvoering: 3, afgerond: 2, vervallen: 1" in text


def test_user_text_in_markdown_makes_no_list_quote_or_rule(filled, store):
    """An answer "1. lijst van wat ontbreekt" was a numbered list in the export; ``# Kop`` was
    escaped already. Read as a CommonMark reader reads it, the texts stay paragraphs."""
    from markdown_it import MarkdownIt

    service, _ = filled
    gemeente = store.gemeenten.get("utrecht")["id"]
    texts = {"gesprek.prioriteit": "1. lijst van wat ontbreekt", "gesprek.nodig": "- meer formatie",
             "gesprek.ontbreekt": "> een citaat van de wethouder", "bouwsteen1.acties": "---"}
    for question, text in texts.items():
        store.answers.save(gemeente, question, text, "console:anna", "2026-11-30T09:00:00+00:00")
    html = MarkdownIt("commonmark").render(
        document_of(service.export("Utrecht", "md"), service.plan.content).decode())
    assert "<ol" not in html and "<blockquote>" not in html and "<hr" not in html
    for text in ("1. lijst van wat ontbreekt", "- meer formatie", "&gt; een citaat van de wethouder"):
        assert f"<p>{text}</p>" in html
    assert "Acties: ---" in html


def test_an_empty_gemeente_gets_a_useful_summary(service):
    chat = Chat(service, gemeente="Lopik")
    chat.start()
    [summary] = chat.say("samenvatting")
    assert summary.empty
    assert "Nog niets ingevuld" in render([summary])
    assert "Nog niets ingevuld" in markdown.summary(summary)


def test_the_word_document_is_laid_out_as_bijlage_3(filled):
    service, _ = filled
    chat = Chat(service, "Anna")
    for text in ("ontwikkelpunt nieuw", "2", "1", "Partners aan tafel", "stop",  # a concept
                 "algemeen portefeuillehouders Wethouder Jansen", "wijzig 1 thema 6"):
        chat.say(text)
    document = Document(io.BytesIO(document_of(service.export("Utrecht", "docx"), service.plan.content)))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert all({round(s.page_width.cm, 1), round(s.page_height.cm, 1)} == {21.0, 29.7}
               for s in document.sections)  # A4 throughout, on its side for the tables
    xml = document.element.xml
    footers = "".join(s.footer._element.xml for s in document.sections)
    assert " PAGE " in footers and 'TOC \\o "1-2"' in xml
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.startswith("Lokaal Meerjarig Ontwikkelplan 2025-2027 Gemeente Utrecht")
    assert "Datum: 1 december 2026" in text and "Versie: " in text
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "Inhoudsopgave", "Inleiding", "Opbouw ontwikkelplan", "Algemene informatie",
        "Basisfunctie 1: Een veilige leefomgeving", "Basisfunctie 2: Tijdig signaleren van de vraag",
        "Basisfunctie 3: Vindbare en toegankelijke hulp", "Basisfunctie 4: Handelen vanuit een brede blik",
        "Basisfunctie 5: Leren en verbeteren", "Stand van zaken", "Bijlage: Checklist sturing"]
    assert "Verantwoordelijke portefeuillehouder(s): Wethouder Jansen" in text
    assert "Waarom is dit van belang?" in text and "Quickscan 2.1 Samenwerking met betrokken partners" in [
        p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    seven = [t for t in document.tables if len(t.columns) == 7]
    themes = sum(len(b.themes) for b in service.plan.content.basisfuncties)
    loose = 5  # the filled gemeente's ontwikkelpunten have no thema yet: one table per basisfunctie
    assert themes == 28 and len(seven) == themes + loose
    assert [c.text for c in seven[0].rows[0].cells] == [f.label for f in service.plan.content.fields]
    concept = [r for t in seven for r in t.rows if "CONCEPT" in r.cells[0].text]
    assert len(concept) == 1 and "Partners aan tafel" in concept[0].cells[0].text
    first_of_1_6 = seven[5].rows[1].cells[0].text  # quickscan 1.6 holds #1, moved there
    assert first_of_1_6.startswith("#1 (") and "Meldcode *vaker* gebruiken" in first_of_1_6
    assert all(len(t.rows) == 2 and not t.rows[1].cells[0].text for t in seven[6:11])  # to fill in
    bouwstenen = [t for t in document.tables if len(t.columns) == 4]
    assert len(bouwstenen) == 5 and bouwstenen[0].rows[0].cells[0].text == "Wat is er al?"
    assert "(Anna, 1 juni 2026)" in bouwstenen[0].rows[1].cells[0].text
    assert len(document.inline_shapes) == 1  # the chart
    assert "Antwoord op gesprek.prioriteit" in text and "(Anna, 1 juni 2026)" in text
    assert document.core_properties.author == "Leidraadbot"


def test_the_workbook_has_its_sheets_with_filters_and_a_frozen_header(filled, store):
    service, _ = filled
    book = load_workbook(io.BytesIO(document_of(service.export("Utrecht", "xlsx"), service.plan.content)))
    assert book.sheetnames == ["Ontwikkelpunten", "Antwoorden", "Antwoorden-versies", "Geschiedenis"]
    punten = book["Ontwikkelpunten"]
    assert punten.freeze_panes == "A2" and punten.auto_filter.ref == "A1:Q11"
    rows = list(punten.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 10 and rows[1][10] == "in uitvoering"
    assert rows[1][8:10] == ("1 oktober 2026", datetime(2026, 10, 1))  # as written; the deadline
    assert book["Antwoorden"].max_row == 1 + len(checklist().questions)
    assert book["Geschiedenis"].max_row > 10
    history = list(book["Geschiedenis"].iter_rows(min_row=2, values_only=True))
    words = {cell for row in history for cell in row[3:] if isinstance(cell, str)}
    assert not words & {"stand", "veld", "in_uitvoering", "beoogd_resultaat", "verbeteractie"}
    assert {"stand van zaken", "status"} <= words and "in uitvoering" in words  # as people say it
    versions = list(book["Antwoorden-versies"].iter_rows(min_row=2, values_only=True))
    gemeente = store.gemeenten.get("utrecht")["id"]
    assert len(versions) == store.db.execute(
        "SELECT count(*) FROM answers WHERE gemeente_id = ?", [gemeente]).fetchone()[0]
    assert versions[0][0] == "1.1" and versions[0][3] and isinstance(versions[0][4], datetime)


def test_the_workbook_looks_as_before_a_bold_header_on_blue_wrapped_text_dutch_dates(filled):
    service, _ = filled
    book = load_workbook(io.BytesIO(document_of(service.export("Utrecht", "xlsx"), service.plan.content)))
    punten = book["Ontwikkelpunten"]
    head, first = punten["A1"], punten["D2"]
    assert head.font.b and head.font.color.rgb[2:] == "FFFFFF" and head.fill.fgColor.rgb[2:] == "1D4F91"
    assert first.alignment.wrap_text and first.alignment.vertical == "top"
    assert punten["J2"].number_format == "DD-MM-YYYY" and punten["J2"].alignment.wrap_text
    assert punten.column_dimensions["D"].width == 40 and punten.column_dimensions["A"].width == 9


def test_a_formula_in_an_answer_stays_text_in_excel(store):
    clock = Clock()
    service = Service(store, clock=clock)
    chat = Chat(service)
    chat.start()
    chat.say("=HYPERLINK(\"http://example.org\",\"klik\")")
    book = load_workbook(io.BytesIO(document_of(service.export("Utrecht", "xlsx"), service.plan.content)))
    cell = book["Antwoorden"]["D2"]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def test_the_regiobeeld_puts_the_gemeenten_that_need_attention_first(store):
    clock = Clock()
    service = Service(store, clock=clock)
    fill(service, clock, "Utrecht")
    fill(service, clock, "Zeist", punten=PUNTEN[5:7], answer_all=False)
    fill(service, clock, "Houten", punten=PUNTEN[3:5], answer_all=False)
    for naam in ("Utrecht", "Zeist", "Houten"):
        Chat(service, "Anna", naam).say("regio instellen Regio  Utrecht")
    [beeld] = Chat(service).say("samenvatting regio")
    assert isinstance(beeld, Regiobeeld) and beeld.regio == "Regio Utrecht"
    rows = {r.gemeente: r for r in beeld.rows}
    assert [r.gemeente for r in beeld.rows] == ["Utrecht", "Houten", "Zeist"]
    assert (rows["Utrecht"].deel1, rows["Utrecht"].open, rows["Utrecht"].verouderd,
            rows["Utrecht"].over_datum, rows["Utrecht"].afgerond) == ((23, 23), 7, 3, 2, 2)
    assert (rows["Houten"].verouderd, rows["Houten"].over_datum) == (2, 1)
    assert (rows["Zeist"].deel2, rows["Zeist"].afgerond) == ((0, 25), 1)
    assert "| Utrecht | 23/23 | 25/25 | 7 | 3 | 2 | 2 |" in markdown.regiobeeld(beeld)


def test_the_regiobeeld_is_for_projectleiders_only(filled, store):
    service, _ = filled
    Chat(service).say("regio instellen Regio Utrecht")
    user = User("slack:T1:U9", "Bram")
    bram = Command(user, Place(PlaceKind.DIRECT, "slack:T1:D9"), text="samenvatting regio")
    [refusal] = service.handle(bram)
    assert isinstance(refusal, Notice) and "projectleider" in refusal.text
    with store.transaction():
        store.people.ensure(user.id, "Bram", TODAY.isoformat())
        regio = store.gemeenten.regio("regio utrecht", "Regio Utrecht", TODAY.isoformat())
        store.people.add_projectleider(regio["id"], user.id, user.id, TODAY.isoformat())
    [beeld] = service.handle(bram)
    assert isinstance(beeld, Regiobeeld) and [r.gemeente for r in beeld.rows] == ["Utrecht"]


def test_export_in_the_console_points_to_the_command_line(filled):
    service, _ = filled
    [hint] = service.handle(console_inbound(text="export docx"))
    assert "leidraadbot export --gemeente Utrecht" in hint.text
    [document] = service.handle(replace(console_inbound(text="export xlsx"), forms=True))
    assert isinstance(document, ExportFile)
    assert document.filename == "ontwikkelplan-utrecht-2026-12-01.xlsx"


def test_a_pdf_needs_libreoffice_and_says_so_in_dutch_where_it_is_missing(filled, db_path, tmp_path):
    import os
    import subprocess
    import sys

    command = [sys.executable, "-m", "bot", "export", "--db", str(db_path), "--gemeente", "Utrecht",
               "--formaat", "pdf", "-o", str(tmp_path / "plan.pdf")]
    bare = tmp_path / "leeg"  # a PATH without LibreOffice
    bare.mkdir()
    done = subprocess.run(command, env={**os.environ, "PATH": str(bare)}, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 2 and "Voor een PDF is LibreOffice nodig" in done.stderr
    assert not (tmp_path / "plan.pdf").exists()


def test_the_pdf_is_the_word_document_on_a4(filled, db_path, tmp_path):
    import shutil
    import subprocess
    import sys

    if not (shutil.which("soffice") and shutil.which("pdfinfo")):
        pytest.skip("LibreOffice and poppler are not installed here")
    done = subprocess.run([sys.executable, "-m", "bot", "export", "--db", str(db_path), "--gemeente",
                           "Utrecht", "--formaat", "pdf", "-o", str(tmp_path / "plan.pdf")],
                          capture_output=True, text=True, timeout=240, check=False)
    if "Writer" in done.stderr:
        pytest.skip("LibreOffice is here without its Writer")
    assert done.returncode == 0, done.stderr
    info = subprocess.run(["pdfinfo", str(tmp_path / "plan.pdf")], capture_output=True, text=True,
                          check=True).stdout
    assert "(A4)" in info
    import pikepdf

    with pikepdf.open(tmp_path / "plan.pdf") as pdf:  # what a screen reader follows
        root = pdf.Root
        assert str(root.Lang) == "nl-NL" and bool(root.MarkInfo.Marked)
        assert "/StructTreeRoot" in root and bool(root.ViewerPreferences.DisplayDocTitle)
        assert str(pdf.open_metadata().get("dc:title")).startswith("Lokaal Meerjarig Ontwikkelplan")
        kinds = {str(n.S) for n in _structure(root.StructTreeRoot)}
        assert {"/H1", "/Table", "/TH", "/Figure"} <= kinds
        [figure] = [n for n in _structure(root.StructTreeRoot) if str(n.get("/S")) == "/Figure"]
        assert "Staafdiagram van de ontwikkelpunten per basisfunctie" in str(figure.Alt)


def _structure(node):
    """Every element of a tagged PDF's structure tree."""
    import pikepdf

    kids = node.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from _structure(kid)


def test_the_word_document_says_its_language_title_and_what_the_chart_shows(filled):
    from docx import Document
    from docx.oxml.ns import qn

    service, _ = filled
    document = Document(io.BytesIO(document_of(service.export("Utrecht", "docx"), service.plan.content)))
    lang = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(
        qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "nl-NL" and document.core_properties.language == "nl-NL"
    assert document.core_properties.title == "Lokaal Meerjarig Ontwikkelplan 2025-2027 Gemeente Utrecht"
    assert document.paragraphs[0].style.name == "Title"
    [chart] = document.inline_shapes
    description = chart._inline.docPr.get("descr")
    assert description.startswith("Staafdiagram van de ontwikkelpunten per basisfunctie")
    assert "1. Veilige leefomgeving:" in description and "open" in description
    headers = [table.rows[0]._tr.trPr.find(qn("w:tblHeader")) for table in document.tables]
    assert headers and all(h is not None for h in headers)  # a header row on every table
