"""What the service answers: plain data that every renderer (text, Slack, Teams) turns into output."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from bot.core.dutch import format_date


class Tone(StrEnum):
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Notice:
    """A short message: a confirmation, a hint, or what went wrong and what to do."""

    text: str
    tone: Tone = Tone.INFO


@dataclass(frozen=True)
class Abbreviations:
    """The abbreviations in what is shown next, explained at their first use: (term, meaning)."""

    terms: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Welcome:
    """The start of a gesprek: what it is and how to use it."""

    gemeente: str
    title: str
    intro: str
    total: int


@dataclass(frozen=True)
class PreviousAnswer:
    text: str
    author: str
    at: datetime
    own: bool = False  # the user's own answer to a question about them ("Wat is jouw rol")


@dataclass(frozen=True)
class QuestionPrompt:
    """One question, with where the user is (``Deel I › Opdrachtgevende rol · vraag 6 van 23``)."""

    question_id: str
    part: str
    section: str
    number: int
    total: int
    text: str
    hints: tuple[str, ...] = ()
    lead: str = ""
    intro: str = ""
    previous: PreviousAnswer | None = None
    revisit: bool = False
    asked_id: int | None = None  # the record of this ask, for the adapter to mark it shown
    personal: bool = False  # about the one answering ("Wat is jouw rol"): each reader's own


CommandLines = tuple[tuple[str, str], ...]  # (usage, help) per command


@dataclass(frozen=True)
class QuestionDone:
    """A question the bot asked earlier (``asked_id``) was answered, skipped or passed: its
    message on a platform loses its buttons and says so (``outcome``)."""

    asked_id: int
    outcome: str


@dataclass(frozen=True)
class Guide:
    """What helps with a question: what the answer is used for, a toelichting from the source,
    and the abbreviations it uses, as (term, uitleg)."""

    gebruik: str = ""
    toelichting: str = ""
    begrippen: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Help:
    """The commands someone may use here, by group, with the current question when there is one
    (and its ``guide``); ``unknown`` is what was typed to the bot that is no command. ``folded``:
    help at a question is about the question, and the commands are behind ‘hulp alles’ (or a
    button that shows them)."""

    prompt: QuestionPrompt | None
    groups: tuple[tuple[str, CommandLines], ...]
    unknown: str = ""
    guide: Guide | None = None
    folded: bool = False


@dataclass(frozen=True)
class CommandUsage:
    """Text that looks like a command but does not fit one: how those commands go. Nothing was
    stored. ``guess`` is a near miss corrected; ``held`` is the text the bot offers to store as
    the answer to the question ``held_ref`` (id ``held_question``), when it could be one."""

    typed: str
    usages: CommandLines
    reason: str = ""
    guess: str = ""
    held: str = ""
    held_ref: str = ""
    held_question: str = ""


@dataclass(frozen=True)
class AnswerVersions:
    """Every version of the gemeente's answer to one question, oldest first."""

    ref: str
    question: str
    versions: tuple[PreviousAnswer, ...]


@dataclass(frozen=True)
class SectionProgress:
    part: str
    title: str
    answered: int
    skipped: int
    open: int


@dataclass(frozen=True)
class ProgressReport:
    sections: tuple[SectionProgress, ...]
    where: str


@dataclass(frozen=True)
class ListedQuestion:
    """A question in a list, with the reference to use in ``wijzig`` (``1.6``)."""

    ref: str
    text: str
    status: str


@dataclass(frozen=True)
class QuestionList:
    title: str
    items: tuple[ListedQuestion, ...]
    footer: str = ""


@dataclass(frozen=True)
class PartTally:
    title: str
    answered: int
    total: int


@dataclass(frozen=True)
class Recap:
    """The end of a gesprek: how far the gemeente is, and what is still open."""

    gemeente: str
    parts: tuple[PartTally, ...]
    open: tuple[ListedQuestion, ...]


@dataclass(frozen=True)
class Paused:
    """The gesprek is paused ``where`` ("bij vraag 1.3"); the session may end here."""

    resume_hint: str
    where: str = ""


@dataclass(frozen=True)
class StartThread:
    """Start the gesprek in a new thread of the channel, or continue it in ``existing`` (a place id).

    A thread must exist before the gesprek can live in it, so the adapter posts the thread's first
    message and then starts the gesprek there.
    """

    gemeente: str
    deel: int | None
    existing: str | None = None


@dataclass(frozen=True)
class ChannelBound:
    """The channel is now a gemeente's: the adapter makes sure the bot can read and write in it
    (joins it, or tells how to invite the bot)."""


@dataclass(frozen=True)
class HomeEntry:
    gemeente: str
    role: str
    parts: tuple[PartTally, ...]
    handed: str = ""  # who has which handed questions still open, in a sentence


@dataclass(frozen=True)
class HomeView:
    """Someone's overview of the gemeenten they belong to (the Slack App Home), with the commands
    they may use in a direct message."""

    entries: tuple[HomeEntry, ...]
    groups: tuple[tuple[str, CommandLines], ...] = ()


@dataclass(frozen=True)
class PuntSummary:
    """An ontwikkelpunt as lists and details show it."""

    nummer: int
    basisfunctie: str
    thema: str
    ontwikkelpunt: str
    wie: str
    planning: date | None
    status: str
    concept: bool
    stand: str = ""
    stand_at: datetime | None = None
    missing: tuple[str, ...] = ()
    verouderd: bool = False  # no stand van zaken for longer than the gemeente's threshold
    over_datum: bool = False  # planning passed and not afgerond
    wie_id: str = ""  # the owner as a platform user, when known
    planning_stappen: str = ""  # steps with dates, when the planning is more than one date

    @property
    def planning_text(self) -> str:
        """The planning as people read it: its steps, its date, or "geen planning"."""
        return self.planning_stappen or (format_date(self.planning) if self.planning
                                         else "geen planning")


@dataclass(frozen=True)
class PuntEvent:
    kind: str  # "stand", "status" or "veld"
    text: str
    author: str
    at: datetime


@dataclass(frozen=True)
class PuntDetail:
    punt: PuntSummary
    history: tuple[PuntEvent, ...]
    fields: tuple[tuple[str, str], ...] = ()  # (label, value) of the seven fields
    snoozed: str = ""  # whose reminders of it wait, until when, in a sentence


@dataclass(frozen=True)
class PuntList:
    """The open ontwikkelpunten grouped by basisfunctie, and what else there is."""

    gemeente: str
    groups: tuple[tuple[str, tuple[PuntSummary, ...]], ...]
    concepts: tuple[PuntSummary, ...]
    closed: int


@dataclass(frozen=True)
class OpenForm:
    """Ask the adapter for a form: a new ontwikkelpunt, or a stand van zaken for #nummer,
    prefilled with ``values`` (field id -> current value as stored: numbers, ISO dates)."""

    kind: str  # "nieuw" or "bijwerken"
    nummer: int | None = None
    values: tuple[tuple[str, str], ...] = ()
    gemeente: str = ""
    as_of: str = ""  # the ontwikkelpunt's last change as the form shows it (its ``updated_at``)


@dataclass(frozen=True)
class FormErrors:
    """What is wrong in a submitted form, per field id, in Dutch; nothing was stored."""

    errors: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SectionTally:
    part: str
    title: str
    answered: int
    total: int


@dataclass(frozen=True)
class KeyAnswer:
    question: str
    text: str


@dataclass(frozen=True)
class BouwsteenBrief:
    title: str
    lead: str
    answered: int
    total: int
    acties: str


@dataclass(frozen=True)
class Summary:
    """Where a gemeente stands, for the stuurgroep."""

    gemeente: str
    day: date
    stale_weeks: int
    sections: tuple[SectionTally, ...]
    key_answers: tuple[KeyAnswer, ...]
    bouwstenen: tuple[BouwsteenBrief, ...]
    groups: tuple[tuple[str, tuple[PuntSummary, ...]], ...]
    status_counts: tuple[tuple[str, int], ...]
    handed: str = ""  # who has which handed questions still open, in a sentence

    @property
    def empty(self) -> bool:
        return (not any(s.answered for s in self.sections) and not any(c for _, c in self.status_counts)
                and not self.handed)

    @property
    def open_punten(self) -> tuple[PuntSummary, ...]:
        return tuple(p for _, punten in self.groups for p in punten)


@dataclass(frozen=True)
class RegioRow:
    gemeente: str
    deel1: tuple[int, int]
    deel2: tuple[int, int]
    open: int
    verouderd: int
    over_datum: int
    afgerond: int


@dataclass(frozen=True)
class Regiobeeld:
    """One line per gemeente of a regio, those that need attention first."""

    regio: str
    day: date
    rows: tuple[RegioRow, ...]


@dataclass(frozen=True)
class ExportData:
    """Everything an export holds: the summary, every ontwikkelpunt, every answer, the history."""

    summary: Summary
    punten: tuple[dict, ...]  # every ontwikkelpunt with readable values per field id
    # deel, section, question, answer, by, when, question id
    answers: tuple[tuple[str, str, str, str, str, datetime, str], ...]
    history: tuple[dict, ...]
    versions: tuple[tuple[str, str, str, str, datetime], ...]  # ref, question, text, by, when
    counts_by_basisfunctie: tuple[tuple[str, dict[str, int]], ...]
    info: dict[str, str] = field(default_factory=dict)  # the gemeente's own parts of the plan


@dataclass(frozen=True)
class ExportFile:
    """A document for the adapter to make (``bot.export.render``) and hand over (Slack: upload
    it into the channel); ``format`` is md, docx or xlsx."""

    filename: str
    title: str
    format: str
    data: ExportData


@dataclass(frozen=True)
class Reminder:
    """A reminder: the status one, the stuurgroep preparation, or the note before the summary.
    ``personal``: to the owner of the items, not to the channel."""

    kind: str  # status, voorbereiding, samenvatting
    gemeente: str
    items: tuple[PuntSummary, ...]
    meeting: datetime | None
    stale_weeks: int
    personal: bool = False
    questions: tuple[tuple[str, str], ...] = ()  # handed to the reader, still open: number, text
    on_behalf: str = ""  # the owner the reader stands in for while they are away


@dataclass(frozen=True)
class Setting:
    """A gemeente's reminder settings and stuurgroepen, in words."""

    gemeente: str
    reminder: str
    stale_weeks: int
    prep_days: int
    meetings: tuple[datetime, ...]


@dataclass(frozen=True)
class Handed:
    """Questions handed to a colleague (``toewijzen``), in their own chat with the bot: who asked,
    for which gemeente, which questions (number and text), and the command that starts them."""

    gemeente: str
    by: str
    questions: tuple[tuple[str, str], ...]
    start: str


@dataclass(frozen=True)
class DashboardLink:
    """A link that signs the asker in to the dashboard once (``url``: made by the adapter, which
    holds the key; empty where there is none, as in the console)."""

    url: str = ""


@dataclass(frozen=True)
class Tell:
    """Replies for someone else than the one who wrote, in their own chat with the bot (a
    colleague handed questions, a new owner): the adapter announces them there."""

    person: str
    naam: str
    gemeente_id: int
    replies: tuple[Reply, ...]


Reply = (Notice | Abbreviations | Welcome | QuestionPrompt | QuestionDone | Help | CommandUsage
         | AnswerVersions | ProgressReport | QuestionList | Recap | Paused | StartThread | ChannelBound
         | HomeView | PuntDetail | PuntList | OpenForm | FormErrors | Summary | Regiobeeld | ExportFile
         | Reminder | Setting | Handed | Tell | DashboardLink)

# What asks the adapter to act (start a thread, join the channel, show the errors in the form,
# hand over a file) rather than to show a message; a platform without forms or a Home of its own
# shows those as messages (Teams: a card with a button).
ACTIONS = StartThread | ChannelBound | FormErrors | ExportFile | QuestionDone | Tell


def form_errors_said(reply: FormErrors) -> Notice:
    """The errors of a form that was fine a moment ago (a colleague changed something), said in
    the conversation, where the form cannot show them any more."""
    return Notice("Het formulier kon niet worden opgeslagen: " + " ".join(t for _, t in reply.errors),
                  Tone.WARNING)


def gesprek_again(where: str) -> Notice:
    """A gesprek is asked for where one is going: its question is shown again, in ``where`` (the
    platform's word: a thread, a reeks)."""
    return Notice(f"Het gesprek loopt al in een {where} in dit kanaal; de vraag waar het is staat "
                  "daar nu opnieuw.")
