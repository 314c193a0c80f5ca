"""Finding things for a message: its gemeente, the user's rights there, and its conversations.

Every handler goes through the desk, so the gemeente is always resolved and access always checked
the same way (the rules themselves are in ``bot.core.access``).
"""

from __future__ import annotations

from bot.core.access import Facts, Need, authorize, may_create_gemeente
from bot.core.context import Clock, Context, Problem
from bot.core.dutch import AMSTERDAM
from bot.core.messages import PlaceKind, User
from bot.core.replies import Notice, Tone
from bot.core.text import MAX_NAME_LENGTH, gemeente_key, gemeente_naam
from bot.gesprek.checklist import Conversation, Gesprek, Turn, restore
from bot.ontwikkelplan.plan import PuntWalk
from dialogues.flow import END
from store import Store


class Desk:
    """The shared lookups of the service's handlers."""

    def __init__(self, store: Store, gesprek: Gesprek, walk: PuntWalk, clock: Clock):
        self.store = store
        self.gesprek = gesprek
        self.walk = walk
        self.clock = clock

    def name(self, name: str | None) -> tuple[str, str]:
        naam, key = gemeente_naam(name or ""), gemeente_key(name or "")
        if not key:
            raise Problem("Voor welke gemeente? Geef de naam van de gemeente op.")
        if len(naam) > MAX_NAME_LENGTH:
            raise Problem(f"‘{naam[:40]}…’ is te lang voor de naam van een gemeente.")
        return naam, key

    def gemeente(self, ctx: Context, name: str | None) -> dict:
        """The gemeente this message is about; ``Problem`` when there is none to be had."""
        place, user = ctx.inbound.place, ctx.user
        if place.channel and place.kind is not PlaceKind.CONSOLE:
            bound = self.store.channel_gemeente(place.channel)
            if bound is None:
                raise Problem("Dit kanaal is nog niet gekoppeld aan een gemeente. Koppel het met "
                              "‘/leidraad koppel <naam van de gemeente>’.", Tone.WARNING)
            return bound
        if name:
            naam, key = self.name(name)
            gemeente = self.store.gemeente(key)
            if gemeente:
                return gemeente
            if not may_create_gemeente(place):
                raise Problem(f"De gemeente ‘{naam}’ is niet bekend bij Leidraadbot. Controleer de "
                              "naam, of koppel eerst een kanaal aan de gemeente.")
            ctx.said.append(Notice(f"Gemeente {naam} is nieuw in Leidraadbot en is aangemaakt."))
            return self.store.create_gemeente(key, naam, ctx.at)
        memberships = self.store.memberships(user.id)
        if len(memberships) == 1:
            return memberships[0]
        last = self.store.last_gemeente_in(place.id)
        chosen = next((g for g in memberships if g["id"] == last), None)
        if chosen:
            return chosen
        if memberships:
            names = ", ".join(g["naam"] for g in memberships)
            raise Problem(f"Je hoort bij meer dan één gemeente ({names}). Kies er een met "
                          "‘/leidraad start <gemeente>’.", Tone.WARNING)
        raise Problem("Je hoort nog bij geen enkele gemeente. Vraag een beheerder van je gemeente om "
                      "je toe te voegen, of koppel een kanaal met ‘/leidraad koppel <gemeente>’.",
                      Tone.WARNING)

    def check(self, ctx: Context, gemeente: dict, need: Need = Need.GESPREK) -> None:
        place = ctx.inbound.place
        bound = self.store.channel_gemeente(place.channel) if place.channel else None
        facts = Facts(
            bound_gemeente_id=bound["id"] if bound else None,
            role=self.store.member_role(gemeente["id"], ctx.user.id),
            beheerders=lambda: [b["naam"] for b in self.store.beheerders(gemeente["id"])],
        )
        refusal = authorize(ctx.user, place, gemeente, facts, need)
        if refusal:
            raise Problem(refusal.text)

    def last_beheerder(self, gemeente: dict, person: User) -> bool:
        return [b["id"] for b in self.store.beheerders(gemeente["id"])] == [person.id]

    def channel_thread(self, gemeente: dict, channel: str | None) -> str | None:
        """The place of the channel's gesprek thread that is still going, if any."""
        if not channel:
            return None
        row = self.store.latest_conversation_under(
            channel + ":", gemeente["id"], self.gesprek.questionnaire.id, END)
        return row["place"] if row else None

    def turn(self, ctx: Context, gemeente: dict) -> Turn:
        return Turn(self.store, gemeente, ctx.user, ctx.now)

    def conversation(self, gemeente: dict, place: str, questionnaire: str | None = None
                      ) -> Conversation | None:
        """The checklist conversation in ``place`` (or that of another ``questionnaire``)."""
        questionnaire = questionnaire or self.gesprek.questionnaire.id
        row = self.store.conversation(gemeente["id"], place, questionnaire)
        if row is None:
            return None
        flow = self.gesprek.flow if questionnaire == self.gesprek.questionnaire.id else self.walk.flow
        return restore(row, flow)

    def save(self, ctx: Context, gemeente: dict, place: str, conv: Conversation,
              questionnaire: str | None = None) -> None:
        self.store.save_conversation(
            {
                "gemeente_id": gemeente["id"],
                "place": place,
                "questionnaire": questionnaire or self.gesprek.questionnaire.id,
                "state": conv.state,
                "status": conv.status,
                "skipped": conv.skipped,
                "return_to": conv.return_to,
                "pending": conv.pending,
                "user_id": ctx.user.id,
            },
            ctx.at,
        )

    def today(self, ctx: Context | None = None):
        return (ctx.now if ctx else self.clock()).astimezone(AMSTERDAM).date()
