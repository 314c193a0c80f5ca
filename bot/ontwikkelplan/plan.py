"""The Lokaal meerjarig ontwikkelplan: ontwikkelpunten per gemeente, their fields and history.

``Plan`` reads and checks field values, presents ontwikkelpunten, and changes them with a dated
entry in their history (stand van zaken, status, field changes, drafts from the Bouwstenen).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.core.context import Context, Problem
from bot.core.dutch import AMSTERDAM, DateError, format_date
from bot.core.messages import User
from bot.core.privacy import personal_data, refusal
from bot.core.replies import (
    Notice,
    PuntDetail,
    PuntEvent,
    PuntList,
    PuntSummary,
    Tone,
)
from bot.core.text import MAX_ANSWER_LENGTH, clean_text
from bot.ontwikkelplan.planning import planning_text, read_planning
from dialogues.content import Ontwikkelplan, checklist

WALK = ("basisfunctie", "thema", "ontwikkelpunt", "beoogd_resultaat", "verbeteractie", "kosten",
        "wie", "planning", "stand_van_zaken")
REQUIRED = ("basisfunctie", "ontwikkelpunt", "wie", "planning")
_KIND_WORDS = {"stand": "stand van zaken", "status": "status", "veld": "veld gewijzigd"}
FIELD_WORDS = {
    "basisfunctie": "basisfunctie", "thema": "thema", "quickscan": "thema",
    "ontwikkelpunt": "ontwikkelpunt", "doel": "ontwikkelpunt",
    "resultaat": "beoogd_resultaat", "beoogd resultaat": "beoogd_resultaat",
    "prestatie-indicatoren": "beoogd_resultaat",
    "verbeteractie": "verbeteractie", "actie": "verbeteractie", "acties": "verbeteractie",
    "kosten": "kosten", "dekking": "kosten", "wie": "wie", "uitvoerder": "wie",
    "planning": "planning", "datum": "planning",
}
FIELD_NAMES = ("basisfunctie", "thema", "ontwikkelpunt", "resultaat", "actie", "kosten", "wie",
               "planning")  # the words help and refusals name, one per field
STATUS_WORDS = {
    "open": "open", "in uitvoering": "in_uitvoering", "in_uitvoering": "in_uitvoering",
    "uitvoering": "in_uitvoering", "bezig": "in_uitvoering", "afgerond": "afgerond",
    "klaar": "afgerond", "gereed": "afgerond", "vervallen": "vervallen", "geschrapt": "vervallen",
}
OPEN_STATUSES = ("open", "in_uitvoering")
ACTIONS_QUESTION = "acties"  # the bouwsteen column "Welke acties zijn daarvoor nodig?"
# the bouwsteen columns a concept is drafted from, and the fields of Bijlage 3 they fill
DRAFT_FIELDS = {"resultaten": ("beoogd_resultaat",), "acties": ("verbeteractie",),
                "uitvoering": ("wie", "kosten")}
DRAFT_PROPOSED = ("basisfunctie", "kosten", "wie", "planning")  # asked again: a proposal only


def stale_before(today: date, weeks: int) -> datetime:
    """The moment before which a live ontwikkelpunt's last stand van zaken (or its making) makes
    it verouderd: more than ``weeks`` weeks before ``today``, counted in days in the Netherlands."""
    return datetime.combine(today - timedelta(weeks=weeks), time(), AMSTERDAM)


def fitting_text(text: str, what: str, own_domain: str | None = None) -> str:
    """Free text of the plan (``what``: "de stand van zaken") as it is stored; ``FieldError`` when
    it is too long or holds personal data (e-mail at ``own_domain``, the gemeente's, may)."""
    text = clean_text(text)
    if len(text) > MAX_ANSWER_LENGTH:
        raise FieldError(f"{what[:1].upper()}{what[1:]} is te lang ({len(text):,} tekens; maximaal "
                         f"{MAX_ANSWER_LENGTH:,}); er is niets opgeslagen.".replace(",", "."))
    if kind := personal_data(text, own_domain):
        raise FieldError(refusal(kind, what))
    return text


class FieldError(Problem):
    """A value that does not fit its field; the message says what would. Nothing is changed."""

    def __init__(self, text: str):
        super().__init__(text, Tone.WARNING)


@dataclass(frozen=True)
class Meanwhile:
    """A field a colleague changed while a form was open: what the form showed, and who."""

    label: str
    shown: str
    author: str


class Plan:
    """Ontwikkelpunten of a gemeente: reading, validating and changing them."""

    def __init__(self, content: Ontwikkelplan):
        self.content = content
        self.labels = {f.id: f.label for f in content.fields} | {
            "basisfunctie": "Basisfunctie", "thema": "Quickscan-thema"}
        self.statuses = {s.id: s.label for s in content.statuses}

    # --- values ---------------------------------------------------------------------------------

    def parse_field(self, field: str, text: str, punt: dict, mentions: tuple[User, ...] = (),
                    own_domain: str | None = None) -> dict[str, Any]:
        """The column values for ``text`` in ``field``; ``FieldError`` when it does not fit (e-mail
        addresses at ``own_domain``, the gemeente's, do)."""
        text = clean_text(text)
        if not text:
            raise FieldError(f"‘{self.labels[field]}’ is leeg gebleven.")
        if len(text) > MAX_ANSWER_LENGTH:
            raise FieldError(f"Dat is te lang voor ‘{self.labels[field]}’ (maximaal "
                             f"{MAX_ANSWER_LENGTH} tekens). Er is niets opgeslagen.")
        if kind := personal_data(text, own_domain):
            raise FieldError(refusal(kind, f"‘{self.labels[field]}’"))
        if field == "basisfunctie":  # a thema belongs to its basisfunctie
            number = self._basisfunctie(text)
            return {"basisfunctie": number} | ({"thema": None}
                                               if number != punt.get("basisfunctie") else {})
        if field == "thema":
            return {"thema": self._thema(text, punt.get("basisfunctie"))}
        if field == "planning":
            try:
                planning = read_planning(text)
            except DateError as error:
                raise FieldError(str(error)) from None
            return {"planning": planning.deadline.isoformat(), "planning_stappen": planning.steps}
        if field == "wie":
            person = mentions[0] if mentions else None
            return {"wie": person.naam if person else text, "wie_id": person.id if person else None}
        return {field: text}

    def _basisfunctie(self, text: str) -> int:
        words = text.casefold().removeprefix("basisfunctie").strip()
        for b in self.content.basisfuncties:
            if words in (str(b.number), b.title.casefold(), b.short_title.casefold()):
                return b.number
        options = "; ".join(f"{b.number}. {b.short_title}" for b in self.content.basisfuncties)
        raise FieldError(f"Kies een basisfunctie met haar nummer: {options}.")

    def _thema(self, text: str, basisfunctie: int | None) -> int:
        functie = self.content.basisfunctie(basisfunctie) if basisfunctie else None
        if functie is None:
            raise FieldError("Kies eerst de basisfunctie; het thema hoort daarbij.")
        words = text.casefold().strip().rstrip(".")
        qualified = re.fullmatch(r"(\d)\.(\d+)", words)  # "1.5": thema 5 of basisfunctie 1
        if qualified:
            if int(qualified.group(1)) != functie.number:
                raise FieldError(f"Dat thema hoort bij basisfunctie {qualified.group(1)}, niet bij "
                                 f"basisfunctie {functie.number}. Kies een thema van "
                                 f"{functie.short_title}.")
            words = qualified.group(2)
        for thema in functie.themes:
            if words == str(thema.number) or words == thema.title.casefold():
                return thema.number
        raise FieldError(f"Kies een thema van basisfunctie {functie.number} met zijn nummer "
                         f"(1 tot en met {len(functie.themes)}).")

    def in_the_past(self, text: str, today: date) -> str | None:
        """Why a planning needs a second look: its last date has passed (None when it has not, or
        when it cannot be read at all: that is said when it is stored)."""
        try:
            deadline = read_planning(clean_text(text)).deadline
        except DateError:
            return None
        if deadline >= today:
            return None
        return (f"De planning eindigt op {format_date(deadline)}, en die datum is al voorbij. "
                "Klopt dat?")

    def thema_notice(self, basisfunctie: int, thema: int) -> Notice:
        """A quickscan thema as Bijlage 3 gives it: its basisfunctie, why it matters, its items."""
        functie = self.content.basisfunctie(basisfunctie)
        found = next(t for t in functie.themes if t.number == thema)
        items = "".join(f"\n• {item}" for item in found.checklist)
        return Notice(f"Quickscan {functie.number}.{found.number} {found.title} (basisfunctie "
                      f"{functie.number}: {functie.title})"
                      + (f"\n\nQuickscan:{items}" if items else "")
                      + f"\n\nWaarom is dit van belang? {functie.why}")

    def status_id(self, text: str) -> str:
        status = STATUS_WORDS.get(" ".join(text.casefold().split()))
        if status is None:
            raise FieldError(f"‘{text}’ is geen status. Kies uit: {', '.join(self.statuses.values())}.")
        return status

    def missing(self, punt: dict) -> tuple[str, ...]:
        """The required fields ``punt`` still lacks."""
        return tuple(f for f in REQUIRED if not punt.get(f))

    # --- presenting -----------------------------------------------------------------------------

    def value_text(self, field: str, punt: dict) -> str:
        value = punt.get(field)
        if not value:
            return ""
        if field == "basisfunctie":
            return f"{value}. {self.content.basisfunctie(value).short_title}"
        if field == "thema":
            functie = self.content.basisfunctie(punt.get("basisfunctie") or 0)
            themes = functie.themes if functie else ()
            return next((f"{functie.number}.{t.number} {t.title}" for t in themes if t.number == value),
                        str(value))
        if field == "planning":
            return planning_text(value, punt.get("planning_stappen"))
        return str(value)

    def flagged(self, store, gemeente: dict, today: date) -> list[dict]:
        """The gemeente's ontwikkelpunten with their latest stand and their flags on ``today``."""
        return store.punten.flagged(gemeente["id"], stale_before(today, gemeente.get("stale_weeks")
                                                                 or 6).isoformat(), today.isoformat())

    def summary(self, punt: dict, stand: dict | None = None) -> PuntSummary:
        """A punt for lists; one from ``flagged`` has its latest stand and its flags."""
        if stand is None and punt.get("stand") is not None:
            stand = {"value": punt["stand"], "created_at": punt["stand_at"]}
        return PuntSummary(
            nummer=punt["nummer"],
            basisfunctie=self.value_text("basisfunctie", punt),
            thema=self.value_text("thema", punt),
            ontwikkelpunt=punt.get("ontwikkelpunt") or "",
            wie=punt.get("wie") or "",
            planning=date.fromisoformat(punt["planning"]) if punt.get("planning") else None,
            planning_stappen=punt.get("planning_stappen") or "",
            status=self.statuses[punt["status"]],
            concept=bool(punt["concept"]),
            stand=stand["value"] if stand else "",
            stand_at=datetime.fromisoformat(stand["created_at"]) if stand else None,
            missing=tuple(self.labels[f] for f in self.missing(punt)),
            verouderd=bool(punt.get("verouderd")),
            over_datum=bool(punt.get("over_datum")),
            wie_id=punt.get("wie_id") or "",
        )

    def open_groups(self, store, gemeente: dict, today: date
                    ) -> tuple[tuple[str, tuple[PuntSummary, ...]], ...]:
        """The open ontwikkelpunten per basisfunctie, with their flags on ``today``."""
        live = [p for p in self.flagged(store, gemeente, today) if p["live"]]
        return tuple(
            (f"{b.number}. {b.title}",
             tuple(self.summary(p) for p in live if p["basisfunctie"] == b.number))
            for b in self.content.basisfuncties
            if any(p["basisfunctie"] == b.number for p in live)
        )

    def listing(self, ctx: Context) -> PuntList:
        punten = ctx.store.punten.all(ctx.gemeente["id"])
        return PuntList(
            gemeente=ctx.gemeente["naam"],
            groups=self.open_groups(ctx.store, ctx.gemeente, ctx.now.astimezone(AMSTERDAM).date()),
            concepts=tuple(self.summary(p) for p in punten if p["concept"]),
            closed=sum(1 for p in punten if not p["concept"] and p["status"] not in OPEN_STATUSES),
        )

    def detail(self, ctx: Context, punt: dict) -> PuntDetail:
        history = ctx.store.punten.history(punt["id"])
        stands = [h for h in history if h["kind"] == "stand"]
        events = tuple(
            PuntEvent(h["kind"], self._event_text(h), h["author"], datetime.fromisoformat(h["created_at"]))
            for h in history
        )
        snoozed = ctx.store.team.snoozed(punt["id"], ctx.today.isoformat())
        return PuntDetail(self.summary(punt, stands[-1] if stands else None), events,
                          tuple((self.labels[f], self.value_text(f, punt)) for f in WALK[:-1]),
                          "Herinneringen uitgesteld: " + "; ".join(
                              f"{s['naam']} tot {format_date(date.fromisoformat(s['until']))}"
                              for s in snoozed) + "." if snoozed else "")

    def readable(self, entry: dict) -> dict:
        """A history entry with its kind, field and statuses in words (for exports)."""
        status = self.statuses.get if entry["kind"] == "status" else (lambda v, d=None: d)
        return {**entry, "kind": _KIND_WORDS.get(entry["kind"], entry["kind"]),
                "field": self.labels.get(entry["field"], entry["field"]) if entry["field"] else "",
                "value": status(entry["value"], entry["value"]),
                "previous": status(entry["previous"], entry["previous"])}

    def _event_text(self, entry: dict) -> str:
        if entry["kind"] == "status":
            return f"status: {self.statuses.get(entry['value'], entry['value'])}"
        if entry["kind"] == "veld":
            label = self.labels.get(entry["field"], entry["field"])
            was = f" (was: {entry['previous']})" if entry["previous"] else ""
            return f"{label}: {entry['value'] or '(leeg)'}{was}"
        return entry["value"]

    # --- changing -------------------------------------------------------------------------------

    def find(self, ctx: Context, nummer: int | None) -> dict:
        punt = ctx.store.punten.get(ctx.gemeente["id"], nummer or 0)
        if punt is None:
            raise FieldError(f"Ontwikkelpunt #{nummer} bestaat niet bij gemeente "
                             f"{ctx.gemeente['naam']}. Typ ‘ontwikkelpunten’ voor de lijst.")
        return punt

    @staticmethod
    def fitting_stand(text: str, own_domain: str | None = None) -> str:
        """A stand van zaken as it is stored; ``FieldError`` when it is too long or holds personal
        data."""
        return fitting_text(text, "de stand van zaken", own_domain)

    def add_stand(self, ctx: Context, punt: dict, text: str) -> None:
        text = self.fitting_stand(text, ctx.gemeente.get("mail_domain"))
        if not text:
            raise FieldError(f"Wat is de stand van zaken? Bijvoorbeeld: ‘bijwerken {punt['nummer']} "
                             "offerte opgevraagd’.")
        ctx.store.punten.log(punt["id"], "stand", text, ctx.user.id, ctx.now.isoformat())
        ctx.store.punten.set(punt["id"], {}, ctx.now.isoformat())

    def set_status(self, ctx: Context, punt: dict, status: str) -> None:
        if punt["concept"]:
            raise FieldError(f"#{punt['nummer']} is nog een concept; maak het eerst af met "
                             f"‘afmaken {punt['nummer']}’.")
        at = ctx.now.isoformat()
        ctx.store.punten.set(punt["id"], {"status": status}, at)
        ctx.store.punten.log(punt["id"], "status", status, ctx.user.id, at, previous=punt["status"])

    def set_field(self, ctx: Context, punt: dict, field: str, text: str,
                  mentions: tuple[User, ...] = ()) -> dict:
        """Change one field, and log the change. Returns the new row."""
        values = self.parse_field(field, text, punt, mentions, ctx.gemeente.get("mail_domain"))
        at = ctx.now.isoformat()
        ctx.store.punten.set(punt["id"], values, at)  # naming the owner gives no membership
        for changed in (f for f in WALK if f in values):  # a new basisfunctie clears the thema
            before, after = self.value_text(changed, punt), self.value_text(changed, {**punt, **values})
            if before != after:
                ctx.store.punten.log(punt["id"], "veld", after, ctx.user.id, at, field=changed,
                                     previous=before)
        return self.finish(ctx, {**punt, **values})  # a concept is open once nothing is missing

    def read_form(self, values: dict[str, str], punt: dict, mentions: tuple[User, ...] = (),
                  fields: tuple[str, ...] = WALK[:-1], own_domain: str | None = None
                  ) -> tuple[dict[str, Any], dict[str, str]]:
        """Column values from a submitted form, and the errors per field (all of them at once)."""
        columns: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for field in fields:
            text = (values.get(field) or "").strip()
            if not text:  # left out (too long for a form field) or left empty
                if field in REQUIRED and not punt.get(field):
                    errors[field] = f"Vul ‘{self.labels[field]}’ in; dit veld is verplicht."
                continue
            try:
                columns |= self.parse_field(field, text, {**punt, **columns},
                                            mentions if field == "wie" else (), own_domain)
            except FieldError as error:
                errors[field] = str(error)
        return columns, errors

    def form_values(self, punt: dict) -> tuple[tuple[str, str], ...]:
        """A punt's stored values for prefilling a form (ids and numbers as stored; the steps of
        a planning beside its last date, which is what a date picker can show)."""
        return tuple((key, str(punt[key])) for key in (*WALK[:-1], "wie_id", "status",
                                                       "planning_stappen")
                     if punt.get(key) not in (None, ""))

    def changed_since(self, ctx: Context, punt: dict, as_of: str) -> dict[str, Meanwhile]:
        """The fields (and the status) others changed after ``as_of``, when a form was opened:
        what the form showed for each (its value then, in words), who changed it, and to what."""
        if not as_of:
            return {}
        found: dict[str, Meanwhile] = {}
        for entry in ctx.store.punten.changes_since(punt["id"], as_of, ctx.user.id):
            field = entry["field"] if entry["kind"] == "veld" else "status"
            if field not in found:
                found[field] = Meanwhile(self.labels.get(field, "Status"), entry["previous"] or "",
                                         entry["author"])
        return found

    def kept_notice(self, kept: list[Meanwhile]) -> Notice:
        """What a form did not change, because a colleague had changed it while it was open."""
        said = "; ".join(f"{m.label.rstrip('?').lower()} (door {m.author})" for m in kept)
        return Notice(f"Intussen veranderde een collega: {said}. Dat heb je in het formulier niet "
                      "aangepast, dus hun nieuwe waarde blijft staan.", Tone.WARNING)

    def finish(self, ctx: Context, punt: dict) -> dict:
        """Promote a complete concept to a real ontwikkelpunt."""
        if punt["concept"] and not self.missing(punt):
            ctx.store.punten.set(punt["id"], {"concept": 0}, ctx.now.isoformat())
            ctx.store.punten.log(punt["id"], "status", punt["status"], ctx.user.id,
                                  ctx.now.isoformat())
            punt = {**punt, "concept": 0}
        return punt

    def drafts_from_bouwstenen(self, ctx: Context) -> list[dict]:
        """Concept ontwikkelpunten from the Bouwstenen whose "Welke acties zijn daarvoor nodig?" is
        answered: each column in its field (``DRAFT_FIELDS``), basisfunctie 1 proposed (the
        Leidraad is its richtlijn), a planning when the uitvoering names dates. The ontwikkelpunt
        itself, the goal, is left for the user to write."""
        existing = {p["bron"] for p in ctx.store.punten.all(ctx.gemeente["id"])}
        drafts = []
        for question in checklist().questions:
            bouwsteen, _, column = question.id.partition(".")
            if column != ACTIONS_QUESTION or question.id in existing:
                continue
            if ctx.answers.get(question.id) is None:
                continue
            values = {"bron": question.id, "concept": 1, "basisfunctie": 1}
            for source, fields in DRAFT_FIELDS.items():
                answer = ctx.answers.get(f"{bouwsteen}.{source}")
                values |= {f: answer["text"] for f in fields} if answer else {}
            uitvoering = ctx.answers.get(f"{bouwsteen}.uitvoering")
            with contextlib.suppress(DateError):  # its last date proposed; none: asked for
                values["planning"] = read_planning(uitvoering["text"] if uitvoering else ""
                                                   ).deadline.isoformat()
            drafts.append(ctx.store.punten.create(ctx.gemeente["id"], values, ctx.user.id,
                                                  ctx.now.isoformat()))
        return drafts

    def discard(self, ctx: Context, punt: dict) -> None:
        """Throw a concept away (what it held stays in the audit log)."""
        if not punt["concept"]:
            raise FieldError(f"#{punt['nummer']} is geen concept meer. Zet de status op vervallen "
                             f"met ‘status {punt['nummer']} vervallen’; dan blijft de geschiedenis "
                             "bewaard.")
        ctx.store.punten.discard(punt["id"], punt.get("ontwikkelpunt") or punt.get("verbeteractie")
                                 or "", ctx.user.id, ctx.now.isoformat())

    def draftable(self, answers: dict[str, dict], punten: list[dict]) -> list[str]:
        """Bouwstenen whose actions have an answer but no concept yet (for the offer)."""
        made = {p["bron"] for p in punten}
        return [q.id.split(".")[0] for q in checklist().questions
                if q.id.endswith("." + ACTIONS_QUESTION) and q.id in answers and q.id not in made]
