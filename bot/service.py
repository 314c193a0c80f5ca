"""The transport-agnostic service: one inbound message in, the replies to send out.

For every message it resolves the gemeente, checks access in one place, loads the conversation,
lets the gesprek decide, and commits everything in one transaction before it returns: whatever
the bot confirms is already stored. A delivery id seen before is ignored (platforms retry).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from bot.access import authorize, may_create_gemeente
from bot.gesprek import Gesprek, Turn
from bot.messages import Inbound
from bot.replies import Notice, Reply, Tone
from bot.textinput import MAX_NAME_LENGTH, gemeente_key, gemeente_naam
from dialogues.content import Questionnaire, checklist
from store import Store

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Service:
    """Handles inbound messages against one store."""

    def __init__(self, store: Store, questionnaire: Questionnaire | None = None,
                 clock: Clock = utc_now):
        self.store = store
        self.gesprek = Gesprek(questionnaire or checklist())
        self.clock = clock

    def handle(self, inbound: Inbound) -> list[Reply]:
        """Process one message; its effects are committed when this returns."""
        naam, key = gemeente_naam(inbound.gemeente), gemeente_key(inbound.gemeente)
        if not key:
            return [Notice("Voor welke gemeente? Geef de naam van de gemeente op.", Tone.ERROR)]
        if len(naam) > MAX_NAME_LENGTH:
            return [Notice(f"‘{naam[:40]}…’ is te lang voor de naam van een gemeente.", Tone.ERROR)]
        now = self.clock()
        at = now.isoformat()
        replies: list[Reply] = []
        with self.store.transaction():
            if inbound.delivery_id and not self.store.claim_delivery(inbound.delivery_id, at):
                log.info("ignoring repeated delivery %s", inbound.delivery_id)
                return []
            gemeente = self.store.gemeente(key)
            if gemeente is None:
                if not may_create_gemeente(inbound.place):
                    return [Notice(f"De gemeente ‘{naam}’ is niet bekend bij Leidraadbot. "
                                   "Controleer de naam, of vraag een beheerder de gemeente te "
                                   "koppelen.", Tone.ERROR)]
                gemeente = self.store.create_gemeente(key, naam, at)
                replies.append(Notice(f"Gemeente {naam} is nieuw in Leidraadbot en is aangemaakt."))
            refusal = authorize(inbound.user, inbound.place, gemeente)
            if refusal:
                return [Notice(refusal.text, Tone.ERROR)]
            self.store.ensure_user(inbound.user.id, inbound.user.naam, at)
            replies += self._converse(Turn(self.store, gemeente, inbound.user, now), inbound)
        return replies

    def _converse(self, turn: Turn, inbound: Inbound) -> list[Reply]:
        questionnaire = self.gesprek.questionnaire.id
        row = self.store.conversation(turn.gemeente["id"], inbound.place.id, questionnaire)
        conv = self.gesprek.restore(row) if row else None
        start = inbound.start or (self.gesprek.start_request(inbound.text) if conv is None else None)
        if start is not None:
            conv, replies = self.gesprek.start(turn, conv, start.deel)
        elif conv is None:
            return [Notice("Er loopt hier nog geen gesprek. Typ ‘start’ om te beginnen.")]
        else:
            replies = self.gesprek.handle(turn, conv, inbound.text)
        self.store.save_conversation(
            {
                "gemeente_id": turn.gemeente["id"],
                "place": inbound.place.id,
                "questionnaire": questionnaire,
                "state": conv.state,
                "status": conv.status,
                "skipped": conv.skipped,
                "return_to": conv.return_to,
                "pending": conv.pending,
                "user_id": turn.user.id,
            },
            turn.now.isoformat(),
        )
        return replies

