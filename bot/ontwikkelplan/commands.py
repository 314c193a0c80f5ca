"""The ontwikkelplan in conversation: plan commands, the field walk, forms, and drafts."""

from __future__ import annotations

from bot.core.context import Context, Problem
from bot.core.messages import FormInput
from bot.core.replies import FormErrors, Notice, OpenForm, Recap, Reply, Tone
from bot.gesprek.checklist import Conversation, Turn
from bot.ontwikkelplan.plan import WALK, FieldError, Plan, PlanCommand, PuntWalk
from bot.service.desk import Desk


class Planning:
    """Carries out the plan commands for a message, through the desk."""

    def __init__(self, desk: Desk, plan: Plan, walk: PuntWalk):
        self.desk = desk
        self.plan = plan
        self.walk = walk

    def command(self, ctx: Context, command: PlanCommand) -> list[Reply]:
        """A plan command given as a bot command (``/leidraad ontwikkelpunten``)."""
        gemeente = self.desk.gemeente(ctx, ctx.inbound.gemeente)
        self.desk.check(ctx, gemeente)
        return self.run(ctx, gemeente, command, chat=not ctx.inbound.forms)

    def run(self, ctx: Context, gemeente: dict, command: PlanCommand, chat: bool) -> list[Reply]:
        """Carry out a plan command; ``chat``: fields are asked in the conversation, not a form."""
        turn = self.desk.turn(ctx, gemeente)
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
                punt = self.desk.store.create_punt(gemeente["id"], {"concept": 1}, ctx.user.id, ctx.at)
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
                        plan.detail(turn, self.desk.store.punt(gemeente["id"], punt["nummer"]))]
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

    def submit(self, ctx: Context, form: FormInput) -> list[Reply]:
        """A submitted form: all fields checked at once; stored only when all are right."""
        gemeente = self.desk.gemeente(ctx, ctx.inbound.gemeente)
        self.desk.check(ctx, gemeente)
        turn, plan, who = self.desk.turn(ctx, gemeente), self.plan, ctx.user.naam
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
            punt = self.desk.store.create_punt(gemeente["id"], {"concept": 1}, ctx.user.id, ctx.at)
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
        punt = self.desk.store.punt(gemeente["id"], punt["nummer"])
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
        self.desk.save(ctx, turn.gemeente, ctx.inbound.place.id, conv, self.walk.questionnaire.id)
        return replies

    def continue_walk(self, ctx: Context, gemeente: dict, walk: Conversation) -> list[Reply]:
        turn = self.desk.turn(ctx, gemeente)
        inbound = ctx.inbound
        if inbound.start is not None:
            replies = [Notice("We waren een ontwikkelpunt aan het invullen:"),
                       *self.walk.current(turn, walk)]
        else:
            replies = self.walk.handle(turn, walk, inbound.text, inbound.mentions, inbound.expects)
        self.desk.save(ctx, gemeente, inbound.place.id, walk, self.walk.questionnaire.id)
        if walk.done:
            conv = self.desk.conversation(gemeente, inbound.place.id)
            if conv and not conv.done:
                replies += [Notice("We gaan verder met de Checklist sturing."),
                            *self.desk.gesprek.current(turn, conv)]
        return replies

    def offer_drafts(self, turn: Turn, replies: list[Reply]) -> list[Reply]:
        """After the recap: offer to turn the Bouwstenen's actions into concept ontwikkelpunten."""
        if not any(isinstance(r, Recap) for r in replies):
            return []
        bouwstenen = self.plan.draftable(turn.answers, self.desk.store.punten(turn.gemeente["id"]))
        if not bouwstenen:
            return []
        names = ", ".join(b.replace("bouwsteen", "Bouwsteen ") for b in bouwstenen)
        return [Notice(f"Je antwoorden op ‘Welke acties zijn daarvoor nodig?’ ({names}) kunnen "
                       "concept-ontwikkelpunten worden in het ontwikkelplan. Typ ‘concepten maken’ "
                       "om ze klaar te zetten en aan te vullen.")]
