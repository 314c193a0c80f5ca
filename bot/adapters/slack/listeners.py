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
from bot.adapters.slack.translate import installed_team
from bot.core.messages import Inbound
from bot.core.replies import FormErrors, Notice, OpenForm, Tone
from bot.render.slack import (
    ACTION_PREFIX,
    HOME_CONTINUE,
    PUNT_FORM,
    STAND_BUTTON,
    form_errors,
    messages_of,
)
from bot.service import Service
from bot.service.inbox import Inbox
from bot.service.outbox import CannotSend, TryLater

log = logging.getLogger(__name__)

ANSWERS = {None, "file_share", "thread_broadcast", "message_changed"}  # message subtypes read
GROUP_DM = ("In een groepsgesprek kan ik niet meedoen: daar kan ik niet lezen of schrijven. "
            "Gebruik `/leidraad` in een kanaal van je team, of in je eigen gesprek met mij.")
FAILED = Notice("Er ging iets mis; dit is niet verwerkt en er is niets opgeslagen. Probeer het nog "
                "eens.", Tone.ERROR)


class Listeners:
    def __init__(self, service: Service, inbox: Inbox, platform: SlackPlatform, forms: Executor):
        self.service = service
        self.inbox = inbox
        self.platform = platform
        self.forms = forms

    def slash_command(self, ack: Ack, command: dict, context: BoltContext) -> None:
        if translate.in_group_dm(command):
            ack(text=GROUP_DM)  # the bot cannot read or write in a group DM
            return
        self._command(translate.slash_command(command, installed_team(context)), ack)

    def stand_button(self, ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        self._command(translate.stand_button(body, action, installed_team(context)), ack)

    def app_mention(self, event: dict, context: BoltContext) -> None:
        if event.get("thread_ts"):
            return  # inside a thread the message listener answers, as for any thread reply
        self.inbox.accept(translate.mention(event, installed_team(context), context.bot_user_id))

    def message(self, event: dict, context: BoltContext) -> None:
        """A message, also with files or sent to the channel too, or an edit; other subtypes
        (joins, deletions, topics) and bots' messages are not for the bot."""
        subtype = event.get("subtype")
        if event.get("bot_id") or subtype not in ANSWERS:
            return
        read = translate.edit if subtype == "message_changed" else translate.message
        inbound = read(event, installed_team(context), context.bot_user_id)
        if inbound is not None and self.service.listens(inbound):
            self.inbox.accept(inbound)

    def button(self, ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        self.inbox.accept(translate.button(body, action, installed_team(context)))
        ack()

    def home_continue(self, ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        """Continue where the sealed button says; a button changed, made up or someone else's
        does nothing but show the Home tab again, with a word why."""
        team = installed_team(context)
        value = self.platform.seal.open(HOME_CONTINUE, translate.person(team, body["user"]["id"]).id,
                                        action.get("value"))
        if value is not None:
            self.inbox.accept(translate.home_continue(body, action, team, value))
        else:
            self.inbox.accept(translate.home_refused(body, team))
        ack()

    def home_opened(self, event: dict, context: BoltContext) -> None:
        if event.get("tab") == "home":
            self.inbox.accept(translate.home_opened(event, installed_team(context)))

    def form_submitted(self, ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
        team = installed_team(context)
        meta = self.platform.seal.open(PUNT_FORM, translate.person(team, body["user"]["id"]).id,
                                       view.get("private_metadata"))
        if meta is None:
            first = next((b["block_id"] for b in view.get("blocks", []) if b.get("type") == "input"), "")
            ack(**form_errors(FormErrors(((first, "Dit formulier is niet (meer) geldig; er is niets "
                                                  "opgeslagen. Sluit het en open het opnieuw."),))))
            return
        inbound = translate.form_submitted(body, view, team, meta)
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
        for message in messages_of(replies):
            if url:
                self.platform.respond(url).send(text=message.text, blocks=message.blocks,
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
