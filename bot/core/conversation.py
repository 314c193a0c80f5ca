"""Conversations: a dialogue (the gesprek, an ontwikkelpunt's fields) going on in one place.

A conversation is saved per gemeente, place and questionnaire, so it survives restarts. Every
question the bot asks is recorded with who caused it; a typed answer is bound to the question its
writer could have seen (``bound_question``), so answers that arrive close together land where
they belong.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from bot.core.context import Context
from bot.core.replies import Notice, QuestionPrompt, Reply
from bot.core.text import typed
from dialogues.content import Begrip, Questionnaire
from dialogues.flow import END, Flow

ACTIVE = "actief"
PAUSED = "gepauzeerd"


@dataclass
class Conversation:
    """A dialogue in one place: where it is, what the user skipped there, and a text the bot
    asked about before storing it (``held``: by, text, question, guess, and the state it came
    ``while``: it waits as long as the conversation stays there)."""

    place: str
    state: str
    status: str = ACTIVE
    skipped: set[str] = field(default_factory=set)
    return_to: str | None = None
    pending: dict | None = None
    held: dict | None = None

    @property
    def done(self) -> bool:
        return self.state == END


class Dialogue(Protocol):
    """What the service asks of a dialogue; the gesprek's words (overslaan, terug, ...) act on
    whichever dialogue is going on in a place."""

    questionnaire: Questionnaire
    flow: Flow

    def answer(self, ctx: Context, conv: Conversation, text: str, question: str) -> list[Reply]:
        """Take ``text`` as the answer to ``question`` (normally the current one)."""

    def skip(self, ctx: Context, conv: Conversation) -> list[Reply]: ...

    def back(self, ctx: Context, conv: Conversation) -> list[Reply]: ...

    def keep(self, ctx: Context, conv: Conversation) -> list[Reply]: ...

    def replace(self, ctx: Context, conv: Conversation) -> list[Reply]: ...

    def pause(self, ctx: Context, conv: Conversation) -> list[Reply]: ...

    def current(self, ctx: Context, conv: Conversation) -> list[Reply]:
        """Where the dialogue is: its question again."""

    def prompt(self, ctx: Context, conv: Conversation) -> QuestionPrompt | None:
        """The current question, for help; None at the end."""

    def label(self, question: str) -> str:
        """A question in a sentence: ``vraag 1.6``, ``het veld ‘Planning’``."""


@dataclass
class Active:
    """The dialogue going on in a place, with its conversation."""

    dialogue: Dialogue
    conv: Conversation

    def save(self, ctx: Context) -> None:
        save(ctx, self.dialogue.questionnaire.id, self.conv)


def load(ctx: Context, place: str, flow: Flow) -> Conversation | None:
    """The saved conversation of ``flow``'s questionnaire in ``place``; a state the content no
    longer has starts over at the beginning."""
    row = ctx.store.gesprekken.get(ctx.gemeente["id"], place, flow.questionnaire.id)
    if row is None:
        return None
    known = set(flow.states)
    return Conversation(
        place=place,
        state=row["state"] if row["state"] in known else flow.first,
        status=row["status"],
        skipped=set(row["skipped"]) & known,
        return_to=row["return_to"] if row["return_to"] in known else None,
        pending=row["pending"],
        held=row["held"],
    )


def save(ctx: Context, questionnaire: str, conv: Conversation) -> None:
    ctx.store.gesprekken.save(
        {
            "gemeente_id": ctx.gemeente["id"],
            "place": conv.place,
            "questionnaire": questionnaire,
            "state": conv.state,
            "status": conv.status,
            "skipped": conv.skipped,
            "return_to": conv.return_to,
            "pending": conv.pending,
            "held": conv.held,
            "user_id": ctx.user.id,
        },
        ctx.at,
    )


EXPLAINED = "explained"  # in a conversation's pending: the begrippen explained in it already


def first_uses(conv: Conversation, terms: Iterable[Begrip]) -> list[Reply]:
    """The abbreviations about to be shown that this conversation has not explained yet, once."""
    explained = set((conv.pending or {}).get(EXPLAINED, []))
    new = [b for b in terms if b.term not in explained]
    if not new:
        return []
    conv.pending = {**(conv.pending or {}), EXPLAINED: sorted(explained | {b.term for b in new})}
    return [Notice("Afkortingen hierin: " + "; ".join(f"{b.term} = {b.uitleg}" for b in new)
                   + f". Alle afkortingen: {typed('begrippen')}.")]


def record_ask(ctx: Context, questionnaire: str, conv: Conversation) -> int:
    """Record that the bot shows ``conv``'s state now (a question, or the end), because of this
    message; the id goes with the prompt, so the adapter can say when the platform showed it."""
    return ctx.store.gesprekken.ask(ctx.gemeente["id"], conv.place, questionnaire, conv.state, ctx.user.id,
                                    ctx.sent_at, ctx.at)


def bound_question(ctx: Context, questionnaire: str, conv: Conversation) -> str:
    """The question a typed message answers: the last one its writer could have seen (shown by
    the platform before the message was sent, or brought up by their own earlier message)."""
    shown = ctx.store.gesprekken.shown_question(ctx.gemeente["id"], conv.place, questionnaire, ctx.user.id,
                                                ctx.sent_at)
    return shown or conv.state
