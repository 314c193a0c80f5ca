"""Slack payloads in the service's terms: places, people, mentions, timestamps and delivery ids.

Everything here is pure, so it can run before Slack is acknowledged: people carry their Slack id
as a name until ``People`` has looked them up (after the acknowledgement).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.messages import (
    Begin,
    Command,
    Edited,
    FormInput,
    FormSent,
    Inbound,
    Opened,
    Place,
    PlaceKind,
    Said,
    Start,
    User,
    timestamp_key,
)
from bot.core.text import whole_number

log = logging.getLogger(__name__)


def channel_place(team: str, channel: str) -> Place:
    key = f"slack:{team}:{channel}"
    return Place(PlaceKind.CHANNEL, key, channel=key)


def thread_place(team: str, channel: str, thread_ts: str) -> Place:
    key = f"slack:{team}:{channel}"
    return Place(PlaceKind.THREAD, f"{key}:{thread_ts}", channel=key)


def direct_place(team: str, channel: str) -> Place:
    return Place(PlaceKind.DIRECT, f"slack:{team}:{channel}")


def place_of_channel(team: str, channel: str) -> Place:
    """A channel or, for a ``D…`` id, a direct message."""
    return direct_place(team, channel) if channel.startswith("D") else channel_place(team, channel)


def delivery_id(team: str, channel: str, ts: str) -> str:
    """One id per Slack message or click, whichever event or retry delivers it."""
    return f"slack:{team}:{channel}:{ts}"


def person(team: str, user_id: str) -> User:
    """A Slack user, named by their id until ``People`` knows better."""
    return User(f"slack:{team}:{user_id}", user_id)


def slack_id(user: User) -> str:
    """The Slack id in one of our user ids (``slack:T1:U2`` -> ``U2``)."""
    return user.id.rsplit(":", 1)[-1]


def with_mentions(team: str, text: str, bot: str | None = None) -> tuple[str, tuple[User, ...]]:
    """Slack's message text as the service reads it, with the people named in it.

    Slack encodes ``&``, ``<`` and ``>`` as entities and writes links, channels and mentions in
    angle brackets. People become ``<@slack:T:U>`` (the service's way of naming them; the bot's own
    mention goes), channels ``#naam``, links their label and address, ``<!here>`` the text
    ``@here``; then the entities are decoded, so what is stored, measured and shown is what the
    person typed."""
    named: dict[str, User] = {}

    def replace(match: re.Match) -> str:
        kind, target, label = match.group(1), match.group(2), match.group(3)
        if kind == "@":
            if target == bot:
                return ""
            named.setdefault(target, person(team, target))
            return f"<@{named[target].id}>"
        if kind == "#":
            return f"#{label or target}"
        if kind == "!":
            return label or ("@" + target.split("^")[0])
        link = target.removeprefix("mailto:")
        typed_as = re.sub(r"^https?://", "", link).rstrip("/")  # Slack links "utrecht.nl" itself
        return link if not label or label == link else label if label == typed_as else f"{label} ({link})"

    decoded = _SPECIAL.sub(replace, text)
    return (decoded.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip(),
            tuple(named.values()))


_SPECIAL = re.compile(r"<([@#!]?)([^|>\s]+)(?:\|([^>]*))?>")  # <@U1>, <#C1|naam>, <!here>, <url|label>


# --- payloads -----------------------------------------------------------------------------------
#
# ``team`` is the workspace the app is installed in (``installed_team``), never the team id in the
# payload: in a shared channel (Slack Connect) that is the other organisation's.

def installed_team(context: BoltContext) -> str:
    """The installation's workspace (Enterprise Grid: its organisation), as Bolt knows it from the
    bot token, whichever organisation the person who wrote is from."""
    auth = context.authorize_result
    return ((auth and (auth.team_id or auth.enterprise_id)) or context.team_id
            or context.enterprise_id or "")


def slash_command(command: dict, team: str) -> Inbound:
    """``/leidraad …``: a command, never an answer. Its answer goes to the response URL."""
    channel = command["channel_id"]
    direct = command.get("channel_name") == "directmessage" and channel.startswith("D")  # not by name alone
    place = direct_place(team, channel) if direct else place_of_channel(team, channel)
    text, mentions = with_mentions(team, command.get("text", ""))
    trigger = command.get("trigger_id")
    return Command(person(team, command["user_id"]), place, text=text, mentions=mentions,
                   forms=True, delivery_id=f"slack:{team}:command:{trigger}" if trigger else None,
                   route={"channel": channel, "response_url": command.get("response_url"),
                          "trigger_id": trigger})


def in_group_dm(command: dict) -> bool:
    """A slash command typed in a group direct message (the bot cannot take part there)."""
    return command.get("channel_name", "").startswith("mpdm-")


def mention(event: dict, team: str, bot: str | None) -> Inbound:
    """``@Leidraadbot start`` at the top of a channel: a command, answered in a thread under it."""
    channel = event["channel"]
    text, mentions = with_mentions(team, event.get("text", ""), bot)
    return Command(person(team, event["user"]), channel_place(team, channel), text=text,
                   mentions=mentions, delivery_id=delivery_id(team, channel, event["ts"]),
                   sent_at=timestamp_key(event["ts"]),
                   route={"channel": channel, "thread_ts": event["ts"]})


def _conversation(event: dict, message: dict, team: str) -> Place | None:
    """Where a message was written: a direct message or a thread; None at the top of a channel
    (there only mentions and commands are for the bot)."""
    if event.get("channel_type") == "im":
        return direct_place(team, event["channel"])
    if message.get("thread_ts"):
        return thread_place(team, event["channel"], message["thread_ts"])
    return None


def message(event: dict, team: str, bot: str | None) -> Inbound | None:
    """A message in a direct message or a thread, also one with files (``file_share``: the files
    are not kept) or one also sent to the channel (``thread_broadcast``)."""
    place = _conversation(event, event, team)
    if place is None:
        return None
    channel, raw = event["channel"], event.get("text", "")
    text, mentions = with_mentions(team, raw, bot)
    return Said(person(team, event["user"]), place, text=text, mentions=mentions,
                addressed=bool(bot) and f"<@{bot}" in raw, files=len(event.get("files") or ()),
                delivery_id=delivery_id(team, channel, event["ts"]),
                sent_at=timestamp_key(event["ts"]),
                route={"channel": channel, "thread_ts": event.get("thread_ts")})


def edit(event: dict, team: str, bot: str | None) -> Inbound | None:
    """A message whose text was changed (``message_changed``): the new text, for the message it
    was. None when only something else changed (a link preview, a thread's reply count)."""
    new, old = event.get("message") or {}, event.get("previous_message") or {}
    place = _conversation(event, new, team)
    if place is None or new.get("bot_id") or not new.get("user") or new.get("text") == old.get("text"):
        return None
    channel = event["channel"]
    text, mentions = with_mentions(team, new.get("text", ""), bot)
    original = delivery_id(team, channel, new["ts"])
    return Edited(person(team, new["user"]), place, text=text, mentions=mentions, edits=original,
                  delivery_id=f"{original}:bewerkt:{event['ts']}",
                  sent_at=timestamp_key(event["ts"]),
                  route={"channel": channel, "thread_ts": new.get("thread_ts")})


def _clicked_in(body: dict, team: str) -> tuple[Place, dict]:
    """Where a button was clicked, and how to answer there. A message the bot posted tells its
    thread; an ephemeral one (no ``message``) only its container, and it is answered the same way,
    to the one who clicked."""
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id", "")
    thread_ts = (body.get("message") or {}).get("thread_ts") or container.get("thread_ts")
    route = {"channel": channel, "thread_ts": thread_ts}
    if thread_ts:
        return thread_place(team, channel, thread_ts), route
    if container.get("is_ephemeral"):
        route["response_url"] = body.get("response_url")
    return place_of_channel(team, channel), route


def button(body: dict, action: dict, team: str) -> Inbound:
    """A button on a question: the word it stands for, for the question it was shown with."""
    value = json.loads(action["value"])
    place, route = _clicked_in(body, team)
    return Said(person(team, body["user"]["id"]), place, text=value["cmd"], expects=value["q"],
                addressed=True, delivery_id=delivery_id(team, route["channel"], action["action_ts"]),
                sent_at=timestamp_key(action["action_ts"]), route=route)


def stand_button(body: dict, action: dict, team: str) -> Inbound:
    """*Stand van zaken bijwerken* on a listed ontwikkelpunt (``3``, or ``3|Utrecht`` from a
    reminder): the form to update it."""
    nummer, _, gemeente = action["value"].partition("|")
    place, route = _clicked_in(body, team)
    nummer = nummer if whole_number(nummer) is not None else ""  # changed: no part of a command
    return Command(person(team, body["user"]["id"]), place, gemeente or None,
                   text=f"bijwerken {nummer}".strip(), forms=True,
                   route=route | {"response_url": body.get("response_url"),
                                  "trigger_id": body.get("trigger_id")})


def home_opened(event: dict, team: str) -> Inbound:
    """The App Home tab was opened: the user's overview."""
    return Opened(person(team, event["user"]), direct_place(team, event.get("channel", "")),
                  route={"user": event["user"], "channel": event.get("channel")})


def home_refused(body: dict, team: str) -> Inbound:
    """A Home tab button whose seal did not fit: the Home tab again, without knowing the direct
    message to continue in."""
    user = body["user"]["id"]
    return Opened(person(team, user), direct_place(team, user), route={"user": user, "channel": None})


def home_continue(body: dict, action: dict, team: str, value: dict) -> Inbound:
    """*Verder met het gesprek* in the App Home: the gesprek in the user's direct message, at the
    first question the gemeente has not answered; ``value`` what the bot sealed into the button."""
    return Begin(person(team, body["user"]["id"]), direct_place(team, value["channel"]),
                 value["gemeente"], start=Start(first_open=True),
                 delivery_id=delivery_id(team, body["user"]["id"], action["action_ts"]),
                 sent_at=timestamp_key(action["action_ts"]), route={"channel": value["channel"]})


def form_submitted(body: dict, view: dict, team: str, meta: dict) -> Inbound:
    """A submitted ontwikkelpunt modal; ``meta`` what the bot sealed into it when it opened."""
    values, picked = form_values(view["state"]["values"])
    mentions = (person(team, picked),) if picked else ()
    if picked:
        values["wie"] = f"<@{mentions[0].id}>"
    return FormSent(person(team, body["user"]["id"]), place_of_channel(team, meta["channel"]),
                    meta.get("gemeente") or None, mentions=mentions,
                    form=FormInput(meta["kind"], meta["nummer"], values, meta.get("as_of") or ""),
                    delivery_id=f"slack:{team}:view:{view['id']}:{view.get('hash', '')}",
                    route={"channel": meta["channel"]})


def form_values(state: dict) -> tuple[dict[str, str], str | None]:
    """The text of each input of a submitted modal by block id, and the user picked (if any)."""
    values: dict[str, str] = {}
    picked = None
    for block_id, actions in state.items():
        element = actions.get("value", {})
        kind = element.get("type")
        if kind == "static_select":
            values[block_id] = (element.get("selected_option") or {}).get("value", "")
        elif kind == "users_select":
            picked = element.get("selected_user")
        elif kind == "datepicker":
            values[block_id] = element.get("selected_date") or ""
        else:
            values[block_id] = element.get("value") or ""
    return values, picked


# --- names --------------------------------------------------------------------------------------

class People:
    """Slack users' display names, looked up once (after the acknowledgement); ``expect`` looks
    up several at once, so a channel's waiting messages do not wait for each other's look-up."""

    def __init__(self, client: WebClient, threads: int = 8):
        self._client = client
        self._names: dict[str, str] = {}
        self._looking: dict[str, Future] = {}
        self._lock = threading.Lock()
        self._lookups = ThreadPoolExecutor(threads, thread_name_prefix="namen")

    def expect(self, users: Iterable[User]) -> None:
        """Start looking up the names not known yet of these users."""
        for user in users:
            self._name(slack_id(user))

    def named(self, user: User) -> User:
        """``user`` with their display name."""
        naam = self._name(slack_id(user))
        return User(user.id, naam if isinstance(naam, str) else naam.result())

    def _name(self, slack: str) -> str | Future:
        """The name of ``slack`` when known, else its look-up (started now if it was not yet)."""
        with self._lock:
            if slack in self._names:
                return self._names[slack]
            if slack not in self._looking:
                self._looking[slack] = self._lookups.submit(self._remember, slack)
            return self._looking[slack]

    def _remember(self, slack: str) -> str:
        try:
            naam = self._lookup(slack)
            with self._lock:
                self._names[slack] = naam
            return naam
        finally:  # a look-up that failed is tried again next time
            with self._lock:
                self._looking.pop(slack, None)

    def _lookup(self, user_id: str) -> str:
        try:
            profile = self._client.users_info(user=user_id)["user"]
        except SlackApiError as error:
            log.warning("users.info %s failed: %s", user_id, error.response.get("error"))
            return user_id
        details = profile.get("profile", {})
        return (details.get("display_name") or details.get("real_name") or profile.get("real_name")
                or profile.get("name") or user_id)
