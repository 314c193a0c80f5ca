"""The Slack bot: a Bolt app that commits what Slack sends to the inbox, and the inbox and outbox
workers that handle it; run in Socket Mode or over HTTP."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.error import URLError

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.adapters.slack import server
from bot.adapters.slack.delivery import SlackPlatform
from bot.adapters.slack.listeners import Listeners, register
from bot.config import ConfigError, SlackSettings
from bot.service import Service
from bot.service.inbox import Inbox

log = logging.getLogger(__name__)


def web_client(settings: SlackSettings) -> WebClient:
    """Slack's Web API client; it retries after connection errors and rate limits (Retry-After)."""
    return WebClient(
        token=settings.bot_token,
        base_url=settings.api_url or WebClient.BASE_URL,
        timeout=15,
        retry_handlers=[ConnectionErrorRetryHandler(), RateLimitErrorRetryHandler(max_retry_count=3)],
    )


@dataclass
class SlackBot:
    """The Bolt app, the inbox behind it, and the threads that open forms."""

    app: App
    inbox: Inbox
    forms: ThreadPoolExecutor

    def start(self) -> None:
        self.inbox.start()

    def stop(self) -> None:
        self.forms.shutdown()
        self.inbox.stop()

    def settle(self, timeout: float = 30) -> None:
        """Wait until every form is open, every message handled and every call made."""
        self.forms.submit(lambda: None).result(timeout)  # the pool is first in, first out
        self.inbox.settle(timeout)


def build(service: Service, settings: SlackSettings, http: bool) -> SlackBot:
    """The bot for ``service``, its token checked with Slack (``ConfigError`` when refused)."""
    client = web_client(settings)
    # Bolt reads SLACK_BOT_TOKEN itself and warns that our client (with its retries) wins.
    logging.getLogger("slack_bolt.App").setLevel(logging.ERROR)
    try:
        app = App(
            client=client,
            signing_secret=settings.signing_secret or "socket-mode",
            request_verification_enabled=http,
            process_before_response=True,  # the listeners only commit to the inbox: then the ack
        )
    except (BoltError, SlackApiError, URLError, OSError) as error:
        raise ConfigError(f"Slack accepteert de app niet: {error}. Controleer SLACK_BOT_TOKEN "
                          "(en SLACK_API_URL als die gezet is).") from error
    platform = SlackPlatform(client, service.plan.content)
    inbox = Inbox(service, platform)
    forms = ThreadPoolExecutor(max_workers=1, thread_name_prefix="formulier")
    register(app, Listeners(service, inbox, platform, forms))
    return SlackBot(app, inbox, forms)


def run_socket_mode(bot: SlackBot, settings: SlackSettings) -> None:
    """Connect out to Slack (no public URL needed) and handle events until stopped."""
    bot.start()
    SocketModeHandler(bot.app, settings.app_token).start()


def run_http(bot: SlackBot, service: Service, host: str, port: int) -> None:
    """Serve the Events API, slash commands and interactivity on /slack/events."""
    bot.start()
    server.serve(bot.app, service.store.healthy, host, port)
