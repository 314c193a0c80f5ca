"""Reminders out to Teams, proactively: a new post in the gemeente's channel, or a message in an
owner's personal chat with the bot, through the addresses stored when Teams last spoke to us.

A 429 is tried again after its ``Retry-After`` (the connector also paces every call); the bot
removed from a team, blocked, or a conversation gone is for good (the scheduler then tells the
beheerders, and the other reminders go on).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from bot.adapters.teams.delivery import TeamsPlatform, activity, packed
from bot.reminders.scheduler import DeliveryError, Outgoing
from bot.service.outbox import CannotSend, TryLater

log = logging.getLogger(__name__)

ATTEMPTS = 4


class TeamsOutbox:
    def __init__(self, platform: TeamsPlatform):
        self.platform = platform
        self.store = platform.store

    def send(self, outgoing: Outgoing) -> None:
        try:
            where = self._where(outgoing)
            for cards, said, _ in packed(list(outgoing.replies), addressed=bool(outgoing.channel)):
                self._try(lambda c=cards, s=said: self.platform.connector.send(
                    where["service_url"], where["conversation"], activity(c, s), where["tenant"]))
        except CannotSend as failure:
            raise DeliveryError(str(failure), permanent=True) from failure
        except TryLater as failure:
            raise DeliveryError(str(failure), permanent=False) from failure

    def _where(self, outgoing: Outgoing) -> dict:
        """The conversation a reminder goes into: the channel (a new post), or the personal chat."""
        if outgoing.channel:
            address = self.store.address(outgoing.channel)
            if address is None:
                raise CannotSend(f"no address for {outgoing.channel}")
            return address | {"conversation": address["channel"]}
        if self.store.address(outgoing.person) is None:
            self._find(outgoing)
        address = self._try(lambda: self.platform.personal_chat(outgoing.person))
        return address | {"conversation": address["chat"]}

    def _find(self, outgoing: Outgoing) -> None:
        """Someone who never wrote to the bot: found in the gemeente's channel by their Entra id."""
        channel = self.store.gemeente_channel(outgoing.gemeente_id)
        address = self.store.address(channel) if channel else None
        if address is None:
            raise CannotSend(f"no address for {outgoing.person}")
        member = self._try(lambda: self.platform.connector.member(
            address["service_url"], address["channel"], outgoing.person.rsplit(":", 1)[-1]))
        with self.store.transaction():
            self.store.remember_address(outgoing.person, {
                "service_url": address["service_url"], "tenant": address["tenant"],
                "teams_id": member["id"], "bot": address.get("bot", "")}, datetime.now(UTC).isoformat())

    @staticmethod
    def _try(call):
        """A call, tried again after Teams' ``Retry-After`` when it is throttled."""
        for attempt in range(ATTEMPTS):
            try:
                return call()
            except TryLater as failure:
                if attempt == ATTEMPTS - 1:
                    raise
                time.sleep(failure.after if failure.after is not None else 2 ** attempt)  # pacing
        raise AssertionError("unreachable")
