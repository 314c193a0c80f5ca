"""The Teams bot: the Teams SDK's app behind ``/api/messages``, committing what Teams sends to the
inbox; the inbox's workers answer through the Bot Connector.

The SDK checks every request's token (Bot Framework's keys, audience, issuer and ``serviceUrl``)
before any handler runs; a request without a valid one gets 401. Its handlers only translate and
commit (on a thread, so the event loop never waits for a commit), except the two that Teams needs
an answer from at once: opening the ontwikkelpunt dialog, and its validation.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field, replace

from microsoft_teams.api import (
    ActivityTypeAdapter,
    AdaptiveCardActionCardResponse,
    AdaptiveCardActionMessageResponse,
    TaskFetchInvokeActivity,
    TaskSubmitInvokeActivity,
)
from microsoft_teams.api.auth.cloud_environment import PUBLIC, with_overrides
from microsoft_teams.apps import ActivityContext, App
from microsoft_teams.apps.http.adapter import HttpServerAdapter
from microsoft_teams.cards import AdaptiveCard
from pydantic import ValidationError

from bot.adapters.dashboard import SignIn
from bot.adapters.seal import Seal
from bot.adapters.teams import translate
from bot.adapters.teams.connector import Connector
from bot.adapters.teams.delivery import CARD, TeamsPlatform
from bot.config import TeamsSettings
from bot.core.messages import Viewed
from bot.core.replies import FormErrors, OpenForm
from bot.ontwikkelplan.form import form_spec
from bot.render.teams import FORM, PUNT_DIALOG, cards_of, punt_form, said
from bot.service import Service
from bot.service.inbox import Inbox
from bot.service.outbox import Platforms

log = logging.getLogger(__name__)

ENDPOINT = "/api/messages"


def sdk_app(settings: TeamsSettings, routes: _Routes | None = None) -> App:
    """The SDK's app with these credentials; locally, without them and without authentication."""
    options: dict = {"http_server_adapter": routes or _Routes(), "messaging_endpoint": ENDPOINT}
    if settings.local:  # the SDK's warnings that there are no credentials are the point here
        options["dangerously_allow_unauthenticated_requests"] = True
        logging.getLogger("microsoft_teams.apps").setLevel(logging.ERROR)
    else:
        options |= {"client_id": settings.client_id, "client_secret": settings.client_secret,
                    "tenant_id": settings.tenant_id or None}
    if settings.openid_url:
        options["cloud"] = with_overrides(PUBLIC, openid_metadata_url=settings.openid_url)
    return App(**options)


class _Routes(HttpServerAdapter):
    """Where the SDK registers its endpoint, which the bot's one server serves (so the SDK's own
    server lifecycle, ``App.start``, is never used; the protocol's defaults stay)."""

    def __init__(self) -> None:
        self.handler = None

    def register_route(self, method, path, handler) -> None:
        self.handler = handler


@dataclass
class TeamsBot:
    app: App
    routes: _Routes
    inbox: Inbox
    service: Service
    platform: TeamsPlatform | None
    _ready: asyncio.Lock = field(default_factory=asyncio.Lock)

    def start(self) -> None:
        """Handle the inbox in this process too (tests): ``leidraadbot teams`` leaves that to its
        worker process."""
        self.inbox.start()

    def stop(self) -> None:
        self.inbox.stop()

    def settle(self, timeout: float = 30) -> None:
        self.inbox.settle(timeout)

    async def asgi(self, scope: dict, receive, send) -> None:
        """``POST /api/messages``: the SDK checks the token and runs the handlers."""
        async with self._ready:  # the SDK registers its endpoint once, on this event loop
            if self.routes.handler is None:
                await self.app.initialize()
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            activity = json.loads(body)
        except ValueError:
            activity = None
        if scope.get("method") != "POST":
            status, answer = 405, {"error": "alleen POST"}
        elif not isinstance(activity, dict):
            status, answer = 400, {"error": "een activity als JSON verwacht"}
        else:
            result = await self.routes.handler({"body": _readable_trigger(activity), "headers": headers})
            status, answer = result["status"], result["body"]
            if status == 500 and not _readable(activity):  # the token was good, the body is not
                status, answer = 400, {"error": "geen activity die Leidraadbot kan lezen"}
        raw = b"" if answer is None else json.dumps(answer).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json")] if raw else []})
        await send({"type": "http.response.body", "body": raw})


def _readable_trigger(activity: dict) -> dict:
    """Teams asks for a card of each reader (``refresh``) with ``trigger: automatic``; the SDK's
    model of that invoke knows only ``manual`` and would refuse it. The bot reads neither."""
    value = activity.get("value")
    if activity.get("name") == "adaptiveCard/action" and isinstance(value, dict) \
            and value.get("trigger") == "automatic":
        return activity | {"value": {k: v for k, v in value.items() if k != "trigger"}}
    return activity


def _readable(activity: dict) -> bool:
    """Whether the SDK can read this as an activity of a kind it knows."""
    try:
        ActivityTypeAdapter.validate_python(activity)
    except ValidationError:
        return False
    return True


def build(service: Service, settings: TeamsSettings, sending: bool = True) -> TeamsBot:
    """The bot for ``service``; ``sending`` also makes the platform that answers (the worker's,
    or this process's in tests)."""
    routes = _Routes()
    app = sdk_app(settings, routes)
    platform = worker_platform(service, settings) if sending else None
    inbox = Inbox(service, Platforms(teams=platform) if platform else Platforms())
    bot = TeamsBot(app, routes, inbox, service, platform)
    _register(app, bot, service, settings)
    return bot


def worker_platform(service: Service, settings: TeamsSettings) -> TeamsPlatform:
    seal = offer_seal(settings)
    return TeamsPlatform(Connector(sdk_app(settings)), service.store, service.plan.content, seal,
                         SignIn(seal, settings.dashboard_url) if settings.dashboard_url else None)


def offer_seal(settings: TeamsSettings) -> Seal:
    """The key a file offer's context is sealed with, the same in every process of the bot (on
    this machine only, without a secret, there is nothing to keep out)."""
    return Seal(settings.client_secret or "lokaal")


def worker_inbox(service: Service, settings: TeamsSettings) -> Inbox:
    return Inbox(service, Platforms(teams=worker_platform(service, settings)))


def _register(app: App, bot: TeamsBot, service: Service, settings: TeamsSettings) -> None:
    plan = service.plan.content
    seal = offer_seal(settings)

    async def accept(inbound) -> None:
        if inbound is not None and service.listens(inbound):
            await asyncio.to_thread(bot.inbox.accept, inbound)

    @app.on_message
    async def message(ctx: ActivityContext) -> None:
        await accept(translate.message(ctx.activity))

    @app.on_edit_message
    async def edited(ctx: ActivityContext) -> None:
        await accept(translate.edit(ctx.activity))

    @app.on_card_action
    async def executed(ctx: ActivityContext):
        """A question's button: taken in, and answered at once (the next question follows, and
        the question's card changes for everyone, once the worker has handled it). Or Teams
        asking for a question's card as it is for this reader: made here, at once."""
        inbound = translate.executed(ctx.activity)
        if isinstance(inbound, Viewed):
            replies = await asyncio.to_thread(service.handle, inbound)
            shown = cards_of(replies, addressed=True)
            if shown:
                return AdaptiveCardActionCardResponse(value=AdaptiveCard.model_validate(shown[0]))
            return AdaptiveCardActionMessageResponse(value="Deze vraag is al voorbij.")
        await accept(inbound)
        return AdaptiveCardActionMessageResponse(value="Ontvangen.")

    @app.on_conversation_update
    async def conversation_update(ctx: ActivityContext) -> None:
        activity = ctx.activity
        added = [member.id for member in activity.members_added or ()]
        if activity.recipient.id in added:  # the bot was installed here
            await accept(translate.installed(activity))

    @app.on_installation_update
    async def installation_update(ctx: ActivityContext) -> None:
        """Installed (the welcome comes with the conversation update) or upgraded: how to reach
        this conversation is kept, by the worker (this process only commits)."""
        await accept(translate.reached(ctx.activity))

    async def opened(activity) -> tuple[OpenForm | None, list]:
        """The form a button (or a submitted dialog) stands for, as it is now; or why not."""
        replies = await asyncio.to_thread(service.handle, translate.form_opened(activity))
        return next((r for r in replies if isinstance(r, OpenForm)), None), replies

    @app.on_dialog_open(PUNT_DIALOG)
    async def dialog_open(ctx: ActivityContext):
        form, replies = await opened(ctx.activity)
        if form is None:
            return {"task": {"type": "message", "value": said(replies, 1000)}}
        return _dialog(form_spec(form, plan).title, punt_form(form, plan))

    @app.on_dialog_submit(PUNT_DIALOG)
    async def dialog_submit(ctx: ActivityContext):
        activity = ctx.activity
        inbound = translate.form_submitted(activity)
        problems = await asyncio.to_thread(service.form_errors, inbound)
        errors = next((r for r in problems if isinstance(r, FormErrors)), None)
        if errors:  # shown in the dialog again, with what was typed; nothing is stored
            form = inbound.form
            again = (await opened(activity))[0] or OpenForm(form.kind, form.nummer,
                                                            gemeente=inbound.gemeente or "")
            again = replace(again, as_of=form.as_of)  # what it showed when it was opened
            return _dialog(form_spec(again, plan).title, punt_form(again, plan, errors, dict(form.values)))
        if problems:
            return {"task": {"type": "message", "value": said(problems, 1000)}}
        await asyncio.to_thread(bot.inbox.accept, inbound)
        return {"task": {"type": "message", "value": "Opgeslagen. De bevestiging staat in het gesprek."}}

    # A button or dialog on a card posted before dialogs were routed by id names none: the same.
    app.router.add_handler(_without(TaskFetchInvokeActivity, "dialog_id"), dialog_open)
    app.router.add_handler(_without(TaskSubmitInvokeActivity, "action"), dialog_submit)

    @app.on_file_consent
    async def file_consent(ctx: ActivityContext) -> None:
        inbound = translate.file_answered(ctx.activity, seal, settings.local)
        if inbound is not None:
            await asyncio.to_thread(bot.inbox.accept, inbound)


def _without(kind: type, key: str):
    """Selects the invokes of ``kind`` of the ontwikkelpunt dialog that do not name it by ``key``
    (cards posted before dialogs were routed by id)."""
    def selector(activity) -> bool:
        data = activity.value.data if isinstance(activity, kind) and activity.value else None
        return isinstance(data, dict) and FORM in data and key not in data

    return selector


def _dialog(title: str, card: dict) -> dict:
    return {"task": {"type": "continue", "value": {
        "title": title, "width": "medium", "height": "large",
        "card": {"contentType": CARD, "content": card}}}}
