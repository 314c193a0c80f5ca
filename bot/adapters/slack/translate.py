"""Slack payloads in the service's terms: places, people, mentions and delivery ids."""

from __future__ import annotations

import logging
import re
import threading

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.messages import Place, PlaceKind, User

log = logging.getLogger(__name__)

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def channel_place(team: str, channel: str) -> Place:
    key = f"slack:{team}:{channel}"
    return Place(PlaceKind.CHANNEL, key, channel=key)


def thread_place(team: str, channel: str, thread_ts: str) -> Place:
    key = f"slack:{team}:{channel}"
    return Place(PlaceKind.THREAD, f"{key}:{thread_ts}", channel=key)


def direct_place(team: str, channel: str) -> Place:
    return Place(PlaceKind.DIRECT, f"slack:{team}:{channel}")


def thread_ts_of(place_id: str) -> str:
    """The thread timestamp in a thread place id (``slack:T:C:1700.1`` -> ``1700.1``)."""
    return place_id.rsplit(":", 1)[1]


def message_place(team: str, event: dict) -> Place | None:
    """Where a message event belongs: a direct message, a thread, or None (top level of a channel)."""
    if event.get("channel_type") == "im":
        return direct_place(team, event["channel"])
    if event.get("thread_ts"):
        return thread_place(team, event["channel"], event["thread_ts"])
    return None


def delivery_id(team: str, channel: str, ts: str) -> str:
    """One id per Slack message or click, whichever event or retry delivers it."""
    return f"slack:{team}:{channel}:{ts}"


class People:
    """Slack users as ``User``: ids scoped to the workspace, display names looked up once."""

    def __init__(self, client: WebClient):
        self._client = client
        self._names: dict[str, str] = {}
        self._lock = threading.Lock()

    def user(self, team: str, user_id: str) -> User:
        with self._lock:
            naam = self._names.get(user_id)
        if naam is None:
            naam = self._lookup(user_id)
            with self._lock:
                self._names[user_id] = naam
        return User(f"slack:{team}:{user_id}", naam)

    def _lookup(self, user_id: str) -> str:
        try:
            profile = self._client.users_info(user=user_id)["user"]
        except SlackApiError as error:
            log.warning("users.info %s failed: %s", user_id, error.response.get("error"))
            return user_id
        details = profile.get("profile", {})
        return (details.get("display_name") or details.get("real_name") or profile.get("real_name")
                or profile.get("name") or user_id)

    def mentioned(self, team: str, text: str, skip: str | None = None) -> tuple[User, ...]:
        """The people mentioned in ``text`` (``<@U123>``), except ``skip`` (the bot itself)."""
        ids = dict.fromkeys(m for m in MENTION.findall(text) if m != skip)
        return tuple(self.user(team, user_id) for user_id in ids)


def our_mentions(team: str, text: str, bot: str | None = None) -> str:
    """``text`` with the bot's own mention removed and every other person as ``<@slack:T:U>``,
    the service's way of naming people in a text."""
    def person(match: re.Match) -> str:
        return "" if match.group(1) == bot else f"<@slack:{team}:{match.group(1)}>"
    return MENTION.sub(person, text).strip()


def place_of_channel(team: str, channel: str) -> Place:
    """A channel or, for a ``D…`` id, a direct message."""
    return direct_place(team, channel) if channel.startswith("D") else channel_place(team, channel)


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
