"""Managing a gemeente: binding channels, members, and the regio's projectleiders."""

from __future__ import annotations

from bot.core.access import BEHEERDER, LID, Need
from bot.core.context import Context, Problem
from bot.core.messages import PlaceKind
from bot.core.replies import Notice, Reply, Tone
from bot.service.desk import Desk


class Administration:
    """The beheerder's commands."""

    def __init__(self, desk: Desk):
        self.desk = desk

    def bind(self, ctx: Context, name: str) -> list[Reply]:
        place = ctx.inbound.place
        if place.kind not in (PlaceKind.CHANNEL, PlaceKind.THREAD) or not place.channel:
            raise Problem("Koppelen kan alleen in een kanaal: typ ‘/leidraad koppel <gemeente>’ in "
                          "het kanaal van het team.", Tone.WARNING)
        naam, key = self.desk.name(name)
        current = self.desk.store.channel_gemeente(place.channel)
        target = self.desk.store.gemeente(key)
        if current and target and current["id"] == target["id"]:
            return [Notice(f"Dit kanaal is al gekoppeld aan gemeente {current['naam']}.")]
        for gemeente in (current, target):
            if gemeente and self.desk.store.beheerders(gemeente["id"]):
                self.desk.check(ctx, gemeente, Need.BEHEER)
        if target is None:
            target = self.desk.store.create_gemeente(key, naam, ctx.at)
        self.desk.store.bind_channel(place.channel, target["id"], ctx.user.id, ctx.at)
        self.desk.store.add_member(target["id"], ctx.user.id, BEHEERDER, ctx.user.id, ctx.at)
        return [Notice(f"Dit kanaal is nu gekoppeld aan gemeente {target['naam']}, en jij bent "
                       "beheerder. Start het gesprek met ‘/leidraad start’; voeg collega's toe met "
                       "‘/leidraad lid toevoegen @naam’.", Tone.SUCCESS)]

    def members(self, ctx: Context, add: bool) -> list[Reply]:
        gemeente = self.desk.gemeente(ctx, None)
        self.desk.check(ctx, gemeente, Need.BEHEER)
        people = ctx.inbound.mentions
        if not people:
            verb = "toevoegen" if add else "verwijderen"
            raise Problem(f"Noem wie je wilt {verb}, bijvoorbeeld ‘/leidraad lid {verb} @anna’.",
                          Tone.WARNING)
        replies: list[Reply] = []
        for person in people:
            if add:
                self.desk.store.add_member(gemeente["id"], person.id, LID, ctx.user.id, ctx.at)
                text = f"{person.naam} hoort nu bij gemeente {gemeente['naam']}."
            elif self.desk.last_beheerder(gemeente, person):
                text = (f"{person.naam} is de laatste beheerder van gemeente {gemeente['naam']} en "
                        "blijft erbij; maak eerst iemand anders beheerder door een kanaal te koppelen.")
            elif self.desk.store.remove_member(gemeente["id"], person.id):
                text = f"{person.naam} hoort niet meer bij gemeente {gemeente['naam']}."
            else:
                text = f"{person.naam} hoorde niet bij gemeente {gemeente['naam']}."
            replies.append(Notice(text, Tone.SUCCESS))
        return replies

    def projectleiders(self, ctx: Context) -> list[Reply]:
        gemeente = self.desk.gemeente(ctx, None)
        self.desk.check(ctx, gemeente, Need.BEHEER)
        regio = self.desk.store.regio_by_id(gemeente["regio_id"]) if gemeente["regio_id"] else None
        if regio is None:
            raise Problem(f"Zet eerst de regio van gemeente {gemeente['naam']} met ‘/leidraad regio "
                          "instellen <naam>’.", Tone.WARNING)
        if not ctx.inbound.mentions:
            raise Problem("Noem wie projectleider wordt, bijvoorbeeld ‘/leidraad projectleider "
                          "toevoegen @anna’.", Tone.WARNING)
        for person in ctx.inbound.mentions:
            self.desk.store.add_projectleider(regio["id"], person.id, ctx.user.id, ctx.at)
        names = ", ".join(p.naam for p in ctx.inbound.mentions)
        return [Notice(f"{names} is nu projectleider van regio {regio['naam']} en kan het "
                       "regiobeeld opvragen met ‘/leidraad samenvatting regio’.", Tone.SUCCESS)]
