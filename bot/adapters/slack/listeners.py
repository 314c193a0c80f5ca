"""Slack listeners: turn the payload into an ``Inbound``, commit it to the inbox, acknowledge.

They run before Slack gets its answer (Bolt's ``process_before_response``), so what they do is
small: nothing waits for the service or the Web API. Two paths are kept synchronous because Slack
demands it, and store nothing: a modal's validation errors are the answer to its submission, and a
form is opened right after the acknowledgement, within the 3 seconds its trigger id is valid.
``register`` wires them to a Bolt app.
"""

from __future__ import annotations

import logging
import re
from concurrent.futures import Executor

from slack_bolt import Ack, App, BoltContext
from slack_sdk.webhook import WebhookClient

from bot.adapters.slack import translate
from bot.adapters.slack.delivery import SlackPlatform
from bot.core.messages import Inbound
from bot.core.replies import FormErrors, Notice, OpenForm, Tone
from bot.render.slack import (
    ACTION_PREFIX,
    HOME_CONTINUE,
    PUNT_FORM,
    STAND_BUTTON,
    form_errors,
    render,
)
from bot.service import Service
from bot.service.inbox import Inbox
from bot.service.outbox import CannotSend, TryLater

log = logging.getLogger(__name__)

FAILED = Notice("Er ging iets mis; dit is niet verwerkt en er is niets opgeslagen. Probeer het nog "
                "eens.", Tone.ERROR)


class Listeners:
    def __init__(self, service: Service, inbox: Inbox, platform: SlackPlatform, forms: Executor):
        self.service = service
        self.inbox = inbox
        self.platform = platform
        self.forms = forms

    def slash_command(self, ack: Ack, command: dict) -> None:
        self._command(translate.slash_command(command), ack)

    def stand_button(self, ack: Ack, body: dict, action: dict) -> None:
        self._command(translate.stand_button(body, action), ack)

    def app_mention(self, event: dict, context: BoltContext, body: dict) -> None:
        if event.get("thread_ts"):
            return  # inside a thread the message listener answers, as for any thread reply
        self.inbox.accept(translate.mention(body, event, context.bot_user_id))

    def message(self, event: dict, context: BoltContext, body: dict) -> None:
        if event.get("subtype") or event.get("bot_id"):
            return  # edits, joins, and other bots' messages are not answers
        inbound = translate.message(body, event, context.bot_user_id)
        if inbound is not None and self.service.listens(inbound):
            self.inbox.accept(inbound)

    def button(self, ack: Ack, body: dict, action: dict) -> None:
        self.inbox.accept(translate.button(body, action))
        ack()

    def home_continue(self, ack: Ack, body: dict, action: dict) -> None:
        self.inbox.accept(translate.home_continue(body, action))
        ack()

    def home_opened(self, event: dict, body: dict) -> None:
        if event.get("tab") == "home":
            self.inbox.accept(translate.home_opened(body, event))

    def form_submitted(self, ack: Ack, body: dict, view: dict) -> None:
        inbound = translate.form_submitted(body, view)
        errors = next((r for r in self.service.form_errors(inbound) if isinstance(r, FormErrors)), None)
        if errors:  # Slack shows them in the form; nothing is stored
            ack(**form_errors(errors))
            return
        self.inbox.accept(inbound)
        ack()

    # --- commands, and the forms some of them open ------------------------------------------------

    def _command(self, inbound: Inbound, ack: Ack) -> None:
        if self.service.opens_form(inbound):
            ack()
            self.forms.submit(self._open_form, inbound)
            return
        self.inbox.accept(inbound)
        ack()

    def _open_form(self, inbound: Inbound) -> None:
        """Open the form while the trigger id is valid; a refusal goes back to the one who asked."""
        try:
            inbound = self.platform.prepare(inbound)
            replies = self.service.handle(inbound)
            form = next((r for r in replies if isinstance(r, OpenForm)), None)
            if form is not None:
                self.platform.send(self.platform.form_call(inbound, form))
                return
        except (TryLater, CannotSend) as failure:
            log.error("views.open failed: %s", failure)
            replies = [Notice("Het formulier ging niet open. Probeer het nog eens.", Tone.WARNING)]
        except Exception:  # this thread's own error handler: the one who asked hears of it
            log.exception("opening a form failed")
            replies = [FAILED]
        url = inbound.route.get("response_url")
        for message in render(replies):
            if url:
                WebhookClient(url, timeout=15).send(text=message.text, blocks=message.blocks,
                                                    response_type="ephemeral")


def error_handler(error: Exception, body: dict) -> None:
    """The adapter's one error handler: log it, and tell the user nothing was stored."""
    log.error("Slack request failed: %s", error, exc_info=error)
    url = body.get("response_url")
    if url:
        WebhookClient(url, timeout=15).send(text=FAILED.text, response_type="ephemeral")


def register(app: App, listeners: Listeners) -> None:
    """Wire the listeners to ``app``."""
    app.command("/leidraad")(listeners.slash_command)
    app.event("app_mention")(listeners.app_mention)
    app.event("message")(listeners.message)
    app.event("app_home_opened")(listeners.home_opened)
    app.action(re.compile("^" + re.escape(ACTION_PREFIX)))(listeners.button)
    app.action(HOME_CONTINUE)(listeners.home_continue)
    app.action(STAND_BUTTON)(listeners.stand_button)
    app.view(PUNT_FORM)(listeners.form_submitted)
    app.error(error_handler)
