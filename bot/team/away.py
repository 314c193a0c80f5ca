"""Someone away for a while: naming it (``afwezig tot 1-3-2027 vervanger @iemand``), and what
happened meanwhile, for when they are back."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from bot.core.commands import Arg, DoesNotFit, someone
from bot.core.dutch import AMSTERDAM, DATE_EXAMPLE, MONTH_NUMBERS, DateError, format_date, parse_date
from bot.team.handing import refs_text
from store import Store

USAGE = f"Schrijf het zo: ‘afwezig tot {DATE_EXAMPLE}’, eventueel met ‘vervanger @iemand’ erachter."


@dataclass(frozen=True)
class Away(Arg):
    """``[@iemand] tot <datum> [vervanger @iemand]``: who (None: the one writing), until which
    day, and who stands in (None: nobody)."""

    def take(self, text, tokens, i):
        words = [t.word for t in tokens]
        if "tot" not in words[i:]:
            raise DoesNotFit(USAGE)
        until_at = words.index("tot", i)
        who = someone(text[tokens[i].start:tokens[until_at - 1].end]) if until_at > i else None
        stand_in_at = words.index("vervanger", until_at) if "vervanger" in words[until_at:] else len(tokens)
        if stand_in_at == until_at + 1:
            raise DoesNotFit(USAGE, stand_in_at)
        day_text = text[tokens[until_at + 1].start:tokens[stand_in_at - 1].end] if until_at + 1 < len(
            tokens) else ""
        try:
            day = parse_date(day_text)
        except DateError as error:  # a date typed wrong is this command; a sentence is an answer
            day = _day_month(day_text)
            if day is None:
                raise DoesNotFit(str(error), stand_in_at if day_text[:1].isdigit() else i) from None
        stand_in = None
        if stand_in_at < len(tokens):
            if stand_in_at + 1 >= len(tokens):
                raise DoesNotFit("Noem na ‘vervanger’ wie er invalt, bijvoorbeeld ‘vervanger @anna’.",
                                 len(tokens))
            stand_in = someone(text[tokens[stand_in_at + 1].start:])
        return (who, day, stand_in), len(tokens)

    @property
    def widest(self) -> int:
        return 14


def _day_month(text: str) -> tuple[int, int] | None:
    """``21 december`` or ``21-12``: a day and a month without a year, or None."""
    words = " ".join(text.casefold().replace(".", " ").split())
    numeric = re.fullmatch(r"(\d{1,2})[-/](\d{1,2})", words)
    spelled = re.fullmatch(r"(\d{1,2}) ([a-z]+)", words)
    if numeric:
        return int(numeric.group(1)), int(numeric.group(2))
    if spelled and spelled.group(2) in MONTH_NUMBERS:
        return int(spelled.group(1)), MONTH_NUMBERS[spelled.group(2)]
    return None


def next_day(day: date | tuple[int, int], today: date) -> date:
    """The date ``day`` means: as given, or for a day and month, the first from ``today`` on;
    ``DateError`` for one that does not exist (31-2)."""
    if isinstance(day, date):
        return day
    number, month = day
    for year in (today.year, today.year + 1):
        try:
            found = date(year, month, number)
        except ValueError:
            continue
        if found >= today:
            return found
    raise DateError(f"{number}-{month} bestaat niet als datum. Schrijf hem bijvoorbeeld als "
                    f"{DATE_EXAMPLE}.")


def meanwhile(store: Store, user_id: str, since: str, gemeenten: list[dict]) -> str:
    """What happened in ``gemeenten`` since ``since`` that concerns someone back from being
    away: answers given, changes to their ontwikkelpunten by others, their handed questions."""
    began = format_date(datetime.fromisoformat(since).astimezone(AMSTERDAM).date())
    lines = [f"Welkom terug! Dit gebeurde er sinds {began}:"]
    for gemeente in gemeenten:
        said = []
        changes = store.audit.of(gemeente["id"], since)
        answers = sum(c["kind"] == "antwoord" and c["author_id"] != user_id for c in changes)
        if answers:
            said.append(f"{answers} {'nieuw antwoord' if answers == 1 else 'nieuwe antwoorden'} in de "
                        "Checklist sturing")
        own = {str(p["nummer"]) for p in store.punten.all(gemeente["id"]) if p["wie_id"] == user_id}
        touched: dict[str, list[str]] = {}
        for c in changes:
            nummer = (c["subject"] or "").split(":")[0]
            if c["kind"] in ("stand", "status", "veld") and nummer in own and c["author_id"] != user_id:
                touched.setdefault(nummer, []).append(f"{_WHAT[c['kind']]} door {c['author']}")
        said += [f"#{n}: {', '.join(dict.fromkeys(what))}" for n, what in touched.items()]
        handed = store.team.assigned_to(gemeente["id"], user_id)
        if handed:
            answered = store.answers.current(gemeente["id"])
            open_ = [q for q in handed if q not in answered]
            said.append(f"je toegewezen vragen: nog open {refs_text(open_)}" if open_ else
                        f"je toegewezen vragen ({refs_text(handed)}) zijn beantwoord")
        lines.append(f"• Gemeente {gemeente['naam']}: " + ("; ".join(said) if said else
                                                          "niets nieuws") + ".")
    if len(lines) == 1:
        lines.append("Je hoort nog bij geen gemeente; er was niets voor jou.")
    return "\n".join(lines)


_WHAT = {"stand": "stand van zaken bijgewerkt", "status": "status veranderd", "veld": "gewijzigd"}

