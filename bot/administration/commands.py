"""The beheerder's commands: binding a channel, members, the regio and its projectleiders."""

from __future__ import annotations

from bot.core.access import BEHEERDER, LID, Role
from bot.core.commands import IN_CHANNEL, OWN_CHAT, WITH_MEMBERS, People, Text, command
from bot.core.context import Context, Problem, checked_name, gemeente_named, names_a_gemeente
from bot.core.privacy import mail_domain
from bot.core.replies import ChannelBound, Notice, Reply, Tone
from bot.core.text import typed, whole_number
from dialogues.gemeenten import similar
from store import Store


class AdministrationCommands:
    group = "Beheer van de gemeente"

    @command("koppel", "koppelen", args=(Text("gemeente", max_words=6, check=names_a_gemeente),),
             role=Role.IEDEREEN,
             where=IN_CHANNEL, usage="koppel <gemeente>",
             help="dit kanaal aan een gemeente koppelen; wie koppelt wordt beheerder (opnieuw "
                  "koppelen, of aan een gemeente met beheerders, kan alleen een beheerder)")
    def bind(self, ctx: Context, gemeente: str) -> list[Reply]:
        channel = ctx.place.channel
        named = gemeente_named(ctx.store, gemeente, again="koppel {}")
        current, target = ctx.bound, named.row
        if current and target and current["id"] == target["id"]:
            return [Notice(f"Dit kanaal is al gekoppeld aan gemeente {current['naam']}."),
                    ChannelBound()]
        for existing in (current, target):
            if existing and ctx.store.people.beheerders(existing["id"]):
                ctx.require(existing, Role.BEHEERDER)
        if target and not ctx.store.people.beheerders(target["id"]):  # never claimed by naming it first
            raise Problem(f"Gemeente {target['naam']} staat al in Leidraadbot, maar heeft nog geen "
                          "beheerder. Alleen de beheerder van de bot kan je beheerder maken: "
                          f"leidraadbot beheerder toevoegen --gemeente \"{target['naam']}\" "
                          f"{ctx.user.id}. Daarna kun je dit kanaal koppelen.", Tone.WARNING)
        target = named.made(ctx.store, ctx.user.id, ctx.at)
        ctx.store.gemeenten.bind(channel, target["id"], ctx.user.id, ctx.at)
        ctx.store.people.add_member(target["id"], ctx.user.id, BEHEERDER, ctx.user.id, ctx.at)
        ctx.access_changed()
        return [Notice(f"Dit kanaal is nu gekoppeld aan gemeente {target['naam']}, en jij bent "
                       f"beheerder. Start het gesprek met {typed('start')}; voeg collega's toe met "
                       f"{typed('lid toevoegen @naam')}.", Tone.SUCCESS), ChannelBound()]

    @command("lid toevoegen", "leden toevoegen", args=(People("wie"),), role=Role.BEHEERDER,
             where=WITH_MEMBERS, usage="lid toevoegen @iemand",
             help="iemand toegang geven tot de gemeente, ook in je eigen chat met de bot")
    def add(self, ctx: Context, wie: tuple[str, ...]) -> list[Reply]:
        return self._grant(ctx, wie, LID)

    @command("beheerder toevoegen", "beheerders toevoegen", args=(People("wie"),),
             role=Role.BEHEERDER, where=WITH_MEMBERS, usage="beheerder toevoegen @iemand",
             help="iemand beheerder van de gemeente maken (ook een lid); weer weg met "
                  "‘lid verwijderen’")
    def add_beheerder(self, ctx: Context, wie: tuple[str, ...]) -> list[Reply]:
        return self._grant(ctx, wie, BEHEERDER)

    @staticmethod
    def _grant(ctx: Context, wie: tuple[str, ...], role: str) -> list[Reply]:
        gemeente = ctx.gemeente
        replies: list[Reply] = []
        for person in map(ctx.mentioned, wie):
            before = ctx.store.people.role(gemeente["id"], person.id)
            ctx.store.people.add_member(gemeente["id"], person.id, role, ctx.user.id, ctx.at)
            if before in (BEHEERDER, role):
                text = (f"{person.naam} hoorde al bij gemeente {gemeente['naam']}"
                        + (", als beheerder." if before == BEHEERDER else "."))
            elif role == BEHEERDER:
                text = f"{person.naam} is nu beheerder van gemeente {gemeente['naam']}."
            else:
                text = f"{person.naam} hoort nu bij gemeente {gemeente['naam']}."
            replies.append(Notice(text, Tone.SUCCESS))
        return replies

    @command("lid verwijderen", "leden verwijderen", args=(People("wie"),), role=Role.BEHEERDER,
             where=WITH_MEMBERS, usage="lid verwijderen @iemand",
             help="iemand de toegang tot de gemeente weer ontnemen")
    def remove(self, ctx: Context, wie: tuple[str, ...]) -> list[Reply]:
        gemeente = ctx.gemeente
        replies: list[Reply] = []
        for person in map(ctx.mentioned, wie):
            tone = Tone.SUCCESS
            if [b["id"] for b in ctx.store.people.beheerders(gemeente["id"])] == [person.id]:
                text = (f"{person.naam} is de laatste beheerder van gemeente {gemeente['naam']} en "
                        "blijft erbij; maak eerst iemand anders beheerder met "
                        f"{typed('beheerder toevoegen @naam')}.")
                tone = Tone.WARNING
            elif ctx.store.people.remove_member(gemeente["id"], person.id, ctx.user.id, ctx.at):
                text = f"{person.naam} hoort niet meer bij gemeente {gemeente['naam']}."
            else:
                text = f"{person.naam} hoorde niet bij gemeente {gemeente['naam']}."
            replies.append(Notice(text, tone))
        return replies

    @command("regio instellen", args=(Text("regio", max_words=8),), role=Role.BEHEERDER,
             usage="regio instellen <naam>",
             help="de regio (jeugdregio) van de gemeente zetten, voor het regiobeeld (een nieuwe "
                  "regio die lijkt op een bestaande: ‘regio instellen nieuw <naam>’)")
    def set_regio(self, ctx: Context, regio: str) -> list[Reply]:
        new, _, named = regio.partition(" ")
        certain = new.casefold() == "nieuw" and named.strip()
        naam, key = checked_name(named if certain else regio, "regio")
        if not certain and ctx.store.gemeenten.regio_named(key) is None:
            known = {r["key"]: r["naam"] for r in ctx.store.gemeenten.regios()}
            meant = similar(naam, known)
            if meant:
                raise Problem(f"Er is nog geen regio ‘{naam}’, wel regio ‘{meant}’. Bedoel je die, "
                              f"typ dan {typed(f'regio instellen {meant}')}. Is het echt een andere "
                              f"regio, typ dan {typed(f'regio instellen nieuw {naam}')}.",
                              Tone.WARNING)
        found = ctx.store.gemeenten.regio(key, naam, ctx.at)
        ctx.store.gemeenten.set(ctx.gemeente["id"], ctx.user.id, ctx.at, regio_id=found["id"])
        regio = found["naam"] if found["key"].startswith("regio ") else f"regio {found['naam']}"
        return [Notice(f"Gemeente {ctx.gemeente['naam']} hoort nu bij {regio}.", Tone.SUCCESS)]

    @command("e-maildomein", "emaildomein", "maildomein", args=(Text("domein", max_words=1),),
             role=Role.BEHEERDER, usage="e-maildomein utrecht.nl",
             help="e-mailadressen van de eigen gemeente toestaan in antwoorden en ontwikkelpunten "
                  "(‘e-maildomein uit’ om ze weer te weigeren)")
    def allow_mail(self, ctx: Context, domein: str) -> list[Reply]:
        gemeente = ctx.gemeente
        if domein.casefold() == "uit":
            ctx.store.gemeenten.set(gemeente["id"], ctx.user.id, ctx.at, mail_domain=None)
            return [Notice("E-mailadressen worden weer altijd geweigerd.", Tone.SUCCESS)]
        domain = mail_domain(domein)
        if domain is None:
            raise Problem(f"‘{domein[:60]}’ is geen e-maildomein van een organisatie; schrijf het "
                          f"zoals {typed('e-maildomein utrecht.nl')}.", Tone.WARNING)
        ctx.store.gemeenten.set(gemeente["id"], ctx.user.id, ctx.at, mail_domain=domain)
        return [Notice(f"E-mailadressen op @{domain} (en de subdomeinen daarvan) mogen nu in de "
                       f"antwoorden en ontwikkelpunten van gemeente {gemeente['naam']} staan; andere "
                       "e-mailadressen worden nog steeds geweigerd.", Tone.SUCCESS)]

    @command("projectleider toevoegen", args=(People("wie"),), role=Role.PROJECTLEIDER,
             where=OWN_CHAT, usage="projectleider toevoegen @iemand",
             help="een projectleider toevoegen aan je regio (voor projectleiders); die kan het "
                  "regiobeeld opvragen")
    def add_projectleider(self, ctx: Context, wie: tuple[str, ...]) -> list[Reply]:
        regio = ctx.regio_led()
        people = [ctx.mentioned(w) for w in wie]
        for person in people:
            ctx.store.people.add_projectleider(regio["id"], person.id, ctx.user.id, ctx.at)
        names = ", ".join(p.naam for p in people)
        return [Notice(f"{names} is nu projectleider van regio {regio['naam']} en kan het "
                       f"regiobeeld opvragen met {typed('samenvatting regio', private=True)}, in de "
                       "eigen chat met de bot.", Tone.SUCCESS)]

    # --- for the operator (command line) ----------------------------------------------------------

    @staticmethod
    def operator_grant(store: Store, role: str, name: str, user_id: str, at: str) -> str:
        """Make ``user_id`` beheerder of the gemeente ``name`` (or projectleider of the regio
        ``name``), as the operator; where, in words."""
        with store.transaction():
            if store.people.name(user_id) is None:  # named once they write to the bot
                store.people.ensure(user_id, user_id, at)
            if role == BEHEERDER:
                gemeente = gemeente_named(store, name).row
                if gemeente is None:
                    raise Problem(f"Gemeente ‘{name}’ staat nog niet in Leidraadbot.")
                store.people.add_member(gemeente["id"], user_id, BEHEERDER, "operator", at)
                return f"gemeente {gemeente['naam']}"
            regio = store.gemeenten.regio_named(checked_name(name, "regio")[1])
            if regio is None:
                raise Problem(f"Regio ‘{name}’ is niet bekend; een beheerder van een gemeente zet "
                              "die eerst met ‘regio instellen’.")
            store.people.add_projectleider(regio["id"], user_id, "operator", at)
            return f"regio {regio['naam']}"

    @staticmethod
    def operator_gemeenten(store: Store) -> list[str]:
        """``leidraadbot gemeente lijst``: every gemeente in Leidraadbot, one line each."""
        lines = []
        for row in store.gemeenten.all():
            note = f"CBS {row['code']}" if row["code"] else "niet op de lijst van het CBS"
            lines.append(f"#{row['id']}  {row['naam']}  ({note})")
        return lines

    @staticmethod
    def operator_rename(store: Store, name: str, new: str, at: str) -> str:
        """``leidraadbot gemeente hernoemen OUD NIEUW``: give a gemeente its official name."""
        with store.transaction():
            row = _stored(store, name)
            official = gemeente_named(store, new).official
            if official is None:
                raise Problem(f"‘{new}’ is geen naam van de lijst van het CBS.")
            other = store.gemeenten.get(official.key)
            if row["code"] == official.code and row["naam"] == official.naam:
                return f"{row['naam']} heet al zo; er is niets veranderd."
            if other and other["id"] != row["id"]:
                raise Problem(f"Gemeente {official.naam} staat al in Leidraadbot (#{other['id']}). "
                              f"Voeg ze samen: leidraadbot gemeente samenvoegen "
                              f"\"#{row['id']}\" \"#{other['id']}\".")
            store.gemeenten.rename(row["id"], official.key, official.naam, official.code,
                                   "operator", at)
            return f"‘{row['naam']}’ heet nu {official.naam}."

    @staticmethod
    def operator_merge(store: Store, name: str, into: str, at: str) -> str:
        """``leidraadbot gemeente samenvoegen VAN NAAR``: one gemeente into another."""
        with store.transaction():
            source, target = _stored(store, name), _stored(store, into)
            if source["id"] == target["id"]:
                raise Problem("Dat is twee keer dezelfde gemeente; er is niets samengevoegd.")
            store.gemeenten.merge(source["id"], target["id"], "operator", at)
            return (f"‘{source['naam']}’ is samengevoegd met {target['naam']}: antwoorden, "
                    "ontwikkelpunten, kanalen en leden staan nu bij "
                    f"{target['naam']}.")


def _stored(store: Store, name: str) -> dict:
    """A gemeente in Leidraadbot by its name or, as ``leidraadbot gemeente lijst`` shows it, its
    number (#12); ``Problem`` when there is none."""
    number = whole_number(name.strip().removeprefix("#"))
    if name.strip().startswith("#") and number is not None:
        row = store.gemeenten.by_id(number)
        if row is None:
            raise Problem(f"Er is geen gemeente #{number}; zie leidraadbot gemeente lijst.")
        return row
    row = gemeente_named(store, name).row
    if row is None:
        raise Problem(f"Gemeente ‘{name}’ staat nog niet in Leidraadbot.")
    return row
