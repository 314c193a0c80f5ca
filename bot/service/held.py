"""Texts the bot asked about before storing them: a message in a dialogue that looked like a
command ("status afgerond") is held, and one word (``opslaan``, ``ja``, ``nee``) decides.

A held text waits as long as the conversation stays where it was when the text came, also when
other messages come in between: the bot says once that it still waits, and says so when it has
lapsed (the gesprek went on, it was paused, or another text is held instead).
"""

from __future__ import annotations

from bot.core.context import PAUSED, Active, Context, Held
from bot.core.replies import Notice, Reply
from bot.core.text import one_line

YES = {"ja", "j", "yes", "ja graag", "klopt"}
NO = {"nee", "n", "no", "nee hoor"}
SAVE = {"opslaan", "sla op"}
REPLIES = YES | NO | SAVE


def hold(ctx: Context, active: Active, text: str, question: str, guess: str | None) -> None:
    """Hold ``text`` as the possible answer to ``question`` (it looks like ``guess``)."""
    active.conv.held = Held(ctx.user.id, text, question, guess, active.conv.state)
    active.save(ctx)


def waiting(ctx: Context) -> Held | None:
    """This user's text the bot asked about here, while its question still waits; one that has
    lapsed meanwhile (a colleague went on, a restore) is let go."""
    active = ctx.dialogue
    held = active.conv.held if active else None
    if held is None or held.by != ctx.user.id:
        return None
    if not waits(held, active):
        release(ctx, active)
        return None
    return held


def reply_word(text: str) -> str | None:
    """The word of a reply to what the bot asked (``opslaan``, ``ja``, ``nee``), or None."""
    word = " ".join(text.casefold().strip(" .!").split())
    return word if word in REPLIES else None


def release(ctx: Context, active: Active) -> None:
    active.conv.held = None
    active.save(ctx)


def still_held(ctx: Context, active: Active, held: Held) -> list[Reply]:
    """After another message: that the held text can still be stored (said once), or that it
    has lapsed (the gesprek went on, or another text is held instead)."""
    if ctx.dialogue is not active:  # the message was about another gemeente
        return []
    quoted, label = one_line(held.text, 60), active.dialogue.label(held.question)
    if active.conv.held is held and waits(held, active):
        if held.reminded:
            return []
        held.reminded = True
        active.save(ctx)
        return [Notice(f"“{quoted}” is nog niet opgeslagen. Was het je antwoord bij {label}? "
                       "Typ dan ‘opslaan’; dat kan zolang we bij die vraag zijn.")]
    if active.conv.held is held:
        release(ctx, active)
    return [Notice(f"Je eerdere bericht “{quoted}” is niet opgeslagen bij {label}.")]


def waits(held: Held, active: Active) -> bool:
    """Whether a held text can still be stored: the conversation goes on where it was when the
    text came (the question it answers may be an earlier one, shown before a colleague went on)."""
    return active.conv.state == held.at_state and active.conv.status != PAUSED
