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
from bot.core.messages import PlaceKind
from bot.core.replies import Abbreviations, QuestionDone, Reply
from dialogues.content import Begrip
from dialogues.flow import Flow

__all__ = ["ACTIVE", "ANSWERED", "KEPT", "PAUSED", "SKIPPED", "Active", "Conversation", "Dialogue",
           "State", "bound_question", "close_asked", "first_uses", "load", "record_ask", "save"]

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


# What a message did to the question it was at (``Context.outcomes``), as its message then says.
ANSWERED, SKIPPED, KEPT = "beantwoord", "overgeslagen", "behouden"
_SAID = {ANSWERED: "Beantwoord door {}.", SKIPPED: "Overgeslagen door {}.",
         KEPT: "Antwoord behouden door {}."}


def record_ask(ctx: Context, questionnaire: str, conv: Conversation) -> tuple[int, list[Reply]]:
    """Record that the bot shows ``conv``'s state now (a question, or the end), because of this
    message: its id, which goes with the prompt (so the adapter can say when the platform showed
    it), and the questions asked before it here, closed."""
    closed = close_asked(ctx, questionnaire, conv)
    return ctx.store.gesprekken.ask(ctx.gemeente["id"], conv.place, questionnaire, conv.state,
                                    ctx.user.id, ctx.sent_at, ctx.at, _has_messages(ctx)), closed


def _has_messages(ctx: Context) -> bool:
    """Whether a question asked here is a message that can change later (not in the console)."""
    return ctx.place.kind is not PlaceKind.CONSOLE


def close_asked(ctx: Context, questionnaire: str, conv: Conversation, why: str = "") -> list[Reply]:
    """The questions still open in this conversation are done with: each one's message says what
    happened (``why``, or what this message did to it) and loses its buttons."""
    if not _has_messages(ctx):
        return []
    done = []
    for asked_id, question in ctx.store.gesprekken.close_open(ctx.gemeente["id"], conv.place,
                                                              questionnaire, ctx.at):
        if outcome := ctx.outcomes.get(question):
            said = _SAID[outcome].format(ctx.user.naam)
        elif why:
            said = why
        elif question == conv.state and conv.status != PAUSED:
            said = "Deze vraag staat hieronder opnieuw; de knoppen staan daar."
        else:
            said = "Het gesprek ging verder; de knoppen staan bij de nieuwste vraag."
        done.append(QuestionDone(asked_id, said))
    return done


def bound_question(ctx: Context, questionnaire: str, conv: Conversation) -> str:
    """The question a typed message answers: the last one its writer could have seen (shown by
    the platform before the message was sent, or brought up by their own earlier message)."""
    shown = ctx.store.gesprekken.shown_question(ctx.gemeente["id"], conv.place, questionnaire, ctx.user.id,
                                                ctx.sent_at)
    return shown or conv.state
