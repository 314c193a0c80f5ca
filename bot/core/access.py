"""The one place that decides whether a user may do something for a gemeente, here.

Every command declares the role it needs (``bot.core.commands``); the service checks it with
``authorize`` before anything of a gemeente is read or written, and the help and the Home ask the
same rule which commands to show. The rules:

- the console is the operator's own terminal: whoever runs it may do everything;
- a channel bound to a gemeente, and its threads, may work on that gemeente: whoever is in the
  channel takes part (the platform decides who is in the channel);
- in a direct message, only members of the gemeente: whoever bound its channel, and whoever a
  beheerder (or the operator) added. Taking part in the channel, or being named as the owner of an
  ontwikkelpunt, gives no membership;
- managing the gemeente (binding a channel again, members, settings) is for beheerders;
- the regiobeeld is for the regio's projectleiders, and so, to read (``LEZER``: the summary), are
  the gemeenten of their regio, in their own chat with the bot. They change nothing;
- whoever is named as the owner (wie) of an ontwikkelpunt may, in their own chat with the bot,
  see it and bring it up to date (``EIGENAAR``): their reminders ask them to. So may their
  vervanger while they are away;
- a colleague who was handed questions (``toewijzen``) may, in their own chat with the bot, see
  and answer those questions only (``TOEGEWEZEN``): no membership needed, nothing else to read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum

from bot.core.messages import Place, PlaceKind
from bot.core.text import typed


class Role(StrEnum):
    """Who may use a command: anyone, a reader (a member, or a projectleider of the gemeente's
    regio), a member (lid), a beheerder, or a regio's projectleider."""

    IEDEREEN = "iedereen"
    LEZER = "lezer"
    EIGENAAR = "eigenaar"  # a lid, or the owner of the ontwikkelpunt the command names
    TOEGEWEZEN = "toegewezen"  # a lid, or someone handed questions of the gemeente
    LID = "lid"
    BEHEERDER = "beheerder"
    PROJECTLEIDER = "projectleider"


BEHEERDER = Role.BEHEERDER.value  # as stored in members.role
LID = Role.LID.value


@dataclass(frozen=True)
class Facts:
    """What the store knows about this user and place, for one gemeente (or, for someone's own
    overview, for all of theirs): looked up only when a rule asks."""

    in_bound_channel: bool  # the place is a channel (or its thread) bound to the gemeente
    role: Callable[[], str | None] = lambda: None  # the membership: "beheerder", "lid" or None
    beheerders: Callable[[], Sequence[str]] = tuple  # names; only asked for when refusing
    leads_regio: Callable[[], bool] = lambda: False  # projectleider of the gemeente's regio
    owns: Callable[[], bool] = lambda: False  # owner (or vervanger) of the ontwikkelpunt named
    assigned: Callable[[], bool] = lambda: False  # handed questions of the gemeente


class Refusal(Enum):
    """Which rule says no."""

    BEHEERDERS_ONLY = "beheerders"
    OTHER_CHANNEL = "kanaal"
    NO_ACCESS = "toegang"
    PROJECTLEIDERS_ONLY = "projectleiders"


def may_create_gemeente(place: Place) -> bool:
    """Whether a gemeente that does not exist yet may be created by naming it here."""
    return place.kind is PlaceKind.CONSOLE


def authorize(place: Place, facts: Facts, role: Role = Role.LID) -> Refusal | None:
    """None when the user may act as ``role`` here; else the rule that refuses. Cheap enough to
    ask for every command (the help and the Home list what this person may use: a dry run)."""
    if place.kind is PlaceKind.CONSOLE or role is Role.IEDEREEN:
        return None
    if role is Role.PROJECTLEIDER:
        return None if facts.leads_regio() else Refusal.PROJECTLEIDERS_ONLY
    if role is Role.BEHEERDER:
        return None if facts.role() == BEHEERDER else Refusal.BEHEERDERS_ONLY
    if place.kind in (PlaceKind.CHANNEL, PlaceKind.THREAD):
        return None if facts.in_bound_channel else Refusal.OTHER_CHANNEL
    if place.kind is PlaceKind.DIRECT and (
            facts.role() is not None or (role is Role.LEZER and facts.leads_regio())
            or (role is Role.EIGENAAR and facts.owns())
            or (role is Role.TOEGEWEZEN and facts.assigned())):
        return None
    return Refusal.NO_ACCESS


def refusal_text(refusal: Refusal, naam: str, facts: Facts) -> str:
    """Why not, in words for the user, and who can grant access (``naam``: the gemeente's)."""
    if refusal is Refusal.BEHEERDERS_ONLY:
        names = ", ".join(facts.beheerders())
        return (f"Alleen een beheerder van gemeente {naam} kan dit"
                + (f"; vraag het {names}." if names else "."))
    if refusal is Refusal.OTHER_CHANNEL:
        return (f"Dit kanaal hoort niet bij gemeente {naam}; de antwoorden van een gemeente zijn "
                "alleen te zien in haar eigen kanaal.")
    if refusal is Refusal.PROJECTLEIDERS_ONLY:
        return "Dit is voor de projectleiders van een regio."
    return f"Je hebt geen toegang tot de gegevens van gemeente {naam}. {_who_grants(facts)}"


def _who_grants(facts: Facts) -> str:
    beheerders = facts.beheerders()
    if not beheerders:
        return ("Deze gemeente heeft nog geen beheerder; de beheerder van de bot kan er een "
                "aanwijzen (leidraadbot beheerder toevoegen).")
    names = ", ".join(beheerders)
    return (f"Vraag een beheerder ({names}) om je toe te voegen met "
            f"{typed('lid toevoegen @jouwnaam')}.")
