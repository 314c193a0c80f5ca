"""Microsoft Teams: Adaptive Cards 1.5 (what Teams renders), built with microsoft-teams-cards from
the same reply objects as the other renderers.

Text goes into ``TextRun``s of a ``RichTextBlock``, which Teams shows as it is: no Markdown, no
mention and no link is made of anything someone typed. A reply whose card would be larger than
``CARD_BUDGET`` goes as several cards.
"""

from __future__ import annotations

import json
import re
from functools import singledispatch

from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    CardElement,
    Choice,
    ChoiceSetInput,
    Column,
    ColumnSet,
    Container,
    DateInput,
    ExecuteAction,
    Fact,
    FactSet,
    Mention,
    MentionedEntity,
    QueryData,
    RefreshDefinition,
    RichTextBlock,
    ShowCardAction,
    SubmitAction,
    TeamsCardProperties,
    TextBlock,
    TextInput,
    TextRun,
    ToggleVisibilityAction,
)

from bot.core.dutch import AMSTERDAM, format_date, format_moment
from bot.core.replies import (
    ACTIONS,
    Abbreviations,
    AnswerVersions,
    CommandUsage,
    FormErrors,
    Handed,
    Help,
    HomeView,
    Notice,
    OpenForm,
    Paused,
    ProgressReport,
    PuntDetail,
    PuntList,
    PuntSummary,
    QuestionList,
    QuestionPrompt,
    Recap,
    Regiobeeld,
    Reminder,
    Reply,
    Summary,
    Tone,
    Welcome,
)
from bot.core.text import CHANNEL, MAX_ANSWER_LENGTH, PRIVATE, show_typed, still_typed, typed
from bot.ontwikkelplan.form import Field, Kind, form_spec
from bot.render import plain
from dialogues.content import Ontwikkelplan

RUN_LIMIT = 10_000  # characters of one piece of text: more than an answer or a notice holds
CARD_BUDGET = 28_000  # bytes of one card: Teams takes more, but not everywhere
MAX_LISTED = 100  # ontwikkelpunten in a list (over cards); the export has them all
SUMMARY_LISTED = 30
OFFER = "bestand"  # what a file offer's context is sealed for
FORM = "leidraad_formulier"  # the data of a button that opens a dialog, and of its submit
PUNT_DIALOG = "ontwikkelpunt"  # the ontwikkelpunt dialog's id, and its submit's action
CHOOSE = "Kies…"  # what an empty choice list says
VERB = "gesprek"  # the verb of a question's buttons (Action.Execute)
VIEW = "vraag"  # the verb with which Teams asks for a card as it is for one reader (refresh)
# Text is always in the default colour: Teams' good, warning and attention colours fail WCAG's
# 4.5:1 in the light or the dark theme. A warning or an error stands in a box of that style (its
# background is light in both themes, its text dark), and its words say what happened.
_BOXES = {Tone.WARNING: "warning", Tone.ERROR: "attention"}
_MARKS = {Tone.INFO: "", Tone.SUCCESS: "✓ ", Tone.WARNING: "! ", Tone.ERROR: "✗ "}

ACTED_ON = ACTIONS  # the adapter's, not cards
HOME_LISTED = 30
_MARK = re.compile(r"^[✓!✗] ")  # the console's mark of a tone, which a card shows by colour
_MARKUP = re.compile(r"[<>*_`~\[\]()#\\]")  # what a TextBlock would read as markup
BOT_NAME = "Leidraadbot"  # as the app package names it, and people @mention it


def addressed_command(command: str, where: str = CHANNEL) -> str:
    """A command to type in a channel or group chat, where the bot hears only who names it (or,
    for the personal chat, as it is)."""
    return plain.quoted_command(command) if where == PRIVATE else f"‘@{BOT_NAME} {command}’"


def personal_command(command: str, where: str = "") -> str:
    """A command to type in the personal chat with the bot (or in the team's channel)."""
    return addressed_command(command) if where == CHANNEL else plain.quoted_command(command)


# --- text -----------------------------------------------------------------------------------------

def run(text: str, **style) -> TextRun:
    """A piece of text shown exactly as it is (cut at ``RUN_LIMIT``, so one card part always
    stays within the budget)."""
    return TextRun(text=_cut(text, RUN_LIMIT), **style)


def line(text: str, **style) -> RichTextBlock:
    return RichTextBlock(inlines=[run(text, **style)])


def heading(text: str, sub: bool = False) -> CardElement:
    """A heading that a screen reader announces as one (a ``TextBlock`` in the heading style); a
    text a TextBlock would read as markup stays a plain bold line."""
    if _MARKUP.search(text):
        return line(text, weight="Bolder", size="Default" if sub else "Medium")
    return TextBlock(text=text, style="heading", wrap=True, **({"size": "Default"} if sub else {}))


def facts(pairs) -> FactSet:
    """Labels and values side by side (our own words and numbers: a FactSet reads Markdown)."""
    return FactSet(facts=[Fact(title=title, value=value) for title, value in pairs])


def subtle(text: str) -> RichTextBlock:
    return line(text, is_subtle=True, size="Small")


def button(label: str, command: str, question_id: str) -> ExecuteAction:
    """A button that sends ``command`` for the question it was shown with: a Universal Action
    (``Action.Execute``), which reaches the bot as an invoke it answers at once."""
    return ExecuteAction(title=label, verb=VERB, data={"cmd": command, "q": question_id})


def form_button(label: str, kind: str, nummer: int | None, gemeente: str) -> SubmitAction:
    """A button that opens the ontwikkelpunt dialog (Teams' task module)."""
    return SubmitAction(title=label, data={"msteams": {"type": "task/fetch"},
                                           "dialog_id": PUNT_DIALOG, FORM: kind,
                                           "nummer": nummer, "gemeente": gemeente})


# --- cards ----------------------------------------------------------------------------------------

def _mentions(items) -> dict[str, Mention]:
    """The owners of these ontwikkelpunten who are Teams users, as mentions by their Entra object
    id: ``<at>Name</at>`` (the name without markup) and its entity."""
    found: dict[str, Mention] = {}
    for punt in items:
        if punt.wie_id.startswith("teams:"):
            name = _MARKUP.sub("", punt.wie or "") or "eigenaar"
            found.setdefault(f"<at>{name}</at>", Mention(text=f"<at>{name}</at>", mentioned=MentionedEntity(
                id=punt.wie_id.rsplit(":", 1)[1], name=name)))
    return found


def cards(reply: Reply, addressed: bool = False) -> list[dict]:
    """A reply as Adaptive Cards: one, or as many as its size needs (never an element cut); the
    commands it names to type ``addressed`` to the bot (in a channel or group chat)."""
    shown = addressed_command if addressed else personal_command
    elements = show_typed([e.model_dump(exclude_none=True) for e in body(reply)], shown)
    mentions = _mentions(reply.items) if isinstance(reply, Reminder) and not reply.personal else {}
    parts: list[list[dict]] = [[]]
    size = 0
    for element in elements:
        element_size = len(json.dumps(element, ensure_ascii=False).encode())
        if parts[-1] and size + element_size > CARD_BUDGET - 500:
            parts.append([])
            size = 0
        parts[-1].append(element)
        size += element_size
    refresh = _per_reader(reply) if addressed else None
    return [card(part, [m for text, m in mentions.items() if text in json.dumps(part, ensure_ascii=False)],
                 refresh if n == 0 else None)
            for n, part in enumerate(parts)]


def _per_reader(reply: Reply) -> RefreshDefinition | None:
    """For a card that differs per reader where many read it (a question about the one
    answering, in a channel): Teams asks the bot for each reader's own (``refresh``)."""
    if isinstance(reply, QuestionPrompt) and reply.personal:
        return RefreshDefinition(action=ExecuteAction(title="Vernieuwen", verb=VIEW,
                                                      data={"q": reply.question_id}))
    return None


def card(elements: list[dict], mentions: list[Mention] | None = None,
         refresh: RefreshDefinition | None = None) -> dict:
    """An Adaptive Card of these elements, as wide as the chat, with the mentions in its text."""
    return AdaptiveCard(version="1.5", body=elements, refresh=refresh, msteams=TeamsCardProperties(
        width="full", entities=mentions or None)).model_dump(exclude_none=True)


def done_card(posted: dict, outcome: str) -> dict:
    """A question's card as it was posted, without its buttons, with what happened to it."""
    body = [e for e in posted["body"] if e.get("type") != "ActionSet"]
    kept = {key: value for key, value in posted.items() if key != "refresh"}  # nothing left to renew
    return kept | {"body": [*body, line(outcome, weight="Bolder").model_dump(exclude_none=True)]}


def said(replies: list[Reply], limit: int) -> str:
    """Replies as one plain text, for where Teams shows text only (a dialog's message)."""
    return _cut(" ".join(_plain(reply) for reply in replies), limit)


def summary(reply: Reply, addressed: bool = False) -> str:
    """What a notification of the reply says: its first paragraph."""
    if isinstance(reply, HomeView):
        return "Welkom bij Leidraadbot"
    return _cut(_plain(reply, addressed, first=True), 250)


def _plain(reply: Reply, addressed: bool = False, first: bool = False) -> str:
    """A reply as plain text in one line (or its ``first`` paragraph), without the console's
    marks and line breaks."""
    text = reply.text if isinstance(reply, Notice) else plain.render_one(reply, still_typed, width=None)
    if first:
        text = text.split("\n\n", 1)[0]
    text = show_typed(text, addressed_command if addressed else personal_command)
    return _MARK.sub("", " ".join(text.split()))


def cards_of(replies: list[Reply], addressed: bool = False) -> list[dict]:
    """The cards of the replies that are shown as cards."""
    return [c for reply in replies if not isinstance(reply, ACTED_ON) for c in cards(reply, addressed)]


@singledispatch
def body(reply: Reply) -> list[CardElement]:
    return [line(paragraph) for paragraph in plain.render_one(reply, still_typed, width=None).split("\n\n")]


@body.register
def _(reply: Notice) -> list[CardElement]:
    return boxed([line(_MARKS[reply.tone] + reply.text)], reply.tone)


def boxed(elements: list[CardElement], tone: Tone) -> list[CardElement]:
    """``elements`` in the box of a warning or an error (as they are, for other tones)."""
    return [Container(style=_BOXES[tone], items=elements)] if tone in _BOXES else elements


@body.register
def _(reply: Abbreviations) -> list[CardElement]:
    """The terms in one line, their meanings shown there by a button: the question stays in view."""
    meanings = "afkortingen"
    toggle = ToggleVisibilityAction(title="Uitleg", target_elements=[meanings])
    return [
        ColumnSet(columns=[
            Column(width="stretch", vertical_content_alignment="Center", items=[
                subtle("Afkortingen hierin: " + ", ".join(term for term, _ in reply.terms))]),
            Column(width="auto", items=[ActionSet(actions=[toggle])])]),
        Container(id=meanings, is_visible=False, items=[
            FactSet(facts=[Fact(title=term, value=meaning) for term, meaning in reply.terms]),
            subtle(f"Alle afkortingen: {typed('begrippen')}.")]),
    ]


@body.register
def _(reply: Welcome) -> list[CardElement]:
    return [heading(f"{reply.title} · gemeente {reply.gemeente}"), line(reply.intro),
            subtle(f"{reply.total} vragen in Deel I en Deel II. Typ je antwoord hier, onder elke "
                   "vraag; de antwoorden zijn van de hele gemeente. Typ of kies Hulp voor uitleg.")]


def _question(prompt: QuestionPrompt) -> list[CardElement]:
    result: list[CardElement] = [subtle(plain.progress_line(prompt)
                                        + (" · opnieuw bekijken" if prompt.revisit else ""))]
    if prompt.intro:
        result.append(line(prompt.intro))
    if prompt.lead:
        result.append(line(prompt.lead, italic=True))
    result.append(line(prompt.text, weight="Bolder"))
    if prompt.hints:
        result.append(subtle("Denk aan: " + " · ".join(prompt.hints)))
    return result


@body.register
def _(reply: QuestionPrompt) -> list[CardElement]:
    result = _question(reply)
    if reply.previous:
        heading, byline = plain.previous_lines(reply.previous)
        result += [
            Container(style="emphasis", items=[line(heading), line(reply.previous.text), subtle(byline)]),
            ActionSet(actions=[button("Behouden", "behouden", reply.question_id),
                               button("Vervangen", "vervangen", reply.question_id)]),
        ]
    result.append(ActionSet(actions=_question_buttons(reply.question_id)))
    return result


def _question_buttons(question_id: str, with_help: bool = True) -> list[ExecuteAction]:
    return [button(label, sends, question_id) for label, sends in plain.QUESTION_BUTTONS
            if with_help or sends != "hulp"]


def _commands(lines) -> list[CardElement]:
    return [RichTextBlock(inlines=[run(usage, font_type="Monospace"), run(f": {explanation}")])
            for usage, explanation in lines]


@body.register
def _(reply: Help) -> list[CardElement]:
    result: list[CardElement] = []
    if reply.unknown:
        result.append(line(f"‘{plain.quoted(reply.unknown)}’ ken ik niet. Dit kun je hier vragen:"))
    if reply.prompt:
        result += _question(reply.prompt)
        result += [RichTextBlock(inlines=[run(f"{label}: ", weight="Bolder"), run(text)])
                   for label, text in plain.guide_lines(reply)]
        if reply.folded:  # the commands in the card behind a button
            everything = AdaptiveCard(version="1.5", body=_command_groups(reply.groups))
            return [*result, ActionSet(actions=[
                *_question_buttons(reply.prompt.question_id, with_help=False),
                ShowCardAction(title="Alle commando's", card=everything)])]
    if not reply.unknown:
        result.append(subtle(f"Typ het hier, of in een kanaal met @{BOT_NAME} ervoor."))
    return result + _command_groups(reply.groups)


def _command_groups(groups) -> list[CardElement]:
    return [element for title, lines in groups
            for element in (line(title, weight="Bolder"), *_commands(lines))]


@body.register
def _(reply: CommandUsage) -> list[CardElement]:
    lead, question = plain.usage_sentences(reply, buttons=bool(reply.held))
    result: list[CardElement] = [line(lead)]
    if len(reply.usages) > 1 and not reply.guess:
        result += _commands(reply.usages)
    if question:
        result.append(line(question))
    if reply.held:
        result.append(ActionSet(actions=[button(label, sends, reply.held_question)
                                         for label, sends in plain.held_choices(reply)]))
    return result


@body.register
def _(reply: AnswerVersions) -> list[CardElement]:
    result: list[CardElement] = [line(f"Vraag {reply.ref}: {reply.question}", weight="Bolder")]
    if not reply.versions:
        return [*result, subtle("Deze vraag is nog niet beantwoord.")]
    first = max(len(reply.versions) - 20, 0)
    for n, version in enumerate(reply.versions[first:], first + 1):
        result.append(Container(style="emphasis", items=[
            line(version.text), subtle(f"versie {n} · {version.author} · {format_moment(version.at)}")]))
    result.append(subtle(f"{plain.versions_lead(reply)}. {plain.restore_hint(reply)}"))
    return result


@body.register
def _(reply: ProgressReport) -> list[CardElement]:
    result: list[CardElement] = [heading("Voortgang")]
    part = None
    for section in reply.sections:
        if section.part != part:
            part = section.part
            result.append(line(part, weight="Bolder"))
        result.append(line(f"• {section.title}: {section.answered} beantwoord, {section.skipped} "
                           f"overgeslagen, {section.open} open"))
    return [*result, subtle(reply.where)]


def _listed(items) -> list[CardElement]:
    return [RichTextBlock(inlines=[run(item.ref, weight="Bolder"), run(f" {item.text} "),
                                   run(f"({item.status})", is_subtle=True)]) for item in items]


@body.register
def _(reply: QuestionList) -> list[CardElement]:
    return [line(reply.title, weight="Bolder"), *_listed(reply.items), subtle(reply.footer)]


@body.register
def _(reply: Recap) -> list[CardElement]:
    result: list[CardElement] = [heading(f"Overzicht voor gemeente {reply.gemeente}")]
    result += [line(f"• {t.title}: {t.answered} van {t.total} vragen beantwoord") for t in reply.parts]
    if reply.open:
        result += [line("Nog open", weight="Bolder"), *_listed(reply.open),
                   subtle(f"Typ ‘wijzig {reply.open[0].ref}’ om een vraag alsnog te beantwoorden.")]
    else:
        result.append(line("Alle vragen zijn beantwoord. Dank je wel!"))
    return result


@body.register
def _(reply: Paused) -> list[CardElement]:
    return [line("⏸ " + reply.resume_hint)]


def _punt(punt: PuntSummary, flags: bool = False) -> list[CardElement]:
    planning = punt.planning_text
    result: list[CardElement] = [
        RichTextBlock(inlines=[*(_marks(punt) if flags else []), run(f"#{punt.nummer} ", weight="Bolder"),
                               run(_cut(punt.ontwikkelpunt or "(nog zonder omschrijving)", 200))]),
        subtle(f"wie: {_cut(punt.wie or '?', 100)} · planning: {planning} · {punt.status}"),
    ]
    if punt.stand:
        result.append(line(f"Stand {format_date(punt.stand_at.astimezone(AMSTERDAM).date())}: "
                           f"{_cut(punt.stand, 300)}", is_subtle=True))
    return result


def _punt_line(punt: PuntSummary) -> RichTextBlock:
    """One open ontwikkelpunt in a few words, as a summary lists them (the whole in
    ‘ontwikkelpunt <nummer>’ and the export)."""
    return RichTextBlock(spacing="Small", inlines=[
        *_marks(punt), run(f"#{punt.nummer} ", weight="Bolder"),
        run(_cut(punt.ontwikkelpunt or "(nog zonder omschrijving)", 70)),
        run(f" · {_cut(punt.wie or '?', 30)} · {punt.planning_text} · {punt.status}", is_subtle=True)])


def _marks(punt: PuntSummary) -> list[TextRun]:
    """A bold lead when the punt needs attention: no meaning in colour alone."""
    marks = " · ".join(m for m, on in (("Verouderd", punt.verouderd), ("Over datum", punt.over_datum)) if on)
    return [run(f"{marks}: ", weight="Bolder")] if marks else []


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _stand_button(punt: PuntSummary, gemeente: str) -> ActionSet:
    return ActionSet(actions=[form_button("Stand van zaken bijwerken", "bijwerken", punt.nummer,
                                          gemeente)])


@body.register
def _(reply: PuntList) -> list[CardElement]:
    result: list[CardElement] = [heading(f"Ontwikkelpunten · gemeente {reply.gemeente}")]
    listed = 0
    total = sum(len(punten) for _, punten in reply.groups)
    for title, punten in reply.groups:
        result.append(line(f"Basisfunctie {title}", weight="Bolder"))
        for punt in punten[: max(0, MAX_LISTED - listed)]:
            result.append(Container(items=[*_punt(punt), _stand_button(punt, reply.gemeente)],
                                    separator=True))
            listed += 1
    notes = []
    if total > listed:
        notes.append(f"en {total - listed} meer; typ {typed('ontwikkelpunt <nummer>')} voor één punt")
    if reply.concepts:
        notes.append("Concepten: " + ", ".join(f"#{p.nummer}" for p in reply.concepts)
                     + f" (maak af met {typed('afmaken <nummer>')})")
    if reply.closed:
        notes.append(f"{reply.closed} afgerond of vervallen")
    if not reply.groups:
        notes.insert(0, "Nog geen open ontwikkelpunten. Voeg er een toe met "
                     f"{typed('ontwikkelpunt nieuw')}.")
    if notes:
        result.append(subtle(" · ".join(notes)))
    return result


@body.register
def _(reply: PuntDetail) -> list[CardElement]:
    punt = reply.punt
    result: list[CardElement] = [
        heading(f"Ontwikkelpunt #{punt.nummer} · {punt.status}" + (" · concept" if punt.concept else "")),
        *(RichTextBlock(inlines=[run(f"{label}: ", weight="Bolder"), run(value or "—")])
          for label, value in reply.fields),
    ]
    if punt.stand:
        result.append(RichTextBlock(inlines=[
            run(f"Stand van zaken ({format_date(punt.stand_at.astimezone(AMSTERDAM).date())}): ",
                weight="Bolder"), run(punt.stand)]))
    if reply.snoozed:
        result.append(line(reply.snoozed))
    result += [subtle(f"{format_moment(e.at)} · {e.author} · {_cut(e.text, 300)}")
               for e in reply.history[-15:]]
    if not punt.concept:
        result.append(ActionSet(actions=[form_button("Stand van zaken bijwerken", "bijwerken",
                                                     punt.nummer, "")]))
    return result


@body.register
def _(reply: Summary) -> list[CardElement]:
    """Per Deel the answered questions side by side, the bouwstenen's acties, the bestuurlijk
    gesprek, then the open ontwikkelpunten by basisfunctie."""
    result: list[CardElement] = [heading(f"Samenvatting gemeente {reply.gemeente}"),
                                 subtle(f"Stand per {format_date(reply.day)}")]
    if reply.empty:
        return [*result, line(f"Nog niets ingevuld. Begin met {typed('start')} voor de Checklist "
                              f"sturing en {typed('ontwikkelpunt nieuw')} voor het ontwikkelplan.")]
    for part in dict.fromkeys(s.part for s in reply.sections):  # per Deel; the open parts side by side
        sections = [s for s in reply.sections if s.part == part]
        open_ones = [(s.title, f"{s.answered} van {s.total}") for s in sections if s.answered < s.total]
        result += [heading(f"Checklist sturing · {part}: {sum(s.answered for s in sections)} van "
                           f"{sum(s.total for s in sections)} vragen beantwoord", sub=True),
                   facts(open_ones) if open_ones else line("Alle vragen beantwoord.")]
    if reply.handed:
        result.append(line(reply.handed))
    result += [RichTextBlock(inlines=[run(f"Acties {b.title}: ", weight="Bolder"), run(_cut(b.acties, 80))],
                             spacing="Small")
               for b in reply.bouwstenen if b.acties]
    if reply.key_answers:
        result.append(heading("Uit het bestuurlijk gesprek", sub=True))
        result += [RichTextBlock(inlines=[run(f"{a.question}: ", weight="Bolder"), run(_cut(a.text, 80))],
                                 spacing="Small")
                   for a in reply.key_answers]
    open_punten = reply.open_punten
    counts = [f"{count} {label}" for label, count in reply.status_counts]
    counts += [f"{sum(p.verouderd for p in open_punten)} verouderd (langer dan {reply.stale_weeks} weken "
               f"geen stand van zaken)", f"{sum(p.over_datum for p in open_punten)} over datum"]
    result += [heading("Open ontwikkelpunten", sub=True), line(" · ".join(counts))]
    shown = 0
    for title, punten in reply.groups:
        room = SUMMARY_LISTED - shown
        if room <= 0:
            break
        result.append(line(f"Basisfunctie {title}", weight="Bolder"))
        result += [_punt_line(punt) for punt in punten[:room]]
        shown += len(punten[:room])
    if len(open_punten) > shown:
        result.append(subtle(f"en {len(open_punten) - shown} meer; de volledige lijst staat in de "
                             "export: ‘export docx’"))
    return result


@body.register
def _(reply: Regiobeeld) -> list[CardElement]:
    rows = [line(f"{r.gemeente} · Deel I {r.deel1[0]}/{r.deel1[1]} · Deel II {r.deel2[0]}/{r.deel2[1]}"
                 f" · open {r.open} · verouderd {r.verouderd} · over datum {r.over_datum} · afgerond "
                 f"{r.afgerond}") for r in reply.rows[:MAX_LISTED]]
    return [heading(f"Regiobeeld {reply.regio}"),
            subtle(f"Stand per {format_date(reply.day)}; wie aandacht nodig heeft staat bovenaan"),
            *(rows or [line("Nog geen gemeenten in deze regio.")])]


@body.register
def _(reply: Handed) -> list[CardElement]:
    return [line(plain.handed_intro(reply)),
            facts((ref, _cut(text, 300)) for ref, text in reply.questions),
            ActionSet(actions=[button("Beginnen", reply.start, None)])]


@body.register
def _(reply: Reminder) -> list[CardElement]:
    result: list[CardElement] = [
        line(("Stuurgroep · " if reply.meeting else "Ontwikkelplan · ") + plain.reminder_lead(reply)
             + plain.reminder_intro(reply), weight="Bolder")]
    owners = {} if reply.personal else _mentions(reply.items)
    if owners:  # a mention is markup in a TextBlock, with its entity on the card (see ``cards``)
        result.append(TextBlock(text="Eigenaren: " + ", ".join(owners), wrap=True))
    for punt in reply.items[:MAX_LISTED]:
        later = [button(label, sends, None) for label, sends in plain.snooze_commands(reply, punt)]
        result.append(Container(items=[*_punt(punt, flags=True), _stand_button(punt, reply.gemeente),
                                       *([ActionSet(actions=later)] if later else [])], separator=True))
    if len(reply.items) > MAX_LISTED:
        result.append(subtle(f"en {len(reply.items) - MAX_LISTED} meer: {typed('ontwikkelpunten')}"))
    if reply.questions:
        result.append(line(plain.reminder_questions(reply)))
    return result


@body.register
def _(reply: HomeView) -> list[CardElement]:
    """The welcome when the bot is added, and someone's overview: what the bot does, how to begin,
    how far each of their gemeenten is."""
    result: list[CardElement] = [
        heading("Welkom bij Leidraadbot"),
        line("Ik help je gemeente met de Leidraad Werken aan Veiligheid: we lopen samen de "
             "gespreksvragen van de Checklist sturing door (Deel I en Deel II), ik bewaar de "
             "antwoorden per gemeente, houd de ontwikkelpunten van het ontwikkelplan bij en maak "
             "samenvattingen voor de stuurgroep."),
        line("Zo begin je", weight="Bolder"),
        line("1. In het kanaal van je team: typ ‘@Leidraadbot koppel <gemeente>’. Wie koppelt, "
             "wordt beheerder van de gemeente."),
        line("2. Typ daar ‘@Leidraadbot start’. Het gesprek loopt in de reacties op mijn bericht; "
             "iedereen in het kanaal kan meedoen."),
        line("3. In een persoonlijke chat met mij typ je gewoon: ‘start’, ‘voortgang’, ‘hulp’."),
    ]
    for entry in reply.entries[:HOME_LISTED]:
        progress = " · ".join(f"{t.title}: {t.answered} van {t.total}" for t in entry.parts)
        said = " ".join(text for text in (progress and f"{progress} vragen beantwoord.", entry.handed)
                        if text)
        result.append(RichTextBlock(inlines=[run(f"Gemeente {entry.gemeente} ", weight="Bolder"),
                                             run(f"({entry.role}) {said}")]))
    return result


@body.register
def _(reply: OpenForm) -> list[CardElement]:
    title = (f"Stand van zaken van #{reply.nummer} bijwerken" if reply.kind == "bijwerken" else
             f"Ontwikkelpunt #{reply.nummer} afmaken" if reply.nummer else "Nieuw ontwikkelpunt")
    return [line(title, weight="Bolder"),
            ActionSet(actions=[form_button("Formulier openen", reply.kind, reply.nummer,
                                           reply.gemeente)])]


# --- the ontwikkelpunt dialog ---------------------------------------------------------------------

PEOPLE = "graph.microsoft.com/users?scope=currentContext"  # Teams' people picker


def _choices(options, numbered: bool = False) -> list[Choice]:
    return [Choice(title=f"{o.value} {o.label}" if numbered else o.label, value=o.value) for o in options]


def _aad(user_id: str) -> str:
    """The Microsoft Entra object id in one of our Teams user ids (``teams:<tenant>:<id>``)."""
    return user_id.rsplit(":", 1)[-1] if user_id.startswith("teams:") else ""


def _input(field: Field, error: str = "") -> CardElement:
    """A field of the form: the input with its label (which a screen reader reads with it), the
    Leidraad's guidance under it, whole, and what is wrong with it, if anything."""
    items: list[CardElement] = [_widget(field)]
    if field.guidance:
        items.append(subtle(field.guidance))
    if error:
        items += boxed([RichTextBlock(inlines=[run("Niet opgeslagen: ", weight="Bolder"), run(error)])],
                       Tone.ERROR)
    return Container(items=items)


def _widget(field: Field) -> CardElement:
    required = {"is_required": True, "error_message": field.missing} if field.required else {}
    if field.kind is Kind.TEXT:
        return TextInput(id=field.id, label=field.label, is_multiline=True,
                         max_length=MAX_ANSWER_LENGTH, value=field.value, **required)
    if field.kind is Kind.DATE:
        return DateInput(id=field.id, label=field.label, value=field.value, **required)
    if field.kind is Kind.PERSON:
        return ChoiceSetInput(id=field.id, label=field.label, choices=[], placeholder=CHOOSE,
                              choices_data=QueryData(dataset=PEOPLE),
                              value=_aad(field.value or "") or None, **required)
    return ChoiceSetInput(id=field.id, label=field.label, value=field.value, placeholder=CHOOSE,
                          style="filtered" if field.groups else "compact",  # type to find a thema
                          choices=_choices(field.every_option, numbered=bool(field.groups)),
                          **required)


def punt_form(form: OpenForm, plan: Ontwikkelplan, errors: FormErrors | None = None,
              entered: dict | None = None) -> dict:
    """The dialog card for a new ontwikkelpunt (or completing concept #nummer), or a stand van
    zaken; with ``errors``, shown again with what was ``entered`` and what is wrong, in Dutch."""
    spec = form_spec(form, plan, entered)
    said = {field: show_typed(text, personal_command) for field, text in (errors.errors if errors else ())}
    result: list[CardElement] = []
    if said:  # what is wrong: at the top in short, and next to each field
        labels = [f.label for f in spec.fields if f.id in said]
        elsewhere = [text for field, text in said.items() if field not in {f.id for f in spec.fields}]
        result += boxed([RichTextBlock(inlines=[
            run("Niet opgeslagen. ", weight="Bolder"),
            run(f"Kijk bij: {', '.join(labels)}." if labels else "")]),
            *(line(f"• {text}") for text in elsewhere)], Tone.ERROR)
    if spec.heading:
        result.append(line(spec.heading, weight="Bolder"))
    result += [_input(field, said.get(field.id, "")) for field in spec.fields]
    result.append(ActionSet(actions=[SubmitAction(
        title=spec.submit, data={"action": PUNT_DIALOG, FORM: form.kind, "nummer": form.nummer,
                                 "gemeente": form.gemeente, "as_of": form.as_of})]))
    return card([e.model_dump(exclude_none=True) for e in result])
