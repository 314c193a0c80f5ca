"""Asking an ontwikkelpunt's fields one by one, in chat, where there is no form.

The walk is a dialogue like the gesprek, on a `transitions` flow built from the Bijlage 3 fields:
the gesprek's words (overslaan, terug, behouden, stop) steer it, and every answer is stored as it
is given, so stopping halfway keeps a concept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.core.context import Context
from bot.core.conversation import (
    ANSWERED,
    KEPT,
    SKIPPED,
    Conversation,
    State,
    first_uses,
    record_ask,
    save,
)
from bot.core.replies import Notice, PreviousAnswer, QuestionPrompt, Reply, Tone
from bot.core.text import clean_text, typed
from bot.ontwikkelplan.plan import DRAFT_PROPOSED, REQUIRED, WALK, FieldError, Plan
from dialogues.content import Part, Question, Questionnaire, Section, terms_in
from dialogues.flow import BACK, END, NEXT, CannotMove, Flow

WALK_ID = "ontwikkelpunt"


@dataclass
class WalkState(State):
    """What a field walk keeps: the ontwikkelpunt (its id and number), the fields it asks, the
    concepts to do after it, and a planning in the past that was questioned once."""

    punt: int = 0
    nummer: int = 0
    fields: list[str] = field(default_factory=list)
    queue: list[int] = field(default_factory=list)
    questioned: str | None = None


class PuntWalk:
    """Asks an ontwikkelpunt's fields one by one; each answer is stored as it is given."""

    def __init__(self, plan: Plan):
        self.plan = plan
        questions = tuple(Question(f"punt.{field}", plan.labels[field], ()) for field in WALK)
        self.questionnaire = Questionnaire(
            id=WALK_ID, title="Ontwikkelpunt", intro="",
            parts=(Part("punt", 1, "Ontwikkelpunt", (Section("punt", "Velden", questions),)),),
        )
        self.flow = Flow(self.questionnaire)
        self.guidance = {f.id: f.guidance for f in plan.content.fields}

    def begin(self, ctx: Context, punt: dict, place: str, queue: list[int] = (),
              only: str | None = None) -> tuple[Conversation, list[Reply]]:
        """Start asking ``punt``'s fields: just ``only``, or those still empty (all, for a new
        one; a drafted basisfunctie is a proposal, asked too); ``queue``: concepts to do next."""
        fields = [only] if only else self._to_ask(punt)
        conv = Conversation(place=place, state=f"punt.{fields[0]}",
                            pending=WalkState(punt=punt["id"], nummer=punt["nummer"],
                                              queue=list(queue), fields=fields))
        if only:
            intro = f"Ontwikkelpunt #{punt['nummer']}: {self.plan.labels[only].lower()} wijzigen."
        elif len(fields) < len(WALK):
            intro = (f"We maken ontwikkelpunt #{punt['nummer']} af; ik vraag alleen wat nog leeg "
                     "is" + (" en wat uit de Bouwsteen is voorgesteld (typ ‘behouden’ om een "
                             "voorstel te houden)" if punt.get("bron") else "")
                     + ". Typ ‘overslaan’ bij een veld dat nog niet bekend is, ‘stop’ om te stoppen.")
        else:
            intro = (f"We vullen ontwikkelpunt #{punt['nummer']} in, veld voor veld. Verplicht zijn: "
                     + ", ".join(self.plan.labels[f] for f in REQUIRED)
                     + ". Typ ‘overslaan’ bij een veld dat nog niet bekend is, ‘stop’ om te stoppen.")
        return conv, [Notice(intro), *self._ask(ctx, punt, conv)]

    @staticmethod
    def _to_ask(punt: dict) -> list[str]:
        """What is empty (the stand van zaken always), and of a concept drafted from the
        Bouwstenen also what was only proposed."""
        proposed = DRAFT_PROPOSED if punt.get("bron") else ()
        return [f for f in WALK if not punt.get(f) or f in proposed]

    def guide(self, conv: Conversation) -> None:
        """A field's guidance from Bijlage 3 is shown with it already."""
        return None

    def busy(self, conv: Conversation) -> str:
        return f"ontwikkelpunt #{conv.pending.nummer}"

    # --- the dialogue -----------------------------------------------------------------------------

    def current(self, ctx: Context, conv: Conversation) -> list[Reply]:
        """The field the walk is at."""
        return [self._prompt(self._punt(ctx, conv), conv)]

    def prompt(self, ctx: Context, conv: Conversation) -> QuestionPrompt | None:
        return None if conv.done else self._prompt(self._punt(ctx, conv), conv)

    def label(self, question: str) -> str:
        return f"het veld ‘{self.plan.labels[question.removeprefix('punt.')]}’"

    def answer(self, ctx: Context, conv: Conversation, raw: str, question: str) -> list[Reply]:
        """Store ``raw`` in the field ``question`` (normally the one the walk is at)."""
        punt = self._punt(ctx, conv)
        text = clean_text(raw)
        if not text:
            return [Notice("Ik heb geen tekst ontvangen."), self._prompt(punt, conv)]
        if question == END:
            return self.current(ctx, conv)
        field = question.removeprefix("punt.")
        past = self.plan.in_the_past(text, ctx.today) if field == "planning" else None
        if past and conv.pending.questioned != " ".join(text.split()):  # asked once: the same
            conv.pending.questioned = " ".join(text.split())               # again stores it
            return [Notice(f"{past} Typ dezelfde planning nog eens om hem zo op te slaan, of een "
                           "andere.", Tone.WARNING), self._prompt(punt, conv)]
        try:
            if field == "stand_van_zaken":
                self.plan.add_stand(ctx, punt, text)
            else:
                punt = self.plan.set_field(ctx, punt, field, text, ctx.inbound.mentions)
        except FieldError as error:
            return [Notice(str(error), Tone.WARNING), self._prompt(punt, conv)]
        ctx.outcomes[question] = ANSWERED
        if question != conv.state:
            return [Notice(f"Opgeslagen bij {self.label(question)} van #{punt['nummer']}.",
                           Tone.SUCCESS)]
        chosen = ([self.plan.thema_notice(punt["basisfunctie"], punt["thema"])]
                  if field == "thema" and punt.get("thema") else [])  # its quickscan, to write to
        return [Notice("Opgeslagen.", Tone.SUCCESS), *chosen, *self._advance(ctx, conv, punt)]

    def skip(self, ctx: Context, conv: Conversation) -> list[Reply]:
        punt = self._punt(ctx, conv)
        field = conv.state.removeprefix("punt.")
        if field in REQUIRED and not punt.get(field):
            return [Notice(f"‘{self.plan.labels[field]}’ is verplicht. Typ een waarde, of "
                           "‘stop’ om later verder te gaan.", Tone.WARNING), self._prompt(punt, conv)]
        ctx.outcomes[conv.state] = SKIPPED
        return self._advance(ctx, conv, punt)

    def keep(self, ctx: Context, conv: Conversation) -> list[Reply]:
        ctx.outcomes[conv.state] = KEPT
        return self._advance(ctx, conv, self._punt(ctx, conv))

    def replace(self, ctx: Context, conv: Conversation) -> list[Reply]:
        return [Notice("Typ de nieuwe waarde; die vervangt wat er staat."),
                self._prompt(self._punt(ctx, conv), conv)]

    def back(self, ctx: Context, conv: Conversation) -> list[Reply]:
        punt = self._punt(ctx, conv)
        try:
            conv.state = self.flow.move(conv.state, BACK)
        except CannotMove:
            return [Notice("Dit is het eerste veld."), self._prompt(punt, conv)]
        return [*self._ask(ctx, punt, conv)]

    def pause(self, ctx: Context, conv: Conversation) -> list[Reply]:
        """Stop: what was filled in stays, as a concept if required fields are missing."""
        punt = self.plan.finish(ctx, self._punt(ctx, conv))
        conv.state = END
        conv.pending.queue = []
        _, closed = record_ask(ctx, self.questionnaire.id, conv)
        return [*closed, *self._stopped(ctx, punt)]

    def _stopped(self, ctx: Context, punt: dict) -> list[Reply]:
        if punt["concept"] and not any(punt.get(f) for f in WALK):  # nothing to keep
            ctx.store.punten.discard(punt["id"], "", ctx.user.id, ctx.at)
            return [Notice(f"Gestopt. Er was nog niets ingevuld, dus er is geen ontwikkelpunt "
                           f"#{punt['nummer']} bewaard.")]
        nummer = punt["nummer"]
        if not punt["concept"]:
            return [Notice(f"Gestopt. Ontwikkelpunt #{nummer} is opgeslagen en staat open; wat nog "
                           f"leeg is vul je later in met {typed(f'wijzig {nummer} <veld>')}.")]
        return [Notice(f"Gestopt. Wat je invulde bij #{nummer} is bewaard als concept; ga later "
                       f"verder met {typed(f'afmaken {nummer}')}.")]

    def end_gone(self, ctx: Context, conv: Conversation) -> Notice:
        """End the walk of a concept that was thrown away meanwhile, and say so."""
        nummer, queue = conv.pending.nummer, conv.pending.queue
        conv.state, conv.pending.queue = END, []
        save(ctx, self.questionnaire.id, conv)
        record_ask(ctx, self.questionnaire.id, conv)
        later = (" De andere concepten maak je af met "
                 + " en ".join(typed(f"afmaken {n}") for n in queue) + ".") if queue else ""
        return Notice(f"Concept #{nummer} is intussen weggegooid, dus ik vraag er niet verder naar."
                      + later)  # the default colour: readable in every theme (a warning's is not)

    # --- moving -----------------------------------------------------------------------------------

    def _advance(self, ctx: Context, conv: Conversation, punt: dict) -> list[Reply]:
        fields = conv.pending.fields or list(WALK)
        if conv.state == "punt.basisfunctie" and "thema" not in fields and not punt.get("thema"):
            fields.insert(fields.index("basisfunctie") + 1, "thema")  # it went with the old one
            conv.pending.fields = fields
        conv.state = self.flow.move(conv.state, NEXT)
        while conv.state != END and conv.state.removeprefix("punt.") not in fields:
            conv.state = self.flow.move(conv.state, NEXT)
        if conv.state != END:
            return [*self._ask(ctx, punt, conv)]
        _, closed = record_ask(ctx, self.questionnaire.id, conv)
        punt = self.plan.finish(ctx, punt)
        missing = self.plan.missing(punt)
        replies: list[Reply] = [*closed,
            Notice(f"Ontwikkelpunt #{punt['nummer']} is opgeslagen." if not missing else
                   f"Concept #{punt['nummer']} is bewaard; nog nodig: "
                   f"{', '.join(self.plan.labels[f] for f in missing)}. Maak het af met "
                   f"‘afmaken {punt['nummer']}’.", Tone.SUCCESS),
            self.plan.detail(ctx, punt),
        ]
        return replies + self._next_in_queue(ctx, conv)

    def _next_in_queue(self, ctx: Context, conv: Conversation) -> list[Reply]:
        queue = conv.pending.queue
        if not queue:
            return []
        punt = ctx.store.punten.get(ctx.gemeente["id"], queue[0])
        next_conv, replies = self.begin(ctx, punt, conv.place, queue[1:])
        conv.state, conv.pending = next_conv.state, next_conv.pending
        return replies

    def _punt(self, ctx: Context, conv: Conversation) -> dict:
        return ctx.store.punten.get(ctx.gemeente["id"], conv.pending.nummer)

    def _ask(self, ctx: Context, punt: dict, conv: Conversation) -> list[Reply]:
        asked, closed = record_ask(ctx, self.questionnaire.id, conv)
        prompt = self._prompt(punt, conv, asked)
        return [*closed, *first_uses(conv, terms_in(" ".join(prompt.hints))), prompt]

    def _prompt(self, punt: dict, conv: Conversation, asked: int | None = None) -> QuestionPrompt:
        position = self.questionnaire.position(conv.state)
        field = conv.state.removeprefix("punt.")
        content = self.plan.content
        if field == "basisfunctie":
            hints = tuple(f"{b.number}. {b.short_title}" for b in content.basisfuncties)
        elif field == "thema" and content.basisfunctie(punt.get("basisfunctie") or 0):
            hints = tuple(f"{t.number}. {t.title}"
                          for t in content.basisfunctie(punt["basisfunctie"]).themes)
        else:
            hints = ()
        value = "" if field == "stand_van_zaken" else self.plan.value_text(field, punt)
        lead = self.guidance.get(field, "")
        if field == "thema" and hints:
            example = f"thema {punt['basisfunctie']}.1"
            lead = ("Na je keuze zie je de quickscan van het thema; een thema bekijken kan ook met "
                    f"{typed(example)}.")
        return QuestionPrompt(
            question_id=conv.state,
            part=f"Ontwikkelpunt #{punt['nummer']}",
            section=self.plan.labels[field] + (" (verplicht)" if field in REQUIRED else ""),
            number=position.number,
            total=position.total,
            text=self.plan.labels[field],
            hints=hints,
            lead=lead,
            previous=PreviousAnswer(value, "", datetime.fromisoformat(punt["updated_at"]))
            if value else None,
            asked_id=asked,
        )
