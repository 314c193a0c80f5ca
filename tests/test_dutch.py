"""Everything a user or operator reads is Dutch: every command of the table, its error paths, and
the command line's output, checked against a short list of English words; and help that helps
(what the answer is for, a toelichting from the Handreiking, the begrippen)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bot.core.replies import Abbreviations, Help, QuestionList, Recap
from bot.render.plain import render
from dialogues.content import begrippen, checklist

from .conftest import ROOT, Chat
from .test_access import SAMPLES

# Words that never belong in a Dutch sentence of the bot (whole words; the last ones in any case).
ENGLISH = re.compile(r"\b(the|and|with|not|please|error|failed|invalid|unknown|missing|required|"
                     r"usage|sent|skipped|found|database is locked|readonly|Traceback|None|True|"
                     r"False|Exception|null)\b")

# Each command wrong: a missing or bad argument, a number that does not exist, a typo.
ERROR_PATHS = (
    "bijwerken", "bijwerken 99 tekst", "status 1 half", "status 99 afgerond", "wijzig 1 budget 5",
    "wijzig 1 planning 2027", "wijzig 1 planning 31-02-2027", "wijzig 1 basisfunctie 9",
    "wijzig 99 wie Anna", "afmaken 99", "weggooien 1", "weggooien 99", "ontwikkelpunt 99",
    "geschiedenis 9.9", "terugzetten 1.1 7", "terugzetten 1.1", "deel 3", "export pdf",
    "verouderd na nul weken", "herinnering wekelijks zondag 25:00", "herinnering maandelijks 40 9:00",
    "stuurgroep 31-02-2027 14:00", "stuurgroep verwijder 1-1-2030", "voorbereiding 99 werkdagen",
    "regio instellen", "lid toevoegen anna", "e-maildomein gmail.com", "samenvatting Nepdorp",
    "samenvatting Utreht", "start Nepdorp", "ontwikelpunten", "samenvating", "hulp onzin",
    "", " " * 3, "x" * 5000,
)


def english_in(text: str) -> list[str]:
    return ENGLISH.findall(text)


def test_every_command_and_its_error_paths_answer_in_dutch(service):
    chat = Chat(service)
    chat.start()
    for text in ("ontwikkelpunt nieuw", "1", "1", "Doel", "r", "a", "k", "Anna", "1-3-2027", "stop"):
        chat.say(text)
    said = {}
    for text in (*SAMPLES, *ERROR_PATHS):
        replies = chat.say(re.sub(r"@\w+", "@anna", text))
        said[text] = render(replies)
        assert said[text].strip(), f"no answer to {text!r}"
    english = {text: english_in(out) for text, out in said.items() if english_in(out)}
    assert english == {}


@pytest.mark.parametrize("args", [
    ["chat", "--gemeente", "Utreht", "--gebruiker", "Anna"], ["chat", "--gemeente", "Nepdorp"],
    ["chat"], ["chat", "--deel", "3", "--gemeente", "Utrecht"], ["export", "--gemeente", "Utrecht"],
    ["export", "--gemeente", "Utrecht", "--formaat", "pdf"], ["audit", "--gemeente", "Utreht"],
    ["herinneringen", "--eenmalig"], ["herinneringen", "--voorbeeld"], ["gemeente", "lijst"],
    ["gemeente", "hernoemen", "Utrecht"], ["gemeente", "samenvoegen", "#7", "Utrecht"],
    ["beheerder", "toevoegen", "--gemeente", "Utrecht", "iemand"], ["backup"], ["herstel", "x.db"],
    ["onbekend"], ["--help"],
])
def test_the_command_line_speaks_dutch(tmp_path, args):
    subprocess.run([sys.executable, "-m", "bot", "chat", "--gemeente", "Utrecht", "--gebruiker",
                    "Anna"], cwd=tmp_path, input="Wethouder\n", capture_output=True, text=True,
                   timeout=60, check=True)
    done = subprocess.run([sys.executable, "-m", "bot", *args], cwd=tmp_path, input="", timeout=60,
                          capture_output=True, text=True, check=False)
    out = done.stdout + done.stderr
    assert out.strip() and "Traceback" not in out
    assert english_in(out.replace("--help", "")) == []


def test_hulp_at_a_question_shows_its_hints_its_use_the_handreiking_and_its_begrippen(chat):
    chat.start()
    [help_reply] = chat.say("hulp")
    assert isinstance(help_reply, Help) and help_reply.prompt.hints  # the hints shown above
    shown = render([help_reply])
    assert "Er is geen toelichting" not in shown
    assert "Waar je antwoord voor is: Inventarisatie en checklist" in " ".join(shown.split())
    assert "Toelichting uit de Handreiking (Bijlage 4)" in shown
    assert "HG = huiselijk geweld" in shown and "KM = kindermishandeling" in shown
    usages = {usage for _, lines in help_reply.groups for usage, _ in lines}
    table = {c.usage for c in chat.service.table.commands}
    assert table - usages == {"koppel <gemeente>", "lid toevoegen @iemand",
                              "beheerder toevoegen @iemand", "lid verwijderen @iemand",
                              "projectleider toevoegen @iemand"}  # those need a chat platform


def test_begrippen_explains_every_abbreviation_and_each_is_explained_at_its_first_use(chat):
    *_, listing = chat.say("begrippen")
    for term in ("HG", "KM", "HGKM", "VT", "GI", "RvdK", "ZSM", "NvO", "Wmo"):
        assert f"• {term}: " in listing.text
    assert len(listing.text.splitlines()) == 1 + len(begrippen())
    replies = chat.start()
    [first] = [dict(r.terms) for r in replies if isinstance(r, Abbreviations)]
    assert first["HG"] == "huiselijk geweld"
    assert "HG = huiselijk geweld" in render(replies)
    explained_again = [r for text in ("Wethouder", "Mijn rol", "Ja", "wijzig 1.1")
                       for r in chat.say(text) if isinstance(r, Abbreviations) and "HG" in dict(r.terms)]
    assert explained_again == []  # once per gesprek
    said = [dict(r.terms) for r in chat.say("wijzig wmo") if isinstance(r, Abbreviations)]
    assert any(t.get("Wmo", "").startswith("Wet maatschappelijke ondersteuning") for t in said)  # WMO


def test_deel_ii_lists_name_their_bouwsteen_and_bovenstaande_shows_what_it_means(chat):
    chat.start()
    [listing] = [r for r in chat.say("deel 2") + chat.say("wijzig") if isinstance(r, QuestionList)]
    texts = [q.text for q in listing.items]
    assert texts.count("Wat is er al?") == 0
    assert "Bouwsteen 3: Wat is er al?" in texts and "Bestuurlijk gesprek – lokaal: Wat is er al" in texts
    for _ in checklist().part(2).questions:
        replies = chat.say("overslaan")
    [recap] = [r for r in replies if isinstance(r, Recap)]
    assert "Bouwsteen 5: Welke acties zijn daarvoor nodig?" in [q.text for q in recap.open]
    prompt = chat.prompt(chat.say("wijzig 1.3"))
    assert "Aanpak HG en KM" in prompt.hints and "vraag 1.1" in prompt.lead


def test_pauze_in_the_console_says_how_to_go_on_there(tmp_path):
    done = subprocess.run([sys.executable, "-m", "bot", "chat", "--gemeente", "Utrecht",
                           "--gebruiker", "Anna"], cwd=tmp_path, input="Wethouder\npauze\n",
                          capture_output=True, text=True, timeout=60, check=True)
    said = " ".join(done.stdout.split())
    assert "Start later opnieuw met leidraadbot chat --gemeente \"Utrecht\"" in said
    assert "Typ ‘verder’" not in said


def test_the_user_guide_names_every_command(service):
    guide = (ROOT / "docs" / "handleiding.md").read_text(encoding="utf-8")
    missing = [c.name for c in service.table.commands if f"`{c.name}" not in guide]
    assert missing == []
    assert "docs/handleiding.md" in (ROOT / "README.md").read_text(encoding="utf-8")
