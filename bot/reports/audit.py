"""A gemeente's audit log in words (``leidraadbot audit``): every change, who made it and when,
what it was before and what it became. The store keeps the changes (``Audit.of``); this names
them the way people know them: question 1.6, ontwikkelpunt #3, the reminder setting."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from bot.core.dutch import AMSTERDAM, format_date
from bot.ontwikkelplan.general import PARTS
from bot.ontwikkelplan.plan import Plan
from bot.reminders.schedule import describe, meeting_text
from dialogues.content import Questionnaire
from store import Store

OPERATOR = "de beheerder van de bot"  # who the command line acts as ("operator")
ROLES = {"beheerder": "beheerder", "lid": "lid", None: "geen toegang"}
SHORT = 70  # characters of a value in the text listing; CSV has them whole


@dataclass(frozen=True)
class Change:
    at: datetime  # Dutch time
    who: str
    what: str
    old: str
    new: str


class AuditLog:
    """Turns the store's changes of a gemeente into ``Change``s."""

    def __init__(self, questionnaire: Questionnaire, plan: Plan):
        self.questionnaire = questionnaire
        self.plan = plan

    def changes(self, store: Store, gemeente: dict, since: datetime | None = None) -> list[Change]:
        """Every change of ``gemeente`` (from ``since`` on), oldest first."""
        regio_names = {r["id"]: r["naam"] for r in store.rows("SELECT id, naam FROM regios")}
        found = []
        names = _Names(store)
        for row in store.audit.of(gemeente["id"], since.isoformat() if since else None,
                                  self.questionnaire.personal):
            at = datetime.fromisoformat(row["at"]).astimezone(AMSTERDAM)
            who = OPERATOR if row["author_id"] == "operator" else row["author"]
            found += [Change(at, who, what, old or "", new or "")
                      for what, old, new in self._words(row, regio_names, names)]
        return found

    def _words(self, row: dict, regio_names: dict, names: _Names
               ) -> Iterator[tuple[str, str | None, str | None]]:
        kind, subject, old, new = row["kind"], row["subject"], row["old"], row["new"]
        person = row["subject_naam"] or subject
        if kind == "antwoord":
            yield f"antwoord {self._ref(subject)}", old, new
        elif kind == "ontwikkelpunt":
            yield f"ontwikkelpunt #{subject} aangemaakt", None, None
        elif kind == "stand":
            yield f"#{subject} stand van zaken", None, new
        elif kind == "status":
            statuses = self.plan.statuses
            yield f"#{subject} status", statuses.get(old, old), statuses.get(new, new)
        elif kind == "veld":
            nummer, _, field = subject.partition(":")
            yield f"#{nummer} {self.plan.labels.get(field, field)}", old, new
        elif kind == "lid":
            yield f"toegang van {person}", ROLES.get(old, old), ROLES.get(new, new)
        elif kind == "afwezig":
            day = lambda value: value and f"tot en met {format_date(date.fromisoformat(value))}"  # noqa: E731
            yield f"afwezig: {person}", day(old), day(new) or "weer aanwezig"
        elif kind == "vervanger":
            yield f"vervanger van {person}", names(old), names(new)
        elif kind == "later":
            nummer, _, who = subject.partition(":")
            yield f"#{nummer} herinneringen uitgesteld door {names(who)}", None, format_date(
                date.fromisoformat(new))
        elif kind == "vergeten":
            yield f"{person} vergeten op verzoek (AVG): naam en gebruikers-id vervangen", None, None
        elif kind == "toewijzing":
            yield f"vraag {self._ref(subject)} toegewezen", names(old), names(new)
        elif kind == "projectleider":
            yield f"projectleider van de regio: {person}", None, new
        elif kind == "koppeling":
            yield f"kanaal {subject} gekoppeld", old, new
        elif kind == "stuurgroep":
            moment = lambda value: value and meeting_text(datetime.fromisoformat(value))  # noqa: E731
            yield "stuurgroep", moment(old), moment(new)
        elif kind == "instelling":
            yield from self._settings(subject.split(","), json.loads(old), json.loads(new),
                                      regio_names)
        elif kind == "weggegooid":
            yield f"concept #{subject} weggegooid", old, None
        elif kind == "naam":
            yield "naam van de gemeente", old, new
        elif kind == "algemeen":
            yield f"algemene informatie: {PARTS.get(subject, (subject, subject))[1]}", old, new
        elif kind == "samengevoegd":
            yield f"gemeente {old} samengevoegd met deze", None, None
        else:  # gemeente
            yield "gemeente aangemaakt", None, new

    @staticmethod
    def _settings(keys: list[str], old: dict, new: dict,
                  regio_names: dict) -> Iterator[tuple[str, str, str]]:
        words: dict[str, tuple[str, Callable[[dict], str]]] = {
            "regio_id": ("regio", lambda s: regio_names.get(s["regio_id"], "geen")),
            "stale_weeks": ("verouderd na", lambda s: f"{s['stale_weeks']} weken"),
            "reminder": ("statusherinnering", describe),
            "prep_days": ("herinnering voor een stuurgroep", lambda s: f"{s['prep_days']} werkdagen "
                                                                       "vooraf"),
            "mail_domain": ("toegestaan e-maildomein", lambda s: s.get("mail_domain") or "geen"),
        }
        for key in dict.fromkeys("reminder" if k.startswith("reminder_") else k for k in keys):
            label, say = words[key]
            yield label, say(old), say(new)

    def _ref(self, question_id: str) -> str:
        """1.6; the id of a question no longer in the checklist."""
        if self.questionnaire.has_question(question_id):
            return self.questionnaire.position(question_id).ref
        return question_id


class _Names:
    """People's names by their id, each looked up once."""

    def __init__(self, store: Store):
        self.store, self.known = store, {}

    def __call__(self, user_id: str | None) -> str | None:
        if user_id and user_id not in self.known:
            self.known[user_id] = self.store.people.name(user_id) or user_id
        return self.known.get(user_id) if user_id else None


def as_text(title: str, changes: list[Change]) -> str:
    """One line per change, values shortened."""
    if not changes:
        return f"{title}: geen wijzigingen.\n"

    def short(value: str) -> str:
        value = " ".join(value.split())
        return f"‘{value[:SHORT]}…’" if len(value) > SHORT else f"‘{value}’"

    lines = [f"{title}: {len(changes)} wijziging{'en' if len(changes) != 1 else ''}", ""]
    for change in changes:
        values = (f"{short(change.old)} → {short(change.new)}" if change.old and change.new
                  else short(change.new) if change.new else f"{short(change.old)} → (weg)"
                  if change.old else "")
        lines.append(f"{change.at:%Y-%m-%d %H:%M}  {change.who}  {change.what}"
                     + (f": {values}" if values else ""))
    lines += ["", "De volledige teksten: --formaat csv."] if any(
        len(c.old) > SHORT or len(c.new) > SHORT for c in changes) else []
    return "\n".join(lines) + "\n"


def as_csv(changes: list[Change]) -> str:
    """Every change with its values whole, for a spreadsheet: separated by semicolons, as a
    spreadsheet set to Dutch reads it (written to a file, with a byte-order mark for the same)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Wanneer", "Wie", "Wat", "Was", "Werd"])
    for change in changes:
        writer.writerow([f"{change.at:%Y-%m-%d %H:%M:%S}", *map(_cell, (
            change.who, change.what, change.old, change.new))])
    return out.getvalue()


def _cell(text: str) -> str:
    """Text a spreadsheet shows as text: one starting like a formula (=, +, -, @) gets a quote."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
