"""Slack listeners: parse the payload, call the service, render, send. Nothing else.

Every listener acknowledges first (Slack wants an answer within 3 seconds) and does the work
after; Bolt runs it on its thread pool. ``register`` wires them to a Bolt app.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.slack.translate import (
    People,
    channel_place,
    delivery_id,
    direct_place,
    form_values,
    message_place,
    our_mentions,
    place_of_channel,
    thread_place,
    thread_ts_of,
)
from bot.core.messages import FormInput, Inbound, Start, User
from bot.core.replies import (
    ExportFile,
    FormErrors,
    Notice,
    OpenForm,
    Regiobeeld,
    Reply,
    StartThread,
    Summary,
    Tone,
)
from bot.render.slack import (
    ACTION_PREFIX,
    HOME_CONTINUE,
    PUNT_FORM,
    STAND_BUTTON,
    SlackMessage,
    form_errors,
    home_view,
    punt_form,
    render,
    thread_anchor,
)
from bot.service import Service

log = logging.getLogger(__name__)


class Listeners:
    """The bot's listeners, sharing the service and the people directory."""

    def __init__(self, service: Service, people: People):
        self.service = service
        self.people = people

    # --- inbound ----------------------------------------------------------------------------------

    def slash_command(self, ack: Ack, command: dict, respond: Respond, client: WebClient) -> None:
        ack()
        team, channel = command["team_id"], command["channel_id"]
        place = (direct_place(team, channel) if command.get("channel_name") == "directmessage"
                 else place_of_channel(team, channel))
        user = self.people.user(team, command["user_id"])
        inbound = Inbound(user, place, command=our_mentions(team, command.get("text", "")),
                          mentions=self.people.mentioned(team, command.get("text", "")), forms=True)
        replies = self.service.handle(inbound)
        self._answer_command(client, team, channel, user, replies,
                             lambda messages: [respond(text=m.text, blocks=m.blocks,
                                                       response_type="ephemeral") for m in messages],
                             command.get("trigger_id"))

    def app_mention(self, event: dict, context: BoltContext, client: WebClient, body: dict) -> None:
        if event.get("thread_ts"):
            return  # inside a thread the message listener answers, as for any thread reply
        team, channel = body["team_id"], event["channel"]
        text = event.get("text", "")
        user = self.people.user(team, event["user"])
        inbound = Inbound(user, channel_place(team, channel),
                          command=our_mentions(team, text, context.bot_user_id),
                          mentions=self.people.mentioned(team, text, context.bot_user_id),
                          delivery_id=delivery_id(team, channel, event["ts"]))
        replies = self.service.handle(inbound)
        self._answer_command(client, team, channel, user, replies,
                             lambda messages: _post(client, channel, messages, event["ts"]))

    def message(self, event: dict, context: BoltContext, client: WebClient, body: dict) -> None:
        if event.get("subtype") or event.get("bot_id"):
            return  # edits, joins, and other bots' messages are not answers
        team = body["team_id"]
        place = message_place(team, event)
        if place is None:
            return  # top level of a channel: only mentions and commands are for the bot
        text = event.get("text", "")
        inbound = Inbound(self.people.user(team, event["user"]), place,
                          text=our_mentions(team, text, context.bot_user_id),
                          mentions=self.people.mentioned(team, text, context.bot_user_id),
                          addressed=f"<@{context.bot_user_id}" in text,
                          delivery_id=delivery_id(team, event["channel"], event["ts"]))
        _post(client, event["channel"], render(self.service.handle(inbound)),
              event.get("thread_ts"))

    def button(self, ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        ack()
        team, channel = body["team"]["id"], body["channel"]["id"]
        message = body.get("message", {})
        value = json.loads(action["value"])
        thread_ts = message.get("thread_ts")
        place = (thread_place(team, channel, thread_ts) if thread_ts
                 else direct_place(team, channel))
        inbound = Inbound(self.people.user(team, body["user"]["id"]), place, text=value["cmd"],
                          expects=value["q"],
                          delivery_id=delivery_id(team, channel, action["action_ts"]))
        _post(client, channel, render(self.service.handle(inbound)), thread_ts)

    def home_continue(self, ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        ack()
        team, user_id = body["team"]["id"], body["user"]["id"]
        channel = client.conversations_open(users=user_id)["channel"]["id"]
        inbound = Inbound(self.people.user(team, user_id), direct_place(team, channel),
                          gemeente=action["value"], start=Start(first_open=True),
                          delivery_id=delivery_id(team, user_id, action["action_ts"]))
        _post(client, channel, render(self.service.handle(inbound)))

    def stand_button(self, ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        ack()
        team, channel = body["team"]["id"], body["channel"]["id"]
        place = place_of_channel(team, channel)
        user = self.people.user(team, body["user"]["id"])
        nummer, _, gemeente = action["value"].partition("|")  # "3", or "3|Utrecht" from a reminder
        replies = self.service.handle(Inbound(user, place, gemeente or None,
                                              command=f"bijwerken {nummer}", forms=True))
        self._answer_command(client, team, channel, user, replies,
                             lambda messages: _post(client, channel, messages),
                             body.get("trigger_id"))

    def form_submitted(self, ack: Ack, body: dict, view: dict, client: WebClient) -> None:
        meta = json.loads(view["private_metadata"])
        team, channel = body["team"]["id"], meta["channel"]
        values, picked = form_values(view["state"]["values"])
        mentions: tuple[User, ...] = ()
        if picked:
            mentions = (self.people.user(team, picked),)
            values["wie"] = mentions[0].naam
        inbound = Inbound(self.people.user(team, body["user"]["id"]), place_of_channel(team, channel),
                          meta.get("gemeente") or None, mentions=mentions,
                          form=FormInput(meta["kind"], meta["nummer"], values))
        replies = self.service.handle(inbound)
        errors = next((r for r in replies if isinstance(r, FormErrors)), None)
        if errors:
            ack(**form_errors(errors))
            return
        ack()
        _post(client, channel, render(replies))

    def home_opened(self, event: dict, body: dict, client: WebClient) -> None:
        if event.get("tab") != "home":
            return
        user = self.people.user(body["team_id"], event["user"])
        client.views_publish(user_id=event["user"], view=home_view(self.service.home(user)))

    # --- outbound ---------------------------------------------------------------------------------

    def _answer_command(self, client: WebClient, team: str, channel: str, user: User,
                        replies: list[Reply], answer: Callable[[list[SlackMessage]], object],
                        trigger_id: str | None = None) -> None:
        """Send a command's replies; a StartThread becomes the gesprek's thread in the channel,
        an OpenForm a modal."""
        for reply in replies:
            if isinstance(reply, StartThread):
                self._start_thread(client, team, channel, user, reply, answer)
            elif isinstance(reply, OpenForm) and trigger_id:
                metadata = json.dumps({"channel": channel, "kind": reply.kind, "nummer": reply.nummer,
                                       "gemeente": reply.gemeente})
                client.views_open(trigger_id=trigger_id,
                                  view=punt_form(reply, self.service.plan.content, metadata))
            elif isinstance(reply, ExportFile):
                client.files_upload_v2(channel=channel, file=reply.content,
                                       filename=reply.filename, title=reply.title,
                                       initial_comment=f"{reply.title}, gevraagd door {user.naam}.")
        # A summary is for the channel to read; the rest is for the one who asked.
        public = [r for r in replies if isinstance(r, Summary | Regiobeeld)]
        _post(client, channel, render(public))
        answer(render([r for r in replies if r not in public]))

    def _start_thread(self, client: WebClient, team: str, channel: str, user: User,
                      start: StartThread, answer: Callable[[list[SlackMessage]], object]) -> None:
        if start.existing:
            thread_ts = thread_ts_of(start.existing)
            answer(render([Notice("Het gesprek loopt al in een thread in dit kanaal; de vraag "
                                  "waar het is staat daar nu opnieuw.")]))
        else:
            anchor = client.chat_postMessage(
                channel=channel, text=thread_anchor(start.gemeente, user.id.rsplit(":", 1)[1]))
            thread_ts = anchor["ts"]
        place = thread_place(team, channel, thread_ts)
        replies = self.service.handle(Inbound(user, place, start=Start(start.deel)))
        _post(client, channel, render(replies), thread_ts, broadcast=bool(start.existing))


def _post(client: WebClient, channel: str, messages, thread_ts: str | None = None,
          broadcast: bool = False) -> None:
    """Post messages in order; a failure is logged and the rest still go out."""
    for index, message in enumerate(messages):
        try:
            client.chat_postMessage(channel=channel, text=message.text, blocks=message.blocks,
                                    thread_ts=thread_ts,
                                    reply_broadcast=broadcast and index == len(messages) - 1)
        except SlackApiError as error:
            log.error("chat.postMessage to %s failed: %s", channel, error.response.get("error"))


def error_handler(error: Exception, body: dict, respond: Respond | None = None) -> None:
    """The adapter's one error handler: log it, and tell the user nothing was stored."""
    log.error("Slack request failed: %s", error, exc_info=error)
    if respond is not None and body.get("response_url"):
        respond(text=Notice("Er ging iets mis; dit is niet verwerkt en er is niets opgeslagen. "
                            "Probeer het nog eens.", Tone.ERROR).text, response_type="ephemeral")


def register(app: App, service: Service) -> None:
    """Wire the listeners to ``app``."""
    listeners = Listeners(service, People(app.client))
    app.command("/leidraad")(listeners.slash_command)
    app.event("app_mention")(listeners.app_mention)
    app.event("message")(listeners.message)
    app.event("app_home_opened")(listeners.home_opened)
    app.action(re.compile("^" + re.escape(ACTION_PREFIX)))(listeners.button)
    app.action(HOME_CONTINUE)(listeners.home_continue)
    app.action(STAND_BUTTON)(listeners.stand_button)
    app.view(PUNT_FORM)(listeners.form_submitted)
    app.error(error_handler)
