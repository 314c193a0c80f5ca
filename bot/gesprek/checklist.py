"""The Checklist sturing gesprek: what one message does to a conversation, and what the bot says.

The state machine (``dialogues.flow``) knows the order of the questions; this module applies the
user's intent to it: answer, skip, go back, pause, revisit, keep or replace the gemeente's earlier
answer. It runs inside the service's transaction, so every change it makes is committed before the
replies it returns are sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from bot.core.dutch import format_number
from bot.core.messages import Start, User
from bot.core.replies import (
    Help,
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
from bot.core.text import MAX_ANSWER_LENGTH, clean_text
from dialogues.commands import Cmd, Command, misspelled, parse, part_number
from dialogues.content import Part, Position, Question, Questionnaire
from dialogues.flow import BACK, END, NEXT, CannotMove, Flow, goto
from store import Store

ACTIVE = "actief"
PAUSED = "gepauzeerd"

COMMANDS_HELP = (
    ("overslaan", "deze vraag overslaan; je kunt er later op terugkomen"),
    ("terug", "naar de vorige vraag"),
    ("pauze of stop", "stoppen; later ga je verder waar je was"),
    ("verder", "verdergaan na een pauze"),
    ("voortgang", "per onderdeel zien wat beantwoord, overgeslagen en open is"),
    ("wijzig 1.6", "vraag 6 van Deel I opnieuw bekijken of aanpassen; ‘wijzig’ toont de lijst"),
    ("deel 1 / deel 2", "naar het begin van Deel I of Deel II"),
    ("behouden / vervangen", "een eerder antwoord van de gemeente houden of vervangen"),
    ("ontwikkelpunt nieuw", "een ontwikkelpunt voor het ontwikkelplan toevoegen, veld voor veld"),
    ("ontwikkelpunten", "de open ontwikkelpunten per basisfunctie"),
    ("ontwikkelpunt 3", "ontwikkelpunt #3 met zijn geschiedenis"),
    ("bijwerken 3 <tekst>", "een stand van zaken bij #3 zetten (met de datum van vandaag)"),
    ("status 3 afgerond", "de status van #3: open, in uitvoering, afgerond of vervallen"),
    ("wijzig 3 planning", "één veld van #3 wijzigen"),
    ("hulp", "deze uitleg"),
)


@dataclass
class Conversation:
    """A gesprek in one place: where it is, and what the user skipped there."""

    state: str
    status: str = ACTIVE
    skipped: set[str] = field(default_factory=set)
    return_to: str | None = None
    pending: dict | None = None

    @property
    def done(self) -> bool:
        return self.state == END


@dataclass
class Turn:
    """The context of one message: who, for which gemeente, when, and the store to use."""

    store: Store
    gemeente: dict
    user: User
    now: datetime

    @cached_property
    def answers(self) -> dict[str, dict]:
        """All current answers of the gemeente (loaded once, for overviews)."""
        return self.store.current_answers(self.gemeente["id"])

    def answer(self, question_id: str) -> dict | None:
        """The current answer to one question; a single indexed lookup unless all are loaded."""
        if "answers" in self.__dict__:
            return self.answers.get(question_id)
        return self.store.current_answer(self.gemeente["id"], question_id)


def restore(row: dict, flow: Flow) -> Conversation:
    """A saved conversation; a state the content no longer has starts over at the beginning."""
    known = set(flow.states)
    return Conversation(
        state=row["state"] if row["state"] in known else flow.first,
        status=row["status"],
        skipped=set(row["skipped"]) & known,
        return_to=row["return_to"] if row["return_to"] in known else None,
        pending=row["pending"],
    )


class Gesprek:
    """Handles messages for one questionnaire, built from its content."""

    def __init__(self, questionnaire: Questionnaire):
        self.questionnaire = questionnaire
        self.flow = Flow(questionnaire)

    # --- entry points ---------------------------------------------------------------------------

    def current(self, turn: Turn, conv: Conversation) -> list[Reply]:
        """The question the conversation is at (or the recap at the end)."""
        return self._ask(turn, conv)

    @staticmethod
    def start_request(text: str) -> Start | None:
        """A typed "start", "verder" or "deel 2" where no gesprek exists yet."""
        command = parse(clean_text(text))
        if command and command.name is Cmd.RESUME:
            return Start()
        if command and command.name is Cmd.PART:
            return Start(part_number(command.argument))
        return None

    def start(self, turn: Turn, conv: Conversation | None, start: Start) -> tuple[
        Conversation, list[Reply]
    ]:
        """Begin a new gesprek, or resume one (at the start of ``start.deel`` if given)."""
        deel = start.deel
        if conv is None:
            part = self.questionnaire.part(deel or 1)
            ids = [q.id for q in (part.questions if part else self.questionnaire.questions)]
            if start.first_open:
                ids = [i for i in ids if i not in turn.answers] or [END]
            conv = Conversation(state=ids[0])
            welcome = Welcome(
                gemeente=turn.gemeente["naam"],
                title=self.questionnaire.title,
                intro=self.questionnaire.intro,
                total=len(self.questionnaire.questions),
            )
            return conv, [welcome, *self._ask(turn, conv)]
        if deel is not None:
            return conv, self._go_to_part(turn, conv, str(deel))
        conv.status = ACTIVE
        conv.pending = None
        if conv.done:
            return conv, [Notice("Welkom terug! Alle vragen zijn al eens doorlopen."),
                          self._recap(turn, conv)]
        return conv, [Notice("Welkom terug! We gaan verder waar je gebleven was."),
                      *self._ask(turn, conv)]

    def handle(self, turn: Turn, conv: Conversation, raw: str, expects: str | None = None
               ) -> list[Reply]:
        """Apply one typed message (or button, for question ``expects``) to the conversation."""
        if expects is not None and expects != conv.state:
            return [Notice("Die knop hoort bij een eerdere vraag. Het gesprek is nu hier:"),
                    *self._ask(turn, conv)]
        text = clean_text(raw)
        if not text:
            return [Notice("Ik heb geen tekst ontvangen. Typ je antwoord, of ‘hulp’ voor uitleg."),
                    *self._ask(turn, conv)]
        if len(text) > MAX_ANSWER_LENGTH:
            return [Notice(
                f"Dit antwoord is te lang: {format_number(len(text))} tekens, en het maximum is "
                f"{format_number(MAX_ANSWER_LENGTH)}. Er is niets opgeslagen. Kort het in, of zet "
                "de details in een document en verwijs daarnaar.",
                Tone.ERROR,
            )]
        command = parse(text)
        if conv.pending:
            pending, conv.pending = conv.pending, None
            if command and command.name is Cmd.YES:
                return self._command(turn, conv, Command(Cmd(pending["command"])))
            if command and command.name is Cmd.NO:
                return self._answer(turn, conv, pending["text"])
        if command and command.name not in (Cmd.YES, Cmd.NO):
            return self._command(turn, conv, command)
        if conv.status == PAUSED:
            return [Notice("Het gesprek is gepauzeerd. Typ ‘verder’ om verder te gaan; "
                           "je antwoord is nog niet opgeslagen.")]
        if conv.done:
            return [Notice("Alle vragen zijn doorlopen; dit bericht is niet opgeslagen. Typ "
                           "‘wijzig 1.6’ om een antwoord aan te passen, ‘voortgang’ voor het "
                           "overzicht of ‘hulp’ voor alle mogelijkheden.")]
        guess = misspelled(text)
        if guess:
            conv.pending = {"command": guess.value, "text": text}
            return [Notice(f"Bedoel je ‘{guess.value}’? Typ ‘ja’ om dat te doen, of ‘nee’ om "
                           f"“{text}” als antwoord op te slaan.")]
        return self._answer(turn, conv, text)

    # --- what a message does --------------------------------------------------------------------

    def _answer(self, turn: Turn, conv: Conversation, text: str) -> list[Reply]:
        question_id = conv.state
        current = turn.answer(question_id)
        if current is None or current["text"] != text:
            at = turn.now.isoformat()
            turn.store.save_answer(turn.gemeente["id"], question_id, text, turn.user.id, at)
            if "answers" in turn.__dict__:
                turn.answers[question_id] = {"text": text, "author": turn.user.naam, "created_at": at}
        conv.skipped.discard(question_id)
        return [Notice("Opgeslagen.", Tone.SUCCESS), *self._advance(turn, conv)]

    def _command(self, turn: Turn, conv: Conversation, command: Command) -> list[Reply]:
        replies = self._dispatch(turn, conv, command)
        if command.name not in (Cmd.PAUSE, Cmd.HELP, Cmd.PROGRESS):
            conv.status = ACTIVE
        return replies

    def _dispatch(self, turn: Turn, conv: Conversation, command: Command) -> list[Reply]:
        handler = {
            Cmd.SKIP: self._skip,
            Cmd.BACK: self._back,
            Cmd.PAUSE: self.pause,
            Cmd.HELP: self._help,
            Cmd.PROGRESS: self.progress,
            Cmd.KEEP: self._keep,
            Cmd.REPLACE: self._replace,
            Cmd.RESUME: self._resume,
        }.get(command.name)
        if handler:
            return handler(turn, conv)
        if command.name is Cmd.EDIT:
            return self._edit(turn, conv, command.argument)
        return self._go_to_part(turn, conv, command.argument)

    def _skip(self, turn: Turn, conv: Conversation) -> list[Reply]:
        if conv.done:
            return [Notice("Er is geen vraag meer om over te slaan."), self._recap(turn, conv)]
        if turn.answer(conv.state) is None:
            conv.skipped.add(conv.state)
        ref = self._ref(self.questionnaire.position(conv.state))
        return [Notice(f"Overgeslagen. Later terugkomen kan met ‘wijzig {ref}’."),
                *self._advance(turn, conv)]

    def _back(self, turn: Turn, conv: Conversation) -> list[Reply]:
        try:
            conv.state = self.flow.move(conv.state, BACK)
        except CannotMove:
            return [Notice("Dit is de eerste vraag; verder terug kan niet."), *self._ask(turn, conv)]
        return self._ask(turn, conv)

    def pause(self, turn: Turn, conv: Conversation) -> list[Reply]:
        """Pause the conversation where it is."""
        conv.status = PAUSED
        where = ("bij het overzicht" if conv.done else
                 f"bij vraag {self._ref(self.questionnaire.position(conv.state))}")
        return [Paused(f"Gepauzeerd. Alle antwoorden zijn bewaard. Typ ‘verder’ of start het "
                       f"gesprek opnieuw om verder te gaan {where}.")]

    def _resume(self, turn: Turn, conv: Conversation) -> list[Reply]:
        if conv.status == PAUSED:
            return [Notice("We gaan verder waar je gebleven was."), *self._ask(turn, conv)]
        return self._ask(turn, conv)

    def _help(self, turn: Turn, conv: Conversation) -> list[Reply]:
        prompt = None if conv.done else self._prompt(turn, conv)
        return [Help(prompt, COMMANDS_HELP)]

    def progress(self, turn: Turn, conv: Conversation | None) -> list[Reply]:
        """Per section: answered, skipped (in this conversation), open."""
        sections = []
        for part in self.questionnaire.parts:
            for section in part.sections:
                statuses = [self._status(turn, conv, q) for q in section.questions]
                sections.append(SectionProgress(
                    part=part.title,
                    title=section.title,
                    answered=statuses.count("beantwoord"),
                    skipped=statuses.count("overgeslagen"),
                    open=statuses.count("open"),
                ))
        return [ProgressReport(tuple(sections), self._where(turn, conv))]

    def _keep(self, turn: Turn, conv: Conversation) -> list[Reply]:
        if conv.done or turn.answer(conv.state) is None:
            return self._nothing_to_keep(turn, conv)
        conv.skipped.discard(conv.state)
        return [Notice("Het eerdere antwoord is behouden.", Tone.SUCCESS), *self._advance(turn, conv)]

    def _replace(self, turn: Turn, conv: Conversation) -> list[Reply]:
        if conv.done or turn.answer(conv.state) is None:
            return self._nothing_to_keep(turn, conv)
        return [Notice("Typ je nieuwe antwoord. Het vervangt het huidige; de vorige versie blijft "
                       "bewaard in de geschiedenis.")]

    def _nothing_to_keep(self, turn: Turn, conv: Conversation) -> list[Reply]:
        return [Notice("Er is hier geen eerder antwoord om te behouden of te vervangen. Typ je "
                       "antwoord, of ‘overslaan’."), *self._ask(turn, conv)]

    def _edit(self, turn: Turn, conv: Conversation, argument: str) -> list[Reply]:
        if not argument:
            part = self._current_part(conv)
            return [self._list(turn, conv, f"De vragen van {part.title}", part.questions)]
        matches = self._find(conv, argument)
        if not matches:
            return [Notice(f"Ik kan geen vraag vinden bij ‘{argument}’. Typ ‘wijzig’ voor de "
                           "lijst met vragen en hun nummers.", Tone.WARNING)]
        if len(matches) > 1:
            return [self._list(turn, conv, f"Meerdere vragen passen bij ‘{argument}’", matches)]
        target = matches[0].id
        if target != conv.state and conv.return_to is None:
            conv.return_to = conv.state
        conv.state = self.flow.move(conv.state, goto(target))
        if conv.return_to == target:
            conv.return_to = None
        return self._ask(turn, conv)

    def _go_to_part(self, turn: Turn, conv: Conversation, argument: str) -> list[Reply]:
        number = part_number(argument)
        part = self.questionnaire.part(number) if number else None
        if part is None:
            return [Notice("Er zijn twee delen: typ ‘deel 1’ of ‘deel 2’.", Tone.WARNING)]
        conv.state = self.flow.move(conv.state, goto(part.questions[0].id))
        conv.status, conv.return_to = ACTIVE, None
        return [Notice(f"We beginnen bij {part.title}."), *self._ask(turn, conv)]

    # --- moving and asking ----------------------------------------------------------------------

    def _advance(self, turn: Turn, conv: Conversation) -> list[Reply]:
        target, conv.return_to = conv.return_to, None
        conv.state = self.flow.move(conv.state, goto(target) if target else NEXT)
        return self._ask(turn, conv)

    def _ask(self, turn: Turn, conv: Conversation) -> list[Reply]:
        if conv.done:
            return [self._recap(turn, conv)]
        return [self._prompt(turn, conv)]

    def _prompt(self, turn: Turn, conv: Conversation) -> QuestionPrompt:
        position = self.questionnaire.position(conv.state)
        question = position.question
        previous = turn.answer(question.id)
        return QuestionPrompt(
            question_id=question.id,
            part=position.part.title,
            section=position.section.title,
            number=position.number,
            total=position.total,
            text=question.text,
            hints=question.hints,
            lead=position.section.lead,
            intro=position.section.intro if position.first_in_section else "",
            previous=PreviousAnswer(
                previous["text"], previous["author"], datetime.fromisoformat(previous["created_at"])
            ) if previous else None,
            revisit=conv.return_to is not None,
        )

    def tallies(self, answers: dict[str, dict]) -> tuple[PartTally, ...]:
        """Per Deel: how many of its questions the gemeente has answered."""
        return tuple(
            PartTally(p.title, sum(q.id in answers for q in p.questions), len(p.questions))
            for p in self.questionnaire.parts
        )

    def _recap(self, turn: Turn, conv: Conversation) -> Recap:
        unanswered = [q for q in self.questionnaire.questions if q.id not in turn.answers]
        return Recap(turn.gemeente["naam"], self.tallies(turn.answers),
                     tuple(self._listed(turn, conv, q) for q in unanswered))

    # --- helpers --------------------------------------------------------------------------------

    def _status(self, turn: Turn, conv: Conversation | None, question: Question) -> str:
        if question.id in turn.answers:
            return "beantwoord"
        return "overgeslagen" if conv and question.id in conv.skipped else "open"

    def _listed(self, turn: Turn, conv: Conversation, question: Question) -> ListedQuestion:
        ref = self._ref(self.questionnaire.position(question.id))
        return ListedQuestion(ref, question.text, self._status(turn, conv, question))

    def _list(self, turn: Turn, conv: Conversation, title: str, questions) -> QuestionList:
        return QuestionList(
            title,
            tuple(self._listed(turn, conv, q) for q in questions),
            "Typ ‘wijzig’ met het nummer, bijvoorbeeld ‘wijzig 1.3’.",
        )

    @staticmethod
    def _ref(position: Position) -> str:
        return f"{position.part.number}.{position.number}"

    def _current_part(self, conv: Conversation) -> Part:
        if conv.done:
            return self.questionnaire.parts[-1]
        return self.questionnaire.position(conv.state).part

    def _where(self, turn: Turn, conv: Conversation | None) -> str:
        if conv is None:
            answered = sum(t.answered for t in self.tallies(turn.answers))
            return (f"Gemeente {turn.gemeente['naam']} heeft {answered} van de "
                    f"{len(self.questionnaire.questions)} vragen beantwoord.")
        if conv.done:
            return "Alle vragen zijn doorlopen."
        p = self.questionnaire.position(conv.state)
        return f"Je bent bij {p.part.title} › {p.section.title} · vraag {p.number} van {p.total}."

    def _find(self, conv: Conversation, argument: str) -> list[Question]:
        """Questions matching ``1.6``, ``6`` (in the current Deel), an id, or words of the text."""
        ref = re.fullmatch(r"(?:(\d)\s*[.,]\s*)?(\d+)", argument.strip())
        if ref:
            part = (self.questionnaire.part(int(ref.group(1))) if ref.group(1)
                    else self._current_part(conv))
            number = int(ref.group(2))
            return [part.questions[number - 1]] if part and 0 < number <= len(part.questions) else []
        if self.questionnaire.has_question(argument):
            return [self.questionnaire.position(argument).question]
        needle = argument.casefold()
        return [q for q in self.questionnaire.questions if needle in q.text.casefold()]
