"""Building the Bolt app and running it in Socket Mode or over HTTP."""

from __future__ import annotations

import logging
from concurrent.futures import Executor
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
from bot.adapters.slack.listeners import register
from bot.config import ConfigError, SlackSettings
from bot.service import Service

log = logging.getLogger(__name__)


def web_client(settings: SlackSettings) -> WebClient:
    """Slack's Web API client; it retries after connection errors and rate limits (Retry-After)."""
    return WebClient(
        token=settings.bot_token,
        base_url=settings.api_url or WebClient.BASE_URL,
        timeout=15,
        retry_handlers=[ConnectionErrorRetryHandler(), RateLimitErrorRetryHandler(max_retry_count=3)],
    )


def build_app(service: Service, settings: SlackSettings, http: bool,
              listener_executor: Executor | None = None) -> App:
    """A Bolt app wired to ``service``; its Web API client retries after rate limits.

    Listeners run on ``listener_executor`` (Bolt's default pool when None) after the ack.
    """
    client = web_client(settings)
    try:
        app = App(
            client=client,
            signing_secret=settings.signing_secret or "socket-mode",
            request_verification_enabled=http,
            process_before_response=False,
            listener_executor=listener_executor,
        )
    except (BoltError, SlackApiError, URLError, OSError) as error:
        raise ConfigError(f"Slack accepteert de app niet: {error}. Controleer SLACK_BOT_TOKEN "
                          "(en SLACK_API_URL als die gezet is).") from error
    register(app, service)
    return app


def run_socket_mode(app: App, settings: SlackSettings) -> None:
    """Connect out to Slack (no public URL needed) and handle events until stopped."""
    SocketModeHandler(app, settings.app_token).start()


def run_http(app: App, service: Service, host: str, port: int) -> None:
    """Serve the Events API, slash commands and interactivity on /slack/events."""
    server.serve(app, lambda: service.store.healthy(), host, port)
