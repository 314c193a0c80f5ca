"""Slack's side of the inbox and outbox: names before a message is handled, and the replies as
Web API calls after.

Where a reply goes: a command's answer in a channel is for the one who asked (its response URL),
except a summary or regiobeeld, which is posted in the channel for all to read; in a direct
message it is posted there, so the gesprek stays after a reload; a message's replies go to its
thread or direct message; a new gesprek gets a thread of its own first. A reply too long for one
Slack message goes as several. Where the bot cannot write (a channel it was not invited to), the
one who asked is told how to invite it.
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import replace
from datetime import UTC, datetime

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.adapters.dashboard import SignIn, with_links
from bot.adapters.seal import Seal
from bot.adapters.slack.http import KeptAliveWebClient, KeptAliveWebhookClient
from bot.adapters.slack.translate import People, slack_id, thread_place
from bot.core.messages import Begin, Inbound, PlaceKind, Start, User, timestamp_key
from bot.core.replies import (
    ChannelBound,
    ExportFile,
    FormErrors,
    HomeView,
    Notice,
    OpenForm,
    QuestionDone,
    QuestionPrompt,
    Regiobeeld,
    Reply,
    StartThread,
    Summary,
    Tell,
    Tone,
    form_errors_said,
    gesprek_again,
)
from bot.export import document
from bot.render.slack import (
    ACTED_ON,
    HOME_CONTINUE,
    PUNT_FORM,
    done_blocks,
    escape,
    home_view,
    messages,
    punt_form,
    thread_anchor,
)
from bot.service.outbox import Call, CannotSend, Out, Sent, TryLater
from dialogues.content import Ontwikkelplan

log = logging.getLogger(__name__)

# Errors that will not go away by trying again.
PERMANENT = {"channel_not_found", "not_in_channel", "is_archived", "user_not_found",
             "account_inactive", "cannot_dm_bot", "invalid_auth", "not_authed", "missing_scope",
             "invalid_blocks", "invalid_arguments", "msg_too_long", "expired_trigger_id",
             "no_permission", "restricted_action", "channel_is_archived", "msg_blocks_too_long",
             "exchanged_trigger_id", "invalid_trigger_id", "method_not_supported_for_channel_type"}
NOT_THERE = {"not_in_channel", "channel_not_found", "method_not_supported_for_channel_type"}
PUBLIC = Summary | Regiobeeld  # a command's reply that the whole channel reads


class SlackPlatform:
    def __init__(self, client: KeptAliveWebClient, plan: Ontwikkelplan, seal: Seal,
                 sign_in: SignIn | None = None):
        self.client = client
        self.plan = plan
        self.seal = seal
        self.sign_in = sign_in  # the dashboard's links, where it is on the web
        self.people = People(client)

    def prepare(self, inbound: Inbound) -> Inbound:
        return replace(inbound, user=self.people.named(inbound.user),
                       mentions=tuple(map(self.people.named, inbound.mentions)))

    def expect(self, inbounds: list[Inbound]) -> None:
        self.people.expect(p for inbound in inbounds for p in (inbound.user, *inbound.mentions))

    def keep(self, inbound: Inbound) -> None:
        """Nothing to keep: Slack reaches a channel or a person by its id."""

    # --- replies into calls -----------------------------------------------------------------------

    def deliver(self, inbound: Inbound, replies: list[Reply], out: Out) -> None:
        replies = with_links(replies, self.sign_in, inbound.user, datetime.now(UTC))
        route = inbound.route
        channel = route.get("channel")
        answer = route.get("response_url")
        direct = inbound.place.kind is PlaceKind.DIRECT
        for reply in replies:
            if isinstance(reply, HomeView):
                link = self.sign_in.link(inbound.user, datetime.now(UTC)) if self.sign_in else ""
                out.call({"method": "views.publish", "user_id": route["user"],
                          "view": home_view(reply, channel and self._continue_value(inbound), link)})
            elif isinstance(reply, StartThread):
                self._start_thread(inbound, reply, out)
            elif isinstance(reply, OpenForm) and route.get("trigger_id"):
                out.call(self.form_call(inbound, reply))
            elif isinstance(reply, ExportFile):
                out.call({"method": "files.upload", "channel": channel, "filename": reply.filename,
                          "title": reply.title, "tell": answer,
                          "content": base64.b64encode(document(reply, self.plan)).decode(),
                          "initial_comment": escape(f"{reply.title}, gevraagd door "
                                                    f"{inbound.user.naam}.")})
            elif isinstance(reply, FormErrors):
                self.deliver(inbound, [form_errors_said(reply)], out)
            elif isinstance(reply, QuestionDone):  # its message loses its buttons, for everyone
                out.call({"method": "chat.update", "closes": reply.asked_id, "outcome": reply.outcome})
            elif isinstance(reply, Tell):  # in someone else's own chat with the bot
                self.announce(reply.person, reply.gemeente_id, list(reply.replies), out)
        shown = [r for r in replies if not isinstance(r, ACTED_ON)]
        for index, reply in enumerate(shown):
            last = index == len(shown) - 1
            for part, rendered in enumerate(messages(reply)):
                if answer and not direct and not isinstance(reply, PUBLIC):  # for the asker only
                    call = {"method": "respond", "url": answer, "text": rendered.text,
                            "blocks": rendered.blocks, "response_type": "ephemeral"}
                else:
                    call = {"method": "chat.postMessage", "channel": channel,
                            "thread_ts": None if answer else route.get("thread_ts"),
                            "text": rendered.text, "blocks": rendered.blocks, "tell": answer,
                            "reply_broadcast": bool(route.get("broadcast")) and last and not part}
                if isinstance(reply, QuestionPrompt) and reply.asked_id:
                    call["asked"] = reply.asked_id
                out.call(call)
        if any(isinstance(r, ChannelBound) for r in replies):  # after the confirmation
            out.call({"method": "conversations.join", "channel": channel, "tell": answer})

    def announce(self, to: str, gemeente_id: int, replies: list[Reply], out: Out,
                 in_channel: bool = False) -> None:
        """A new message in a channel, or in someone's direct messages with the bot (Slack opens
        those by the user id)."""
        for reply in replies:
            for rendered in messages(reply):
                out.call({"method": "chat.postMessage", "channel": to.rsplit(":", 1)[-1],
                          "text": rendered.text, "blocks": rendered.blocks})

    def _start_thread(self, inbound: Inbound, start: StartThread, out: Out) -> None:
        """A gesprek in a channel lives in a thread: post its first message, then start there
        (or, when one is going, ask its question again there, for all to see)."""
        channel = inbound.route["channel"]
        if start.existing:
            thread_ts = start.existing.rsplit(":", 1)[1]
            out.then(thread_start(inbound.user, channel, thread_ts, start.deel, again=True))
            self.deliver(inbound, [gesprek_again("thread")], out)
            return
        out.call({"method": "chat.postMessage", "channel": channel,
                  "text": thread_anchor(start.gemeente, slack_id(inbound.user)),
                  "tell": inbound.route.get("response_url"),
                  "start": {"user": inbound.user.id, "naam": inbound.user.naam, "deel": start.deel}})

    def _continue_value(self, inbound: Inbound):
        """The sealed value of a Home tab's *Verder met het gesprek*: its gemeente, the direct
        message it continues in, and for whom."""
        return lambda gemeente: self.seal.close(HOME_CONTINUE, inbound.user.id, {
            "gemeente": gemeente, "channel": inbound.route["channel"]})

    def form_call(self, inbound: Inbound, form: OpenForm) -> Call:
        metadata = self.seal.close(PUNT_FORM, inbound.user.id, {
            "channel": inbound.route["channel"], "kind": form.kind, "nummer": form.nummer,
            "gemeente": form.gemeente, "as_of": form.as_of})
        return {"method": "views.open", "trigger_id": inbound.route["trigger_id"],
                "view": punt_form(form, self.plan, metadata)}

    # --- calls to Slack ---------------------------------------------------------------------------

    def send(self, call: Call) -> Sent:
        if call.get("closes"):  # a question's message, as the outbox found it kept
            posted, outcome = json.loads(call["message"]), call["outcome"]
            call = {"method": "chat.update", "channel": posted["channel"], "ts": posted["ts"],
                    "text": escape(outcome), "blocks": done_blocks(posted["blocks"], outcome)}
        params = {k: v for k, v in call.items()
                  if k not in ("method", "asked", "start", "tell") and v not in (None, False)}
        try:
            if call["method"] == "respond":
                response = self.respond(params.pop("url")).send_dict(params)
                if response.status_code >= 500 or response.status_code == 429:
                    raise TryLater(f"response_url: HTTP {response.status_code}")
                if response.status_code != 200:
                    raise CannotSend(f"response_url: HTTP {response.status_code} {response.body}")
                return Sent()
            if call["method"] == "files.upload":
                params["content"] = base64.b64decode(params["content"])
                self.client.files_upload_v2(**params)
                return Sent()
            result = self.client.api_call(call["method"], json=params)
        except SlackApiError as error:
            reason = error.response.get("error", "unknown")
            if reason in NOT_THERE and call.get("tell"):
                self._tell(call["tell"], away(call.get("channel", "")))
            raise (CannotSend if reason in PERMANENT else TryLater)(reason) from error
        except (SlackClientError, OSError) as error:  # time-outs, connection trouble
            raise TryLater(str(error) or type(error).__name__) from error
        ts = result.get("ts")
        if call.get("start") and ts:  # the thread's first message is there: start in it
            starter = call["start"]
            user = User(starter["user"], starter["naam"])
            return Sent(then=(thread_start(user, call["channel"], ts, starter["deel"]),))
        if call.get("asked") and ts:  # a question: kept as posted, to take its buttons off later
            kept = {"channel": result.get("channel") or call["channel"], "ts": ts, "blocks": call["blocks"]}
            return Sent(posted_at=timestamp_key(ts), message=json.dumps(kept))
        return Sent(posted_at=timestamp_key(ts) if ts else None)


    def respond(self, url: str) -> KeptAliveWebhookClient:
        """A response URL's client, on the Web API client's connections."""
        return KeptAliveWebhookClient(url, self.client.connections)

    def _tell(self, url: str, notice: Notice) -> None:
        """Tell the one who asked, by their response URL, why the bot could not answer."""
        [rendered] = messages(notice)
        try:
            self.respond(url).send(text=rendered.text, blocks=rendered.blocks,
                                   response_type="ephemeral")
        except (SlackClientError, OSError) as error:
            log.warning("could not tell why a call failed: %s", error)


def away(channel: str) -> Notice:
    """Why the bot cannot write in ``channel``, and what to do about it."""
    if channel.startswith("D"):
        return Notice("Hier kan ik niet schrijven: dit is een direct bericht tussen mensen. Gebruik "
                      "`/leidraad` in je eigen gesprek met mij (onder *Apps*, *Leidraadbot*) of in "
                      "een kanaal waarin ik zit.", Tone.WARNING)
    return Notice("Ik zit nog niet in dit kanaal, dus ik kan hier niets plaatsen en zie de "
                  "antwoorden in threads niet. Nodig me uit met `/invite @Leidraadbot` en probeer "
                  "het daarna opnieuw.", Tone.WARNING)


def thread_start(user: User, channel: str, thread_ts: str, deel: int | None,
                 again: bool = False) -> Inbound:
    """Start (or, ``again``, show) the gesprek in a channel's thread, for ``user``; shown again,
    its question is also sent to the channel so people find the thread."""
    team = user.id.split(":")[1]
    return Begin(user, thread_place(team, channel, thread_ts), start=Start(deel),
                 route={"channel": channel, "thread_ts": thread_ts, "broadcast": again})
