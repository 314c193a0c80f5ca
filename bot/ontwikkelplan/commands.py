"""The ontwikkelplan's commands: new, list, detail, stand van zaken, status, field changes,
concepts; and the submitted forms of platforms that have them."""

from __future__ import annotations

import re

from bot.core.access import Role
from bot.core.commands import Choice, DoesNotFit, Number, Text, command
from bot.core.context import Context, Problem
from bot.core.conversation import Active, load
from bot.core.messages import FormInput, PlaceKind
from bot.core.replies import FormErrors, Notice, OpenForm, Recap, Reply, Tone
from bot.core.text import typed
from bot.ontwikkelplan.plan import FIELD_NAMES, FIELD_WORDS, STATUS_WORDS, WALK, FieldError, Plan
from bot.ontwikkelplan.walk import PuntWalk, WalkState


def _always(args: dict) -> bool:
    return True


THEMA_NUMBER = re.compile(r"(\d)[.,](\d{1,2})")  # 1.2: basisfunctie 1, its second thema
NAME_A_THEMA = "Noem het thema met basisfunctie en nummer, bijvoorbeeld ‘thema 1.2’"


def _thema_number(nummer: str) -> None:
    """The grammar of ``thema 1.2``: a basisfunctie's number and a thema's."""
    if not THEMA_NUMBER.fullmatch(nummer):
        raise DoesNotFit(NAME_A_THEMA + ".")


def walk_place(place: str, user_id: str) -> str:
    """Where one person's field walk lives: their own, also in a thread where colleagues answer
    the gesprek meanwhile (``Gesprekken.any_in`` counts it as the place's)."""
    return f"{place}~{user_id}"


class PlanCommands:
    group = "Het ontwikkelplan"

    def __init__(self, plan: Plan, walk: PuntWalk):
        self.plan = plan
        self.walk = walk

    def walking(self, ctx: Context, place: str) -> Active | None:
        """This user's field walk going on in ``place``, if any. One whose concept was thrown
        away meanwhile (elsewhere, or by a colleague) ends here, and the message says so."""
        conv = load(ctx, walk_place(place, ctx.user.id), self.walk.flow, WalkState)
        if conv is None or conv.done:
            return None
        if ctx.store.punten.get(ctx.gemeente["id"], conv.pending.nummer) is None:
            ctx.said.append(self.walk.end_gone(ctx, conv))
            ctx.interrupted = True
            return None
        return Active(self.walk, conv)

    @command("ontwikkelpunt nieuw", "nieuw ontwikkelpunt", usage="ontwikkelpunt nieuw",
             help="een ontwikkelpunt toevoegen; de bot vraagt de velden van het ontwikkelplan een "
                  "voor een (in Slack en Teams: een formulier)", form=_always)
    def new(self, ctx: Context) -> list[Reply]:
        if ctx.inbound.forms:
            return [OpenForm("nieuw", gemeente=ctx.gemeente["naam"])]
        punt = ctx.store.punten.create(ctx.gemeente["id"], {"concept": 1}, ctx.user.id, ctx.at)
        return self._begin_walk(ctx, punt)

    @command("ontwikkelpunten", usage="ontwikkelpunten",
             help="de open ontwikkelpunten zien per basisfunctie, met hun laatste stand van zaken")
    def listing(self, ctx: Context) -> list[Reply]:
        return [self.plan.listing(ctx)]

    @command("ontwikkelpunt", args=(Number("nummer"),), role=Role.EIGENAAR,
             usage="ontwikkelpunt 3",
             help="ontwikkelpunt #3 bekijken, met al zijn velden en zijn geschiedenis")
    def detail(self, ctx: Context, nummer: int) -> list[Reply]:
        return [self.plan.detail(ctx, self.plan.find(ctx, nummer))]

    @command("bijwerken", args=(Number("nummer"), Text("tekst", optional=True)),
             role=Role.EIGENAAR, usage="bijwerken 3 <tekst>",
             help="een stand van zaken bij #3 zetten, met de datum van vandaag (in Slack en Teams "
                  "zonder tekst: een formulier)", form=lambda args: not args.get("tekst"))
    def update(self, ctx: Context, nummer: int, tekst: str = "") -> list[Reply]:
        punt = self.plan.find(ctx, nummer)
        if not tekst:
            if ctx.inbound.forms:
                return [OpenForm("bijwerken", punt["nummer"], self.plan.form_values(punt),
                                 ctx.gemeente["naam"], punt["updated_at"])]
            return [Notice(f"Typ de stand van zaken erachter, bijvoorbeeld "  # or use its button
                           f"{typed(f'bijwerken {nummer} offerte opgevraagd')}."),
                    self.plan.detail(ctx, punt)]
        self.plan.add_stand(ctx, punt, tekst)
        return [Notice(f"Stand van zaken van #{punt['nummer']} bijgewerkt.", Tone.SUCCESS),
                self.plan.detail(ctx, ctx.store.punten.get(ctx.gemeente["id"], punt["nummer"]))]

    @command("status", args=(Number("nummer"), Choice("status", STATUS_WORDS,
                                                      invalid="‘{word}’ is geen status.")),
             role=Role.EIGENAAR, usage="status 3 afgerond",
             help="de status van #3 zetten: open, in uitvoering, afgerond of vervallen")
    def status(self, ctx: Context, nummer: int, status: str) -> list[Reply]:
        punt = self.plan.find(ctx, nummer)
        self.plan.set_status(ctx, punt, status)
        return [Notice(f"#{punt['nummer']} heeft nu de status ‘{self.plan.statuses[status]}’.",
                       Tone.SUCCESS)]

    @command("wijzig", args=(Number("nummer"), Choice("veld", FIELD_WORDS, invalid=(
                 "‘{word}’ is geen veld van een ontwikkelpunt. De velden zijn: "
                 + ", ".join(dict.fromkeys(FIELD_NAMES)) + ".")),
                             Text("waarde", optional=True)),
             usage="wijzig 3 planning 1-3-2027",
             help="één veld van #3 wijzigen (basisfunctie, thema, ontwikkelpunt, resultaat, "
                  "actie, kosten, wie, planning); zonder waarde vraagt de bot erom")
    def change(self, ctx: Context, nummer: int, veld: str, waarde: str = "") -> list[Reply]:
        punt = self.plan.find(ctx, nummer)
        if not waarde:
            if ctx.place.kind is PlaceKind.CHANNEL:  # the next message here is not read
                raise DoesNotFit(f"Zet de nieuwe waarde erachter, bijvoorbeeld ‘wijzig {nummer} planning "
                            "1-3-2027’.")
            return self._begin_walk(ctx, punt, only=veld)
        past = self.plan.in_the_past(waarde, ctx.today) if veld == "planning" else None
        if past and ctx.place.kind is not PlaceKind.CHANNEL:  # the walk asks about it, once
            return self._walk_answer(ctx, punt, veld, waarde)
        changed = self.plan.set_field(ctx, punt, veld, waarde, ctx.inbound.mentions)
        replies = [Notice(f"{self.plan.labels[veld]} van #{punt['nummer']} is gewijzigd"
                          + (" en het staat nu open." if punt["concept"] and not changed["concept"]
                             else "."), Tone.SUCCESS)]
        if past:
            replies.append(Notice(f"{past} Zo niet, wijzig hem met "
                                  f"{typed(f'wijzig {nummer} planning <datum>')}.", Tone.WARNING))
        if veld == "basisfunctie" and punt.get("thema") and changed.get("thema") is None:
            themes = ", ".join(f"{t.number}. {t.title}" for t in
                               self.plan.content.basisfunctie(changed["basisfunctie"]).themes)
            if ctx.place.kind is PlaceKind.CHANNEL:
                replies.append(Notice("Het thema hoorde bij de vorige basisfunctie en is leeggemaakt. "
                                      f"Kies een nieuw thema met {typed(f'wijzig {nummer} thema <nummer>')}"
                                      f": {themes}.", Tone.WARNING))
            else:
                replies.append(Notice("Het thema hoorde bij de vorige basisfunctie en is leeggemaakt; "
                                      "kies een thema van de nieuwe.", Tone.WARNING))
                replies += self._begin_walk(ctx, changed, only="thema")[1:]
        return replies

    @command("weggooien", "concept weggooien", "verwijder concept", args=(Number("nummer"),),
             usage="weggooien 3",
             help="concept #3 weggooien (een ontwikkelpunt dat geen concept meer is zet je op "
                  "‘vervallen’)")
    def discard(self, ctx: Context, nummer: int) -> list[Reply]:
        punt = self.plan.find(ctx, nummer)
        self.plan.discard(ctx, punt)
        return [Notice(f"Concept #{punt['nummer']} is weggegooid.", Tone.SUCCESS)]

    @command("afmaken", args=(Number("nummer"),), usage="afmaken 3",
             help="concept #3 afmaken: de bot vraagt wat nog ontbreekt", form=_always)
    def complete(self, ctx: Context, nummer: int) -> list[Reply]:
        punt = self.plan.find(ctx, nummer)
        if not punt["concept"]:
            return [Notice(f"#{punt['nummer']} is al compleet; wijzig een veld met "
                           f"{typed(f'wijzig {nummer} <veld>')}.")]
        if ctx.inbound.forms:
            return [OpenForm("nieuw", punt["nummer"], self.plan.form_values(punt),
                             ctx.gemeente["naam"], punt["updated_at"])]
        return self._begin_walk(ctx, punt)

    @command("thema", "quickscan", args=(Text("nummer", max_words=1, check=_thema_number),),
             role=Role.IEDEREEN,
             usage="thema 1.2",
             help="een quickscan-thema van het ontwikkelplan bekijken: de punten van de quickscan "
                  "en waarom het van belang is")
    def thema(self, ctx: Context, nummer: str) -> list[Reply]:
        match = THEMA_NUMBER.fullmatch(nummer.strip())
        functie = self.plan.content.basisfunctie(int(match.group(1))) if match else None
        if functie is None or not 0 < int(match.group(2)) <= len(functie.themes):
            themes = "; ".join(f"{b.number}.1 tot en met {b.number}.{len(b.themes)}"
                               for b in self.plan.content.basisfuncties)
            raise DoesNotFit(f"{NAME_A_THEMA} (de thema's: {themes}).")
        return [self.plan.thema_notice(functie.number, int(match.group(2)))]

    @command("concepten maken", usage="concepten maken",
             help="van de antwoorden op ‘Welke acties zijn daarvoor nodig?’ in de Bouwstenen "
                  "concept-ontwikkelpunten maken, en ze aanvullen")
    def drafts(self, ctx: Context) -> list[Reply]:
        drafts = self.plan.drafts_from_bouwstenen(ctx)
        if not drafts:
            return [Notice("Er zijn geen antwoorden op ‘Welke acties zijn daarvoor nodig?’ die nog "
                           "geen concept-ontwikkelpunt hebben.")]
        numbers = ", ".join(f"#{d['nummer']}" for d in drafts)
        what = "concept-ontwikkelpunt" if len(drafts) == 1 else "concept-ontwikkelpunten"
        done = Notice(f"{len(drafts)} {what} klaargezet ({numbers}), met de resultaten, acties en "
                      "uitvoering uit de Bouwstenen al ingevuld.", Tone.SUCCESS)
        if ctx.inbound.forms:
            return [done, Notice(f"Maak ze af met {typed('afmaken <nummer>')}.")]
        return [done, *self._begin_walk(ctx, drafts[0], [d["nummer"] for d in drafts[1:]])]

    # --- forms and offers -------------------------------------------------------------------------

    def form_errors(self, ctx: Context, form: FormInput) -> FormErrors | None:
        """What is wrong in a submitted form, checked without changing anything."""
        _, _, errors = self._read(ctx, form)
        return FormErrors(tuple(errors.items())) if errors else None

    def _read(self, ctx: Context, form: FormInput) -> tuple[dict, dict, dict[str, str]]:
        """The ontwikkelpunt a form is about, the column values it gives, and its errors."""
        if form.kind == "bijwerken" and not form.nummer:
            raise Problem("Dit formulier hoort bij geen ontwikkelpunt (meer); er is niets opgeslagen. "
                          "Open het opnieuw bij het ontwikkelpunt.")
        punt = self.plan.find(ctx, form.nummer) if form.nummer else {}
        fields = ("planning",) if form.kind == "bijwerken" else WALK[:-1]
        own = ctx.gemeente.get("mail_domain")
        columns, errors = self.plan.read_form(form.values, punt, ctx.inbound.mentions, fields, own)
        try:
            stand = self.plan.fitting_stand(form.values.get("stand_van_zaken") or "", own)
        except FieldError as error:
            errors["stand_van_zaken"] = str(error)
        else:
            if form.kind == "bijwerken" and not stand:
                errors["stand_van_zaken"] = "Beschrijf de stand van zaken; die wordt met de datum bewaard."
        status = form.values.get("status") or punt.get("status") or "open"
        if status not in self.plan.statuses:
            errors["status"] = f"Kies een status: {', '.join(self.plan.statuses.values())}."
        return punt, columns, errors

    def submit(self, ctx: Context, form: FormInput) -> list[Reply]:
        """A submitted form: all fields checked at once; stored only when all are right."""
        punt, columns, errors = self._read(ctx, form)
        if errors:
            return [FormErrors(tuple(errors.items()))]
        plan = self.plan
        if not punt:
            punt = ctx.store.punten.create(ctx.gemeente["id"], {"concept": 1}, ctx.user.id, ctx.at)
        was_concept = bool(punt["concept"])
        meanwhile = plan.changed_since(ctx, punt, form.as_of) if punt.get("id") else {}
        status = form.values.get("status") or punt["status"]
        # what a colleague changed while the form was open, and the form left as it showed it
        stale = [field for field, m in meanwhile.items() if m.shown == (
            status if field == "status" else plan.value_text(field, {**punt, **columns}))]
        for field, value in columns.items():
            if field in WALK and field not in stale and str(punt.get(field) or "") != str(value or ""):
                text = form.values.get("wie", "") if field == "wie" else str(value)
                punt = plan.set_field(ctx, punt, field, text, ctx.inbound.mentions)
        punt = plan.finish(ctx, punt)
        stand = (form.values.get("stand_van_zaken") or "").strip()
        if stand:
            plan.add_stand(ctx, punt, stand)
        if "status" not in stale and status != punt["status"]:
            plan.set_status(ctx, punt, status)
        punt = ctx.store.punten.get(ctx.gemeente["id"], punt["nummer"])
        done = "toegevoegd" if was_concept else "bijgewerkt"
        return [Notice(f"Ontwikkelpunt #{punt['nummer']} is {done} door {ctx.user.naam}.", Tone.SUCCESS),
                *([plan.kept_notice([meanwhile[f] for f in stale])] if stale else []),
                plan.detail(ctx, punt)]

    def offer_drafts(self, ctx: Context, replies: list[Reply]) -> list[Reply]:
        """After the recap: offer to turn the Bouwstenen's actions into concept ontwikkelpunten."""
        if not any(isinstance(r, Recap) for r in replies):
            return []
        bouwstenen = self.plan.draftable(ctx.answers, ctx.store.punten.all(ctx.gemeente["id"]))
        if not bouwstenen:
            return []
        names = ", ".join(b.replace("bouwsteen", "Bouwsteen ") for b in bouwstenen)
        return [Notice(f"Je antwoorden op ‘Welke acties zijn daarvoor nodig?’ ({names}) kunnen "
                       "concept-ontwikkelpunten worden in het ontwikkelplan. Typ ‘concepten maken’ "
                       "om ze klaar te zetten en aan te vullen.")]

    def _walk_answer(self, ctx: Context, punt: dict, field: str, text: str) -> list[Reply]:
        """``text`` for ``field`` through the field walk (the one at that field, or a new one),
        as if it was typed there."""
        active = self.walking(ctx, ctx.place.id)
        if not (active and active.conv.state == f"punt.{field}"
                and active.conv.pending.nummer == punt["nummer"]):
            conv, _ = self.walk.begin(ctx, punt, walk_place(ctx.place.id, ctx.user.id), only=field)
            active = Active(self.walk, conv)
        replies = self.walk.answer(ctx, active.conv, text, active.conv.state)
        active.save(ctx)
        return replies

    def _begin_walk(self, ctx: Context, punt: dict, queue: list[int] = (),
                    only: str | None = None) -> list[Reply]:
        conv, replies = self.walk.begin(ctx, punt, walk_place(ctx.place.id, ctx.user.id), queue, only)
        Active(self.walk, conv).save(ctx)
        return replies
