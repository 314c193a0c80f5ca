"""Questions handed to a colleague: naming them (``2.3``, ``4.1-4.6``, ``bouwsteen 3``), the
person they go to, and who has which still open, in words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.core.commands import Arg, DoesNotFit, Token, someone
from dialogues.content import Questionnaire, checklist

REF = re.compile(r"(\d)[.,](\d{1,2})")
RANGE = re.compile(r"(\d)[.,](\d{1,2})-(?:(\d)[.,])?(\d{1,2})")  # 4.1-4.6, 4.1-6
NOBODY = ("niemand", "geen")
EXAMPLE = "‘toewijzen 2.3 @iemand’, ‘toewijzen 2.1-2.5 @iemand’ of ‘toewijzen bouwsteen 3 @iemand’"
_JOINING = {"en", "&"}


@cache
def _refs(questionnaire: Questionnaire) -> dict[str, str]:
    """Question ids by the number people use (``2.3``)."""
    return {questionnaire.position(q.id).ref: q.id for q in questionnaire.questions}


def ref_of(question_id: str) -> str:
    return checklist().position(question_id).ref


def questions_named(tokens: list[Token], i: int) -> tuple[tuple[str, ...], int]:
    """The questions ``tokens[i:]`` start with, in the checklist's order, and where the rest
    starts; ``DoesNotFit`` when they name none, or a question that is not there."""
    questionnaire = checklist()
    refs, named = _refs(questionnaire), []
    while i < len(tokens):
        word = tokens[i].word
        if word in _JOINING and named:
            i += 1
            continue
        if word in ("bouwsteen", "deel") and i + 1 < len(tokens) and tokens[i + 1].word.isdigit():
            named += _at(_section, i + 2, questionnaire, word, int(tokens[i + 1].word))
            i += 2
            continue
        spaced = i + 2 < len(tokens) and tokens[i + 1].word == "-"  # 2.1 - 2.5
        ranged = RANGE.fullmatch(word) or (spaced and RANGE.fullmatch(
            "".join(t.word for t in tokens[i:i + 3])))
        if ranged:
            step = 1 if RANGE.fullmatch(word) else 3
            named += _at(_range, i + step, refs, *ranged.groups())
            i += step
            continue
        single = REF.fullmatch(word)
        if not single:
            break
        ref = f"{single.group(1)}.{int(single.group(2))}"
        if ref not in refs:
            raise DoesNotFit(_no_question(questionnaire, ref), i + 1)
        named.append(refs[ref])
        i += 1
    if not named:
        raise DoesNotFit(f"Noem de vragen met hun nummer, bijvoorbeeld {EXAMPLE}.")
    order = {q.id: n for n, q in enumerate(questionnaire.questions)}
    return tuple(sorted(dict.fromkeys(named), key=order.__getitem__)), i


def _at(named, at: int, *args) -> list[str]:
    """The questions ``named(*args)`` gives; where it does not fit, the text is this command
    typed wrong (it got as far as ``at``), never an answer that happens to start like it."""
    try:
        return named(*args)
    except DoesNotFit as wrong:
        raise DoesNotFit(wrong.reason, at) from None


def _section(questionnaire: Questionnaire, word: str, number: int) -> list[str]:
    if word == "deel":
        part = questionnaire.part(number)
        if part is None:
            raise DoesNotFit("Er zijn twee delen: deel 1 en deel 2.")
        return [q.id for q in part.questions]
    found = next((s for p in questionnaire.parts for s in p.sections
                  if s.title.casefold() == f"bouwsteen {number}"), None)
    if found is None:
        raise DoesNotFit("Deel II heeft de bouwstenen 1 tot en met 5.")
    return [q.id for q in found.questions]


def _range(refs: dict[str, str], part: str, first: str, other_part: str | None, last: str) -> list[str]:
    if other_part and other_part != part:
        raise DoesNotFit("Een reeks vragen blijft binnen één deel, bijvoorbeeld 2.1-2.5.")
    low, high = sorted((int(first), int(last)))
    missing = [f"{part}.{n}" for n in (low, high) if f"{part}.{n}" not in refs]
    if missing:
        raise DoesNotFit(_no_question(checklist(), missing[0]))
    return [refs[f"{part}.{n}"] for n in range(low, high + 1)]


def _no_question(questionnaire: Questionnaire, ref: str) -> str:
    part = questionnaire.part(int(ref.split(".")[0]))
    if part is None:
        return (f"Vraag {ref} bestaat niet: er zijn twee delen, met de vragen 1.1 tot en met "
                f"1.{len(questionnaire.part(1).questions)} en 2.1 tot en met "
                f"2.{len(questionnaire.part(2).questions)}.")
    return (f"Vraag {ref} bestaat niet; {part.title} heeft de vragen {part.number}.1 tot en met "
            f"{part.number}.{len(part.questions)}.")


@dataclass(frozen=True)
class Handing(Arg):
    """``2.3 @iemand``, ``4.1-4.6 @iemand``, ``bouwsteen 3 niemand``: which questions, and to whom
    (None: to nobody)."""

    def take(self, text, tokens, i):
        questions, rest = questions_named(tokens, i)
        if rest >= len(tokens):
            raise DoesNotFit("Noem ook aan wie, bijvoorbeeld " + EXAMPLE + ".", rest)
        person = text[tokens[rest].start:]
        if tokens[rest].word in NOBODY and rest == len(tokens) - 1:
            return (questions, None), len(tokens)
        return (questions, someone(person)), len(tokens)

    @property
    def widest(self) -> int:
        return 20


def refs_text(question_ids: list[str] | tuple[str, ...]) -> str:
    """``2.1–2.4, 2.7``: question numbers, runs shortened."""
    numbers = [tuple(map(int, ref_of(q).split("."))) for q in question_ids]
    runs: list[list[tuple[int, int]]] = []
    for number in sorted(numbers):
        if runs and runs[-1][-1][0] == number[0] and runs[-1][-1][1] + 1 == number[1]:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(f"{r[0][0]}.{r[0][1]}" + (f"–{r[-1][0]}.{r[-1][1]}" if len(r) > 2 else
                                               f", {r[-1][0]}.{r[-1][1]}" if len(r) == 2 else "")
                     for r in runs)


def still_open(assignments: list[dict], answered) -> list[tuple[str, str, list[str]]]:
    """Per person (id, name): their handed questions not answered yet, in order."""
    people: dict[str, tuple[str, list[str]]] = {}
    for row in assignments:
        if row["question_id"] not in answered:
            people.setdefault(row["user_id"], (row["naam"], []))[1].append(row["question_id"])
    return [(user_id, naam, questions) for user_id, (naam, questions) in people.items()]


def open_line(assignments: list[dict], answered) -> str:
    """Who has which handed questions still open, in one sentence ("" when nobody has)."""
    people = still_open(assignments, answered)
    if not people:
        return ""
    return "Toegewezen en nog open: " + "; ".join(f"{naam} ({refs_text(questions)})"
                                                  for _, naam, questions in people) + "."
