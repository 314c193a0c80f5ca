"""The transport-agnostic service: one inbound message in, the replies to send out.

For every message it finds the gemeente (from the channel, the name given, or the user's
membership), checks access in one place (``bot.access``), loads the conversation, lets the gesprek
or the bot command decide, and commits everything in one transaction before it returns: whatever
the bot confirms is already stored. A delivery id seen before is ignored (platforms retry).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.access import BEHEERDER, LID, Facts, Need, authorize, may_create_gemeente
from bot.commands import USAGE, BotCmd, BotCommand, parse, start_arguments
from bot.dutch import AMSTERDAM, DateError, format_date, parse_date
from bot.export import markdown
from bot.gesprek import Conversation, Gesprek, Turn, restore
from bot.messages import FormInput, Inbound, PlaceKind, Start, User
from bot.plan import WALK, FieldError, Plan, PlanCommand, PuntWalk, parse_plan_command
from bot.reminders import (
    ScheduleCommand,
    ScheduleError,
    describe,
    meeting_text,
    parse_meeting,
    parse_monthly,
    parse_schedule_command,
    parse_weekly,
)
from bot.replies import (
    CommandHelp,
    ExportFile,
    FormErrors,
    HomeEntry,
    HomeView,
    Notice,
    OpenForm,
    Recap,
    Regiobeeld,
    Reply,
    Setting,
    StartThread,
    Tone,
)
from bot.report import EXPORT_FORMATS, ReportCommand, Reporter, parse_report_command
from bot.textinput import MAX_NAME_LENGTH, gemeente_key, gemeente_naam
from dialogues.content import Questionnaire, checklist, ontwikkelplan
from dialogues.flow import END
from store import Store

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Problem(Exception):
    """Why a message cannot be handled, as replies for the user; nothing is changed."""

    def __init__(self, text: str, tone: Tone = Tone.ERROR):
        super().__init__(text)
        self.replies = [Notice(text, tone)]


@dataclass
class Context:
    """One message being handled: what came in, when, and what was said so far."""

    inbound: Inbound
    now: datetime
    said: list[Reply]

    @property
    def at(self) -> str:
        return self.now.isoformat()

    @property
    def user(self) -> User:
        return self.inbound.user


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

    # --- entry points ---------------------------------------------------------------------------

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
                    return ctx.said + self._submit(ctx, inbound.form)
                if inbound.command is not None:
                    schedule = parse_schedule_command(inbound.command, command=True)
                    if schedule:
                        return ctx.said + self._schedule(ctx, schedule)
                    report_command = parse_report_command(inbound.command)
                    if report_command:
                        return ctx.said + self._report(ctx, report_command)
                    plan_command = parse_plan_command(inbound.command)
                    if plan_command:
                        return ctx.said + self._plan_command(ctx, plan_command)
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

    # --- a message in a gesprek -----------------------------------------------------------------

    def _message(self, ctx: Context) -> list[Reply]:
        inbound = ctx.inbound
        schedule = None if inbound.start else parse_schedule_command(inbound.text)
        if schedule:
            return self._schedule(ctx, schedule)
        report_command = None if inbound.start else parse_report_command(inbound.text)
        if report_command:
            return self._report(ctx, report_command)
        # In a channel's threads people talk among themselves: unless they address the bot, it
        # answers only in the thread of its own gesprek.
        quiet = inbound.place.kind is PlaceKind.THREAD and not inbound.addressed and not inbound.start
        try:
            gemeente = self._gemeente(ctx, inbound.gemeente)
        except Problem:
            if quiet:
                return []
            raise
        self._check(ctx, gemeente)
        plan_command = None if inbound.start else parse_plan_command(inbound.text)
        if plan_command:
            return self._plan(ctx, gemeente, plan_command, chat=True)
        walk = self._conversation(gemeente, inbound.place.id, self.walk.questionnaire.id)
        if walk and not walk.done:
            return self._walk(ctx, gemeente, walk)
        conv = self._conversation(gemeente, inbound.place.id)
        start = inbound.start
        if start is None and conv is None:
            if quiet:
                return []
            start = self.gesprek.start_request(inbound.text)
            if start is None:
                return [Notice("Er loopt hier nog geen gesprek. Typ ‘start’ om te beginnen.")]
        turn = self._turn(ctx, gemeente)
        if inbound.place.kind is PlaceKind.THREAD:  # taking part makes you a member
            self.store.add_member(gemeente["id"], ctx.user.id, LID, ctx.user.id, ctx.at)
        if start is not None:
            conv, replies = self.gesprek.start(turn, conv, start)
        else:
            replies = self.gesprek.handle(turn, conv, inbound.text, inbound.expects)
        self._save(ctx, gemeente, inbound.place.id, conv)
        return replies + self._offer_drafts(turn, replies)

    # --- summaries, regiobeeld, exports -----------------------------------------------------------

    def export(self, name: str, fmt: str) -> ExportFile:
        """A document for the operator (``leidraadbot export``): no chat access applies."""
        with self.store.transaction():
            gemeente = self.store.gemeente(gemeente_key(name))
            if gemeente is None:
                raise Problem(f"De gemeente ‘{gemeente_naam(name)}’ is niet bekend bij Leidraadbot.")
            return self._export(gemeente, fmt, self._today())

    def regiobeeld(self, name: str) -> Regiobeeld:
        """The regiobeeld of a regio for the operator (``leidraadbot samenvatting --regio``)."""
        with self.store.transaction():
            regio = next(self.store.db["regios"].rows_where("key = ?", [gemeente_key(name)]), None)
            if regio is None:
                raise Problem(f"De regio ‘{name.strip()}’ is niet bekend bij Leidraadbot.")
            return self.reporter.regiobeeld(self.store, regio, self._today())

    def _today(self, ctx: Context | None = None):
        return (ctx.now if ctx else self.clock()).astimezone(AMSTERDAM).date()

    def _export(self, gemeente: dict, fmt: str, today) -> ExportFile:
        fmt = (fmt or "docx").lower().lstrip(".")
        if fmt not in EXPORT_FORMATS:
            raise Problem(f"‘{fmt}’ is geen exportformaat; kies md, docx of xlsx.", Tone.WARNING)
        from bot.export import excel, word  # matplotlib and friends: only when a document is asked

        data = self.reporter.export_data(self.store, gemeente, today)
        content = {
            "md": lambda: markdown.summary(data.summary).encode(),
            "docx": lambda: word.document(data, self.plan.content),
            "xlsx": lambda: excel.workbook(data, self.plan.content),
        }[fmt]()
        slug = re.sub(r"[^a-z0-9]+", "-", gemeente["key"]).strip("-") or "gemeente"
        return ExportFile(f"ontwikkelplan-{slug}-{today.isoformat()}.{fmt}",
                          f"Ontwikkelplan gemeente {gemeente['naam']} ({today:%d-%m-%Y})", content)

    def _report(self, ctx: Context, command: ReportCommand) -> list[Reply]:
        if command.name == "regiobeeld":
            return self._regiobeeld(ctx)
        gemeente = self._gemeente(ctx, ctx.inbound.gemeente)
        self._check(ctx, gemeente)
        today = self._today(ctx)
        if command.name == "samenvatting":
            return [self.reporter.summary(self.store, gemeente, today)]
        if command.name == "export":
            if not ctx.inbound.forms:
                return [Notice("Een export maak je met ‘leidraadbot export --gemeente "
                               f"{gemeente['naam']} --formaat docx -o ontwikkelplan.docx’ (of md, "
                               "xlsx), of in Slack met ‘/leidraad export docx’.")]
            return [self._export(gemeente, command.argument, today)]
        self._check(ctx, gemeente, Need.BEHEER)
        if command.name == "regio":
            naam, key = self._name(command.argument)
            regio = self.store.regio(key, naam, ctx.at)
            self.store.set_gemeente(gemeente["id"], regio_id=regio["id"])
            return [Notice(f"Gemeente {gemeente['naam']} hoort nu bij regio {regio['naam']}.",
                           Tone.SUCCESS)]
        weeks = command.argument
        if not weeks.isdigit() or not 1 <= int(weeks) <= 52:
            raise Problem("Geef het aantal weken als getal van 1 tot en met 52, bijvoorbeeld "
                          "‘verouderd na 8 weken’.", Tone.WARNING)
        self.store.set_gemeente(gemeente["id"], stale_weeks=int(weeks))
        return [Notice(f"Een ontwikkelpunt heet nu verouderd na {int(weeks)} weken zonder stand van "
                       "zaken.", Tone.SUCCESS)]

    def _regiobeeld(self, ctx: Context) -> list[Reply]:
        """For a projectleider: their regio, or that of the channel's gemeente."""
        place = ctx.inbound.place
        led = self.store.projectleider_regios(ctx.user.id)
        if place.kind is PlaceKind.CONSOLE or place.channel:
            gemeente = self._gemeente(ctx, ctx.inbound.gemeente)
            regio = self.store.regio_by_id(gemeente["regio_id"]) if gemeente["regio_id"] else None
            if regio is None:
                raise Problem(f"Gemeente {gemeente['naam']} hoort nog niet bij een regio; een "
                              "beheerder zet dat met ‘regio instellen <naam van de regio>’.", Tone.WARNING)
        elif len(led) == 1:
            regio = led[0]
        else:
            raise Problem("Het regiobeeld is voor projectleiders van een regio. Vraag een beheerder "
                          "van een gemeente in je regio om je toe te voegen met ‘/leidraad "
                          "projectleider toevoegen @jij’.", Tone.WARNING)
        if place.kind is not PlaceKind.CONSOLE and regio["id"] not in {r["id"] for r in led}:
            raise Problem(f"Het regiobeeld van {regio['naam']} is voor de projectleiders van de "
                          "regio. Een beheerder van een gemeente in de regio kan je toevoegen met "
                          "‘/leidraad projectleider toevoegen @jij’.", Tone.WARNING)
        return [self.reporter.regiobeeld(self.store, regio, self._today(ctx))]

    # --- reminder settings and stuurgroepen -----------------------------------------------------

    def _schedule(self, ctx: Context, command: ScheduleCommand) -> list[Reply]:
        gemeente = self._gemeente(ctx, ctx.inbound.gemeente)
        self._check(ctx, gemeente)
        if command.name not in ("toon", "lijst"):
            self._check(ctx, gemeente, Need.BEHEER)
        try:
            notice = self._change_schedule(ctx, gemeente, command)
        except ScheduleError as error:
            raise Problem(str(error), Tone.WARNING) from None
        gemeente = self.store.gemeente_by_id(gemeente["id"])
        upcoming = tuple(datetime.fromisoformat(m["moment"])
                         for m in self.store.stuurgroepen(gemeente["id"])
                         if datetime.fromisoformat(m["moment"]) > ctx.now)
        setting = Setting(gemeente["naam"], describe(gemeente), gemeente["stale_weeks"],
                          gemeente["prep_days"], upcoming)
        return [notice, setting] if notice else [setting]

    def _change_schedule(self, ctx: Context, gemeente: dict, command: ScheduleCommand
                         ) -> Notice | None:
        """Apply a setting; the notice says what changed (None for just looking)."""
        name, argument, gid = command.name, command.argument, gemeente["id"]
        if name in ("wekelijks", "maandelijks"):
            day, at = (parse_weekly if name == "wekelijks" else parse_monthly)(argument)
            self.store.set_gemeente(gid, reminder_kind=name, reminder_day=day,
                                    reminder_time=at.strftime("%H:%M"), reminder_since=ctx.at)
            return Notice(f"De statusherinnering komt {describe(self.store.gemeente_by_id(gid))}.",
                          Tone.SUCCESS)
        if name == "uit":
            self.store.set_gemeente(gid, reminder_kind=None, reminder_day=None, reminder_time=None)
            return Notice("De statusherinnering staat uit.", Tone.SUCCESS)
        if name == "stuurgroep":
            moment = parse_meeting(argument, ctx.now)
            if not self.store.add_stuurgroep(gid, moment.isoformat(), ctx.user.id, ctx.at):
                return Notice(f"De stuurgroep van {meeting_text(moment)} stond er al.")
            return Notice(f"Stuurgroep toegevoegd: {meeting_text(moment)}. De eigenaren krijgen "
                          f"{gemeente['prep_days']} werkdagen vooraf een herinnering, en één werkdag "
                          "vooraf komt de samenvatting in het kanaal.", Tone.SUCCESS)
        if name == "verwijder":
            try:
                day = parse_date(argument)
            except DateError as error:
                raise ScheduleError(str(error)) from None
            if not self.store.remove_stuurgroepen_on(gid, day.isoformat()):
                raise ScheduleError(f"Op {format_date(day)} staat geen stuurgroep.")
            return Notice(f"De stuurgroep van {format_date(day)} is verwijderd.", Tone.SUCCESS)
        if name == "voorbereiding":
            if not argument.isdigit() or not 1 <= int(argument) <= 20:
                raise ScheduleError("Geef het aantal werkdagen als getal van 1 tot en met 20, "
                                    "bijvoorbeeld ‘voorbereiding 5 werkdagen’.")
            self.store.set_gemeente(gid, prep_days=int(argument))
            return Notice(f"De eigenaren worden {int(argument)} werkdagen voor een stuurgroep "
                          "herinnerd.", Tone.SUCCESS)
        return None

    # --- the ontwikkelplan ------------------------------------------------------------------------

    def _plan_command(self, ctx: Context, command: PlanCommand) -> list[Reply]:
        """A plan command given as a bot command (``/leidraad ontwikkelpunten``)."""
        gemeente = self._gemeente(ctx, ctx.inbound.gemeente)
        self._check(ctx, gemeente)
        return self._plan(ctx, gemeente, command, chat=not ctx.inbound.forms)

    def _plan(self, ctx: Context, gemeente: dict, command: PlanCommand, chat: bool) -> list[Reply]:
        """Carry out a plan command; ``chat``: fields are asked in the conversation, not a form."""
        turn = self._turn(ctx, gemeente)
        plan = self.plan
        try:
            if command.name == "lijst":
                return [plan.listing(turn)]
            if command.name == "concepten":
                return self._drafts(ctx, turn, chat)
            if command.name == "nieuw":
                if not chat:
                    # an adapter with forms asks all fields at once
                    return [OpenForm("nieuw", gemeente=gemeente["naam"])]
                punt = self.store.create_punt(gemeente["id"], {"concept": 1}, ctx.user.id, ctx.at)
                return self._begin_walk(ctx, turn, punt)
            punt = plan.find(turn, command.nummer)
            if command.name == "detail":
                return [plan.detail(turn, punt)]
            if command.name == "afmaken":
                if not punt["concept"]:
                    return [Notice(f"#{punt['nummer']} is al compleet; wijzig een veld met "
                                   f"‘wijzig {punt['nummer']} <veld>’.")]
                if chat:
                    return self._begin_walk(ctx, turn, punt)
                return [OpenForm("nieuw", punt["nummer"], plan.form_values(punt), gemeente["naam"])]
            if command.name == "bijwerken":
                if not command.value:
                    if not chat:
                        return [OpenForm("bijwerken", punt["nummer"], plan.form_values(punt),
                                         gemeente["naam"])]
                    raise FieldError(f"Typ de stand van zaken erachter, bijvoorbeeld ‘bijwerken "
                                     f"{punt['nummer']} offerte opgevraagd’.")
                plan.add_stand(turn, punt, command.value)
                return [Notice(f"Stand van zaken van #{punt['nummer']} bijgewerkt.", Tone.SUCCESS),
                        plan.detail(turn, self.store.punt(gemeente["id"], punt["nummer"]))]
            if command.name == "status":
                status = plan.status_id(command.value)
                plan.set_status(turn, punt, status)
                return [Notice(f"#{punt['nummer']} heeft nu de status ‘{plan.statuses[status]}’.",
                               Tone.SUCCESS)]
            # wijzig <nr> <veld> [waarde]
            if not command.value:
                if not chat:
                    raise FieldError(f"Zet de nieuwe waarde erachter, bijvoorbeeld ‘wijzig "
                                     f"{punt['nummer']} planning 1-3-2027’.")
                return self._begin_walk(ctx, turn, punt, only=command.field)
            plan.set_field(turn, punt, command.field, command.value, ctx.inbound.mentions)
            return [Notice(f"{plan.labels[command.field]} van #{punt['nummer']} is gewijzigd.",
                           Tone.SUCCESS)]
        except FieldError as error:
            return [Notice(str(error), Tone.WARNING)]

    def _submit(self, ctx: Context, form: FormInput) -> list[Reply]:
        """A submitted form: all fields checked at once; stored only when all are right."""
        gemeente = self._gemeente(ctx, ctx.inbound.gemeente)
        self._check(ctx, gemeente)
        turn, plan, who = self._turn(ctx, gemeente), self.plan, ctx.user.naam
        try:
            punt = plan.find(turn, form.nummer) if form.nummer else {}
        except FieldError as error:
            return [Notice(str(error), Tone.WARNING)]
        fields = ("planning",) if form.kind == "bijwerken" else WALK[:-1]
        columns, errors = plan.read_form(form.values, punt, ctx.inbound.mentions, fields)
        stand = (form.values.get("stand_van_zaken") or "").strip()
        if form.kind == "bijwerken" and not stand:
            errors["stand_van_zaken"] = "Beschrijf de stand van zaken; die wordt met de datum bewaard."
        status = form.values.get("status") or punt.get("status") or "open"
        if status not in plan.statuses:
            errors["status"] = f"Kies een status: {', '.join(plan.statuses.values())}."
        if errors:
            return [FormErrors(tuple(errors.items()))]
        if not punt:
            punt = self.store.create_punt(gemeente["id"], {"concept": 1}, ctx.user.id, ctx.at)
        was_concept = bool(punt["concept"])
        try:
            for field, value in columns.items():
                if field in WALK and str(punt.get(field) or "") != str(value or ""):
                    text = form.values.get("wie", "") if field == "wie" else str(value)
                    punt = plan.set_field(turn, punt, field, text, ctx.inbound.mentions)
            punt = plan.finish(turn, punt)
            if stand:
                plan.add_stand(turn, punt, stand)
            if status != punt["status"]:
                plan.set_status(turn, punt, status)
        except FieldError as error:
            raise Problem(str(error), Tone.WARNING) from None
        punt = self.store.punt(gemeente["id"], punt["nummer"])
        done = ("toegevoegd" if was_concept else "bijgewerkt")
        return [Notice(f"Ontwikkelpunt #{punt['nummer']} is {done} door {who}.", Tone.SUCCESS),
                plan.detail(turn, punt)]

    def _drafts(self, ctx: Context, turn: Turn, chat: bool) -> list[Reply]:
        drafts = self.plan.drafts_from_bouwstenen(turn)
        if not drafts:
            return [Notice("Er zijn geen antwoorden op ‘Welke acties zijn daarvoor nodig?’ die nog "
                           "geen concept-ontwikkelpunt hebben.")]
        numbers = ", ".join(f"#{d['nummer']}" for d in drafts)
        done = Notice(f"{len(drafts)} concept-ontwikkelpunten klaargezet ({numbers}), met de acties "
                      "uit de Bouwstenen al ingevuld.", Tone.SUCCESS)
        if not chat:
            return [done, Notice("Maak ze af met ‘/leidraad afmaken <nummer>’.")]
        return [done, *self._begin_walk(ctx, turn, drafts[0], [d["nummer"] for d in drafts[1:]])]

    def _begin_walk(self, ctx: Context, turn: Turn, punt: dict, queue: list[int] = (),
                    only: str | None = None) -> list[Reply]:
        conv, replies = self.walk.begin(turn, punt, queue, only)
        self._save(ctx, turn.gemeente, ctx.inbound.place.id, conv, self.walk.questionnaire.id)
        return replies

    def _walk(self, ctx: Context, gemeente: dict, walk: Conversation) -> list[Reply]:
        turn = self._turn(ctx, gemeente)
        inbound = ctx.inbound
        if inbound.start is not None:
            replies = [Notice("We waren een ontwikkelpunt aan het invullen:"),
                       *self.walk.current(turn, walk)]
        else:
            replies = self.walk.handle(turn, walk, inbound.text, inbound.mentions, inbound.expects)
        self._save(ctx, gemeente, inbound.place.id, walk, self.walk.questionnaire.id)
        if walk.done:
            conv = self._conversation(gemeente, inbound.place.id)
            if conv and not conv.done:
                replies += [Notice("We gaan verder met de Checklist sturing."),
                            *self.gesprek.current(turn, conv)]
        return replies

    def _offer_drafts(self, turn: Turn, replies: list[Reply]) -> list[Reply]:
        """After the recap: offer to turn the Bouwstenen's actions into concept ontwikkelpunten."""
        if not any(isinstance(r, Recap) for r in replies):
            return []
        bouwstenen = self.plan.draftable(turn.answers, self.store.punten(turn.gemeente["id"]))
        if not bouwstenen:
            return []
        names = ", ".join(b.replace("bouwsteen", "Bouwsteen ") for b in bouwstenen)
        return [Notice(f"Je antwoorden op ‘Welke acties zijn daarvoor nodig?’ ({names}) kunnen "
                       "concept-ontwikkelpunten worden in het ontwikkelplan. Typ ‘concepten maken’ "
                       "om ze klaar te zetten en aan te vullen.")]

    # --- bot commands ---------------------------------------------------------------------------

    def _command(self, ctx: Context, command: BotCommand) -> list[Reply]:
        if command.name in (None, BotCmd.HELP):
            return [CommandHelp(USAGE, command.typed if command.name is None else "",
                                command.suggestion if command.name is None else "")]
        if command.name is BotCmd.BIND:
            return self._bind(ctx, command.argument)
        if command.name in (BotCmd.ADD, BotCmd.REMOVE):
            return self._members(ctx, add=command.name is BotCmd.ADD)
        if command.name is BotCmd.LEAD:
            return self._projectleiders(ctx)
        place = ctx.inbound.place
        arguments = start_arguments(command.argument)
        gemeente = self._gemeente(ctx, arguments.gemeente or ctx.inbound.gemeente)
        self._check(ctx, gemeente)
        in_channel = place.kind is PlaceKind.CHANNEL
        conv_place = self._channel_thread(gemeente, place.channel) if in_channel else place.id
        if command.name is BotCmd.START:
            if in_channel:
                return [StartThread(gemeente["naam"], arguments.deel, conv_place)]
            inbound = Inbound(ctx.user, place, gemeente["naam"], start=Start(arguments.deel))
            return self._message(Context(inbound, ctx.now, []))
        conv = self._conversation(gemeente, conv_place) if conv_place else None
        turn = self._turn(ctx, gemeente)
        if command.name is BotCmd.PROGRESS:
            return self.gesprek.progress(turn, conv)
        if conv is None:
            return [Notice("Er loopt hier geen gesprek om te pauzeren.")]
        replies = self.gesprek.pause(turn, conv)
        self._save(ctx, gemeente, conv_place, conv)
        return replies

    def _bind(self, ctx: Context, name: str) -> list[Reply]:
        place = ctx.inbound.place
        if place.kind not in (PlaceKind.CHANNEL, PlaceKind.THREAD) or not place.channel:
            raise Problem("Koppelen kan alleen in een kanaal: typ ‘/leidraad koppel <gemeente>’ in "
                          "het kanaal van het team.", Tone.WARNING)
        naam, key = self._name(name)
        current = self.store.channel_gemeente(place.channel)
        target = self.store.gemeente(key)
        if current and target and current["id"] == target["id"]:
            return [Notice(f"Dit kanaal is al gekoppeld aan gemeente {current['naam']}.")]
        for gemeente in (current, target):
            if gemeente and self.store.beheerders(gemeente["id"]):
                self._check(ctx, gemeente, Need.BEHEER)
        if target is None:
            target = self.store.create_gemeente(key, naam, ctx.at)
        self.store.bind_channel(place.channel, target["id"], ctx.user.id, ctx.at)
        self.store.add_member(target["id"], ctx.user.id, BEHEERDER, ctx.user.id, ctx.at)
        return [Notice(f"Dit kanaal is nu gekoppeld aan gemeente {target['naam']}, en jij bent "
                       "beheerder. Start het gesprek met ‘/leidraad start’; voeg collega's toe met "
                       "‘/leidraad lid toevoegen @naam’.", Tone.SUCCESS)]

    def _members(self, ctx: Context, add: bool) -> list[Reply]:
        gemeente = self._gemeente(ctx, None)
        self._check(ctx, gemeente, Need.BEHEER)
        people = ctx.inbound.mentions
        if not people:
            verb = "toevoegen" if add else "verwijderen"
            raise Problem(f"Noem wie je wilt {verb}, bijvoorbeeld ‘/leidraad lid {verb} @anna’.",
                          Tone.WARNING)
        replies: list[Reply] = []
        for person in people:
            if add:
                self.store.add_member(gemeente["id"], person.id, LID, ctx.user.id, ctx.at)
                text = f"{person.naam} hoort nu bij gemeente {gemeente['naam']}."
            elif self._last_beheerder(gemeente, person):
                text = (f"{person.naam} is de laatste beheerder van gemeente {gemeente['naam']} en "
                        "blijft erbij; maak eerst iemand anders beheerder door een kanaal te koppelen.")
            elif self.store.remove_member(gemeente["id"], person.id):
                text = f"{person.naam} hoort niet meer bij gemeente {gemeente['naam']}."
            else:
                text = f"{person.naam} hoorde niet bij gemeente {gemeente['naam']}."
            replies.append(Notice(text, Tone.SUCCESS))
        return replies

    def _projectleiders(self, ctx: Context) -> list[Reply]:
        gemeente = self._gemeente(ctx, None)
        self._check(ctx, gemeente, Need.BEHEER)
        regio = self.store.regio_by_id(gemeente["regio_id"]) if gemeente["regio_id"] else None
        if regio is None:
            raise Problem(f"Zet eerst de regio van gemeente {gemeente['naam']} met ‘/leidraad regio "
                          "instellen <naam>’.", Tone.WARNING)
        if not ctx.inbound.mentions:
            raise Problem("Noem wie projectleider wordt, bijvoorbeeld ‘/leidraad projectleider "
                          "toevoegen @anna’.", Tone.WARNING)
        for person in ctx.inbound.mentions:
            self.store.add_projectleider(regio["id"], person.id, ctx.user.id, ctx.at)
        names = ", ".join(p.naam for p in ctx.inbound.mentions)
        return [Notice(f"{names} is nu projectleider van regio {regio['naam']} en kan het "
                       "regiobeeld opvragen met ‘/leidraad samenvatting regio’.", Tone.SUCCESS)]

    # --- finding things -------------------------------------------------------------------------

    def _name(self, name: str | None) -> tuple[str, str]:
        naam, key = gemeente_naam(name or ""), gemeente_key(name or "")
        if not key:
            raise Problem("Voor welke gemeente? Geef de naam van de gemeente op.")
        if len(naam) > MAX_NAME_LENGTH:
            raise Problem(f"‘{naam[:40]}…’ is te lang voor de naam van een gemeente.")
        return naam, key

    def _gemeente(self, ctx: Context, name: str | None) -> dict:
        """The gemeente this message is about; ``Problem`` when there is none to be had."""
        place, user = ctx.inbound.place, ctx.user
        if place.channel and place.kind is not PlaceKind.CONSOLE:
            bound = self.store.channel_gemeente(place.channel)
            if bound is None:
                raise Problem("Dit kanaal is nog niet gekoppeld aan een gemeente. Koppel het met "
                              "‘/leidraad koppel <naam van de gemeente>’.", Tone.WARNING)
            return bound
        if name:
            naam, key = self._name(name)
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

    def _check(self, ctx: Context, gemeente: dict, need: Need = Need.GESPREK) -> None:
        place = ctx.inbound.place
        bound = self.store.channel_gemeente(place.channel) if place.channel else None
        facts = Facts(
            bound_gemeente_id=bound["id"] if bound else None,
            role=self.store.member_role(gemeente["id"], ctx.user.id),
            beheerders=tuple(b["naam"] for b in self.store.beheerders(gemeente["id"])),
        )
        refusal = authorize(ctx.user, place, gemeente, facts, need)
        if refusal:
            raise Problem(refusal.text)

    def _last_beheerder(self, gemeente: dict, person: User) -> bool:
        return [b["id"] for b in self.store.beheerders(gemeente["id"])] == [person.id]

    def _channel_thread(self, gemeente: dict, channel: str | None) -> str | None:
        """The place of the channel's gesprek thread that is still going, if any."""
        if not channel:
            return None
        row = self.store.latest_conversation_under(
            channel + ":", gemeente["id"], self.gesprek.questionnaire.id, END)
        return row["place"] if row else None

    # --- conversations --------------------------------------------------------------------------

    def _turn(self, ctx: Context, gemeente: dict) -> Turn:
        return Turn(self.store, gemeente, ctx.user, ctx.now)

    def _conversation(self, gemeente: dict, place: str, questionnaire: str | None = None
                      ) -> Conversation | None:
        """The checklist conversation in ``place`` (or that of another ``questionnaire``)."""
        questionnaire = questionnaire or self.gesprek.questionnaire.id
        row = self.store.conversation(gemeente["id"], place, questionnaire)
        if row is None:
            return None
        flow = self.gesprek.flow if questionnaire == self.gesprek.questionnaire.id else self.walk.flow
        return restore(row, flow)

    def _save(self, ctx: Context, gemeente: dict, place: str, conv: Conversation,
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
