"""Load and validate the questionnaire content (YAML) into immutable objects.

The content files live in ``dialogues/content/``. A broken file fails loudly with a
``ContentError`` that names the file and the place in it, so a content editor can fix it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, where PyYAML has it: 10x faster
QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
ONTWIKKELPUNT_FIELDS = (
    "ontwikkelpunt",
    "beoogd_resultaat",
    "verbeteractie",
    "kosten",
    "wie",
    "planning",
    "stand_van_zaken",
)


class ContentError(ValueError):
    """A content file is missing, not valid YAML, or does not have the expected shape."""


# --- the checklist (Bijlage 1) ------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    hints: tuple[str, ...] = ()
    personal: bool = False  # about the one answering ("Wat is jouw rol"): an answer per person
    refers: str = ""  # the question whose hints a "bovenstaande" in the text points at


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    questions: tuple[Question, ...]
    intro: str = ""
    lead: str = ""
    toelichting: str = ""  # from the Handreiking (Bijlage 4), for hulp


@dataclass(frozen=True)
class Part:
    id: str
    number: int
    title: str
    sections: tuple[Section, ...]
    gebruik: str = ""  # what the answers are used for

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)


@dataclass(frozen=True)
class Position:
    """Where a question stands: its part and section, and its number within the part."""

    question: Question
    section: Section = field(repr=False)
    part: Part = field(repr=False)
    number: int
    total: int

    @property
    def first_in_section(self) -> bool:
        return self.section.questions[0] is self.question

    @property
    def ref(self) -> str:
        """``1.6``: the number people use for a question (part, then its number there)."""
        return f"{self.part.number}.{self.number}"


@dataclass(frozen=True)
class Questionnaire:
    id: str
    title: str
    intro: str
    parts: tuple[Part, ...]
    _positions: dict[str, Position] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        positions = {}
        for part in self.parts:
            questions = part.questions
            for section in part.sections:
                for question in section.questions:
                    number = questions.index(question) + 1
                    positions[question.id] = Position(
                        question, section, part, number, len(questions)
                    )
        object.__setattr__(self, "_positions", positions)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for p in self.parts for q in p.questions)

    def listed(self, question_id: str) -> str:
        """A question's text in a list of questions: with its section where the same text is asked
        more than once ("Bouwsteen 2: Wat is er al?")."""
        position = self._positions[question_id]
        text = position.question.text
        same = sum(self._fold(q.text) == self._fold(text) for q in self.questions)
        return f"{position.section.title}: {text}" if same > 1 else text

    @staticmethod
    def _fold(text: str) -> str:
        return text.casefold().rstrip("?").strip()

    @cached_property
    def personal(self) -> frozenset[str]:
        """The questions about the one answering: each person has their own answer."""
        return frozenset(q.id for q in self.questions if q.personal)

    def position(self, question_id: str) -> Position:
        return self._positions[question_id]

    def has_question(self, question_id: str) -> bool:
        return question_id in self._positions

    def part(self, number: int) -> Part | None:
        return next((p for p in self.parts if p.number == number), None)

    def with_words(self, words: str) -> list[Question]:
        """The questions whose text holds ``words`` ("meldcode"), in any case."""
        needle = " ".join(words.casefold().split())
        return [q for q in self.questions if needle and needle in q.text.casefold()]


# --- the ontwikkelplan (Bijlage 3) --------------------------------------------------------------


@dataclass(frozen=True)
class PlanField:
    id: str
    label: str
    guidance: str


@dataclass(frozen=True)
class Thema:
    number: int
    title: str
    checklist: tuple[str, ...] = ()


@dataclass(frozen=True)
class Basisfunctie:
    number: int
    title: str
    short_title: str
    description: str
    why: str
    input: str
    themes: tuple[Thema, ...]


@dataclass(frozen=True)
class Status:
    id: str
    label: str


@dataclass(frozen=True)
class Document:
    titel: str
    uitleg: str = ""


@dataclass(frozen=True)
class Ontwikkelplan:
    title: str
    source: str
    fields: tuple[PlanField, ...]
    statuses: tuple[Status, ...]
    basisfuncties: tuple[Basisfunctie, ...]
    inleiding: tuple[str, ...] = ()  # the plan's first chapters, paragraph by paragraph
    opbouw: tuple[str, ...] = ()
    documenten_intro: str = ""
    documenten_landelijk: tuple[Document, ...] = ()

    def basisfunctie(self, number: int) -> Basisfunctie | None:
        return next((b for b in self.basisfuncties if b.number == number), None)


# --- reading and checking -----------------------------------------------------------------------


class _Node:
    """A mapping from the YAML file with its path, for error messages that point at the spot."""

    def __init__(self, data: Any, where: str, allowed: set[str]):
        if not isinstance(data, Mapping):
            raise ContentError(f"{where}: verwacht een mapping (sleutel: waarde)")
        unknown = set(data) - allowed
        if unknown:
            raise ContentError(f"{where}: onbekende sleutel(s) {', '.join(sorted(map(str, unknown)))}")
        self.data, self.where = data, where

    def text(self, key: str, *, required: bool = True, pattern: re.Pattern | None = None) -> str:
        value = self.data.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise ContentError(f"{self.where}.{key}: verwacht een niet-lege tekst")
        value = " ".join(value.split()) if "\n\n" not in value else value.strip()
        if pattern and not pattern.match(value):
            raise ContentError(f"{self.where}.{key}: {value!r} heeft niet de vorm {pattern.pattern}")
        return value

    def integer(self, key: str) -> int:
        value = self.data.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise ContentError(f"{self.where}.{key}: verwacht een geheel getal")
        return value

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            raise ContentError(f"{self.where}.{key}: verwacht true of false")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ContentError(f"{self.where}.{key}: verwacht een lijst met teksten")
        return tuple(" ".join(v.split()) for v in value)

    def children(self, key: str, allowed: set[str]) -> Iterator[_Node]:
        return _nodes(self.data.get(key), f"{self.where}.{key}", allowed)


def _nodes(value: Any, where: str, allowed: set[str]) -> Iterator[_Node]:
    if not isinstance(value, list) or not value:
        raise ContentError(f"{where}: verwacht een niet-lege lijst")
    return (_Node(item, f"{where}[{index}]", allowed) for index, item in enumerate(value))


def _read(path: Path | None, name: str, allowed: set[str]) -> _Node:
    source = path or resources.files("dialogues") / "content" / name
    label = str(path or f"dialogues/content/{name}")
    try:
        data = yaml.load(source.read_text(encoding="utf-8"), Loader=_LOADER)
    except FileNotFoundError as exc:
        raise ContentError(f"{label}: bestand niet gevonden") from exc
    except yaml.YAMLError as exc:
        raise ContentError(f"{label}: geen geldige YAML ({exc})") from exc
    return _Node(data, label, allowed)


def _unique(ids: list[Any], what: str, where: str) -> None:
    seen = set()
    for item in ids:
        if item in seen:
            raise ContentError(f"{where}: {what} {item!r} komt meer dan eens voor")
        seen.add(item)


def _numbered(numbers: list[int], what: str, where: str) -> None:
    if numbers != list(range(1, len(numbers) + 1)):
        raise ContentError(f"{where}: {what} moeten 1, 2, 3, ... oplopen; gevonden {numbers}")


def load_questionnaire(path: Path | None = None) -> Questionnaire:
    """Read and check the Checklist sturing (Deel I and Deel II)."""
    root = _read(path, "checklist.yaml", {"id", "title", "intro", "columns", "parts"})
    columns = root.data.get("columns") or {}
    if not isinstance(columns, Mapping):
        raise ContentError(f"{root.where}.columns: verwacht een mapping van kolomsets")
    column_sets = {
        name: [
            (n.text("id", pattern=SLUG), n.text("text"))
            for n in _nodes(cols, f"{root.where}.columns.{name}", {"id", "text"})
        ]
        for name, cols in columns.items()
    }
    parts = []
    for part_node in root.children("parts", {"id", "number", "title", "sections", "gebruik"}):
        sections = []
        section_keys = {"id", "title", "intro", "lead", "questions", "columns", "toelichting"}
        for node in part_node.children("sections", section_keys):
            section_id = node.text("id", pattern=SLUG)
            if ("questions" in node.data) == ("columns" in node.data):
                raise ContentError(f"{node.where}: geef 'questions' of 'columns', niet allebei")
            if "columns" in node.data:
                set_name = node.data["columns"]
                if set_name not in column_sets:
                    raise ContentError(f"{node.where}.columns: onbekende kolomset {set_name!r}")
                questions = tuple(
                    Question(f"{section_id}.{col_id}", text) for col_id, text in column_sets[set_name]
                )
            else:
                questions = tuple(
                    Question(q.text("id", pattern=QUESTION_ID), q.text("text"), q.texts("hints"),
                             q.flag("personal"), q.text("refers", required=False))
                    for q in node.children("questions",
                                           {"id", "text", "hints", "personal", "refers"})
                )
            for question in questions:
                if not question.id.startswith(section_id + "."):
                    raise ContentError(
                        f"{node.where}: vraag-id {question.id!r} moet beginnen met {section_id}."
                    )
            sections.append(
                Section(
                    id=section_id,
                    title=node.text("title"),
                    questions=questions,
                    intro=node.text("intro", required=False),
                    lead=node.text("lead", required=False),
                    toelichting=node.text("toelichting", required=False),
                )
            )
        parts.append(
            Part(
                id=part_node.text("id", pattern=SLUG),
                number=part_node.integer("number"),
                title=part_node.text("title"),
                sections=tuple(sections),
                gebruik=part_node.text("gebruik", required=False),
            )
        )
    _numbered([p.number for p in parts], "de nummers van de delen", root.where)
    _unique([p.id for p in parts], "deel-id", root.where)
    _unique([s.id for p in parts for s in p.sections], "sectie-id", root.where)
    _unique([q.id for p in parts for q in p.questions], "vraag-id", root.where)
    ids = {q.id for p in parts for q in p.questions}
    for question in (q for p in parts for q in p.questions if q.refers and q.refers not in ids):
        raise ContentError(f"{root.where}: vraag {question.id} verwijst naar onbekende vraag "
                           f"{question.refers!r}")
    return Questionnaire(
        id=root.text("id", pattern=SLUG),
        title=root.text("title"),
        intro=root.text("intro", required=False),
        parts=tuple(parts),
    )


def load_ontwikkelplan(path: Path | None = None) -> Ontwikkelplan:
    """Read and check the structure of the Lokaal meerjarig ontwikkelplan (Bijlage 3)."""
    root = _read(path, "ontwikkelplan.yaml", {"id", "title", "source", "fields", "statuses",
                                               "basisfuncties", "inleiding", "opbouw",
                                               "documenten_intro", "documenten_landelijk"})
    fields = tuple(
        PlanField(n.text("id", pattern=SLUG), n.text("label"), n.text("guidance", required=False))
        for n in root.children("fields", {"id", "label", "guidance"})
    )
    if tuple(f.id for f in fields) != ONTWIKKELPUNT_FIELDS:
        raise ContentError(
            f"{root.where}.fields: verwacht de zeven velden {', '.join(ONTWIKKELPUNT_FIELDS)}"
        )
    statuses = tuple(
        Status(n.text("id", pattern=SLUG), n.text("label"))
        for n in root.children("statuses", {"id", "label"})
    )
    _unique([s.id for s in statuses], "status", root.where)
    basisfuncties = []
    keys = {"number", "title", "short_title", "description", "why", "input", "themes"}
    for node in root.children("basisfuncties", keys):
        themes = tuple(
            Thema(t.integer("number"), t.text("title"), t.texts("checklist"))
            for t in node.children("themes", {"number", "title", "checklist"})
        )
        _numbered([t.number for t in themes], "de quickscan-thema's", node.where)
        basisfuncties.append(
            Basisfunctie(
                number=node.integer("number"),
                title=node.text("title"),
                short_title=node.text("short_title"),
                description=node.text("description"),
                why=node.text("why"),
                input=node.text("input", required=False),
                themes=themes,
            )
        )
    _numbered([b.number for b in basisfuncties], "de basisfuncties", root.where)
    return Ontwikkelplan(
        title=root.text("title"),
        source=root.text("source"),
        fields=fields,
        statuses=statuses,
        basisfuncties=tuple(basisfuncties),
        inleiding=root.texts("inleiding"),
        opbouw=root.texts("opbouw"),
        documenten_intro=root.text("documenten_intro", required=False),
        documenten_landelijk=tuple(Document(n.text("titel"), n.text("uitleg", required=False))
                                   for n in root.children("documenten_landelijk", {"titel", "uitleg"})),
    )


@cache
def checklist() -> Questionnaire:
    """The packaged Checklist sturing, loaded once."""
    return load_questionnaire()


@cache
def ontwikkelplan() -> Ontwikkelplan:
    """The packaged ontwikkelplan structure, loaded once."""
    return load_ontwikkelplan()


# --- begrippen (the abbreviations of the source) -------------------------------------------------


@dataclass(frozen=True)
class Begrip:
    term: str
    uitleg: str


def load_begrippen(path: Path | None = None) -> tuple[Begrip, ...]:
    """Read the abbreviations and terms the bot explains (``begrippen.yaml``)."""
    root = _read(path, "begrippen.yaml", {"begrippen"})
    found = tuple(Begrip(n.text("term"), n.text("uitleg"))
                  for n in root.children("begrippen", {"term", "uitleg"}))
    _unique([b.term for b in found], "begrip", root.where)
    return found


@cache
def begrippen() -> tuple[Begrip, ...]:
    return load_begrippen()


def terms_in(text: str) -> tuple[Begrip, ...]:
    """The begrippen used in ``text`` (as whole words, in their own case or in capitals: WMO is
    Wmo), in list order."""
    return tuple(b for b in begrippen() if re.search(
        rf"(?<![\w&])(?:{re.escape(b.term)}|{re.escape(b.term.upper())})(?![\w&])", text))
