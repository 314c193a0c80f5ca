"""Slack Block Kit, built with slack_sdk's typed blocks from the same reply objects.

Every piece of text that is not the bot's own goes through ``escape`` so an answer such as
``<!channel>`` or ``<@U123>`` is shown, never acted on. Every message carries a plain-text
fallback (the text renderer's output).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import singledispatch

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.dutch import format_moment
from bot.render import text as plain
from bot.replies import (
    CommandHelp,
    Help,
    HomeView,
    Notice,
    Paused,
    ProgressReport,
    QuestionList,
    QuestionPrompt,
    Recap,
    Reply,
    StartThread,
    Tone,
    Welcome,
)

ACTION_PREFIX = "leidraad:"
HOME_CONTINUE = "leidraad_home_continue"
SECTION_LIMIT = 3000  # characters in one section's text
QUOTE_LIMIT = 2500
_ICONS = {Tone.INFO: "", Tone.SUCCESS: ":white_check_mark: ", Tone.WARNING: ":warning: ",
          Tone.ERROR: ":x: "}


@dataclass(frozen=True)
class SlackMessage:
    text: str
    blocks: list[dict]


def escape(text: str) -> str:
    """User text made inert for mrkdwn: ``&``, ``<`` and ``>`` as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _section(mrkdwn: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=_cut(mrkdwn, SECTION_LIMIT)))


def _context(mrkdwn: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=_cut(mrkdwn, SECTION_LIMIT))])


def button(label: str, command: str, question_id: str, style: str | None = None) -> ButtonElement:
    """A button that sends ``command`` for the question it was shown with."""
    return ButtonElement(
        text=PlainTextObject(text=label),
        action_id=ACTION_PREFIX + command,
        value=json.dumps({"cmd": command, "q": question_id}),
        style=style,
    )


def render(replies: list[Reply]) -> list[SlackMessage]:
    """One Slack message per reply (a StartThread is the adapter's to act on, not to show)."""
    return [
        SlackMessage(text=plain.render_one(reply), blocks=[b.to_dict() for b in blocks(reply)])
        for reply in replies
        if not isinstance(reply, StartThread)
    ]


@singledispatch
def blocks(reply: Reply) -> list[Block]:
    return [_section(escape(plain.render_one(reply)))]


@blocks.register
def _(reply: Notice) -> list[Block]:
    return [_section(_ICONS[reply.tone] + escape(reply.text))]


@blocks.register
def _(reply: Welcome) -> list[Block]:
    return [
        HeaderBlock(text=PlainTextObject(text=f"{reply.title} · gemeente {reply.gemeente}"[:150])),
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
        result += [
            _section(f"Er is al een antwoord van de gemeente:\n{quote}"),
            _context(f"door {escape(reply.previous.author)} op {format_moment(reply.previous.at)}"),
            ActionsBlock(elements=[button("Behouden", "behouden", reply.question_id, "primary"),
                                   button("Vervangen", "vervangen", reply.question_id)]),
        ]
    result.append(ActionsBlock(elements=[
        button("Overslaan", "overslaan", reply.question_id),
        button("Terug", "terug", reply.question_id),
        button("Pauzeren", "pauze", reply.question_id),
        button("Hulp", "hulp", reply.question_id),
    ]))
    return result


@blocks.register
def _(reply: Help) -> list[Block]:
    result: list[Block] = []
    if reply.prompt:
        result += _question_blocks(reply.prompt)
        if not reply.prompt.hints:
            result.append(_context("Er is geen toelichting bij deze vraag. Antwoord in je eigen "
                                   "woorden; kort mag."))
        result.append(DividerBlock())
    result.append(_section("*Wat je kunt typen of klikken*\n" + "\n".join(
        f"• `{name}`: {explanation}" for name, explanation in reply.commands)))
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
    return [_section("\n".join(lines)), _context(escape(reply.where))]


def _listed(items) -> str:
    return "\n".join(f"`{item.ref}` {escape(item.text)} _({item.status})_" for item in items)


@blocks.register
def _(reply: QuestionList) -> list[Block]:
    return [_section(f"*{escape(reply.title)}*\n{_listed(reply.items)}"), _context(escape(reply.footer))]


@blocks.register
def _(reply: Recap) -> list[Block]:
    tallies = "\n".join(f"• {escape(t.title)}: {t.answered} van {t.total} vragen beantwoord"
                        for t in reply.parts)
    result: list[Block] = [_section(f"*Overzicht voor gemeente {escape(reply.gemeente)}*\n{tallies}")]
    if reply.open:
        result += [_section(f"*Nog open*\n{_listed(reply.open)}"),
                   _context(f"Typ `wijzig {reply.open[0].ref}` om een vraag alsnog te beantwoorden.")]
    else:
        result.append(_section("Alle vragen zijn beantwoord. Dank je wel!"))
    return result


@blocks.register
def _(reply: Paused) -> list[Block]:
    return [_section(":double_vertical_bar: " + escape(reply.resume_hint))]


@blocks.register
def _(reply: CommandHelp) -> list[Block]:
    result: list[Block] = []
    if reply.unknown:
        hint = f" Bedoel je `/leidraad {reply.suggestion}`?" if reply.suggestion else ""
        result.append(_section(f":grey_question: ‘{escape(reply.unknown)}’ ken ik niet.{hint}"))
    result.append(_section("*Leidraadbot*: de Checklist sturing van de Leidraad Werken aan "
                           "Veiligheid, als gesprek.\n" + "\n".join(
                               f"• `{usage}`: {explanation}" for usage, explanation in reply.commands)))
    return result


def home_view(view: HomeView) -> dict:
    """The App Home tab: per gemeente the user belongs to, progress and a button to continue."""
    result: list[Block] = [HeaderBlock(text=PlainTextObject(text="Leidraadbot"))]
    if not view.entries:
        result.append(_section("Je hoort nog bij geen gemeente. Koppel het kanaal van je team met "
                               "`/leidraad koppel <gemeente>`, of vraag een beheerder om je toe te "
                               "voegen."))
    for entry in view.entries:
        progress = " · ".join(f"{escape(t.title)}: {t.answered} van {t.total}" for t in entry.parts)
        result += [
            DividerBlock(),
            SectionBlock(
                text=MarkdownTextObject(text=f"*Gemeente {escape(entry.gemeente)}* ({entry.role})\n"
                                             f"{progress} vragen beantwoord"),
                accessory=ButtonElement(text=PlainTextObject(text="Verder met het gesprek"),
                                        action_id=HOME_CONTINUE, value=entry.gemeente,
                                        style="primary"),
            ),
        ]
    return {"type": "home", "blocks": [b.to_dict() for b in result]}
