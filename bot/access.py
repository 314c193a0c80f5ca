"""The one place that decides whether a user may do something for a gemeente, here.

Every inbound message passes through ``authorize`` before anything is read or written. The console
is the operator's own terminal: whoever runs it may do everything for the gemeente they name.
Chat platforms get their rules with their adapters; until then they are refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.messages import Place, PlaceKind, User


@dataclass(frozen=True)
class Refusal:
    """Why not, in words for the user, and who can grant access."""

    text: str


def may_create_gemeente(place: Place) -> bool:
    """Whether a gemeente that does not exist yet may be created from this place."""
    return place.kind is PlaceKind.CONSOLE


def authorize(user: User, place: Place, gemeente: dict) -> Refusal | None:
    """None when ``user`` may read and change ``gemeente``'s answers in ``place``."""
    if place.kind is PlaceKind.CONSOLE:
        return None
    return Refusal(
        f"Je hebt hier geen toegang tot de gegevens van gemeente {gemeente['naam']}. "
        "Vraag de beheerder van de gemeente om je toe te voegen."
    )
