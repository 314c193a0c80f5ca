"""The one place that decides whether a user may do something for a gemeente, here.

Every command declares the role it needs (``bot.core.commands``); the service checks it with
``authorize`` before anything of a gemeente is read or written. The rules:

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
  see it and bring it up to date (``EIGENAAR``): their reminders ask them to.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.core.messages import Place, PlaceKind, User
from bot.core.text import typed


class Role(StrEnum):
    """Who may use a command: anyone, a reader (a member, or a projectleider of the gemeente's
    regio), a member (lid), a beheerder, or a regio's projectleider."""

    IEDEREEN = "iedereen"
    LEZER = "lezer"
    EIGENAAR = "eigenaar"  # a lid, or the owner of the ontwikkelpunt the command names
    LID = "lid"
    BEHEERDER = "beheerder"
    PROJECTLEIDER = "projectleider"


BEHEERDER = Role.BEHEERDER.value  # as stored in members.role
LID = Role.LID.value


@dataclass(frozen=True)
class Facts:
    """What the store knows about this user, place and gemeente."""

    bound_gemeente_id: int | None
    role: str | None
    beheerders: Callable[[], Sequence[str]]  # names; only asked for when refusing
    leads_regio: Callable[[], bool] = lambda: False  # projectleider of the gemeente's regio
    owns: Callable[[], bool] = lambda: False  # owner of the ontwikkelpunt the command names


@dataclass(frozen=True)
class Refusal:
    """Why not, in words for the user, and who can grant access."""

    text: str


def may_create_gemeente(place: Place) -> bool:
    """Whether a gemeente that does not exist yet may be created by naming it here."""
    return place.kind is PlaceKind.CONSOLE


def authorize(user: User, place: Place, gemeente: dict, facts: Facts,
              role: Role = Role.LID) -> Refusal | None:
    """None when ``user`` may act as ``role`` for ``gemeente`` in ``place``; else why not."""
    if place.kind is PlaceKind.CONSOLE or role is Role.IEDEREEN:
        return None
    if role is Role.BEHEERDER:
        if facts.role == BEHEERDER:
            return None
        names = ", ".join(facts.beheerders())
        return Refusal(f"Alleen een beheerder van gemeente {gemeente['naam']} kan dit"
                       + (f"; vraag het {names}." if names else "."))
    if place.kind in (PlaceKind.CHANNEL, PlaceKind.THREAD):
        if facts.bound_gemeente_id == gemeente["id"]:
            return None
        return Refusal(f"Dit kanaal hoort niet bij gemeente {gemeente['naam']}; de antwoorden van "
                       "een gemeente zijn alleen te zien in haar eigen kanaal.")
    if place.kind is PlaceKind.DIRECT and (
            facts.role is not None or (role is Role.LEZER and facts.leads_regio())
            or (role is Role.EIGENAAR and facts.owns())):
        return None
    return Refusal(f"Je hebt geen toegang tot de gegevens van gemeente {gemeente['naam']}. "
                   f"{_who_grants(facts)}")


_RANKS = {Role.IEDEREEN: 0, Role.LEZER: 1, Role.EIGENAAR: 2, Role.LID: 2, Role.BEHEERDER: 3}


def may_use(need: Role, have: Role, leads_regio: bool) -> bool:
    """Whether someone who is ``have`` in the gemeente (and perhaps projectleider of a regio)
    may use a command that needs ``need``."""
    if need is Role.PROJECTLEIDER:
        return leads_regio
    return (need is Role.LEZER and leads_regio) or _RANKS[have] >= _RANKS[need]


def _who_grants(facts: Facts) -> str:
    beheerders = facts.beheerders()
    if not beheerders:
        return ("Deze gemeente heeft nog geen beheerder; de beheerder van de bot kan er een "
                "aanwijzen (leidraadbot beheerder toevoegen).")
    names = ", ".join(beheerders)
    return (f"Vraag een beheerder ({names}) om je toe te voegen met "
            f"{typed('lid toevoegen @jouwnaam')}.")
