"""Slack Block Kit (plain dicts, ``bot.render.block_kit``) from the same reply objects.

Every piece of text that is not the bot's own goes through ``escape`` so an answer such as
``<!channel>`` or ``<@U123>`` is shown, never acted on. Every message carries a plain-text
fallback (the text renderer's output).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import singledispatch

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
from bot.core.text import show_typed, still_typed
from bot.ontwikkelplan.form import Field, Kind, form_spec
from bot.ontwikkelplan.plan import FIELD_WORDS
from bot.render import block_kit as kit
from bot.render import plain
from bot.render.block_kit import Block
from dialogues.content import Ontwikkelplan

ACTION_PREFIX = "leidraad:"
HOME_CONTINUE = "leidraad_home_continue"
STAND_BUTTON = "leidraad_punt_bijwerken"
PUNT_FORM = "leidraad_punt_form"
MAX_LISTED = 100  # ontwikkelpunten in a list (over messages); the export has them all
SUMMARY_LISTED = 30  # open ontwikkelpunten in a summary; the export has them all
HOME_LISTED = 30  # gemeenten in the App Home, which holds 100 blocks
SECTION_LIMIT = 3000  # characters in one section's text
QUOTE_LIMIT = 2500
FALLBACK_LIMIT = 3900  # characters of a message's plain text (Slack advises under 4,000)
MESSAGE_BLOCKS = 50  # blocks in one message
MESSAGE_TEXT = 11_000  # characters of block text in one message (Slack refuses from ~12,000)
INPUT_LIMIT = 3000  # characters a modal's text field takes
_ICONS = {Tone.INFO: "", Tone.SUCCESS: ":white_check_mark: ", Tone.WARNING: ":warning: ",
          Tone.ERROR: ":x: "}


@dataclass(frozen=True)
class SlackMessage:
    text: str
    blocks: list[dict]


def slack_command(command: str, where: str = "") -> str:
    """A command to type, as Slack takes it anywhere: the slash command."""
    return f"‘/leidraad {command}’"


def escape(text: str) -> str:
    """User text made inert for mrkdwn: ``&``, ``<`` and ``>`` as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fit(mrkdwn: str, limit: int) -> str:
    """Escaped text cut to ``limit``, never inside an entity (``&amp;``)."""
    if len(mrkdwn) <= limit:
        return mrkdwn
    cut = mrkdwn[: limit - 1]
    if cut.rfind("&") > cut.rfind(";"):
        cut = cut[: cut.rfind("&")]
    return cut + "…"


def _section(mrkdwn: str) -> Block:
    return kit.section(_fit(mrkdwn, SECTION_LIMIT))


def _sections(title: str, lines) -> list[Block]:
    """A list under a title (mrkdwn, both escaped), in as many sections as it needs; a line stays
    whole unless it alone is longer than a section."""
    texts = [title] if title else []
    for line in lines:
        line = _fit(line, SECTION_LIMIT)
        if texts and len(texts[-1]) + 1 + len(line) <= SECTION_LIMIT:
            texts[-1] += "\n" + line
        else:
            texts.append(line)
    return [_section(text) for text in texts]


def _context(mrkdwn: str) -> Block:
    return kit.context(_fit(mrkdwn, SECTION_LIMIT))


def done_blocks(posted: list[Block], outcome: str) -> list[Block]:
    """A question's message as it was posted, without its buttons, with what happened to it
    under it."""
    return [*(b for b in posted if b.get("type") != "actions"), _context(f"*{escape(outcome)}*")]


def button(label: str, command: str, question_id: str, style: str | None = None) -> dict:
    """A button that sends ``command`` for the question it was shown with."""
    action = ACTION_PREFIX + "_".join(command.split())  # unique in its block: a command each
    return kit.button(label, action[:255], json.dumps({"cmd": command, "q": question_id}), style)


ACTED_ON = ACTIONS | OpenForm | HomeView  # not messages: a modal, the Home tab


def messages(reply: Reply) -> list[SlackMessage]:
    """A reply as Slack messages: Block Kit, over as many messages as Slack's limits need, each
    with a plain-text fallback (escaped like the blocks: notifications show it, and ``<!channel>``
    in an answer must not ping there either; cut short, since it is only the fallback)."""
    fallback = escape(plain.render_one(reply, slack_command, width=None))
    parts = _split(show_typed(blocks(reply), slack_command))
    heading = _fit(fallback.split("\n", 1)[0], 200)
    return [SlackMessage(_fit(fallback, FALLBACK_LIMIT) if n == 0 else f"{heading} (vervolg)", part)
            for n, part in enumerate(parts)]


def _split(every: list[dict]) -> list[list[dict]]:
    """Blocks in runs that each fit in one message (never a block cut in two)."""
    parts: list[list[dict]] = [[]]
    size = 0
    for block in every:
        block_size = _text_size(block)
        if parts[-1] and (len(parts[-1]) == MESSAGE_BLOCKS or size + block_size > MESSAGE_TEXT):
            parts.append([])
            size = 0
        parts[-1].append(block)
        size += block_size
    return parts


def _text_size(value) -> int:
    """The characters of text in a block, as Slack counts them toward a message's size."""
    if isinstance(value, list):
        return sum(map(_text_size, value))
    if not isinstance(value, dict):
        return 0
    own = len(value["text"]) if value.get("type") in ("plain_text", "mrkdwn") else 0
    return own + sum(_text_size(v) for v in value.values() if isinstance(v, dict | list))


def messages_of(replies: list[Reply]) -> list[SlackMessage]:
    """The Slack messages of the replies that are shown as messages."""
    return [m for reply in replies if not isinstance(reply, ACTED_ON) for m in messages(reply)]


@singledispatch
def blocks(reply: Reply) -> list[Block]:
    return [_section(escape(plain.render_one(reply, still_typed, width=None)))]


@blocks.register
def _(reply: Notice) -> list[Block]:
    return [_section(_ICONS[reply.tone] + escape(reply.text))]


@blocks.register
def _(reply: Handed) -> list[Block]:
    return [_section(escape(plain.handed_intro(reply))),
            *_sections("", [f"*{ref}* {escape(_cut(text, 300))}" for ref, text in reply.questions]),
            kit.actions([button("Beginnen", reply.start, None, "primary")])]


@blocks.register
def _(reply: Abbreviations) -> list[Block]:
    return [_context(escape(plain.abbreviations_line(reply)))]


@blocks.register
def _(reply: Welcome) -> list[Block]:
    return [
        kit.header(f"{reply.title} · gemeente {reply.gemeente}"[:150]),
        _section(escape(reply.intro)),
        _context(f"{reply.total} vragen in Deel I en Deel II. Antwoord in deze thread of dit gesprek; "
                 "de antwoorden zijn van de hele gemeente. Typ of klik *Hulp* voor uitleg."),
    ]


def _question_blocks(prompt: QuestionPrompt) -> list[Block]:
    result: list[Block] = [_context(escape(plain.progress_line(prompt))
                                    + (" · _opnieuw bekijken_" if prompt.revisit else ""))]
    if prompt.intro:
        result.append(_section(escape(prompt.intro)))
    if prompt.lead:
        result.append(_section(f"_{escape(prompt.lead)}_"))
    result.append(_section(f"*{escape(prompt.text)}*"))
    if prompt.hints:
        result.append(_context("Denk aan: " + " · ".join(escape(h) for h in prompt.hints)))
    return result


@blocks.register
def _(reply: QuestionPrompt) -> list[Block]:
    result = _question_blocks(reply)
    if reply.previous:
        quote = "\n".join("> " + line for line in escape(_cut(reply.previous.text, QUOTE_LIMIT))
                          .splitlines())
        heading, byline = plain.previous_lines(reply.previous)
        result += [
            _section(f"{heading}\n{quote}"),
            _context(escape(byline)),
            kit.actions([button("Behouden", "behouden", reply.question_id, "primary"),
                         button("Vervangen", "vervangen", reply.question_id)]),
        ]
    result.append(_question_buttons(reply.question_id))
    return result


def _question_buttons(question_id: str, with_help: bool = True) -> Block:
    return kit.actions([button(label, sends, question_id) for label, sends in plain.QUESTION_BUTTONS
                        if with_help or sends != "hulp"])


def _command_lines(lines) -> list[str]:
    return [f"• `{escape(usage)}`: {escape(explanation)}" for usage, explanation in lines]


def _command_groups(groups) -> list[Block]:
    return [b for title, lines in groups for b in _sections(f"*{escape(title)}*", _command_lines(lines))]


@blocks.register
def _(reply: Help) -> list[Block]:
    result: list[Block] = []
    if reply.unknown:
        unknown = escape(plain.quoted(reply.unknown))
        result.append(_section(f":grey_question: ‘{unknown}’ ken ik niet. Dit kun je hier vragen:"))
    if reply.prompt:
        result += _question_blocks(reply.prompt)
        result += [_section(f"*{label}:* {escape(text)}") for label, text in plain.guide_lines(reply)]
        if reply.folded:
            return [*result, _question_buttons(reply.prompt.question_id, with_help=False),
                    _context(escape(plain.ALL_COMMANDS))]
        result.append(kit.divider())
    if not reply.unknown:
        result.append(_context("Typ het in de thread of het directe bericht, of met `/leidraad` "
                               "ervoor in een kanaal."))
    return result + _command_groups(reply.groups)


@blocks.register
def _(reply: CommandUsage) -> list[Block]:
    lead, question = plain.usage_sentences(reply, buttons=bool(reply.held))
    result: list[Block] = [_section(":grey_question: " + escape(lead))]
    if len(reply.usages) > 1 and not reply.guess:
        result += _sections("", _command_lines(reply.usages))
    if question:
        result.append(_section(escape(question)))
    if reply.held:
        result.append(kit.actions([button(label, sends, reply.held_question)
                                   for label, sends in plain.held_choices(reply)]))
    return result


@blocks.register
def _(reply: AnswerVersions) -> list[Block]:
    result: list[Block] = [_section(f"*Vraag {reply.ref}*: {escape(reply.question)}")]
    if not reply.versions:
        return [*result, _context("Deze vraag is nog niet beantwoord.")]
    first = max(len(reply.versions) - 20, 0)
    for n, version in enumerate(reply.versions[first:], first + 1):
        quote = "\n".join("> " + line for line in escape(_cut(version.text, QUOTE_LIMIT)).splitlines())
        result += [_section(quote), _context(f"versie {n} · {escape(version.author)} · "
                                             f"{format_moment(version.at)}")]
    result.append(_context(f"{plain.versions_lead(reply)}. {escape(plain.restore_hint(reply))}"))
    return result


@blocks.register
def _(reply: ProgressReport) -> list[Block]:
    lines, part = [], None
    for section in reply.sections:
        if section.part != part:
            part = section.part
            lines.append(f"*{escape(part)}*")
        lines.append(f"• {escape(section.title)}: {section.answered} beantwoord, "
                     f"{section.skipped} overgeslagen, {section.open} open")
    return [*_sections("", lines), _context(escape(reply.where))]


def _listed(items) -> list[str]:
    return [f"`{item.ref}` {escape(item.text)} _({item.status})_" for item in items]


@blocks.register
def _(reply: QuestionList) -> list[Block]:
    return [*_sections(f"*{escape(reply.title)}*", _listed(reply.items)),
            _context(escape(reply.footer))]


@blocks.register
def _(reply: Recap) -> list[Block]:
    tallies = [f"• {escape(t.title)}: {t.answered} van {t.total} vragen beantwoord"
               for t in reply.parts]
    result: list[Block] = _sections(f"*Overzicht voor gemeente {escape(reply.gemeente)}*", tallies)
    if reply.open:
        result += [*_sections("*Nog open*", _listed(reply.open)),
                   _context(f"Typ `wijzig {reply.open[0].ref}` om een vraag alsnog te beantwoorden.")]
    else:
        result.append(_section("Alle vragen zijn beantwoord. Dank je wel!"))
    return result


@blocks.register
def _(reply: Paused) -> list[Block]:
    return [_section(":double_vertical_bar: " + escape(reply.resume_hint))]


def _punt_text(punt: PuntSummary) -> str:
    planning = punt.planning_text
    text = (f"*#{punt.nummer}* {escape(_cut(punt.ontwikkelpunt or '(nog zonder omschrijving)', 200))}"
            f"\nwie: {escape(_cut(punt.wie or '?', 100))} · planning: {planning} · {punt.status}")
    if punt.stand:
        text += (f"\n_Stand {format_date(punt.stand_at.astimezone(AMSTERDAM).date())}:_ "
                 f"{escape(_cut(punt.stand, 300))}")
    return text


@blocks.register
def _(reply: PuntList) -> list[Block]:
    result: list[Block] = [kit.header(f"Ontwikkelpunten · gemeente {reply.gemeente}"[:150])]
    listed = 0
    total = sum(len(punten) for _, punten in reply.groups)
    for title, punten in reply.groups:
        result.append(_section(f"*Basisfunctie {escape(title)}*"))
        for punt in punten[: max(0, MAX_LISTED - listed)]:
            result.append(kit.section(_fit(_punt_text(punt), SECTION_LIMIT), kit.button(
                "Stand van zaken bijwerken", STAND_BUTTON, str(punt.nummer))))
            listed += 1
    notes = []
    if total > listed:
        notes.append(f"en {total - listed} meer; typ `/leidraad ontwikkelpunt &lt;nummer&gt;` voor één punt")
    if reply.concepts:
        notes.append("Concepten: " + ", ".join(f"#{p.nummer}" for p in reply.concepts)
                     + " (maak af met `/leidraad afmaken &lt;nummer&gt;`)")
    if reply.closed:
        notes.append(f"{reply.closed} afgerond of vervallen")
    if not reply.groups:
        notes.insert(0, "Nog geen open ontwikkelpunten. Voeg er een toe met "
                        "`/leidraad ontwikkelpunt nieuw`.")
    if notes:
        result.append(_context(" · ".join(notes)))
    return result


@blocks.register
def _(reply: PuntDetail) -> list[Block]:
    punt = reply.punt
    fields = [f"*{escape(label)}:* {escape(value) or '—'}" for label, value in reply.fields]
    result: list[Block] = [
        _section(f"*Ontwikkelpunt #{punt.nummer}* · {punt.status}"
                 + (" · _concept_" if punt.concept else "")),
        *_sections("", fields),
    ]
    if punt.stand:
        result.append(_section(f"*Stand van zaken "
                               f"({format_date(punt.stand_at.astimezone(AMSTERDAM).date())}):* "
                               f"{escape(punt.stand)}"))
    if reply.snoozed:
        result.append(_context(escape(reply.snoozed)))
    if reply.history:
        lines = [f"{format_moment(e.at)} · {escape(e.author)} · {escape(_cut(e.text, 300))}"
                 for e in reply.history[-15:]]
        result.append(_context("\n".join(lines)))
    if not punt.concept:
        result.append(kit.actions([kit.button("Stand van zaken bijwerken", STAND_BUTTON,
                                              str(punt.nummer))]))
    return result


def _flag_marks(punt: PuntSummary) -> str:
    return "".join(mark for mark, on in ((" :hourglass: _verouderd_", punt.verouderd),
                                          (" :alarm_clock: _over datum_", punt.over_datum)) if on)


@blocks.register
def _(reply: Summary) -> list[Block]:
    result: list[Block] = [
        kit.header(f"Samenvatting gemeente {reply.gemeente}"[:150]),
        _context(f"Stand per {format_date(reply.day)}"),
    ]
    if reply.empty:
        return [*result, _section("Nog niets ingevuld. Begin met `/leidraad start` voor de "
                                  "Checklist sturing en `/leidraad ontwikkelpunt nieuw` voor het "
                                  "ontwikkelplan.")]
    result += _sections("*Checklist sturing*", (
        f"• {escape(s.part)} · {escape(s.title)}: {s.answered} van {s.total}" for s in reply.sections))
    if reply.handed:
        result.append(_context(escape(reply.handed)))
    if reply.key_answers:
        result += _sections("*Uit het bestuurlijk gesprek*", (
            f"• _{escape(a.question)}_: {escape(_cut(a.text, 600))}" for a in reply.key_answers))
    if acties := [b for b in reply.bouwstenen if b.acties]:  # their counts are in the Checklist's
        result += _sections("*Acties per bouwsteen*", (
            f"• {escape(b.title)}: {escape(_cut(b.acties, 200))}" for b in acties))
    open_punten = reply.open_punten
    counts = " · ".join(f"{label}: {count}" for label, count in reply.status_counts)
    result += [kit.divider(), _section(
        f"*Ontwikkelpunten* ({counts})\nVerouderd (langer dan {reply.stale_weeks} weken geen stand "
        f"van zaken): {sum(p.verouderd for p in open_punten)} · over datum: "
        f"{sum(p.over_datum for p in open_punten)}")]
    shown = 0
    for title, punten in reply.groups:
        room = SUMMARY_LISTED - shown
        if room <= 0:
            break
        lines = [_punt_text(p) + _flag_marks(p) for p in punten[:room]]
        shown += len(lines)
        result += _sections(f"*Basisfunctie {escape(title)}*", lines)
    if len(open_punten) > shown:
        result.append(_context(f"en {len(open_punten) - shown} meer; de volledige lijst staat in de "
                               "export: `/leidraad export docx`"))
    return result


@blocks.register
def _(reply: Regiobeeld) -> list[Block]:
    lines = [f"*{escape(r.gemeente)}* · Deel I {r.deel1[0]}/{r.deel1[1]} · Deel II "
             f"{r.deel2[0]}/{r.deel2[1]} · open {r.open} · verouderd {r.verouderd} · over datum "
             f"{r.over_datum} · afgerond {r.afgerond}" for r in reply.rows[:MAX_LISTED]]
    return [kit.header(f"Regiobeeld {reply.regio}"[:150]),
            _context(f"Stand per {format_date(reply.day)}; wie aandacht nodig heeft staat bovenaan"),
            *(_sections("", lines) or [_section("Nog geen gemeenten in deze regio.")])]


def _owner(punt: PuntSummary) -> str:
    """The owner mentioned when they are a Slack user (an id of our own), else their name."""
    if punt.wie_id.startswith("slack:"):
        return f"<@{punt.wie_id.rsplit(':', 1)[1]}>"
    return escape(punt.wie or "?")


@blocks.register
def _(reply: Reminder) -> list[Block]:
    result: list[Block] = [_section(("*Stuurgroep* · " if reply.meeting else "*Ontwikkelplan* · ")
                                    + escape(plain.reminder_lead(reply) + plain.reminder_intro(reply)))]
    for punt in reply.items[:MAX_LISTED]:
        planning = punt.planning_text
        stand = (f"\n_Stand {format_date(punt.stand_at.astimezone(AMSTERDAM).date())}:_ "
                 f"{escape(_cut(punt.stand, 300))}" if punt.stand else "\n_nog geen stand van zaken_")
        result.append(kit.section(_fit(
            f"*#{punt.nummer}* {escape(_cut(punt.ontwikkelpunt, 200))}{_flag_marks(punt)}\n"
            f"{_owner(punt)} · planning: {planning} · {punt.status}{stand}", SECTION_LIMIT),
            kit.button("Stand van zaken bijwerken", STAND_BUTTON, f"{punt.nummer}|{reply.gemeente}")))
        if later := plain.snooze_commands(reply, punt):
            result.append(kit.actions([button(label, sends, None) for label, sends in later]))
    if len(reply.items) > MAX_LISTED:
        result.append(_context(f"en {len(reply.items) - MAX_LISTED} meer: `/leidraad ontwikkelpunten`"))
    if reply.questions:
        result.append(_section(escape(plain.reminder_questions(reply))))
    return result


def _input(block_id: str, label: str, element, hint: str = "", optional: bool = False) -> Block:
    return kit.input_block(block_id, _cut(label, 2000), element, optional,
                           _cut(hint, 2000) if hint else None)


_CHAT_WORD = {field: word for word, field in reversed(FIELD_WORDS.items())}  # the first word


def _text_field(field: Field, nummer: int | None) -> list[Block]:
    """A text field of the form; a value longer than a form field takes is shown instead, kept as
    it is, with the way to change it in the chat."""
    value = field.value or ""
    if len(value) <= INPUT_LIMIT:
        return [_input(field.id, field.label, kit.text_input(INPUT_LIMIT, True, field.value),
                       field.guidance, not field.required)]
    return [_section(f"*{escape(field.label)}*\n{escape(_cut(value, 500))}"),
            _context(f"Deze tekst is langer dan {INPUT_LIMIT} tekens en past niet in dit formulier; "
                     f"hij blijft zoals hij is. Wijzig hem in de chat met `/leidraad wijzig {nummer} "
                     f"{_CHAT_WORD[field.id]}`.")]


def _select(field: Field) -> dict:
    """A choice; a thema by its number within its basisfunctie, under that basisfunctie."""
    def options(choices) -> list[dict]:
        return [kit.option(_cut(f"{o.value.rsplit('.', 1)[-1]}. {o.label}" if field.groups
                                else o.label, 75), o.value) for o in choices]

    initial = next((o for o in options(field.every_option) if o["value"] == field.value), None)
    if field.groups:
        return kit.static_select(option_groups=[kit.option_group(_cut(g.label, 75), options(g.options))
                                                for g in field.groups], initial_option=initial)
    return kit.static_select(options=options(field.options), initial_option=initial)


def _field(field: Field, nummer: int | None) -> list[Block]:
    """A field of the form as Block Kit inputs."""
    if field.kind is Kind.TEXT:
        return _text_field(field, nummer)
    element = {Kind.CHOICE: lambda: _select(field),
               Kind.PERSON: lambda: kit.user_select((field.value or "").rsplit(":", 1)[-1] or None),
               Kind.DATE: lambda: kit.date_picker(field.value)}[field.kind]()
    return [_input(field.id, field.label, element, field.guidance, not field.required)]


def punt_form(form: OpenForm, plan: Ontwikkelplan, metadata: str) -> dict:
    """The modal for a new ontwikkelpunt (or completing concept #nummer), or a stand van zaken."""
    spec = form_spec(form, plan)
    number, _, subject = spec.heading.partition(" ")
    heading = [_section(f"*{escape(number)}* {escape(subject)}")] if spec.heading else []
    return {
        "type": "modal",
        "callback_id": PUNT_FORM,
        "private_metadata": metadata,
        "title": {"type": "plain_text", "text": _cut(spec.title, 24)},
        "submit": {"type": "plain_text", "text": spec.submit},
        "close": {"type": "plain_text", "text": "Annuleren"},
        "blocks": heading + [block for field in spec.fields for block in _field(field, form.nummer)],
    }


def form_errors(reply: FormErrors) -> dict:
    """The ``response_action: errors`` answer to a submitted modal."""
    return {"response_action": "errors", "errors": show_typed(dict(reply.errors), slack_command)}


def thread_anchor(gemeente: str, slack_user: str) -> str:
    """The channel message a gesprek thread hangs under."""
    return (f"Checklist sturing voor gemeente {escape(gemeente)}, gestart door <@{slack_user}>. "
            "Beantwoord de vragen in deze thread; iedereen in het kanaal kan meedoen.")


def home_view(view: HomeView, continue_value: Callable[[str], str] | None, dashboard: str = "") -> dict:
    """The App Home tab: per gemeente the user belongs to, progress and a button to continue in
    the direct message (its value ``continue_value(gemeente)``; without one, where the bot does not
    know that direct message, a word to open the tab again); a link that signs them in to the
    dashboard (``dashboard``, where it is on the web); then the commands."""
    result: list[Block] = [kit.header("Leidraadbot")]
    if dashboard and view.entries:
        result.append(_section(f"<{dashboard}|Open het dashboard> · je gemeente en je regio in één "
                               "oogopslag, in je browser (de link meldt je één keer aan)"))
    if continue_value is None:
        result.append(_context("Die knop was verlopen; er is niets gedaan. Open het tabblad Home "
                               "opnieuw om verder te gaan met het gesprek."))
    if not view.entries:
        result.append(_section("Je hoort nog bij geen gemeente. Koppel het kanaal van je team met "
                               "`/leidraad koppel &lt;gemeente&gt;`, of vraag een beheerder om je toe te "
                               "voegen."))
    for entry in view.entries[:HOME_LISTED]:
        progress = " · ".join(f"{escape(t.title)}: {t.answered} van {t.total}" for t in entry.parts)
        go_on = continue_value and kit.button("Verder met het gesprek", HOME_CONTINUE,
                                              continue_value(entry.gemeente), "primary")
        said = "\n".join(text for text in (progress and f"{progress} vragen beantwoord",
                                            escape(entry.handed)) if text)
        result += [kit.divider(), kit.section(f"*Gemeente {escape(entry.gemeente)}* ({entry.role})\n"
                                              f"{said}", go_on or None)]
    if len(view.entries) > HOME_LISTED:
        result.append(_context(f"en nog {len(view.entries) - HOME_LISTED} gemeenten; typ "
                               "`start &lt;gemeente&gt;` in een direct bericht"))
    if view.groups:
        result += [kit.divider(), _section("*Wat je de bot in een direct bericht kunt vragen*")]
        result += _command_groups(view.groups)
    return {"type": "home", "blocks": result}
