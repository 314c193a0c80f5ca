"""Slack payloads in the service's terms: places, people, mentions, timestamps and delivery ids.

Everything here is pure, so it can run before Slack is acknowledged: people carry their Slack id
as a name until ``People`` has looked them up (after the acknowledgement).
"""

from __future__ import annotations

import json
import logging
import re
import threading

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.messages import FormInput, Inbound, Place, PlaceKind, Start, User, timestamp_key

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
        return link if not label or label == link else f"{label} ({link})"

    decoded = _SPECIAL.sub(replace, text)
    return (decoded.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip(),
            tuple(named.values()))


_SPECIAL = re.compile(r"<([@#!]?)([^|>\s]+)(?:\|([^>]*))?>")  # <@U1>, <#C1|naam>, <!here>, <url|label>


# --- payloads -----------------------------------------------------------------------------------

def slash_command(command: dict) -> Inbound:
    """``/leidraad …``: a command, never an answer. Its answer goes to the response URL."""
    team, channel = command["team_id"], command["channel_id"]
    place = (direct_place(team, channel) if command.get("channel_name") == "directmessage"
             else place_of_channel(team, channel))
    text, mentions = with_mentions(team, command.get("text", ""))
    trigger = command.get("trigger_id")
    return Inbound(person(team, command["user_id"]), place, command=text, mentions=mentions,
                   forms=True, delivery_id=f"slack:{team}:command:{trigger}" if trigger else None,
                   route={"channel": channel, "response_url": command.get("response_url"),
                          "trigger_id": trigger})


def mention(body: dict, event: dict, bot: str | None) -> Inbound:
    """``@Leidraadbot start`` at the top of a channel: a command, answered in a thread under it."""
    team, channel = body["team_id"], event["channel"]
    text, mentions = with_mentions(team, event.get("text", ""), bot)
    return Inbound(person(team, event["user"]), channel_place(team, channel), command=text,
                   mentions=mentions, delivery_id=delivery_id(team, channel, event["ts"]),
                   sent_at=timestamp_key(event["ts"]),
                   route={"channel": channel, "thread_ts": event["ts"]})


def message(body: dict, event: dict, bot: str | None) -> Inbound | None:
    """A message in a direct message or a thread; None at the top of a channel (there only
    mentions and commands are for the bot)."""
    team, channel = body["team_id"], event["channel"]
    if event.get("channel_type") == "im":
        place = direct_place(team, channel)
    elif event.get("thread_ts"):
        place = thread_place(team, channel, event["thread_ts"])
    else:
        return None
    raw = event.get("text", "")
    text, mentions = with_mentions(team, raw, bot)
    return Inbound(person(team, event["user"]), place, text=text, mentions=mentions,
                   addressed=bool(bot) and f"<@{bot}" in raw,
                   delivery_id=delivery_id(team, channel, event["ts"]),
                   sent_at=timestamp_key(event["ts"]),
                   route={"channel": channel, "thread_ts": event.get("thread_ts")})


def button(body: dict, action: dict) -> Inbound:
    """A button on a question: the word it stands for, for the question it was shown with."""
    team, channel = body["team"]["id"], body["channel"]["id"]
    value = json.loads(action["value"])
    thread_ts = body.get("message", {}).get("thread_ts")
    place = thread_place(team, channel, thread_ts) if thread_ts else direct_place(team, channel)
    return Inbound(person(team, body["user"]["id"]), place, text=value["cmd"], expects=value["q"],
                   delivery_id=delivery_id(team, channel, action["action_ts"]),
                   sent_at=timestamp_key(action["action_ts"]),
                   route={"channel": channel, "thread_ts": thread_ts})


def stand_button(body: dict, action: dict) -> Inbound:
    """*Stand van zaken bijwerken* on a listed ontwikkelpunt (``3``, or ``3|Utrecht`` from a
    reminder): the form to update it."""
    team, channel = body["team"]["id"], body["channel"]["id"]
    nummer, _, gemeente = action["value"].partition("|")
    return Inbound(person(team, body["user"]["id"]), place_of_channel(team, channel), gemeente or None,
                   command=f"bijwerken {nummer}", forms=True,
                   route={"channel": channel, "response_url": body.get("response_url"),
                          "trigger_id": body.get("trigger_id")})


def home_opened(body: dict, event: dict) -> Inbound:
    """The App Home tab was opened: the user's overview."""
    team = body["team_id"]
    return Inbound(person(team, event["user"]), direct_place(team, event.get("channel", "")),
                   home=True, route={"user": event["user"], "channel": event.get("channel")})


def home_continue(body: dict, action: dict) -> Inbound:
    """*Verder met het gesprek* in the App Home: the gesprek in the user's direct message, at the
    first question the gemeente has not answered."""
    team = body["team"]["id"]
    value = json.loads(action["value"])
    return Inbound(person(team, body["user"]["id"]), direct_place(team, value["channel"]),
                   value["gemeente"], start=Start(first_open=True),
                   delivery_id=delivery_id(team, body["user"]["id"], action["action_ts"]),
                   sent_at=timestamp_key(action["action_ts"]), route={"channel": value["channel"]})


def form_submitted(body: dict, view: dict) -> Inbound:
    """A submitted ontwikkelpunt modal."""
    team = body["team"]["id"]
    meta = json.loads(view["private_metadata"])
    values, picked = form_values(view["state"]["values"])
    mentions = (person(team, picked),) if picked else ()
    if picked:
        values["wie"] = f"<@{mentions[0].id}>"
    return Inbound(person(team, body["user"]["id"]), place_of_channel(team, meta["channel"]),
                   meta.get("gemeente") or None, mentions=mentions,
                   form=FormInput(meta["kind"], meta["nummer"], values),
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
    """Slack users' display names, looked up once (after the acknowledgement)."""

    def __init__(self, client: WebClient):
        self._client = client
        self._names: dict[str, str] = {}
        self._lock = threading.Lock()

    def named(self, user: User) -> User:
        """``user`` with their display name."""
        slack = slack_id(user)
        with self._lock:
            naam = self._names.get(slack)
        if naam is None:
            naam = self._lookup(slack)
            with self._lock:
                self._names[slack] = naam
        return User(user.id, naam)

    def _lookup(self, user_id: str) -> str:
        try:
            profile = self._client.users_info(user=user_id)["user"]
        except SlackApiError as error:
            log.warning("users.info %s failed: %s", user_id, error.response.get("error"))
            return user_id
        details = profile.get("profile", {})
        return (details.get("display_name") or details.get("real_name") or profile.get("real_name")
                or profile.get("name") or user_id)
