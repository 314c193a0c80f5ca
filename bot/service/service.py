"""The transport-agnostic service: one inbound message in, the replies to send out.

For every message it finds the gemeente (from the channel, the name given, or the user's
membership), checks access in one place (``bot.core.access``), loads the conversation, lets the gesprek
or the bot command decide, and commits everything in one transaction before it returns: whatever
the bot confirms is already stored. A delivery id seen before is ignored (platforms retry).
"""

from __future__ import annotations

import logging

from bot.administration.commands import Administration
from bot.commands import USAGE, BotCmd, BotCommand, parse, start_arguments
from bot.core.access import LID
from bot.core.context import Clock, Context, Problem, utc_now
from bot.core.messages import Inbound, PlaceKind, Start, User
from bot.core.replies import (
    CommandHelp,
    ExportFile,
    HomeEntry,
    HomeView,
    Notice,
    Regiobeeld,
    Reply,
    StartThread,
)
from bot.gesprek.checklist import Gesprek
from bot.ontwikkelplan.commands import Planning
from bot.ontwikkelplan.plan import Plan, PuntWalk, parse_plan_command
from bot.reminders.commands import Scheduling
from bot.reminders.scheduler import parse_schedule_command
from bot.reports.commands import Reporting
from bot.reports.reporter import Reporter, parse_report_command
from bot.service.desk import Desk
from dialogues.content import Questionnaire, checklist, ontwikkelplan
from store import Store

log = logging.getLogger(__name__)

__all__ = ["Clock", "Problem", "Service", "utc_now"]


class Service:
    """Handles inbound messages against one store."""

    def __init__(self, store: Store, questionnaire: Questionnaire | None = None,
                 clock: Clock = utc_now):
        self.store = store
        self.gesprek = Gesprek(questionnaire or checklist())
        self.plan = Plan(ontwikkelplan())
        self.walk = PuntWalk(self.plan)
        self.reporter = Reporter(self.gesprek.questionnaire, self.plan)
        self.clock = clock
        self.desk = Desk(store, self.gesprek, self.walk, clock)
        self.planning = Planning(self.desk, self.plan, self.walk)
        self.reporting = Reporting(self.desk, self.reporter, self.plan)
        self.scheduling = Scheduling(self.desk)
        self.administration = Administration(self.desk)

    def handle(self, inbound: Inbound) -> list[Reply]:
        """Process one message; its effects are committed when this returns."""
        ctx = Context(inbound, self.clock(), [])
        try:
            with self.store.transaction():
                if inbound.delivery_id and not self.store.claim_delivery(inbound.delivery_id, ctx.at):
                    log.info("ignoring repeated delivery %s", inbound.delivery_id)
                    return []
                for person in (inbound.user, *inbound.mentions):
                    self.store.ensure_user(person.id, person.naam, ctx.at)
                if inbound.form is not None:
                    return ctx.said + self.planning.submit(ctx, inbound.form)
                if inbound.command is not None:
                    schedule = parse_schedule_command(inbound.command, command=True)
                    if schedule:
                        return ctx.said + self.scheduling.command(ctx, schedule)
                    report_command = parse_report_command(inbound.command)
                    if report_command:
                        return ctx.said + self.reporting.command(ctx, report_command)
                    plan_command = parse_plan_command(inbound.command)
                    if plan_command:
                        return ctx.said + self.planning.command(ctx, plan_command)
                    return ctx.said + self._command(ctx, parse(inbound.command))
                return ctx.said + self._message(ctx)
        except Problem as problem:  # rolled back: a refused or impossible message changes nothing
            return problem.replies

    def home(self, user: User) -> HomeView:
        """For each gemeente ``user`` belongs to: their role and how far each Deel is."""
        return HomeView(tuple(
            HomeEntry(g["naam"], g["role"], self.gesprek.tallies(self.store.current_answers(g["id"])))
            for g in self.store.memberships(user.id)
        ))

    def _message(self, ctx: Context) -> list[Reply]:
        inbound = ctx.inbound
        schedule = None if inbound.start else parse_schedule_command(inbound.text)
        if schedule:
            return self.scheduling.command(ctx, schedule)
        report_command = None if inbound.start else parse_report_command(inbound.text)
        if report_command:
            return self.reporting.command(ctx, report_command)
        # In a channel's threads people talk among themselves: unless they address the bot, it
        # answers only in the thread of its own gesprek.
        quiet = inbound.place.kind is PlaceKind.THREAD and not inbound.addressed and not inbound.start
        try:
            gemeente = self.desk.gemeente(ctx, inbound.gemeente)
        except Problem:
            if quiet:
                return []
            raise
        self.desk.check(ctx, gemeente)
        plan_command = None if inbound.start else parse_plan_command(inbound.text)
        if plan_command:
            return self.planning.run(ctx, gemeente, plan_command, chat=True)
        walk = self.desk.conversation(gemeente, inbound.place.id, self.walk.questionnaire.id)
        if walk and not walk.done:
            return self.planning.continue_walk(ctx, gemeente, walk)
        conv = self.desk.conversation(gemeente, inbound.place.id)
        start = inbound.start
        if start is None and conv is None:
            if quiet:
                return []
            start = self.gesprek.start_request(inbound.text)
            if start is None:
                return [Notice("Er loopt hier nog geen gesprek. Typ ‘start’ om te beginnen.")]
        turn = self.desk.turn(ctx, gemeente)
        if inbound.place.kind is PlaceKind.THREAD:  # taking part makes you a member
            self.store.add_member(gemeente["id"], ctx.user.id, LID, ctx.user.id, ctx.at)
        if start is not None:
            conv, replies = self.gesprek.start(turn, conv, start)
        else:
            replies = self.gesprek.handle(turn, conv, inbound.text, inbound.expects)
        self.desk.save(ctx, gemeente, inbound.place.id, conv)
        return replies + self.planning.offer_drafts(turn, replies)

    def _command(self, ctx: Context, command: BotCommand) -> list[Reply]:
        if command.name in (None, BotCmd.HELP):
            return [CommandHelp(USAGE, command.typed if command.name is None else "",
                                command.suggestion if command.name is None else "")]
        if command.name is BotCmd.BIND:
            return self.administration.bind(ctx, command.argument)
        if command.name in (BotCmd.ADD, BotCmd.REMOVE):
            return self.administration.members(ctx, add=command.name is BotCmd.ADD)
        if command.name is BotCmd.LEAD:
            return self.administration.projectleiders(ctx)
        place = ctx.inbound.place
        arguments = start_arguments(command.argument)
        gemeente = self.desk.gemeente(ctx, arguments.gemeente or ctx.inbound.gemeente)
        self.desk.check(ctx, gemeente)
        in_channel = place.kind is PlaceKind.CHANNEL
        conv_place = self.desk.channel_thread(gemeente, place.channel) if in_channel else place.id
        if command.name is BotCmd.START:
            if in_channel:
                return [StartThread(gemeente["naam"], arguments.deel, conv_place)]
            inbound = Inbound(ctx.user, place, gemeente["naam"], start=Start(arguments.deel))
            return self._message(Context(inbound, ctx.now, []))
        conv = self.desk.conversation(gemeente, conv_place) if conv_place else None
        turn = self.desk.turn(ctx, gemeente)
        if command.name is BotCmd.PROGRESS:
            return self.gesprek.progress(turn, conv)
        if conv is None:
            return [Notice("Er loopt hier geen gesprek om te pauzeren.")]
        replies = self.gesprek.pause(turn, conv)
        self.desk.save(ctx, gemeente, conv_place, conv)
        return replies

    # --- for the operator (command line) ---------------------------------------------------------

    def export(self, name: str, fmt: str) -> ExportFile:
        """A document of a gemeente (``leidraadbot export``): no chat access applies."""
        return self.reporting.export(name, fmt)

    def regiobeeld(self, name: str) -> Regiobeeld:
        """The regiobeeld of a regio (``leidraadbot samenvatting --regio``)."""
        return self.reporting.regiobeeld(name)
