"""Conversations kept: a dialogue (the gesprek, an ontwikkelpunt's fields) going on in one place
(the types, ``Conversation``, ``Dialogue`` and ``Active``, are in ``bot.core.context``).

A conversation is saved per gemeente, place and questionnaire, so it survives restarts. Every
question the bot asks is recorded with who caused it; a typed answer is bound to the question its
writer could have seen (``bound_question``), so answers that arrive close together land where
they belong.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.context import (
    ACTIVE,
    PAUSED,
    Active,
    Context,
    Conversation,
    Dialogue,
    Held,
    State,
    save,
)
from bot.core.replies import Abbreviations, Reply
from dialogues.content import Begrip
from dialogues.flow import Flow

__all__ = ["ACTIVE", "PAUSED", "Active", "Conversation", "Dialogue", "State", "bound_question",
           "first_uses", "load", "record_ask", "save"]

def load(ctx: Context, place: str, flow: Flow, kept: type[State] = State) -> Conversation | None:
    """The saved conversation of ``flow``'s questionnaire in ``place``, with what its dialogue
    keeps (of the kind ``kept``); a state the content no longer has starts over at the beginning."""
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
        pending=kept.from_json(row["pending"]),
        held=Held.from_json(row["held"]) if row["held"] else None,
    )


def first_uses(conv: Conversation, terms: Iterable[Begrip]) -> list[Reply]:
    """The abbreviations about to be shown that this conversation has not explained yet, once."""
    explained = set(conv.pending.explained)
    new = [b for b in terms if b.term not in explained]
    if not new:
        return []
    conv.pending.explained = sorted(explained | {b.term for b in new})
    return [Abbreviations(tuple((b.term, b.uitleg) for b in new))]


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
