"""The Slack bot: a Bolt app that commits what Slack sends to the inbox, and the inbox and outbox
workers that handle it; run in Socket Mode or over HTTP."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.error import URLError

from slack_bolt import App
from slack_bolt.adapter.asgi import SlackRequestHandler
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.error import BoltError
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.signature import SignatureVerifier

from bot.adapters.dashboard import SignIn
from bot.adapters.seal import Seal
from bot.adapters.server import Server, asgi_app
from bot.adapters.slack.delivery import SlackPlatform
from bot.adapters.slack.http import KeptAliveWebClient
from bot.adapters.slack.listeners import Listeners, register
from bot.config import ConfigError, SlackSettings
from bot.service import Service
from bot.service.inbox import Inbox
from bot.service.outbox import Platforms

log = logging.getLogger(__name__)


def web_client(settings: SlackSettings) -> KeptAliveWebClient:
    """Slack's Web API client on kept-alive connections; it retries after connection errors and
    rate limits (Retry-After)."""
    return KeptAliveWebClient(
        token=settings.bot_token,
        base_url=settings.api_url or WebClient.BASE_URL,
        timeout=15,
        retry_handlers=[ConnectionErrorRetryHandler(), RateLimitErrorRetryHandler(max_retry_count=3)],
    )


@dataclass
class SlackBot:
    """The Bolt app, the inbox it commits to, and the threads that open forms."""

    app: App
    inbox: Inbox
    forms: ThreadPoolExecutor
    signing_secret: str

    def start(self) -> None:
        """Handle the inbox in this process too (tests): ``leidraadbot slack`` leaves that to its
        worker process (``bot.service.worker``)."""
        self.inbox.start()

    def stop(self) -> None:
        self.forms.shutdown()
        self.inbox.stop()

    def settle(self, timeout: float = 30) -> None:
        """Wait until every form is open, every message handled and every call made."""
        self.forms.submit(lambda: None).result(timeout)  # the pool is first in, first out
        self.inbox.settle(timeout)


def _not_the_token_warning(record: logging.LogRecord) -> bool:
    return "token` will be unused" not in record.getMessage()


def _bolt_logger() -> logging.Logger:
    """Bolt's log, without its warning that our client wins over the SLACK_BOT_TOKEN it read
    from the environment itself (our client is the one with the retries)."""
    bolt = logging.getLogger("slack_bolt.App")
    if _not_the_token_warning not in bolt.filters:
        bolt.addFilter(_not_the_token_warning)
    return bolt


def build(service: Service, settings: SlackSettings, http: bool) -> SlackBot:
    """The bot for ``service``, its token checked with Slack (``ConfigError`` when refused)."""
    client = web_client(settings)
    try:
        app = App(
            client=client,
            logger=_bolt_logger(),
            signing_secret=settings.signing_secret or "socket-mode",
            request_verification_enabled=http,
            process_before_response=True,  # the listeners only commit to the inbox: then the ack
        )
    except (BoltError, SlackApiError, URLError, OSError) as error:
        raise ConfigError(f"Slack accepteert de app niet: {error}. Controleer SLACK_BOT_TOKEN "
                          "(en SLACK_API_URL als die gezet is).") from error
    platform = _platform(client, service, settings)
    inbox = Inbox(service, Platforms(slack=platform))
    forms = ThreadPoolExecutor(max_workers=1, thread_name_prefix="formulier")
    register(app, Listeners(service, inbox, platform, forms))
    return SlackBot(app, inbox, forms, settings.signing_secret)


def slack_platform(service: Service, settings: SlackSettings) -> SlackPlatform:
    """Slack's side of the worker process's inbox: names looked up, replies sent."""
    return _platform(web_client(settings), service, settings)


def _platform(client, service: Service, settings: SlackSettings) -> SlackPlatform:
    seal = Seal(settings.bot_token)
    return SlackPlatform(client, service.plan.content, seal,
                         SignIn(seal, settings.dashboard_url) if settings.dashboard_url else None)


def socket_mode(bot: SlackBot, settings: SlackSettings) -> SocketModeHandler:
    """The connection out to Slack (no public URL needed). Its listeners only commit to the
    inbox, so slack_sdk's 10 threads acknowledge 50 envelopes at once within a fraction of a second
    (scripts/bench_socket.py)."""
    bot.inbox.open()
    return SocketModeHandler(bot.app, settings.app_token)


class _Verified(SlackRequestHandler):
    """Bolt's ASGI handler, behind a check of Slack's signature: a request that fails it gets 401
    and nothing of the bot runs for it, no error handler, no answer to a URL it names. Each request
    that passes is dispatched on a thread of its own: the event loop never waits for a commit, and
    acknowledgements that arrive together are committed together."""

    def __init__(self, app: App, signing_secret: str, threads: int = 64):
        super().__init__(app)
        self._verifier = SignatureVerifier(signing_secret)
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="slack")

    async def dispatch(self, request):
        body, headers = await request.get_raw_body(), request.get_headers()
        if not self._signed(body, headers):
            return BoltResponse(status=401, body="")
        bolt = BoltRequest(body=body, query=request.query_string, headers=headers)
        return await asyncio.get_running_loop().run_in_executor(self._pool, self.app.dispatch, bolt)

    def _signed(self, body: str, headers: dict) -> bool:
        stamp = headers.get("x-slack-request-timestamp", "")
        signature = headers.get("x-slack-signature", "")
        return (isinstance(stamp, str) and stamp.isdigit() and isinstance(signature, str)
                and self._verifier.is_valid(body, stamp, signature))


def events_handler(bot: SlackBot) -> _Verified:
    """The Events API, slash commands and interactivity, for /slack/events."""
    return _Verified(bot.app, bot.signing_secret)


def http_server(bot: SlackBot, service: Service, host: str, port: int) -> Server:
    """A server of Slack's /slack/events alone (tests)."""
    return Server(asgi_app({"/slack/events": events_handler(bot)}, service.store.healthy), host, port)
