"""The transport-agnostic service: one inbound message in, the replies to send out.

For every message it finds the gemeente and the dialogue going on in the place, parses the text
once against the command table, checks who may use the command here, and lets its handler act; a
typed answer is bound to the question its writer could see. Everything is committed in one
transaction before the replies go out: whatever the bot confirms is already stored.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime

from bot.administration.commands import AdministrationCommands
from bot.core.access import Role, authorize
from bot.core.commands import DoesNotFit, Parsed, Table, Unfit, declared, grouped, where_words
from bot.core.context import Clock, Context, Problem, gemeente_named, utc_now
from bot.core.conversation import PAUSED, Active, bound_question
from bot.core.dutch import local_day
from bot.core.messages import (
    Begin,
    Command,
    Declined,
    Edited,
    FormInput,
    FormSent,
    Inbound,
    Opened,
    Place,
    PlaceKind,
    Reached,
    Said,
    Viewed,
)
from bot.core.privacy import personal_data, refusal
from bot.core.replies import CommandUsage, HomeEntry, HomeView, Notice, Reply, Tone
from bot.core.text import clean_text, readable, typed
from bot.gesprek.commands import GesprekCommands
from bot.gesprek.dialogue import Gesprek
from bot.ontwikkelplan.commands import PlanCommands
from bot.ontwikkelplan.general import GeneralCommands
from bot.ontwikkelplan.plan import Plan
from bot.ontwikkelplan.walk import PuntWalk
from bot.reminders.commands import ReminderCommands
from bot.reports.commands import ReportCommands
from bot.reports.reporter import Reporter
from bot.service import held
from bot.service.help import HelpCommands
from bot.team.commands import TeamCommands
from bot.team.handing import open_line, refs_text
from dialogues.content import Questionnaire, checklist, ontwikkelplan
from dialogues.flow import END
from store import Store

log = logging.getLogger(__name__)

FILES_NOT_KEPT = Notice("Bestanden bij een bericht bewaar ik niet; alleen de tekst van je bericht "
                        "telt. Zet een document op de plek waar jullie dossiers horen en verwijs "
                        "ernaar.")


class Service:
    """Handles inbound messages against one store."""

    def __init__(self, store: Store, questionnaire: Questionnaire | None = None,
                 clock: Clock = utc_now):
        self.store = store
        self.clock = clock
        self.gesprek = Gesprek(questionnaire or checklist())
        self.plan = Plan(ontwikkelplan())
        self.walk = PuntWalk(self.plan)
        self.reporter = Reporter(self.gesprek.questionnaire, self.plan)
        self.plans = PlanCommands(self.plan, self.walk)
        self.reports = ReportCommands(self.reporter, self.plan)
        self.help = HelpCommands()
        self.administration = AdministrationCommands()
        gesprek = GesprekCommands(self.gesprek)
        self.table = Table(declared(gesprek, self.plans, GeneralCommands(), self.reports,
                                    ReminderCommands(), TeamCommands(self.gesprek, self.plan),
                                    self.administration, self.help))
        self.help.table = self.table
        self._start = next(c for c in self.table.commands if c.handler == gesprek.start)

    def handle(self, inbound: Inbound) -> list[Reply]:
        """Handle one message at once (the console, tests); committed when this returns. A
        delivery id seen before is ignored: platforms retry."""
        ctx = Context(inbound, self.clock(), self.store)
        with self.store.transaction():
            if inbound.delivery_id and not self.store.messaging.claim_delivery(inbound.delivery_id, ctx.at):
                log.info("ignoring repeated delivery %s", inbound.delivery_id)
                return []
            return self._handle(ctx)

    def process(self, inbound: Inbound) -> list[Reply]:
        """Handle a message from the inbox, inside the caller's transaction (which also queues
        the replies); the inbox has already stopped repeated deliveries."""
        return self._handle(Context(inbound, self.clock(), self.store))

    def listens(self, inbound: Inbound) -> bool:
        """Whether a message may be for the bot, cheaply, before it is taken in: in a channel's
        threads only its own gesprek, or when it is addressed."""
        return (inbound.place.kind is not PlaceKind.THREAD
                or not isinstance(inbound, Said | Edited) or inbound.addressed
                or self.store.gesprekken.any_in(inbound.place.id))

    def opens_form(self, inbound: Command) -> bool:
        """Whether this command opens a form on a platform that has them (it then goes the short
        way: nothing is stored until the form is sent)."""
        text = clean_text(inbound.text)
        if not (inbound.forms and self.table.may_open_form(text)):
            return False  # the worker parses it, once
        parsed = self.table.parse(text, explicit=True)  # from memory when it is handled
        return isinstance(parsed, Parsed) and parsed.command.opens_form(parsed.args)

    def form_errors(self, inbound: FormSent) -> list[Reply]:
        """What is wrong in a submitted form, or why it cannot be taken; empty when it can be.
        Only reads (for platforms that show the errors in the form itself)."""
        ctx = Context(inbound, self.clock(), self.store)
        try:
            ctx.gemeente = ctx.find_gemeente()
            ctx.require(ctx.gemeente, *_form_role(inbound.form))
            errors = self.plans.form_errors(ctx, inbound.form)
        except Problem as problem:
            return problem.replies
        return [errors] if errors else []

    def home(self, ctx: Context) -> HomeView:
        """For each gemeente the user belongs to: their role and how far each Deel is, and the
        commands they may use in a direct message (the access rule's dry run, over all their
        gemeenten)."""
        memberships = self.store.people.memberships(ctx.user.id)
        handed = self.store.team.handed_elsewhere(ctx.user.id)
        facts = ctx.facts_in_own_chat(memberships, bool(handed))
        direct = Place(PlaceKind.DIRECT, ctx.place.id)
        commands = self.table.allowed(PlaceKind.DIRECT,
                                      lambda need: authorize(direct, facts, need) is None)
        entries = []
        for g in memberships:
            answers = self.store.answers.current(g["id"])
            entries.append(HomeEntry(g["naam"], g["role"], self.gesprek.tallies(answers),
                                     open_line(self.store.team.assignments(g["id"]), answers)))
        for g in handed:  # questions a colleague handed them: theirs alone, no overview
            answers = self.store.answers.current(g["id"])
            mine = [q for q in self.store.team.assigned_to(g["id"], ctx.user.id) if q not in answers]
            entries.append(HomeEntry(g["naam"], "toegewezen vragen", (), (
                f"Jouw vragen, nog open: {refs_text(mine)}." if mine else
                "Je toegewezen vragen zijn beantwoord.")))
        return HomeView(tuple(entries), grouped(commands))

    # --- one message --------------------------------------------------------------------------------

    def _handle(self, ctx: Context) -> list[Reply]:
        inbound = ctx.inbound
        for person in (inbound.user, *inbound.mentions):
            self.store.people.ensure(person.id, clean_text(person.naam) or "iemand", ctx.at)
        try:
            with self.store.transaction():  # a savepoint: a refused message changes nothing
                replies = ctx.said + self._dispatch(ctx)
        except Problem as problem:
            return problem.replies
        if isinstance(inbound, Said) and inbound.files and replies:
            replies.insert(0, FILES_NOT_KEPT)
        return replies

    def _dispatch(self, ctx: Context) -> list[Reply]:
        match ctx.inbound:
            case Said(text=text):
                return self._message(ctx, clean_text(text))
            case Command(text=text):
                return self._command(ctx, clean_text(text))
            case Begin(start=start):
                return self._run(ctx, Parsed(self._start, {"deel": start.deel,
                                                           "first_open": start.first_open}), "start")
            case FormSent(form=form):
                ctx.gemeente = ctx.find_gemeente()
                ctx.require(ctx.gemeente, *_form_role(form))
                return self.plans.submit(ctx, form)
            case Edited(text=text, edits=edits):
                allowed = self._look_around(ctx)
                return self.gesprek.message_edited(ctx, edits, text) if allowed else []
            case Opened():  # someone's overview is for them alone; elsewhere the welcome
                home = self.home(ctx)
                return [home if ctx.place.kind is PlaceKind.DIRECT else replace(home, entries=())]
            case Declined(reason=reason):  # the default colour: a warning's yellow is 1.5:1 on light
                return [Notice(reason)]
            case Viewed(question_id=question):  # as it is for this reader; nothing changes
                active = ctx.dialogue if self._look_around(ctx) else None
                prompt = active.dialogue.prompt(ctx, active.conv) if active else None
                return [prompt] if prompt and prompt.question_id == question else []
            case Reached():
                return []
        raise TypeError(f"no kind of message: {type(ctx.inbound).__name__}")

    def _command(self, ctx: Context, text: str) -> list[Reply]:
        """Text addressed to the bot as a command (``/leidraad …``, the bot named first in a new
        post, a leading ``/`` in the console): a command, or the reply to what the bot asked;
        never an answer."""
        self._look_around(ctx)
        return self._replying(ctx, text, explicit=True)

    def _message(self, ctx: Context, text: str) -> list[Reply]:
        """Text typed in a conversation: a command, or an answer to the question shown."""
        inbound, place = ctx.inbound, ctx.place
        allowed = self._look_around(ctx)
        if place.kind is PlaceKind.THREAD and not inbound.addressed and ctx.dialogue is None:
            return []  # people talk among themselves in other threads
        return self._replying(ctx, text, allowed=allowed)

    def _read(self, ctx: Context, text: str, explicit: bool, allowed: bool) -> list[Reply]:
        """One rule for every platform: a command when it fits one, asked about when it is a
        short near miss of one, and otherwise the answer to the question that waits; text in an
        explicit form, or where no question waits, that starts as a command is that command or
        its usage. ``allowed``: whether the user may see this place's gemeente."""
        active = ctx.dialogue
        waits = active is not None and not active.conv.done and active.conv.status != PAUSED
        parsed = self.table.parse(text, explicit or not waits)  # no answer expected: a command
        if isinstance(parsed, Parsed):
            return self._run(ctx, parsed, text)
        if isinstance(parsed, Unfit):
            return self._unfit(ctx, parsed, text)
        if explicit:
            return self._repeats_personal_data(ctx, text) or self.help.show(ctx, unknown=text)
        if ctx.dialogue is None:
            if not allowed:
                ctx.require(ctx.gemeente or ctx.find_gemeente())
            return [Notice(f"Er loopt hier nog geen gesprek. Typ {typed('start')} om te beginnen.")]
        if ctx.expects is not None:  # a button whose question was dealt with already
            return self._stale_button(ctx)
        if ctx.interrupted:  # typed for what ended meanwhile: never filed under another question
            return [Notice("Wat je typte is daarom niet opgeslagen. We gaan verder met de Checklist "
                           "sturing."), *ctx.dialogue.dialogue.current(ctx, ctx.dialogue.conv)]
        return self._answer(ctx, text)

    def _look_around(self, ctx: Context) -> bool:
        """Find the gemeente and the dialogue here, if the user may see them; whether they may."""
        try:
            ctx.gemeente = ctx.find_gemeente()
        except Problem:
            return False
        if not ctx.may(Role.TOEGEWEZEN, ctx.gemeente):
            return False
        ctx.dialogue = self._active(ctx)
        return True

    def _active(self, ctx: Context) -> Active | None:
        """The dialogue going on here: an ontwikkelpunt's fields, else the gesprek. In a channel
        that is the gesprek in its thread."""
        place = ctx.place
        here = self.gesprek.channel_thread(ctx) if place.kind is PlaceKind.CHANNEL else place.id
        if here is None:
            return None
        walking = self.plans.walking(ctx, here)
        if walking:
            return walking
        conv = self.gesprek.conversation(ctx, here)
        if conv and ctx.only_handed(ctx.gemeente):  # those questions, and nothing else
            self.gesprek.restrict(ctx, conv, ctx.handed(ctx.gemeente))
        return Active(self.gesprek, conv) if conv else None

    def _run(self, ctx: Context, parsed: Parsed, text: str) -> list[Reply]:
        if refused := self._repeats_personal_data(ctx, text):  # a name, a number, a stand: never
            return refused
        command, args = parsed.command, parsed.args
        try:
            with self.store.transaction():  # whatever it did is undone when it does not fit
                if ctx.place.kind not in command.where:
                    raise DoesNotFit(f"‘{command.name}’ werkt in {where_words(command.where)}, niet hier.")
                if command.role not in (Role.IEDEREEN, Role.PROJECTLEIDER):  # about a gemeente
                    self._gemeente_for(ctx, args.get("gemeente"))
                    ctx.require(ctx.gemeente, command.role, args.get("nummer"))
                if ctx.expects and ctx.dialogue and ctx.expects != ctx.dialogue.conv.state:
                    return self._stale_button(ctx)
                readable_args = {k: readable(v, ctx.inbound.mentions) if isinstance(v, str) else v
                                 for k, v in args.items()}
                replies = command.handler(ctx, **readable_args)
        except DoesNotFit as usage:  # the command's own words and arguments fitted: it is no answer
            return self._unfit(ctx, Unfit((command,), usage.reason, claimed=True), text)
        return replies + self._after(ctx, replies)

    @staticmethod
    def _stale_button(ctx: Context) -> list[Reply]:
        """A click on a button of a question that is no longer the current one."""
        return [Notice("Die knop hoort bij een eerdere vraag of is al gebruikt. We zijn nu hier:"),
                *ctx.dialogue.dialogue.current(ctx, ctx.dialogue.conv)]

    def _gemeente_for(self, ctx: Context, named: str | None) -> None:
        """The gemeente a command acts on; one named in it (``start Utrecht``) must be the one of
        this place, or in a direct message one the user belongs to."""
        if named:
            here = ctx.gemeente
            try:
                if (ctx.place.kind is not PlaceKind.DIRECT and here
                        and (gemeente_named(ctx.store, named).row or {}).get("id") != here["id"]):
                    raise DoesNotFit(f"Hier gaat het over gemeente {here['naam']}.")
                found = ctx.find_gemeente(named)
            except Problem as problem:
                raise DoesNotFit(str(problem)) from None
            if ctx.dialogue and ctx.gemeente and found["id"] != ctx.gemeente["id"]:
                ctx.dialogue = None
            ctx.gemeente = found
        elif ctx.gemeente is None:
            ctx.gemeente = ctx.find_gemeente()
        if ctx.dialogue is None:
            ctx.dialogue = self._active(ctx)

    def _answer(self, ctx: Context, text: str) -> list[Reply]:
        active = ctx.dialogue
        question = bound_question(ctx, active.dialogue.questionnaire.id, active.conv)
        replies = active.dialogue.answer(ctx, active.conv, readable(text, ctx.inbound.mentions),
                                         question)
        active.save(ctx)
        return replies + self._after(ctx, replies)

    def _after(self, ctx: Context, replies: list[Reply]) -> list[Reply]:
        """What follows: the gesprek again when an ontwikkelpunt is done; after the recap, the
        offer to turn the Bouwstenen's actions into concept ontwikkelpunten."""
        active = ctx.dialogue
        more: list[Reply] = []
        if active and active.dialogue is self.walk and active.conv.done:
            conv = self.gesprek.conversation(ctx, ctx.place.id)
            if conv and not conv.done:
                more = [Notice("We gaan verder met de Checklist sturing."),
                        *self.gesprek.current(ctx, conv)]
        if ctx.gemeente:
            more += self.plans.offer_drafts(ctx, replies + more)
        return more

    # --- text that looks like a command, and what the bot asked about it ----------------------------

    def _unfit(self, ctx: Context, unfit: Unfit, text: str) -> list[Reply]:
        """The usage of the commands ``text`` looks like; in a dialogue the text is held, so one
        word stores it as the answer after all. Nothing else is stored."""
        if refused := self._repeats_personal_data(ctx, text):
            return refused
        usages = tuple((c.usage, c.help) for c in unfit.commands)
        if not any(ctx.place.kind in c.where for c in unfit.commands):  # say that first
            first = unfit.commands[0]
            unfit = Unfit(unfit.commands, f"‘{first.name}’ werkt in {where_words(first.where)}, "
                                          "niet hier.", unfit.guess)
        active = ctx.dialogue
        if (active is None or unfit.claimed or isinstance(ctx.inbound, Command)
                or active.conv.status == PAUSED):
            return [CommandUsage(text, usages, unfit.reason, unfit.guess)]
        question = bound_question(ctx, active.dialogue.questionnaire.id, active.conv)
        if question == END:
            return [CommandUsage(text, usages, unfit.reason, unfit.guess)]
        held.hold(ctx, active, text, question, unfit.guess)
        return [CommandUsage(text, usages, unfit.reason, unfit.guess, held=text,
                             held_ref=active.dialogue.label(question), held_question=question)]

    @staticmethod
    def _repeats_personal_data(ctx: Context, text: str) -> list[Reply] | None:
        """A text the bot would repeat or hold (it looks like a command) that holds a citizen's
        personal data: refused, never repeated, held or sent anywhere."""
        kind = personal_data(text, (ctx.gemeente or {}).get("mail_domain"))
        return [Notice(refusal(kind, "je bericht"), Tone.WARNING)] if kind else None

    def _replying(self, ctx: Context, text: str, explicit: bool = False,
                  allowed: bool = True) -> list[Reply]:
        """Read the message, unless it replies to what the bot asked about a held text
        (``bot.service.held``)."""
        active, waiting = ctx.dialogue, held.waiting(ctx)
        if waiting is None:
            return self._read(ctx, text, explicit, allowed)
        word = held.reply_word(text)
        if word is None:
            replies = self._read(ctx, text, explicit, allowed)
            return held.still_held(ctx, active, waiting) + replies
        held.release(ctx, active)
        if word in held.YES and waiting.guess:
            return self._read(ctx, waiting.guess, explicit, allowed)
        if word in held.NO and not waiting.guess:
            return [Notice("Goed, er is niets opgeslagen.")]
        replies = active.dialogue.answer(ctx, active.conv, waiting.text, waiting.question)
        active.save(ctx)
        return replies + self._after(ctx, replies)

    # --- for the operator (command line) ------------------------------------------------------------

    def export(self, name: str, fmt: str):
        """A document of a gemeente (``leidraadbot export``): no chat access applies."""
        return self.reports.operator_export(self.store, name, fmt, self._today())

    def grant(self, role: str, name: str, user_id: str) -> str:
        """``leidraadbot beheerder|projectleider toevoegen``: where ``user_id`` now is that."""
        return self.administration.operator_grant(self.store, role, name, user_id,
                                                  self.clock().isoformat())

    def gemeenten(self, action: str, *names: str) -> list[str]:
        """``leidraadbot gemeente lijst|hernoemen|samenvoegen``: what happened, in lines."""
        admin, at = self.administration, self.clock().isoformat()
        if action == "lijst":
            return admin.operator_gemeenten(self.store)
        if action == "hernoemen":
            return [admin.operator_rename(self.store, *names, at)]
        return [admin.operator_merge(self.store, *names, at)]

    def audit(self, name: str, since: datetime | None = None):
        """The name of a gemeente and its changes (``leidraadbot audit``)."""
        return self.reports.operator_audit(self.store, name, since)

    def regiobeeld(self, name: str):
        """The regiobeeld of a regio (``leidraadbot samenvatting --regio``)."""
        return self.reports.operator_regiobeeld(self.store, name, self._today())

    def _today(self) -> date:
        return local_day(self.clock())


def _form_role(form: FormInput) -> tuple[Role, int | None]:
    """Who may send a form: a stand van zaken also the owner of that ontwikkelpunt."""
    return (Role.EIGENAAR, form.nummer) if form.kind == "bijwerken" else (Role.LID, None)
