"""What comes in from a chat platform, in the service's own terms."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PlaceKind(StrEnum):
    CONSOLE = "console"
    CHANNEL = "channel"
    THREAD = "thread"
    DIRECT = "direct"


@dataclass(frozen=True)
class User:
    """A person, identified per platform (``console:anna``, ``slack:T1:U2``)."""

    id: str
    naam: str


@dataclass(frozen=True)
class Place:
    """Where a message was written; ``id`` is unique across platforms (``slack:C1:1700.1``)."""

    kind: PlaceKind
    id: str


@dataclass(frozen=True)
class Start:
    """Begin or resume the gesprek, optionally at the start of a Deel."""

    deel: int | None = None


@dataclass(frozen=True)
class Inbound:
    """One message or action from a user, in a place, for a gemeente (by the name they gave)."""

    user: User
    place: Place
    gemeente: str
    text: str = ""
    start: Start | None = None
    delivery_id: str | None = None
