"""What people see in Teams: every kind of card the bot makes, from a gesprek, the ontwikkelplan,
the reports and the reminders, drawn by Microsoft's renderer with Teams' light and dark host
configs in Chromium (``tests/look.py``), as a beleidsmedewerker with low vision would meet it.

With ``LEIDRAAD_SCREENSHOTS=docs/beeld`` the test also keeps the pictures of the handleiding there.
"""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path

import pytest

pytest.importorskip("microsoft_teams.cards")

from bot.core.replies import FormErrors, Notice, OpenForm, Reminder, Tell, Tone
from bot.render import teams
from dialogues.content import checklist

from . import look
from .adaptive_cards import nodes
from .conftest import Chat, Clock

# The pictures the handleiding shows, by the name of the card in the gallery.
PICTURES = ("welkom", "vraag", "hulp-bij-een-vraag", "formulier-met-fouten", "samenvatting-vol",
            "toegewezen-vragen", "herinnering-vervanger")


def _gallery(chat, service) -> tuple[dict[str, list[dict] | dict], dict[str, str]]:
    """Every kind of card, as a realistic session of one gemeente makes them, by name; and the
    texts whose place in a card matters (the first question after ``start``)."""
    named: dict[str, list] = {}

    def keep(name: str, replies) -> None:
        named[name] = list(replies)

    started = chat.start()
    keep("welkom", started)
    keep("vraag", [chat.prompt(started)])
    keep("opgeslagen", chat.say("We hebben een stuurgroep met de wethouder en de directeur sociaal "
                                "domein; die komt elke zes weken bijeen."))
    keep("hulp-bij-een-vraag", chat.say("hulp"))
    keep("hulp-alles", chat.say("hulp alles"))
    keep("bijna-een-commando", chat.say("status afgerond"))
    keep("onbekend-commando", chat.command("overslan"))
    keep("voortgang", chat.say("voortgang"))
    chat.say("wijzig 1.1")
    keep("vorig-antwoord", chat.say("vervangen"))
    keep("versies", chat.say("versies 1.1"))
    keep("pauze", chat.say("pauze"))
    keep("vragenlijst", chat.say("vragen"))
    keep("deel-bestaat-niet", chat.start(3))
    for text in ("ontwikkelpunt nieuw", "1", "1.1", "Een vaste regietafel voor huiselijk geweld "
                 "met de wijkteams", "overslaan", "overslaan", "overslaan", "Anna", "1-3-2027",
                 "Gestart"):
        keep("ontwikkelpunt-stap", chat.say(text))
    keep("ontwikkelpunten", chat.say("ontwikkelpunten"))
    keep("ontwikkelpunt", chat.say("ontwikkelpunt 1"))
    keep("samenvatting", chat.say("samenvatting"))
    keep("herinneringen", chat.say("herinneringen"))
    keep("stuurgroepen", chat.say("stuurgroepen"))
    gemeente = service.store.gemeenten.get("utrecht")
    later = date.today() + timedelta(days=800)  # the planning long past: over datum, verouderd
    items = tuple(p for _, punten in service.plan.open_groups(service.store, gemeente, later)
                  for p in punten)
    assert items and all(p.over_datum for p in items)
    keep("herinnering-status", [Reminder("status", "Utrecht", items, None, 6)])
    keep("herinnering-persoonlijk", [Reminder("status", "Utrecht", items, None, 6, personal=True)])
    keep("herinnering-vervanger", [Reminder("status", "Utrecht", items, None, 6, personal=True,
                                            on_behalf="Bram Jansen")])
    keep("herinnering-met-vragen", [Reminder("status", "Utrecht", (), None, 6, personal=True, questions=(
        ("2.3", "Wat ontbreekt er nog"), ("2.4", "Waar ligt prioriteit")))])
    [handed] = [r for r in chat.command("toewijzen 2.1-2.3 Bram Jansen") if isinstance(r, Tell)]
    keep("toegewezen-vragen", handed.replies)
    keep("toewijzingen", chat.command("toewijzingen"))
    keep("uitgesteld", chat.command("afwezig tot 1-6-2026 vervanger Cor"))
    for tone in Tone:
        keep(f"melding-{tone}", [Notice("Je hoort nog bij geen enkele gemeente. Vraag een "
                                        "beheerder van je gemeente om je toe te voegen.", tone)])
    colleague = Chat(service, "Bram", "Zeist")  # help at every question of both Delen
    colleague.start()
    colleague.say("doorloop alles")
    for n, _ in enumerate(checklist().questions):
        keep(f"hulp-{n + 1}", colleague.say("hulp"))
        colleague.say("overslaan")
    keep("samenvatting-vol", _full_summary(service))
    # the cards of one message, which Teams shows one under the other
    cards: dict[str, list[dict] | dict] = {name: shown for name, replies in named.items()
                                           if (shown := teams.cards_of(replies))}
    plan = service.plan.content
    values = (("basisfunctie", "2"), ("thema", "1"), ("ontwikkelpunt", "Signalen eerder delen"),
              ("wie_id", ""), ("status", "open"), ("planning", "2027-02-31"))
    cards["formulier-nieuw"] = teams.punt_form(OpenForm("nieuw"), plan)
    cards["formulier-bijwerken"] = teams.punt_form(OpenForm("bijwerken", 1, values, "Utrecht"), plan)
    cards["formulier-met-fouten"] = teams.punt_form(
        OpenForm("nieuw"), plan, FormErrors((("planning", "Die datum bestaat niet: 31-2-2027."),
                                             ("wie", "Kies wie het oppakt."))), dict(values))
    cards["vraag-beantwoord"] = [teams.done_card(card, "Beantwoord door Anna.") for card in cards["vraag"]]
    # what a button shows in the card itself (the meanings of the abbreviations), shown
    cards["welkom-uitleg-open"] = json.loads(json.dumps(cards["welkom"]).replace(
        '"isVisible": false', '"isVisible": true'))
    assert cards["welkom-uitleg-open"] != cards["welkom"]
    return cards, {"welkom": chat.prompt(started).text[:40]}


@pytest.fixture(scope="module")
def looks(tmp_path_factory) -> tuple[dict[str, dict], dict[tuple[str, str], look.Look]]:
    look.require()
    from bot.service import Service
    from store import Store
    store = Store(tmp_path_factory.mktemp("look") / "look.db", durable=False)
    service = Service(store, clock=Clock())
    cards, find = _gallery(Chat(service), service)
    store.close()
    folder = os.environ.get("LEIDRAAD_SCREENSHOTS")
    seen = look.render(cards, Path(folder) if folder else None, find)
    if folder:  # only the pictures the handleiding shows
        for picture in Path(folder).glob("*.png"):
            if picture.stem.rsplit("-", 1)[0] not in PICTURES:
                picture.unlink()
    return cards, {(s.name, s.theme): s for s in seen}


def _full_summary(service) -> list:
    """The summary of a gemeente that answered every question and has twelve open
    ontwikkelpunten, as before a stuurgroep."""
    chat = Chat(service, "Carla", "Houten")
    chat.start()
    chat.say("doorloop alles")
    for question in checklist().questions:
        chat.say(f"In Houten is dit geregeld via het sociaal team ({question.id}); de wethouder is "
                 "opdrachtgever en we evalueren elk half jaar.")
    for n in range(12):
        for text in ("ontwikkelpunt nieuw", str(n % 5 + 1), f"{n % 5 + 1}.1",
                     f"Werkafspraken maken met Veilig Thuis over terugkoppeling, deel {n + 1}",
                     "overslaan", "overslaan", "overslaan", "Carla", "1-3-2027", "Gestart"):
            chat.say(text)
    return chat.say("samenvatting")


def test_every_kind_of_card_is_in_the_gallery(looks):
    cards, seen = looks
    assert len(cards) >= 25 and len(seen) == 2 * len(cards)
    kinds = {element.get("type") for card in cards.values() for element in nodes(card)}
    assert {"RichTextBlock", "Container", "ActionSet", "Input.ChoiceSet", "Input.Text",
            "Input.Date"} <= kinds


def test_no_text_fails_the_contrast_of_wcag_aa_in_either_theme(looks):
    _, seen = looks
    failing = {key: s.contrast for key, s in seen.items() if s.contrast}
    assert failing == {}, json.dumps({f"{n} ({t})": c for (n, t), c in failing.items()}, indent=1,
                                     ensure_ascii=False)


def test_help_at_any_question_fits_on_one_screen(looks):
    cards, seen = looks
    helped = [s for s in seen.values() if s.name.startswith("hulp-") and s.name[5:].isdigit()]
    assert len(helped) == 2 * len(checklist().questions)
    assert all(json.dumps(cards[s.name]).count('"Alle commando\'s"') == 1 for s in helped)
    too_long = {f"{s.name} ({s.theme})": s.height for s in helped if s.height > 900}
    assert too_long == {}


def test_the_summary_before_a_stuurgroep_fits_in_1400_px(looks):
    cards, seen = looks
    full = json.dumps(cards["samenvatting-vol"], ensure_ascii=False)
    assert full.count("Werkafspraken maken met Veilig Thuis") == 12 and full.count("Bouwsteen 3") == 1
    headings = [n["text"] for n in nodes(cards["samenvatting-vol"]) if n.get("style") == "heading"]
    assert headings[0] == "Samenvatting gemeente Houten" and len(headings) == 5  # what a reader hears
    partial = [n for n in nodes(cards["samenvatting"]) if n.get("type") == "FactSet"]
    assert len(partial) == 2  # per Deel, the parts with open questions side by side
    for theme in ("light", "dark"):
        assert seen["samenvatting-vol", theme].height < 1400


def test_after_start_the_first_question_is_in_view_without_scrolling(looks):
    _, seen = looks
    for theme in ("light", "dark"):
        top = seen["welkom", theme].top
        assert top is not None and top <= 400, f"the first question begins {top} px down ({theme})"


def test_teams_renderer_reads_every_part_of_every_card(looks):
    cards, seen = looks
    warned = {key: look.faults(s, cards[s.name]) for key, s in seen.items()}
    assert {key: w for key, w in warned.items() if w} == {}
