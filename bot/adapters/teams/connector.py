"""Teams' Bot Connector, through the SDK's API client, for code that runs on threads.

The SDK is asynchronous; the inbox and outbox work on threads. A ``Connector`` runs the SDK's calls
on an event loop of its own and waits for each. It keeps to Teams' rate limits (about 50 requests
a second per tenant, 7 a second per conversation) by pacing its calls, and turns Teams' answers
into the outbox's terms: ``TryLater`` (429 after ``Retry-After``, 5xx, no connection) or
``CannotSend`` (the bot is not in the conversation, the user blocked it, it is gone).
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from collections.abc import Coroutine

import httpx
from microsoft_teams.api import Account, CreateConversationParams, MessageActivityInput
from microsoft_teams.apps import App

from bot.service.outbox import CannotSend, TryLater

log = logging.getLogger(__name__)

PER_TENANT = 1 / 50  # seconds between two calls of one tenant
PER_CONVERSATION = 1 / 7  # seconds between two calls into one conversation
RETRYABLE = {412, 429, 502, 503, 504}


class Pacer:
    """Spaces calls out: no two of one key closer than its interval. The waiting is the pacing."""

    def __init__(self) -> None:
        self._free: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, *keys: tuple[str, float]) -> None:
        with self._lock:
            now = time.monotonic()
            start = max([now, *(self._free.get(key, now) for key, _ in keys)])
            for key, interval in keys:
                self._free[key] = start + interval
        if start > now:
            time.sleep(start - now)


class Connector:
    def __init__(self, app: App):
        self.app = app
        self.pacer = Pacer()
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, name="teams-connector", daemon=True).start()
        self._run(app.initialize())

    def _run(self, call: Coroutine, tenant: str = "", conversation: str = ""):
        self.pacer.wait((f"tenant:{tenant}", PER_TENANT), (f"conversation:{conversation}", PER_CONVERSATION))
        try:
            return asyncio.run_coroutine_threadsafe(call, self._loop).result(timeout=60)
        except httpx.HTTPStatusError as error:
            raise _failure(error) from error
        except (httpx.TransportError, TimeoutError) as error:
            raise TryLater(str(error) or type(error).__name__) from error

    def send(self, service_url: str, conversation: str, activity: dict, tenant: str = "") -> str:
        """Post an activity into a conversation (a reply chain: ``…;messageid=…``); its id."""
        api = self.app.api.clone(service_url=service_url)
        sent = self._run(api.conversations.create_activity(
            conversation, MessageActivityInput.model_validate(activity)), tenant, conversation.split(";")[0])
        return sent.id

    def update(self, service_url: str, conversation: str, activity_id: str, activity: dict,
               tenant: str = "") -> None:
        """Change a message the bot posted, for everyone in the conversation."""
        api = self.app.api.clone(service_url=service_url)
        self._run(api.conversations.update_activity(
            conversation, activity_id, MessageActivityInput.model_validate(activity)), tenant,
            conversation.split(";")[0])

    def post(self, service_url: str, channel: str, tenant: str, activity: dict) -> str:
        """A new post in a channel; the id of the post (its reply chain is ``channel;messageid=``)."""
        return self.send(service_url, channel, activity, tenant)

    def open_chat(self, service_url: str, tenant: str, teams_id: str, bot: str) -> str:
        """The personal chat of the bot with someone (made when there is none yet); its id."""
        api = self.app.api.clone(service_url=service_url)
        params = CreateConversationParams(members=[Account(id=teams_id)], tenant_id=tenant,
                                          isGroup=False, bot=Account(id=bot),
                                          channel_data={"tenant": {"id": tenant}})
        return self._run(api.conversations.create(params), tenant, teams_id).id

    def member(self, service_url: str, conversation: str, member_id: str) -> dict:
        """Someone in a conversation, by their Teams id or Entra object id: id, name, aadObjectId."""
        api = self.app.api.clone(service_url=service_url)
        found = self._run(api.conversations.get_member_by_id(conversation, member_id), "",
                          conversation.split(";")[0])
        return found.model_dump(by_alias=True, exclude_none=True)


def _failure(error: httpx.HTTPStatusError) -> Exception:
    response = error.response
    try:
        code = (response.json().get("error") or {}).get("code", "")
    except ValueError:
        code = ""
    reason = f"HTTP {response.status_code} {code}".strip()
    if response.status_code in RETRYABLE:
        after = response.headers.get("Retry-After", "")
        seconds = re.fullmatch(r"[0-9]{1,6}(\.[0-9]+)?", after)
        return TryLater(reason, after=float(after) if seconds else None)
    return CannotSend(reason)
