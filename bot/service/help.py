"""``hulp``: the commands this user may use here, generated from the command table (errbot's
``help`` core plugin builds its help from the same registry that dispatches)."""

from __future__ import annotations

from bot.core.access import Role
from bot.core.commands import EVERYTHING, Table, Topic, command, grouped
from bot.core.context import Context
from bot.core.messages import PlaceKind
from bot.core.replies import Help, Notice, Reply
from bot.core.text import typed
from dialogues.content import begrippen


class HelpCommands:
    group = "Hulp"
    table: Table  # set by the service once the table is built

    @command("hulp", "help", "?", args=(Topic("onderwerp", optional=True),),
             role=Role.IEDEREEN, usage="hulp [commando]",
             help="uitleg bij de vraag waar je bent; ‘hulp alles’ laat zien wat je hier kunt "
                  "typen, ‘hulp bijwerken’ gaat over één commando")
    def help(self, ctx: Context, onderwerp: str = "") -> list[Reply]:
        return self.show(ctx, topic=onderwerp)

    @command("begrippen", "afkortingen", usage="begrippen", role=Role.IEDEREEN,
             help="de afkortingen en begrippen uit de Leidraad uitgelegd (HG, KM, VT, GI, RvdK, …)")
    def terms(self, ctx: Context) -> list[Reply]:
        return [Notice("Afkortingen en begrippen uit de Leidraad en de bijlagen:\n"
                       + "\n".join(f"• {b.term}: {b.uitleg}" for b in begrippen()))]

    def show(self, ctx: Context, topic: str = "", unknown: str = "") -> list[Reply]:
        """Help for this user here: the current question, and the commands by group."""
        may = self._may(ctx)
        commands = self.table.allowed(ctx.place.kind, may)
        if topic and topic.split()[0].casefold() != EVERYTHING:
            named = {id(c) for c in self.table.named(topic.split()[0])}
            commands = tuple(c for c in commands if id(c) in named) or commands
        active = ctx.dialogue
        prompt = active.dialogue.prompt(ctx, active.conv) if active and not topic else None
        guide = active.dialogue.guide(active.conv) if prompt else None
        first = []
        if ctx.place.kind is PlaceKind.DIRECT and not ctx.store.people.memberships(ctx.user.id):
            koppel = typed("koppel <gemeente>", in_channel=True)
            first = [Notice(f"Je hoort nog bij geen gemeente. Begin in het kanaal van je team met "
                            f"{koppel}; wie koppelt, wordt beheerder. Of vraag een beheerder van je "
                            "gemeente om je toe te voegen.")]
        return [*first, Help(prompt, grouped(commands), unknown, guide,
                             folded=prompt is not None and not unknown)]

    @staticmethod
    def _may(ctx: Context):
        """Whether this user may use a command that needs a role, here: the access rule's dry
        run."""
        return lambda need: ctx.may(need, ctx.gemeente)
