"""What comes in from a chat platform, in the service's own terms."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from typing import Any


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
    as_of: str = ""  # the ontwikkelpunt's last change when the form was opened, as the form says


@dataclass(frozen=True)
class Inbound:
    """One message or action from a user, in a place.

    ``gemeente`` is a name the user gave (the console, a button); without it the service finds
    the gemeente from the place. ``command`` is the text of a message addressed to the bot as a
    command (``/leidraad koppel Utrecht``): it is never an answer. People named in a text stand in
    it as ``<@user id>`` and are listed in ``mentions``. ``expects`` is the question a button
    belongs to, so a click on an old message cannot act on a newer question. ``addressed`` says the
    message names the bot; in a channel's threads the bot only speaks up unasked in its own
    gesprek. ``forms`` says the platform can show a form here (a Slack modal) instead of asking
    field by field; ``form`` is a submitted one; ``home`` asks for the user's overview.
    ``edits`` is the delivery id of an earlier message whose text this one changes; ``files`` the
    number of files that came with the message (they are not kept).

    ``sent_at`` is the platform's own time of the message (``timestamp_key``): the inbox orders a
    conversation's messages by it, and an answer belongs to the question shown before it.
    ``route`` is what the adapter needs to answer (a response URL, a trigger id); the service
    passes it on untouched.
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
    home: bool = False
    edits: str | None = None
    files: int = 0
    delivery_id: str | None = None
    sent_at: str = ""
    route: dict[str, Any] = field(default_factory=dict)


def timestamp_key(moment: float | str | datetime) -> str:
    """A moment as text that sorts in time order, whatever the platform: Slack's
    ``1700000000.000123``, seconds since 1970, or a datetime -> ``001700000000.000123``."""
    if isinstance(moment, datetime):
        moment = moment.timestamp()
    if isinstance(moment, float):
        moment = f"{moment:.6f}"
    whole, _, fraction = moment.partition(".")
    return f"{int(whole):012d}.{(fraction + '000000')[:6]}"


def to_json(inbound: Inbound) -> str:
    """The inbound as JSON, for the inbox."""
    data = {name: getattr(inbound, name) for name in _FIELDS}
    data["user"], data["place"] = vars(inbound.user), vars(inbound.place)
    data["mentions"] = [vars(m) for m in inbound.mentions]
    data["start"] = vars(inbound.start) if inbound.start else None
    data["form"] = vars(inbound.form) if inbound.form else None
    return json.dumps(data)  # \u escapes: text as a platform sent it, lone surrogates too


_FIELDS = tuple(f.name for f in fields(Inbound))


def from_json(text: str) -> Inbound:
    """An inbound back from ``to_json``."""
    data = json.loads(text)
    place = data.pop("place")
    start, form = data.pop("start"), data.pop("form")
    return Inbound(
        user=User(**data.pop("user")),
        place=Place(PlaceKind(place["kind"]), place["id"], place["channel"]),
        start=Start(**start) if start else None,
        form=FormInput(**form) if form else None,
        mentions=tuple(User(**m) for m in data.pop("mentions")),
        **data,
    )
