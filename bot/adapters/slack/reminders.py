"""Reminders out to Slack: a channel message, or a direct message to an owner."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.reminders.scheduler import DeliveryError, Outgoing
from bot.render.slack import render

log = logging.getLogger(__name__)

# Errors that will not go away by trying again.
PERMANENT = {"channel_not_found", "not_in_channel", "is_archived", "user_not_found",
             "account_inactive", "cannot_dm_bot", "invalid_auth", "not_authed", "missing_scope"}


class SlackOutbox:
    def __init__(self, client: WebClient):
        self.client = client

    def send(self, outgoing: Outgoing) -> None:
        # Place and user ids end in Slack's own id: slack:T1:C1 -> C1, slack:T1:U2 -> U2.
        target = (outgoing.channel or outgoing.person or "").rsplit(":", 1)[-1]
        for message in render(list(outgoing.replies)):
            try:
                self.client.chat_postMessage(channel=target, text=message.text, blocks=message.blocks)
            except SlackApiError as error:
                reason = error.response.get("error", "unknown")
                raise DeliveryError(reason, permanent=reason in PERMANENT) from error
            except (SlackClientError, OSError) as error:  # timeouts, connection trouble
                raise DeliveryError(str(error) or type(error).__name__, permanent=False) from error
