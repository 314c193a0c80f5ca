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
    """Where a message was written. ``id`` is unique across platforms (``slack:T1:C1:1700.1``);
    ``channel`` is the id of the channel a thread or channel message belongs to."""

    kind: PlaceKind
    id: str
    channel: str | None = None


@dataclass(frozen=True)
class Start:
    """Begin or resume the gesprek, optionally at the start of a Deel. A new gesprek begins at the
    first question; with ``first_open`` at the first one the gemeente has not answered yet."""

    deel: int | None = None
    first_open: bool = False


@dataclass(frozen=True)
class FormInput:
    """A submitted form: a new (or concept) ontwikkelpunt, or a stand van zaken for #nummer.

    ``values`` holds the text of each field by field id (``planning`` as a date in any form).
    """

    kind: str  # "nieuw" or "bijwerken"
    nummer: int | None
    values: dict[str, str]


@dataclass(frozen=True)
class Inbound:
    """One message or action from a user, in a place.

    ``gemeente`` is a name the user gave (the console, a button); without it the service finds
    the gemeente from the place. ``command`` is the text of a bot command (``/leidraad koppel
    Utrecht``), ``mentions`` the people named in it. ``expects`` is the question a button belongs
    to, so a click on an old message cannot act on a newer question. ``addressed`` says the
    message names the bot; in a channel's threads the bot only speaks up unasked in its own gesprek.
    ``forms`` says the platform can show a form here (a Slack modal) instead of asking field by field;
    ``form`` is a submitted one.
    """

    user: User
    place: Place
    gemeente: str | None = None
    text: str = ""
    start: Start | None = None
    command: str | None = None
    mentions: tuple[User, ...] = ()
    expects: str | None = None
    addressed: bool = False
    forms: bool = False
    form: FormInput | None = None
    delivery_id: str | None = None
