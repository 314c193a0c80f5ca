"""The ontwikkelpunt form, once: its fields in order, which are required (the same rules the
server checks when it is sent), the Leidraad's guidance for each, and the choices. The Slack modal
and the Teams dialog each map it to their own widgets.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.replies import OpenForm
from bot.ontwikkelplan.plan import REQUIRED
from dialogues.content import Ontwikkelplan


class Kind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    PERSON = "person"  # someone of the team: a people picker
    DATE = "date"


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Group:
    """Options under a heading (the thema's of one basisfunctie)."""

    label: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Field:
    """One field: ``value`` is what it shows when opened (a user id for a person, an ISO date);
    ``options`` or ``groups`` for a choice; ``missing`` what to say when a required one is empty."""

    id: str
    label: str
    kind: Kind
    required: bool
    guidance: str = ""
    value: str | None = None
    options: tuple[Option, ...] = ()
    groups: tuple[Group, ...] = ()
    missing: str = ""

    @property
    def every_option(self) -> tuple[Option, ...]:
        return self.options or tuple(o for g in self.groups for o in g.options)


@dataclass(frozen=True)
class FormSpec:
    """What the form holds: its title, a heading (the ontwikkelpunt a stand van zaken is for),
    its fields, and what its submit button says."""

    title: str
    heading: str
    fields: tuple[Field, ...]
    submit: str = "Opslaan"


def form_spec(form: OpenForm, plan: Ontwikkelplan, entered: dict | None = None) -> FormSpec:
    """The form for a new ontwikkelpunt (or completing concept #nummer), or for a stand van
    zaken of #nummer; ``entered`` is what was typed in it before (shown again with its errors)."""
    values = dict(form.values) | (entered or {})
    labels = {f.id: f.label for f in plan.fields}
    guidance = {f.id: f.guidance for f in plan.fields}
    statuses = tuple(Option(s.id, s.label) for s in plan.statuses)  # always one chosen: required
    planning = Field("planning", labels["planning"], Kind.DATE,
                     "planning" in REQUIRED, planning_note(values, guidance["planning"]),
                     values.get("planning") or None, missing="Kies een datum voor de planning.")
    if form.kind == "bijwerken":
        return FormSpec(f"Bijwerken #{form.nummer}",
                        f"#{form.nummer} {values.get('ontwikkelpunt', '')}", (
            Field("stand_van_zaken", "Stand van zaken", Kind.TEXT, True,
                  guidance["stand_van_zaken"], missing=_fill_in("Stand van zaken")),
            Field("status", "Status", Kind.CHOICE, True, value=values.get("status") or None,
                  options=statuses, missing="Kies een status."),
            planning))

    def text(field: str) -> Field:
        return Field(field, labels[field], Kind.TEXT, field in REQUIRED, guidance[field],
                     values.get(field) or None, missing=_fill_in(labels[field]))

    thema = values.get("thema")
    if thema and "." not in str(thema):  # stored as the thema's number within its basisfunctie
        thema = f"{values.get('basisfunctie')}.{thema}"
    return FormSpec(f"Ontwikkelpunt #{form.nummer}" if form.nummer else "Nieuw ontwikkelpunt", "", (
        Field("basisfunctie", "Basisfunctie", Kind.CHOICE, "basisfunctie" in REQUIRED,
              value=str(values.get("basisfunctie") or "") or None, missing="Kies een basisfunctie.",
              options=tuple(Option(str(b.number), f"{b.number}. {b.short_title}")
                            for b in plan.basisfuncties)),
        Field("thema", "Quickscan-thema", Kind.CHOICE, "thema" in REQUIRED, value=thema or None,
              groups=tuple(Group(f"{b.number}. {b.short_title}",
                                 tuple(Option(f"{b.number}.{t.number}", t.title) for t in b.themes))
                           for b in plan.basisfuncties)),
        text("ontwikkelpunt"), text("beoogd_resultaat"), text("verbeteractie"), text("kosten"),
        Field("wie", labels["wie"], Kind.PERSON, "wie" in REQUIRED, value=values.get("wie_id") or None,
              missing="Kies wie het uitvoert."),
        planning,
        Field("status", "Status", Kind.CHOICE, True, value=values.get("status") or "open",
              options=statuses, missing="Kies een status."),
        Field("stand_van_zaken", "Stand van zaken (met datum)", Kind.TEXT, False,
              guidance["stand_van_zaken"])))


def _fill_in(label: str) -> str:
    return f"Vul ‘{label}’ in; dit veld is verplicht."


def planning_note(values: dict, guidance: str) -> str:
    """The guidance at a date picker: the source's, and the steps of a planning that a date
    picker cannot show (its last date is the one picked)."""
    steps = values.get("planning_stappen")
    return (f"{guidance} Nu: {steps} (de laatste datum staat hieronder; kies je een andere, dan "
            "vervangt die deze stappen)." if steps else guidance)
