"""Teams' side of the inbox and outbox: people and addresses before a message is handled, the
replies as Bot Connector calls after.

Where a reply goes: into the conversation the message came from; in a channel, into the reply
chain of the post (a command's post, or the gesprek's). A new gesprek in a channel gets a post of
its own first. An export goes to the asker's personal chat, as a file to accept (Teams' file
consent card). All replies to one message go as one activity when they fit, so the conversation
gets one request, not several (Teams allows a few per second per conversation).
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
from dataclasses import replace
from datetime import UTC, datetime

import httpx

from bot.adapters.dashboard import SignIn, with_links
from bot.adapters.seal import Seal
from bot.adapters.teams.connector import Connector
from bot.core.messages import (
    Begin,
    Command,
    Edited,
    Inbound,
    Place,
    PlaceKind,
    Said,
    Start,
    User,
    timestamp_key,
)
from bot.core.replies import (
    ExportFile,
    FormErrors,
    Notice,
    QuestionDone,
    QuestionPrompt,
    Reply,
    StartThread,
    Tell,
    form_errors_said,
    gesprek_again,
)
from bot.core.text import whole_number
from bot.export import document
from bot.render.teams import ACTED_ON, CARD_BUDGET, OFFER, cards, done_card, summary
from bot.service.outbox import Call, CannotSend, Out, Sent, TryLater
from dialogues.content import Ontwikkelplan
from store import Store

log = logging.getLogger(__name__)

CARD = "application/vnd.microsoft.card.adaptive"
CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"


def activity(attachments: list[dict], summary: str = "") -> dict:
    """A message activity with these cards; ``summary`` is what a notification shows."""
    return {"type": "message", "attachmentLayout": "list", "summary": summary[:250] or None,
            "attachments": [{"contentType": CARD, "content": c} for c in attachments]}


def packed(replies: list[Reply], addressed: bool = False) -> list[tuple[list[dict], str, int | None]]:
    """The cards of the replies, as few activities as fit (each under the budget): the cards, a
    summary, and the ask of the question among them (for ``asked``). ``addressed``: for a channel
    or group chat, where commands to type name the bot."""
    result: list[tuple[list[dict], str, int | None]] = []
    size = CARD_BUDGET
    for reply in replies:
        asked = reply.asked_id if isinstance(reply, QuestionPrompt) else None
        for card in cards(reply, addressed):
            card_size = len(json.dumps(card, ensure_ascii=False).encode())
            if size + card_size > CARD_BUDGET:
                result.append(([], summary(reply, addressed), None))
                size = 0
            result[-1][0].append(card)
            size += card_size
            if asked:
                result[-1] = (result[-1][0], result[-1][1], asked)
    return result


class TeamsPlatform:
    def __init__(self, connector: Connector, store: Store, plan: Ontwikkelplan, seal: Seal,
                 sign_in: SignIn | None = None):
        self.connector = connector
        self.store = store
        self.plan = plan
        self.seal = seal  # a file offer's context comes back sealed
        self.sign_in = sign_in  # the dashboard's links, where it is on the web
        self._people: dict[str, User] = {}

    # --- before handling --------------------------------------------------------------------------

    def expect(self, inbounds: list[Inbound]) -> None:
        """Nothing to look up ahead: Teams sends the sender's name with the message."""

    def keep(self, inbound: Inbound) -> None:
        """Remember how to reach the sender and the channel later (reminders, files)."""
        remember(self.store, inbound.user, inbound.route)

    def prepare(self, inbound: Inbound) -> Inbound:
        """Name the people mentioned by their Entra object id (the id a mention gives is their
        Teams id)."""
        people = tuple(self._person(inbound, m) for m in inbound.mentions)

        def renamed(text: str) -> str:
            for old, new in zip(inbound.mentions, people, strict=True):
                text = text.replace(f"<@{old.id}>", f"<@{new.id}>")
            return text

        if isinstance(inbound, Said | Command | Edited):
            return replace(inbound, text=renamed(inbound.text), mentions=people)
        return replace(inbound, mentions=people)

    def _person(self, inbound: Inbound, mentioned: User) -> User:
        """Someone mentioned (by Teams id) or picked (by Entra object id), looked up once."""
        if mentioned.id not in self._people:
            route = inbound.route
            try:
                found = self.connector.member(route["service_url"], route["conversation"],
                                              mentioned.id.split(":", 2)[2])
            except (TryLater, CannotSend) as failure:
                log.warning("%s not found in the conversation: %s", mentioned.id, failure)
                return mentioned
            self._people[mentioned.id] = User(
                f"teams:{route['tenant']}:{found.get('aadObjectId') or found.get('id')}",
                found.get("name") or mentioned.naam)
        return self._people[mentioned.id]

    # --- replies into calls -----------------------------------------------------------------------

    def deliver(self, inbound: Inbound, replies: list[Reply], out: Out) -> None:
        replies = with_links(replies, self.sign_in, inbound.user, datetime.now(UTC))
        route = inbound.route
        for reply in replies:
            if isinstance(reply, StartThread):
                self._start_thread(inbound, reply, out)
            elif isinstance(reply, ExportFile):
                self._offer_file(inbound, reply, out)
            elif isinstance(reply, FormErrors):
                self.deliver(inbound, [form_errors_said(reply)], out)
            elif isinstance(reply, QuestionDone):  # its message loses its buttons, for everyone
                out.call({"method": "update", "closes": reply.asked_id, "outcome": reply.outcome})
            elif isinstance(reply, Tell):  # in someone else's own chat with the bot
                self.announce(reply.person, reply.gemeente_id, list(reply.replies), out)
        shown = [r for r in replies if not isinstance(r, ACTED_ON)]
        for attachments, said, asked in packed(shown, route.get("kind", "personal") != "personal"):
            out.call({"method": "send", "service_url": route["service_url"], "tenant": route["tenant"],
                      "conversation": conversation_of(route), "activity": activity(attachments, said),
                      "asked": asked})

    def announce(self, to: str, gemeente_id: int, replies: list[Reply], out: Out,
                 in_channel: bool = False) -> None:
        """A new post in the gemeente's channel, or a message in someone's personal chat with the
        bot, through the addresses stored when Teams last spoke to us (``send`` finds them)."""
        for attachments, said, _ in packed(replies, addressed=in_channel):
            out.call({"method": "announce", "to": to, "in_channel": in_channel,
                      "gemeente_id": gemeente_id, "activity": activity(attachments, said)})

    def _start_thread(self, inbound: Inbound, start: StartThread, out: Out) -> None:
        """A gesprek in a channel lives in a reply chain: post its first message, then start
        under it (or, when one is going, ask its question again there)."""
        route = inbound.route
        if start.existing:
            out.then(thread_start(inbound.user, route, start.existing.rsplit(":", 1)[1], start.deel))
            self.deliver(inbound, [gesprek_again("reeks")], out)
            return
        anchor = Notice(f"Checklist sturing voor gemeente {start.gemeente}, gestart door "
                        f"{inbound.user.naam}. Beantwoord de vragen in de reacties op dit bericht; "
                        "iedereen in het kanaal kan meedoen.")
        out.call({"method": "post", "service_url": route["service_url"], "tenant": route["tenant"],
                  "channel": route["channel"], "activity": activity(cards(anchor, True), anchor.text),
                  "start": {"user": inbound.user.id, "naam": inbound.user.naam, "deel": start.deel,
                            "route": route}})

    def _offer_file(self, inbound: Inbound, export: ExportFile, out: Out) -> None:
        """An export: a file the asker accepts in their personal chat (the only place where Teams
        takes a file from a bot); once accepted (``route["upload"]``), the file itself."""
        route = inbound.route
        content = document(export, self.plan)
        upload = route.get("upload")
        if upload:
            info = {"contentType": FILE_INFO, "contentUrl": upload["contentUrl"], "name": upload["name"],
                    "content": {"uniqueId": upload["uniqueId"], "fileType": upload["fileType"]}}
            out.call({"method": "upload", "url": upload["uploadUrl"],
                      "content": base64.b64encode(content).decode(), "service_url": route["service_url"],
                      "tenant": route["tenant"], "conversation": route["conversation"],
                      "activity": {"type": "message", "attachments": [info]}})
            return
        consent = {"contentType": CONSENT, "name": export.filename, "content": {
            "description": export.title, "sizeInBytes": len(content),
            "acceptContext": {"verzegeld": self.seal.close(OFFER, inbound.user.id, {
                "gemeente": export.data.summary.gemeente, "format": export.format,
                "offer": secrets.token_hex(8)})},  # one offer: accepted once
            "declineContext": {"format": export.format}}}
        if inbound.place.kind is not PlaceKind.DIRECT:
            self.deliver(inbound, [Notice(f"{export.title}: ik bied het bestand aan in je "
                                          "persoonlijke chat met mij.")], out)
        out.call({"method": "offer", "user": inbound.user.id, "tenant": route["tenant"],
                  "activity": {"type": "message", "attachments": [consent]}})

    # --- calls to Teams ---------------------------------------------------------------------------

    def send(self, call: Call) -> Sent:
        method = call["method"]
        if method == "send":
            sent = self.connector.send(call["service_url"], call["conversation"], call["activity"],
                                       call["tenant"])
            kept = {key: call[key] for key in ("service_url", "conversation", "tenant", "activity")}
            return Sent(posted_at=_posted_at(sent),  # a question: kept, to take its buttons off later
                        message=json.dumps(kept | {"id": sent}) if call.get("asked") else None)
        if method == "update":  # a question's message, as the outbox found it kept
            message = json.loads(call["message"])
            self.connector.update(message["service_url"], message["conversation"], message["id"],
                                  done_with(message["activity"], call["outcome"]), message["tenant"])
            return Sent()
        if method == "post":
            post = self.connector.post(call["service_url"], call["channel"], call["tenant"],
                                       call["activity"])
            starter = call["start"]
            return Sent(then=(thread_start(User(starter["user"], starter["naam"]), starter["route"],
                                           post.rsplit("=", 1)[-1], starter["deel"]),))
        if method == "offer":
            chat = self.personal_chat(call["user"])
            self.connector.send(chat["service_url"], chat["chat"], call["activity"], call["tenant"])
            return Sent()
        if method == "announce":
            where = self._where(call["to"], call["gemeente_id"], call["in_channel"])
            self.connector.send(where["service_url"], where["conversation"], call["activity"],
                                where["tenant"])
            return Sent()
        if method == "upload":
            _upload(call["url"], base64.b64decode(call["content"]))
            self.connector.send(call["service_url"], call["conversation"], call["activity"],
                                call["tenant"])
            return Sent()
        raise CannotSend(f"unknown call {method}")

    def _where(self, to: str, gemeente_id: int, in_channel: bool) -> dict:
        """The conversation an announcement goes into: the channel (a new post), or the personal
        chat of someone who may never have written to the bot (then found in the gemeente's
        channel by their Entra id)."""
        if in_channel:
            address = self.store.messaging.address(to)
            if address is None:
                raise CannotSend(f"no address for {to}")
            return address | {"conversation": address["channel"]}
        if self.store.messaging.address(to) is None:
            channel = self.store.gemeenten.channel(gemeente_id)
            address = self.store.messaging.address(channel) if channel else None
            if address is None:
                raise CannotSend(f"no address for {to}")
            member = self.connector.member(address["service_url"], address["channel"],
                                           to.rsplit(":", 1)[-1])
            with self.store.transaction():
                self.store.messaging.remember_address(to, {
                    "service_url": address["service_url"], "tenant": address["tenant"],
                    "teams_id": member["id"], "bot": address.get("bot", "")},
                    datetime.now(UTC).isoformat())
        address = self.personal_chat(to)
        return address | {"conversation": address["chat"]}

    def personal_chat(self, user_id: str) -> dict:
        """The address of someone's personal chat with the bot (made when there is none yet)."""
        address = self.store.messaging.address(user_id)
        if address is None:
            raise CannotSend(f"no address for {user_id}")
        if "chat" not in address:
            address["chat"] = self.connector.open_chat(address["service_url"], address["tenant"],
                                                       address["teams_id"], address["bot"])
            with self.store.transaction():
                self.store.messaging.remember_address(user_id, address, datetime.now(UTC).isoformat())
        return address


def remember(store: Store, user: User, route: dict) -> None:
    """How to reach ``user`` (their Teams id, their personal chat) and the channel of ``route``
    later, for reminders and files; the newest reference wins, and their personal chat is kept
    when they write elsewhere. Written only when it changed: most messages cost no commit here."""
    wanted: dict[str, dict] = {}
    if route.get("teams_id"):
        chat = (route["conversation"] if route["kind"] == "personal"
                else (store.messaging.address(user.id) or {}).get("chat"))
        wanted[user.id] = {"service_url": route["service_url"], "tenant": route["tenant"],
                           "teams_id": route["teams_id"], "bot": route["bot"],
                           **({"chat": chat} if chat else {})}
    if route.get("kind") in ("channel", "groupChat"):  # where a gemeente's channel can be
        wanted[f"teams:{route['tenant']}:{route['channel']}"] = {
            "service_url": route["service_url"], "tenant": route["tenant"],
            "channel": route["channel"], "bot": route["bot"]}
    changed = {key: reference for key, reference in wanted.items()
               if store.messaging.address(key) != reference}
    if changed:
        now = datetime.now(UTC).isoformat()
        with store.transaction():
            for key, reference in changed.items():
                store.messaging.remember_address(key, reference, now)


def conversation_of(route: dict) -> str:
    """Where the replies to a message go: its reply chain in a channel, else its conversation."""
    if route["kind"] == "channel" and route.get("thread"):
        return f"{route['channel']};messageid={route['thread']}"
    return route["conversation"]


def thread_start(user: User, route: dict, post: str, deel: int | None) -> Inbound:
    """Start (or show) the gesprek in the reply chain of a channel's post, for ``user``."""
    key = f"teams:{route['tenant']}:{route['channel']}"
    return Begin(user, Place(PlaceKind.THREAD, f"{key}:{post}", channel=key), start=Start(deel),
                 route={**route, "thread": post, "conversation": f"{route['channel']};messageid={post}"})


def done_with(posted: dict, outcome: str) -> dict:
    """A question's message as it was posted, without its buttons, with what happened to it."""
    cards = [done_card(a["content"], outcome) for a in posted["attachments"]]
    return activity(cards, outcome)


def _posted_at(activity_id: str) -> str:
    """Teams' time of a message it just took: its id is that time in milliseconds."""
    if (millis := whole_number(activity_id, 15)) is not None:
        return timestamp_key(millis / 1000)
    return timestamp_key(datetime.now(UTC))


def _upload(url: str, content: bytes) -> None:
    """Put a file at the upload URL Teams gave (OneDrive's upload session), in one piece."""
    size = len(content)
    try:
        response = httpx.put(url, content=content, timeout=60, headers={
            "Content-Range": f"bytes 0-{size - 1}/{size}", "Content-Length": str(size)})
    except httpx.TransportError as error:
        raise TryLater(str(error) or type(error).__name__) from error
    if response.status_code >= 500:
        raise TryLater(f"upload: HTTP {response.status_code}")
    if response.status_code not in (200, 201):
        raise CannotSend(f"upload: HTTP {response.status_code}")
