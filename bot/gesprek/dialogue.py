"""The Checklist sturing gesprek: what a message does to a conversation, and what the bot says.

The state machine (``dialogues.flow``) knows the order of the questions; this module applies the
user's intent to it: answer, skip, go back, pause, revisit, keep or replace the gemeente's earlier
answer. It runs inside the service's transaction, so every change it makes is committed before the
replies it returns are sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.commands import DoesNotFit
from bot.core.context import Context, Problem
from bot.core.conversation import (
    ACTIVE,
    ANSWERED,
    KEPT,
    PAUSED,
    SKIPPED,
    Conversation,
    State,
    close_asked,
    first_uses,
    load,
    record_ask,
    save,
)
from bot.core.dutch import format_moment, format_number
from bot.core.messages import Start
from bot.core.privacy import personal_data, refusal
from bot.core.replies import (
    AnswerVersions,
    Guide,
    ListedQuestion,
    Notice,
    PartTally,
    Paused,
    PreviousAnswer,
    ProgressReport,
    QuestionList,
    QuestionPrompt,
    Recap,
    Reply,
    SectionProgress,
    Tone,
    Welcome,
)
from bot.core.text import MAX_ANSWER_LENGTH, clean_text, one_line, typed
from bot.team.handing import refs_text
from dialogues.content import Begrip, Part, Question, Questionnaire, checklist, terms_in
from dialogues.flow import BACK, END, NEXT, CannotMove, Flow, goto


@dataclass
class GesprekState(State):
    """What the gesprek keeps: whether it passes by what colleagues answered already, and the
    questions it asks when it asks only some (those handed to its user; empty: all)."""

    open_only: bool = False
    only: list[str] = field(default_factory=list)


QUESTION_NUMBER = re.compile(r"(?:(\d)\s*[.,]\s*)?(\d+)")  # 1.6, or 6 in the current Deel


class Gesprek:
    """The checklist dialogue, built once from its content."""

    def __init__(self, questionnaire: Questionnaire):
        self.questionnaire = questionnaire
        self.flow = Flow(questionnaire)
        self._terms: dict[str, tuple[Begrip, ...]] = {}  # per question, worked out when first shown

    def _terms_of(self, question: str) -> tuple[Begrip, ...]:
        """The begrippen a question uses (its text, hints and what it refers to)."""
        if question not in self._terms:
            self._terms[question] = terms_in(self._words(question))
        return self._terms[question]

    # --- finding conversations --------------------------------------------------------------------

    def conversation(self, ctx: Context, place: str) -> Conversation | None:
        return load(ctx, place, self.flow, GesprekState)

    def channel_thread(self, ctx: Context) -> str | None:
        """The place of the channel's gesprek thread that is still going, if any."""
        channel = ctx.place.channel
        if not channel:
            return None
        row = ctx.store.gesprekken.latest_under(channel + ":", ctx.gemeente["id"],
                                                self.questionnaire.id, END)
        return row["place"] if row else None

    def save(self, ctx: Context, conv: Conversation) -> None:
        save(ctx, self.questionnaire.id, conv)

    # --- starting ---------------------------------------------------------------------------------

    def start(self, ctx: Context, conv: Conversation | None, place: str, start: Start
              ) -> tuple[Conversation, list[Reply]]:
        """Begin a new gesprek in ``place``, or resume one (at the start of ``start.deel``). Where
        the gemeente has answers already, a new one begins at the first open question: of
        ``start.deel`` if it has one, else of either Deel."""
        deel = start.deel
        if conv is None:
            chosen = [q.id for q in self.questionnaire.part(deel or 1).questions]
            first = set(chosen)
            ids = chosen + [q.id for q in self.questionnaire.questions if q.id not in first]
            begun = bool(ctx.answers)  # by colleagues, or by this user elsewhere (the channel)
            conv = Conversation(place=place, state=ids[0],
                                pending=GesprekState(open_only=begun or start.first_open))
            if conv.pending.open_only:  # only what is still open
                conv.state = next((i for i in ids if i not in ctx.answers), END)
            welcome = Welcome(
                gemeente=ctx.gemeente["naam"],
                title=self.questionnaire.title,
                intro=self.questionnaire.intro,
                total=len(self.questionnaire.questions),
            )
            return conv, [welcome, *([self.standing(ctx)] if begun else []), *self._handed_to(ctx),
                          *self._ask(ctx, conv)]
        if deel is not None:
            return conv, self.go_to_part(ctx, conv, deel)
        conv.status = ACTIVE
        if conv.done:
            return conv, [Notice("Welkom terug! Alle vragen zijn al eens doorlopen."),
                          self._recap(ctx, conv)]
        return conv, [Notice("Welkom terug! We gaan verder waar je gebleven was."),
                      *self._ask(ctx, conv)]

    def handed(self, ctx: Context, conv: Conversation | None, questions: list[str]
               ) -> tuple[Conversation, list[Reply]]:
        """Go through the questions handed to this user (``toewijzen``), and only those: from
        the first one still open, else from the first."""
        first_open = next((q for q in questions if q not in ctx.answers), None)
        conv = conv or Conversation(place=ctx.place.id, state=questions[0], pending=GesprekState())
        conv.pending.only, conv.pending.open_only = list(questions), False
        conv.status, conv.return_to = ACTIVE, None
        conv.state = first_open or questions[0]
        refs = refs_text(questions)
        said = (f"Dit {'is de vraag' if len(questions) == 1 else 'zijn de vragen'} van gemeente "
                f"{ctx.gemeente['naam']} die aan jou {'is' if len(questions) == 1 else 'zijn'} "
                f"toegewezen: {refs}. Je antwoord telt voor de gemeente, net als elk ander antwoord.")
        if first_open is None:
            said += (" Ze zijn al beantwoord; je kunt het antwoord behouden of een nieuw geven."
                     if len(questions) > 1 else
                     " Hij is al beantwoord; je kunt het antwoord behouden of een nieuw geven.")
        return conv, [Notice(said), *self._ask(ctx, conv)]

    @staticmethod
    def _handed_to(ctx: Context) -> list[Reply]:
        """At the start of someone's gesprek: the questions a colleague handed them, still open."""
        mine = [q for q in ctx.handed(ctx.gemeente) if q not in ctx.answers]
        if not mine:
            return []
        return [Notice(f"Er {'is een vraag' if len(mine) == 1 else 'zijn vragen'} aan jou "
                       f"toegewezen die nog open {'is' if len(mine) == 1 else 'zijn'}: "
                       f"{refs_text(mine)}. Die beantwoord je met {typed('mijn vragen')}.")]

    def restrict(self, ctx: Context, conv: Conversation, questions: list[str]) -> None:
        """Keep ``conv`` to ``questions`` (someone who may answer only those)."""
        if conv.pending.only and set(conv.pending.only) <= set(questions):
            return
        conv.pending.only = list(questions)
        if conv.state not in questions:
            conv.state, conv.return_to = questions[0], None

    # --- what a message does ----------------------------------------------------------------------

    def answer(self, ctx: Context, conv: Conversation, raw: str, question: str) -> list[Reply]:
        """Store ``raw`` as the gemeente's answer to ``question``: the current one moves the
        gesprek on; an earlier one (someone else answered it first) becomes its newest version."""
        text = clean_text(raw)
        if not text:
            return [Notice("Ik heb geen tekst ontvangen. Typ je antwoord, of ‘hulp’ voor uitleg."),
                    *self._ask(ctx, conv)]
        if refused := _refused(text, ctx.gemeente):
            return [refused]
        if conv.status == PAUSED:
            return [Notice(f"Het gesprek is gepauzeerd. Typ {typed('verder')} om verder te gaan; "
                           "je antwoord is nog niet opgeslagen.")]
        if question == END:
            return [Notice("Alle vragen zijn doorlopen; dit bericht is niet opgeslagen. Typ "
                           "‘wijzig 1.6’ om een antwoord aan te passen, ‘voortgang’ voor het "
                           "overzicht of ‘hulp’ voor alle mogelijkheden.")]
        earlier = ctx.answer(question)
        seen = self._changed_since_seen(ctx, conv, question, earlier)
        if earlier is None or earlier["text"] != text:
            ctx.store.answers.save(ctx.gemeente["id"], question, text, ctx.user.id, ctx.at,
                                   ctx.inbound.delivery_id)
            if "answers" in ctx.__dict__:
                ctx.answers[question] = {"text": text, "author": ctx.user.naam, "created_at": ctx.at}
        conv.skipped.discard(question)
        ctx.outcomes[question] = ANSWERED
        if seen is not False and earlier["text"] != text:  # both versions, and who made them
            ref = self.ref(question)
            return [Notice(f"{_meanwhile(earlier, seen, f'het antwoord op vraag {ref}', f'vraag {ref}')} "
                           "Jouw antwoord is opgeslagen als nieuwste versie; het vorige blijft "
                           f"bewaard.\n\nVersie van {earlier['author']}: ‘{one_line(earlier['text'], 300)}’"
                           f"\nJouw versie: ‘{one_line(text, 300)}’\n\nWil je die van {earlier['author']} "
                           f"terug, typ dan {typed(f'terugzetten {ref} {self._count(ctx, question) - 1}')}"
                           f"; alle versies zie je met {typed(f'geschiedenis {ref}')}.", Tone.WARNING),
                    *(self._advance(ctx, conv) if question == conv.state else [])]
        if question != conv.state:
            ref = self.ref(question)
            by = f" door {earlier['author']}" if earlier and earlier["author"] != ctx.user.naam else ""
            return [Notice(f"Vraag {ref} was net al beantwoord{by}. Jouw antwoord staat er nu bij als "
                           f"nieuwste versie; alle versies zie je met {typed(f'geschiedenis {ref}')}.",
                           Tone.SUCCESS)]
        return [Notice("Opgeslagen.", Tone.SUCCESS), *self._advance(ctx, conv)]

    def message_edited(self, ctx: Context, source: str, raw: str) -> list[Reply]:
        """The message ``source`` was edited: when it gave the gemeente's current answer to a
        question, the new text becomes that answer's next version. Other edits change nothing."""
        original = ctx.store.answers.from_message(source)
        if original is None or original["gemeente_id"] != ctx.gemeente["id"]:
            return []
        question = original["question_id"]
        ref = self.ref(question)
        text = clean_text(raw)
        if ctx.answer(question)["id"] != original["id"]:
            return [Notice(f"Je hebt je antwoord op vraag {ref} aangepast, maar dat is intussen al "
                           f"vervangen door een nieuwer antwoord. Je aanpassing is niet opgeslagen; "
                           f"typ ‘wijzig {ref}’ om het antwoord opnieuw te geven.", Tone.WARNING)]
        if not text:
            return [Notice(f"Je aangepaste bericht is leeg; het antwoord op vraag {ref} blijft zoals "
                           "het was.", Tone.WARNING)]
        if refused := _refused(text, ctx.gemeente):
            return [refused]
        if text == original["text"]:
            return []
        ctx.store.answers.save(ctx.gemeente["id"], question, text, ctx.user.id, ctx.at, source)
        return [Notice(f"Je aangepaste antwoord op vraag {ref} is opgeslagen als nieuwste versie; "
                       f"alle versies zie je met {typed(f'geschiedenis {ref}')}.", Tone.SUCCESS)]

    def skip(self, ctx: Context, conv: Conversation) -> list[Reply]:
        if conv.done:
            return [Notice("Er is geen vraag meer om over te slaan."), self._recap(ctx, conv)]
        if ctx.answer(conv.state) is None:
            conv.skipped.add(conv.state)
        ctx.outcomes[conv.state] = SKIPPED
        return [Notice(f"Overgeslagen. Later terugkomen kan met ‘wijzig {self.ref(conv.state)}’."),
                *self._advance(ctx, conv)]

    def back(self, ctx: Context, conv: Conversation) -> list[Reply]:
        state = conv.state
        try:
            state = self.flow.move(state, BACK)
            while conv.pending.only and state not in conv.pending.only:
                state = self.flow.move(state, BACK)
        except CannotMove:
            return [Notice("Dit is de eerste vraag; verder terug kan niet."), *self._ask(ctx, conv)]
        conv.state = state
        return self._ask(ctx, conv)

    def pause(self, ctx: Context, conv: Conversation) -> list[Reply]:
        """Pause the conversation where it is."""
        conv.status = PAUSED
        where = "bij het overzicht" if conv.done else f"bij vraag {self.ref(conv.state)}"
        closed = close_asked(ctx, self.questionnaire.id, conv, f"Gepauzeerd door {ctx.user.naam}.")
        return [*closed, Paused(f"Gepauzeerd. Alle antwoorden zijn bewaard. Typ {typed('verder')} of start "
                       f"het gesprek opnieuw om verder te gaan {where}.", where)]

    def keep(self, ctx: Context, conv: Conversation) -> list[Reply]:
        current = None if conv.done else ctx.answer(conv.state)
        if current is None:
            return self._nothing_to_keep(ctx, conv)
        seen = self._changed_since_seen(ctx, conv, conv.state, current)
        if seen is not False:  # never keep, unseen, what someone else just wrote
            was = f"Jij zag: ‘{one_line(seen['text'], 300)}’" if seen else "Jij zag nog geen antwoord."
            return [Notice(f"{_meanwhile(current, seen, 'dit antwoord', 'deze vraag')} {was}\n\n"
                           f"Nu staat er: ‘{one_line(current['text'], 300)}’\n\nTyp ‘behouden’ om dit "
                           "nieuwe antwoord te houden, of typ je eigen antwoord.", Tone.WARNING),
                    *self._ask(ctx, conv)]
        conv.skipped.discard(conv.state)
        ctx.outcomes[conv.state] = KEPT
        return [Notice("Het eerdere antwoord is behouden.", Tone.SUCCESS), *self._advance(ctx, conv)]

    def replace(self, ctx: Context, conv: Conversation) -> list[Reply]:
        if conv.done or ctx.answer(conv.state) is None:
            return self._nothing_to_keep(ctx, conv)
        return [Notice("Typ je nieuwe antwoord. Het vervangt het huidige; de vorige versie blijft "
                       "bewaard in de geschiedenis.")]

    def _nothing_to_keep(self, ctx: Context, conv: Conversation) -> list[Reply]:
        return [Notice("Er is hier geen eerder antwoord om te behouden of te vervangen. Typ je "
                       "antwoord, of ‘overslaan’."), *self._ask(ctx, conv)]

    def edit(self, ctx: Context, conv: Conversation, argument: str) -> list[Reply]:
        """Revisit a question (``1.6``, ``6``, words of its text); without one, list them."""
        if not argument:
            part = self._current_part(conv)
            return [self._list(ctx, conv, f"De vragen van {part.title}", part.questions)]
        matches = self.find(argument, conv)
        if not matches:
            return [Notice(f"Ik kan geen vraag vinden bij ‘{argument}’. Typ ‘wijzig’ voor de "
                           "lijst met vragen en hun nummers.", Tone.WARNING)]
        if len(matches) > 1:
            return [self._list(ctx, conv, f"Meerdere vragen passen bij ‘{argument}’", matches)]
        target = matches[0].id
        if target != conv.state and conv.return_to is None:
            conv.return_to = conv.state
        conv.state = self.flow.move(conv.state, goto(target))
        if conv.return_to == target:
            conv.return_to = None
        return self._ask(ctx, conv)

    def go_to_part(self, ctx: Context, conv: Conversation, number: int) -> list[Reply]:
        part = self.questionnaire.part(number)
        conv.state = self.flow.move(conv.state, goto(part.questions[0].id))
        conv.status, conv.return_to = ACTIVE, None
        return [Notice(f"We beginnen bij {part.title}."), *self._ask(ctx, conv)]

    def current(self, ctx: Context, conv: Conversation) -> list[Reply]:
        """The question the conversation is at (or the recap at the end)."""
        return self._ask(ctx, conv)

    def progress(self, ctx: Context, conv: Conversation | None) -> list[Reply]:
        """Per section: answered, skipped (in this conversation), open."""
        sections = []
        for part in self.questionnaire.parts:
            for section in part.sections:
                statuses = [self._status(ctx, conv, q) for q in section.questions]
                sections.append(SectionProgress(
                    part=part.title,
                    title=section.title,
                    answered=statuses.count("beantwoord"),
                    skipped=statuses.count("overgeslagen"),
                    open=statuses.count("open"),
                ))
        return [ProgressReport(tuple(sections), self._where(ctx, conv))]

    def versions(self, ctx: Context, conv: Conversation | None, argument: str) -> list[Reply]:
        """Every version of the gemeente's answer to one question."""
        return [self._versions(ctx, self._one(argument, conv))]

    def _one(self, argument: str, conv: Conversation | None) -> Question:
        matches = self.find(argument, conv)
        if len(matches) != 1:
            raise Problem(f"Ik kan niet één vraag vinden bij ‘{argument}’. Geef het nummer, "
                          "bijvoorbeeld ‘geschiedenis 1.6’; ‘wijzig’ toont de nummers.", Tone.WARNING)
        return matches[0]

    def _versions(self, ctx: Context, question: Question) -> AnswerVersions:
        """The versions of the answer to ``question`` (for a personal one, the user's own)."""
        history = [v for v in ctx.store.answers.history(ctx.gemeente["id"], question.id)
                   if not question.personal or v["author_id"] == ctx.user.id]  # yours, if about you
        return AnswerVersions(self.ref(question.id), question.text, tuple(
            PreviousAnswer(h["text"], h["author"], datetime.fromisoformat(h["created_at"]))
            for h in history))

    def restore(self, ctx: Context, conv: Conversation | None, argument: str,
                number: int) -> list[Reply]:
        """Make version ``number`` of an answer the current one again (as its newest version)."""
        question = self._one(argument, conv)
        reply = self._versions(ctx, question)
        if len(reply.versions) < 2:
            has = "maar één versie" if reply.versions else "nog geen antwoord"
            raise Problem(f"Vraag {reply.ref} heeft {has}; er is niets terug te zetten.", Tone.WARNING)
        if not 0 < number <= len(reply.versions):
            raise Problem(f"Vraag {reply.ref} heeft {len(reply.versions)} versies; kies een nummer "
                          f"van 1 tot en met {len(reply.versions)} (zie ‘geschiedenis {reply.ref}’).",
                          Tone.WARNING)
        chosen, current = reply.versions[number - 1], reply.versions[-1]
        if chosen.text == current.text:
            return [Notice(f"Versie {number} is al het antwoord op vraag {reply.ref}.")]
        ctx.store.answers.save(ctx.gemeente["id"], question.id, chosen.text, ctx.user.id, ctx.at)
        return [Notice(f"Versie {number} van vraag {reply.ref} (van {chosen.author}, "
                       f"{format_moment(chosen.at)}) is weer het antwoord. Het staat er als nieuwste "
                       "versie bij; alle eerdere blijven bewaard.", Tone.SUCCESS)]

    def _changed_since_seen(self, ctx: Context, conv: Conversation, question: str,
                            current: dict | None) -> dict | bool | None:
        """False when the answer to ``question`` is as it was when it was last shown here (or
        the user changed it themselves); else the version that was shown (None: there was none)."""
        if current is None or current.get("author_id", ctx.user.id) == ctx.user.id:
            return False
        shown_at = ctx.store.gesprekken.last_asked_at(ctx.gemeente["id"], conv.place, self.questionnaire.id,
                                                      question)
        if shown_at is None or current["created_at"] <= shown_at:
            return False
        older = [v for v in ctx.store.answers.history(ctx.gemeente["id"], question)
                 if v["created_at"] <= shown_at]
        return older[-1] if older else None

    def _count(self, ctx: Context, question: str) -> int:
        return len(self._versions(ctx, self.questionnaire.position(question).question).versions)

    def guide(self, conv: Conversation) -> Guide | None:
        """What helps with the question the gesprek is at (``hulp``)."""
        if conv.done:
            return None
        position = self.questionnaire.position(conv.state)
        return Guide(position.part.gebruik, position.section.toelichting,
                     tuple((b.term, b.uitleg) for b in self._terms_of(conv.state)))

    def _words(self, question_id: str) -> str:
        """All a question shows: its lead, its text and its hints."""
        position = self.questionnaire.position(question_id)
        return " ".join((position.section.lead, position.question.text, *self._hints(question_id)))

    def _hints(self, question_id: str) -> tuple[str, ...]:
        question = self.questionnaire.position(question_id).question
        if question.refers:  # "bovenstaande": what the question it points at lists
            return question.hints or self.questionnaire.position(question.refers).question.hints
        return question.hints

    # --- moving and asking ------------------------------------------------------------------------

    def _advance(self, ctx: Context, conv: Conversation) -> list[Reply]:
        target, conv.return_to = conv.return_to, None
        conv.state = self.flow.move(conv.state, goto(target) if target else NEXT)
        while not target and not conv.done and self._passed_by(ctx, conv):
            conv.state = self.flow.move(conv.state, NEXT)
        return self._ask(ctx, conv)

    @staticmethod
    def _passed_by(ctx: Context, conv: Conversation) -> bool:
        """A question this conversation does not ask: answered by a colleague (when it asks the
        open ones only), or not among the questions handed to its user."""
        only = conv.pending.only
        return (bool(only) and conv.state not in only) or (conv.pending.open_only
                                                         and conv.state in ctx.answers)

    def standing(self, ctx: Context) -> Notice:
        """Where the gemeente stands, for a gesprek begun after answers were given (by
        colleagues, or by this user in another place): how many and by whom, what is open, and
        the choice between the open questions and all."""
        total = len(self.questionnaire.questions)
        by: dict[str, int] = {}
        for answer in ctx.answers.values():
            by[answer["author"]] = by.get(answer["author"], 0) + 1
        authors = ", ".join(f"{name} {count}" for name, count in by.items())
        open_per_part = ", ".join(f"{t.title} {t.total - t.answered}" for t in self.tallies(ctx.answers))
        others = any(a["author_id"] != ctx.user.id for a in ctx.answers.values())
        return Notice(
            ("Je collega's zijn al begonnen: " if others else "Je bent al eerder begonnen: ")
            + f"gemeente {ctx.gemeente['naam']} heeft {len(ctx.answers)} "
            f"van de {total} vragen beantwoord ({authors}). Nog open: {open_per_part}.\n\n"
            f"Ik stel je alleen de open vragen. Wil je alle vragen langslopen, ook de beantwoorde "
            f"(om ze te behouden of aan te vullen), typ dan {typed('doorloop alles')}; terug naar "
            f"alleen de open vragen met {typed('doorloop open')}. De antwoorden per vraag zie je met "
            f"{typed('wijzig')}.")

    def choose_questions(self, ctx: Context, conv: Conversation, open_only: bool) -> list[Reply]:
        """Walk only the open questions from here, or all of them."""
        conv.pending.open_only, conv.pending.only = open_only, []
        said = ("Vanaf nu stel ik alleen de vragen die nog open zijn." if open_only else
                "Vanaf nu lopen we alle vragen langs; bij een beantwoorde vraag kun je het antwoord "
                "behouden of een nieuw geven.")
        if open_only and not conv.done and conv.state in ctx.answers:
            return [Notice(said), *self._advance(ctx, conv)]
        return [Notice(said), *self._ask(ctx, conv)]

    def _ask(self, ctx: Context, conv: Conversation) -> list[Reply]:
        asked, closed = record_ask(ctx, self.questionnaire.id, conv)
        if conv.done and conv.pending.only:
            return [*closed, self._handed_done(ctx, conv)]
        if conv.done:
            return [*closed, self._recap(ctx, conv)]
        return [*closed, *first_uses(conv, self._terms_of(conv.state)), self._prompt(ctx, conv, asked)]

    def prompt(self, ctx: Context, conv: Conversation) -> QuestionPrompt | None:
        """The current question (without asking it again), or None at the end."""
        return None if conv.done else self._prompt(ctx, conv)

    def _prompt(self, ctx: Context, conv: Conversation, asked: int | None = None) -> QuestionPrompt:
        position = self.questionnaire.position(conv.state)
        question = position.question
        previous = ctx.answer(question.id)
        return QuestionPrompt(
            question_id=question.id,
            part=position.part.title,
            section=position.section.title,
            number=position.number,
            total=position.total,
            text=question.text,
            hints=self._hints(question.id),
            lead=position.section.lead or (
                f"Met ‘bovenstaande’ zijn de punten van vraag {self.ref(question.refers)} bedoeld; ze "
                "staan hieronder bij ‘Denk aan’."
                if question.refers and not question.hints else ""),
            intro=position.section.intro if position.first_in_section else "",
            previous=PreviousAnswer(
                previous["text"], previous["author"], datetime.fromisoformat(previous["created_at"]),
                question.personal,
            ) if previous else None,
            revisit=conv.return_to is not None,
            asked_id=asked,
            personal=question.personal,
        )

    def tallies(self, answers: dict[str, dict]) -> tuple[PartTally, ...]:
        """Per Deel: how many of its questions the gemeente has answered."""
        return tuple(
            PartTally(p.title, sum(q.id in answers for q in p.questions), len(p.questions))
            for p in self.questionnaire.parts
        )

    def _recap(self, ctx: Context, conv: Conversation) -> Recap:
        unanswered = [q for q in self.questionnaire.questions if q.id not in ctx.answers]
        return Recap(ctx.gemeente["naam"], self.tallies(ctx.answers),
                     tuple(self._listed(ctx, conv, q) for q in unanswered))

    # --- helpers ----------------------------------------------------------------------------------

    def ref(self, question: str) -> str:
        """``1.6``: the number people use for a question."""
        return self.questionnaire.position(question).ref

    def label(self, question: str) -> str:
        return f"vraag {self.ref(question)}"

    def _status(self, ctx: Context, conv: Conversation | None, question: Question) -> str:
        if question.id in ctx.answers:
            return "beantwoord"
        return "overgeslagen" if conv and question.id in conv.skipped else "open"

    def _listed(self, ctx: Context, conv: Conversation, question: Question) -> ListedQuestion:
        return ListedQuestion(self.ref(question.id), self.questionnaire.listed(question.id),
                              self._status(ctx, conv, question))

    def _list(self, ctx: Context, conv: Conversation, title: str, questions) -> QuestionList:
        return QuestionList(
            title,
            tuple(self._listed(ctx, conv, q) for q in questions),
            "Typ ‘wijzig’ met het nummer, bijvoorbeeld ‘wijzig 1.3’.",
        )

    def _current_part(self, conv: Conversation | None) -> Part:
        if conv is None or conv.done:
            return self.questionnaire.parts[-1] if conv else self.questionnaire.parts[0]
        return self.questionnaire.position(conv.state).part

    def _handed_done(self, ctx: Context, conv: Conversation) -> Notice:
        """The end of the questions handed to someone: thanks, and what is still open."""
        still = [q for q in conv.pending.only if q not in ctx.answers]
        said = (f"Dank je! Je hebt de vragen van gemeente {ctx.gemeente['naam']} die aan jou zijn "
                "toegewezen doorlopen.")
        if still:
            return Notice(f"{said} Nog open: {refs_text(still)}; typ {typed('mijn vragen')} om er "
                          "later op terug te komen.")
        return Notice(f"{said} Ze zijn alle beantwoord; typ {typed('mijn vragen')} om je antwoorden "
                      "nog eens te bekijken.", Tone.SUCCESS)

    def _where(self, ctx: Context, conv: Conversation | None) -> str:
        if conv is not None and conv.done and conv.pending.only:
            return self._handed_done(ctx, conv).text
        if conv is None:
            answered = sum(t.answered for t in self.tallies(ctx.answers))
            return (f"Gemeente {ctx.gemeente['naam']} heeft {answered} van de "
                    f"{len(self.questionnaire.questions)} vragen beantwoord.")
        if conv.done:
            return "Alle vragen zijn doorlopen."
        p = self.questionnaire.position(conv.state)
        return f"Je bent bij {p.part.title} › {p.section.title} · vraag {p.number} van {p.total}."

    def find(self, argument: str, conv: Conversation | None = None) -> list[Question]:
        """Questions matching ``1.6``, ``6`` (in the current Deel), an id, or words of the text."""
        ref = QUESTION_NUMBER.fullmatch(argument.strip())
        if ref:
            part = (self.questionnaire.part(int(ref.group(1))) if ref.group(1)
                    else self._current_part(conv))
            number = int(ref.group(2))
            return [part.questions[number - 1]] if part and 0 < number <= len(part.questions) else []
        if self.questionnaire.has_question(argument):
            return [self.questionnaire.position(argument).question]
        return self.questionnaire.with_words(argument)


def names_questions(argument: str) -> None:
    """The grammar of a question argument (``wijzig 1.6``, ``geschiedenis meldcode``): a number,
    an id or words of a question; ``DoesNotFit`` for anything else ("wijzig de aanpak niet")."""
    questionnaire = checklist()
    if not (QUESTION_NUMBER.fullmatch(argument.strip()) or questionnaire.has_question(argument)
            or questionnaire.with_words(argument)):
        raise DoesNotFit(f"Ik kan geen vraag vinden bij ‘{one_line(argument)}’.")


def _meanwhile(current: dict, seen: dict | None, answer: str, question: str) -> str:
    """Who changed ``answer`` (or answered ``question``, when there was none) after it was seen."""
    did = f"veranderde {answer}" if seen else f"beantwoordde {question}"
    return (f"{current['author']} {did} ({format_moment(datetime.fromisoformat(current['created_at']))})"
            " nadat jij de vraag zag.")


def _refused(text: str, gemeente: dict) -> Notice | None:
    """Why an answer is not stored (too long, or holding a citizen's personal data), or None."""
    if len(text) > MAX_ANSWER_LENGTH:
        return Notice(f"Dit antwoord is te lang: {format_number(len(text))} tekens, en het maximum is "
                      f"{format_number(MAX_ANSWER_LENGTH)}. Er is niets opgeslagen. Kort het in, of "
                      "zet de details in een document en verwijs daarnaar.", Tone.ERROR)
    kind = personal_data(text, gemeente.get("mail_domain"))
    return Notice(refusal(kind, "dit antwoord"), Tone.WARNING) if kind else None
