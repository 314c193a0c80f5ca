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


def console_user(naam: str) -> User:
    """Someone at the console (or named there by name: the console has no mentions)."""
    return User(id=f"console:{naam.casefold()}", naam=naam)


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
    """One message or action from a user, in a place: what every kind has.

    ``gemeente`` is a name the user gave (the console, a button); without it the service finds
    the gemeente from the place. People named in a text stand in it as ``<@user id>`` and are
    listed in ``mentions``. ``sent_at`` is the platform's own time of the message
    (``timestamp_key``): the inbox orders a conversation's messages by it, and an answer belongs
    to the question shown before it. ``route`` is what the adapter needs to answer (a response
    URL, a trigger id); the service passes it on untouched. ``forms`` says the platform can show
    a form here (a Slack modal, a Teams dialog) instead of asking field by field.
    """

    user: User
    place: Place
    gemeente: str | None = None
    mentions: tuple[User, ...] = ()
    delivery_id: str | None = None
    sent_at: str = ""
    route: dict[str, Any] = field(default_factory=dict)
    forms: bool = False


@dataclass(frozen=True, kw_only=True)
class Said(Inbound):
    """Text typed in a conversation (or a button of the bot's that stands for a text): a command,
    or the answer to the question shown. ``addressed``: it names the bot (in a channel's threads
    the bot only speaks up unasked in its own gesprek); ``expects``: the question a button belongs
    to, so a click on an old message cannot act on a newer question; ``files``: how many files
    came with it (they are not kept)."""

    text: str
    addressed: bool = False
    expects: str | None = None
    files: int = 0


@dataclass(frozen=True, kw_only=True)
class Command(Inbound):
    """Text addressed to the bot as a command (``/leidraad koppel Utrecht``): never an answer."""

    text: str


@dataclass(frozen=True, kw_only=True)
class Edited(Inbound):
    """The text of an earlier message (``edits``: its delivery id) changed."""

    text: str
    edits: str
    addressed: bool = False


@dataclass(frozen=True, kw_only=True)
class Begin(Inbound):
    """Begin or resume the gesprek (``start``)."""

    start: Start


@dataclass(frozen=True, kw_only=True)
class FormSent(Inbound):
    """A submitted form."""

    form: FormInput


@dataclass(frozen=True, kw_only=True)
class Opened(Inbound):
    """The bot was opened (Slack's Home tab) or installed here: the user's overview, or the
    welcome."""


@dataclass(frozen=True, kw_only=True)
class Viewed(Inbound):
    """Someone looks at the question ``question_id`` the bot asked here (Teams refreshes its card
    for each reader): that question as it is for them, if it is still the one asked."""

    question_id: str


@dataclass(frozen=True, kw_only=True)
class Reached(Inbound):
    """The bot was installed or updated here: nothing to say; the platform keeps how to reach
    the place and the person (``Platform.keep``)."""


@dataclass(frozen=True, kw_only=True)
class Declined(Inbound):
    """An action on the platform the bot did not take (a file acceptance it never offered):
    ``reason`` is what to tell the user."""

    reason: str


KINDS = {kind.__name__: kind for kind in (Said, Command, Edited, Begin, FormSent, Opened, Viewed,
                                          Reached, Declined)}


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
    data = {f.name: getattr(inbound, f.name) for f in fields(inbound)}
    data["kind"] = type(inbound).__name__
    data["user"], data["place"] = vars(inbound.user), vars(inbound.place)
    data["mentions"] = [vars(m) for m in inbound.mentions]
    if isinstance(inbound, Begin):
        data["start"] = vars(inbound.start)
    if isinstance(inbound, FormSent):
        data["form"] = vars(inbound.form)
    return json.dumps(data)  # \u escapes: text as a platform sent it, lone surrogates too


def from_json(text: str) -> Inbound:
    """An inbound back from ``to_json``."""
    data = json.loads(text)
    kind = KINDS[data.pop("kind")] if "kind" in data else _before_kinds(data)
    place = data.pop("place")
    if "start" in data:
        data["start"] = Start(**data["start"])
    if "form" in data:
        data["form"] = FormInput(**data["form"])
    return kind(
        user=User(**data.pop("user")),
        place=Place(PlaceKind(place["kind"]), place["id"], place["channel"]),
        mentions=tuple(User(**m) for m in data.pop("mentions")),
        **data,
    )


_SHARED = {f.name for f in fields(Inbound)}


def _before_kinds(data: dict) -> type[Inbound]:
    """The kind of a message taken in before messages had kinds (still in the inbox after an
    update), with ``data`` made to fit it."""
    old = {key: data.pop(key) for key in list(data) if key not in _SHARED}
    if old.get("form"):
        kind, own = FormSent, {"form": old["form"]}
    elif old.get("start"):
        kind, own = Begin, {"start": old["start"]}
    elif old.get("home"):
        kind, own = Opened, {}
    elif old.get("edits"):
        kind, own = Edited, {"text": old["text"], "edits": old["edits"], "addressed": old["addressed"]}
    elif old.get("command") is not None:
        kind, own = Command, {"text": old["command"]}
    else:
        kind, own = Said, {key: old[key] for key in ("text", "addressed", "expects", "files")}
    data.update(own)
    return kind
