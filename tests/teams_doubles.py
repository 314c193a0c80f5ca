"""Local stand-ins for Teams: a fake Bot Connector (and Bot Framework's keys) on 127.0.0.1, and
activities as Teams sends them, posted to the bot's ``/api/messages``.

The activities follow the shapes of Teams' documentation and of the Teams SDK's models
(``microsoft_teams.api.activities``): ``from`` with ``aadObjectId``, ``conversation`` with
``conversationType`` and ``tenantId``, ``channelData`` with tenant, team and channel, mentions as
``<at>…</at>`` with an entity. The connector refuses what Teams refuses: cards outside Adaptive
Cards 1.5 or over the size budget (400 ``BadArgument``), a conversation that is closed to the bot
(403 ``BotNotInConversationRoster`` or ``ConversationBlockedByUser``, 404
``ConversationNotFound``), and answers 429 with ``Retry-After`` when told to.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from tests import adaptive_cards, look
from tests.slack_doubles import whole_body

TENANT = "tenant-1"
BOT = "28:bot-app-id"
APP_ID = "bot-app-id"
CHANNEL = "19:veiligheid@thread.tacv2"
TEAM = "19:team@thread.tacv2"
CLOSED = {"BotNotInConversationRoster": (403, "The bot is not part of the conversation roster."),
          "ConversationBlockedByUser": (403, "User blocked the conversation with the bot."),
          "ConversationNotFound": (404, "Conversation not found.")}
PEOPLE = {"anna": ("29:1anna", "Anna de Vries", "aad-anna"), "bram": ("29:1bram", "Bram Jansen", "aad-bram"),
          "cor": ("29:1cor", "Cor Smit", "aad-cor"), "piet": ("29:1piet", "Piet Bakker", "aad-piet"),
          "quinn": ("29:1quinn", "Quinn de Wit", "aad-quinn"), "zoe": ("29:1zoe", "Zoë Visser", "aad-zoe"),
          "lars": ("29:1lars", "Lars Mulder", "aad-lars"), "olaf": ("29:1olaf", "Olaf Peters", "aad-olaf"),
          "tina": ("29:1tina", "Tina Smit", "aad-tina")}


@dataclass
class Call:
    method: str
    path: str
    body: dict


@dataclass
class FakeConnector:
    """The Bot Connector of one Teams tenant, and the Bot Framework keys its tokens check with."""

    calls: list[Call] = field(default_factory=list)
    refusals: list[tuple[str, str]] = field(default_factory=list)
    expected: set[str] = field(default_factory=set)
    closed: dict[str, str] = field(default_factory=dict)  # conversation -> a code of CLOSED
    throttled: dict[str, int] = field(default_factory=dict)  # path part -> how many 429s first
    uploads: list[tuple[str, bytes, dict]] = field(default_factory=list)
    # the bot's messages as they are now: (conversation, activity id) -> the activity
    posted: dict[tuple[str, str], dict] = field(default_factory=dict)
    latency: float = 0.0  # how long the connector takes to answer each call, in seconds
    # Microsoft 365 tenants: each person's (by key of PEOPLE) and each channel's, where they are
    # not the one default TENANT; a roster or a new chat never crosses from one to another
    tenants: dict[str, str] = field(default_factory=dict)
    # told of each post as it comes in (False) and as it is answered (True)
    watchers: list[Callable[[str, dict, bool], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._ids = itertools.count(int(time.time() * 1000))
        self._changed = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # connections stay open between calls, as Teams' do
            disable_nagle_algorithm = True  # an answer goes out at once, as a real server's does

            def do_GET(self):
                if self.path.endswith("/.well-known/keys"):
                    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(fake.key.public_key()))
                    self._answer(200, {"keys": [public | {"kid": "test-key", "use": "sig", "alg": "RS256"}]})
                    return
                self._answer(*fake._get(self.path))

            def do_POST(self):
                raw = whole_body(self)
                if raw is None:
                    return
                body = json.loads(raw or b"{}")
                for watch in fake.watchers:  # a benchmark's clock: the call reached Teams now
                    watch(self.path, body, False)
                if fake.latency:
                    time.sleep(fake.latency)  # the connector's own time to answer, for benchmarks
                answer = fake._post(self.path, body)
                for watch in fake.watchers:  # and now Teams answers it
                    watch(self.path, body, True)
                self._answer(*answer)

            def do_PUT(self):
                body = whole_body(self)
                if body is None:
                    return
                if "/v3/conversations/" in self.path and "/activities/" in self.path:
                    self._answer(*fake._update(self.path, json.loads(body or b"{}")))
                    return
                fake._record(Call("PUT", self.path, {}))
                fake.uploads.append((self.path, body, dict(self.headers)))
                self._answer(201, {"id": "upload"})

            def _answer(self, status: int, body: dict, headers: dict | None = None):
                raw = json.dumps(body).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):
                """Quiet: the tests read the recorded calls."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.openid_url = self.url + "v1/.well-known/openidconfiguration"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> FakeConnector:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        unexpected = [r for r in self.refusals if r[0] not in self.expected]
        if unexpected and exc[0] is None:
            raise AssertionError(f"Teams would have refused: {unexpected}")

    def expect(self, *codes: str) -> None:
        self.expected.update(codes)

    # --- answers ----------------------------------------------------------------------------------

    def _record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def _refuse(self, status: int, code: str, message: str) -> tuple[int, dict]:
        with self._changed:
            self.refusals.append((code, message))
        return status, {"error": {"code": code, "message": message}}

    def _post(self, path: str, body: dict) -> tuple:
        for part, count in self.throttled.items():
            if part in path and count > 0:
                self.throttled[part] -= 1
                self._record(Call("POST (429)", path, body))
                return 429, {"error": {"code": "Throttled", "message": "Too many requests"}}, {
                    "Retry-After": "0.1"}
        conversation = path.split("/v3/conversations/", 1)[-1].split("/activities")[0]
        if path.rstrip("/").endswith("/v3/conversations"):
            tenant = body.get("tenantId") or (body.get("channelData") or {}).get("tenant", {}).get("id")
            channel_id = (body.get("channelData") or {}).get("channel", {}).get("id")
            for who in [m["id"] for m in body.get("members") or ()] + [channel_id] * bool(channel_id):
                if self.tenant_of(who) != tenant:  # a chat or a channel is in its own tenant
                    return self._refuse(403, "BotNotInConversationRoster",
                                        f"{who} is not in tenant {tenant}.")
            self._record(Call("create", path, body))
            channel = (body.get("channelData") or {}).get("channel", {}).get("id")
            if channel:  # a new post in a channel
                post = str(next(self._ids))
                return 201, {"id": f"{channel};messageid={post}", "activityId": post}
            return 201, {"id": f"a:personal-{body['members'][0]['id']}"}
        if conversation.split(";")[0] in self.closed:
            code = self.closed[conversation.split(";")[0]]
            return self._refuse(CLOSED[code][0], code, CLOSED[code][1])
        for attachment in body.get("attachments") or ():
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                problems = adaptive_cards.problems(attachment["content"])
                if problems:
                    return self._refuse(400, "BadArgument", "; ".join(problems)[:500])
        raw = json.dumps(body)
        if "\\ue000" in raw or "\\ue001" in raw or "/leidraad" in raw:  # our own bar: Teams takes it
            return self._refuse(400, "CommandNotForTeams", "a command written for another platform")
        if len(raw.encode()) > 100_000:
            return self._refuse(413, "MessageSizeTooBig", "Activity body too large")
        self._record(Call("send", conversation, body))
        _looked_at(body)
        sent = str(next(self._ids))
        with self._changed:
            self.posted[conversation, sent] = body
        return 201, {"id": sent}

    def _update(self, path: str, body: dict) -> tuple:
        """``PUT /v3/conversations/{id}/activities/{activityId}``: only a message the bot posted
        there, and only to a card Teams takes."""
        conversation, activity_id = path.split("/v3/conversations/", 1)[1].split("/activities/", 1)
        if (conversation, activity_id) not in self.posted:
            return self._refuse(404, "ActivityNotFoundInConversation",
                                "Message does not exist in the thread.")
        for attachment in body.get("attachments") or ():
            if problems := adaptive_cards.problems(attachment.get("content") or {}):
                return self._refuse(400, "BadArgument", "; ".join(problems)[:500])
        self._record(Call("update", conversation, body | {"id": activity_id}))
        _looked_at(body)
        with self._changed:
            self.posted[conversation, activity_id] = body
        return 200, {"id": activity_id}

    def tenant_of(self, who: str) -> str:
        """The tenant of a person (their key, Teams id or Entra id) or of a channel."""
        key = next((k for k, ids in PEOPLE.items() if who in (k, ids[0], ids[2])), who)
        return self.tenants.get(key, TENANT)

    def _get(self, path: str) -> tuple:
        conversation = path.split("/v3/conversations/", 1)[-1].split("/members/", 1)[0]
        member = path.rsplit("/members/", 1)[-1]
        for teams_id, name, aad in PEOPLE.values():
            if member in (teams_id, aad) and self.tenant_of(aad) == self.tenant_of(conversation):
                return 200, {"id": teams_id, "name": name, "aadObjectId": aad,
                             "tenantId": self.tenant_of(aad)}
        return 404, {"error": {"code": "MemberNotFoundInConversation", "message": "not found"}}

    # --- what the tests read ----------------------------------------------------------------------

    def sent(self, conversation: str | None = None) -> list[dict]:
        with self._changed:
            return [c.body for c in self.calls if c.method == "send"
                    and (conversation is None or c.path == conversation)]

    def wait_for(self, method: str, count: int, timeout: float = 15) -> list[Call]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while len([c for c in self.calls if c.method == method]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = Counter(c.method for c in self.calls)
                    raise AssertionError(f"{count} {method} expected: {seen}")
                self._changed.wait(left)
            return [c for c in self.calls if c.method == method]

    def token(self, service_url: str, audience: str = APP_ID, key=None) -> str:
        """A Bot Framework token for a request from Teams, signed with the fake's key."""
        now = int(time.time())
        return jwt.encode({"iss": "https://api.botframework.com", "aud": audience,
                           "serviceurl": service_url, "iat": now, "nbf": now, "exp": now + 3600},
                          key or self.key, algorithm="RS256", headers={"kid": "test-key"})


def card_texts(activity: dict) -> str:
    """Everything the cards of an activity say (texts and the titles of buttons), as one text."""
    return "\n".join(node.get("text") or node.get("title", "")
                     for node in adaptive_cards.nodes(activity.get("attachments", []))
                     if node.get("type") in ("TextRun", "TextBlock")
                     or ("title" in node and node.get("type", "").startswith("Action")))


class TeamsUser:
    """Builds activities as one person causes them in Teams, and posts them to the bot."""

    def __init__(self, bot_url: str, connector: FakeConnector, who: str = "anna",
                 token: str | None = "auto", channel: str = CHANNEL, team: str = TEAM):
        self.bot_url, self.connector = bot_url, connector
        self.teams_id, self.naam, self.aad = PEOPLE[who]
        self.tenant = connector.tenant_of(who)  # their organisation's Microsoft 365
        self.token = token
        self.channel_id, self.team_id = channel, team  # their gemeente's team and channel

    def _base(self, kind: str, conversation: dict, channel_data: dict | None = None) -> dict:
        now = datetime.now(UTC)
        return {"type": kind, "id": str(next(self.connector._ids)), "channelId": "msteams",
                "timestamp": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "localTimestamp": now.isoformat(timespec="milliseconds"), "locale": "nl-NL",
                "serviceUrl": self.connector.url,
                "from": {"id": self.teams_id, "name": self.naam, "aadObjectId": self.aad},
                "conversation": {"tenantId": self.tenant} | conversation,
                "recipient": {"id": BOT, "name": "Leidraadbot"},
                "channelData": {"tenant": {"id": self.tenant}} | (channel_data or {})}

    def personal(self) -> dict:
        return {"conversationType": "personal", "id": f"a:personal-{self.teams_id}"}

    def channel(self, post: str | None = None) -> tuple[dict, dict]:
        channel, team = self.channel_id, self.team_id
        conversation = {"isGroup": True, "conversationType": "channel",
                        "id": f"{channel};messageid={post}" if post else channel}
        data = {"teamsChannelId": channel, "teamsTeamId": team, "channel": {"id": channel},
                "team": {"id": team, "name": "Veiligheid"}}
        return conversation, data

    def message(self, text: str, where: str = "personal", post: str | None = None,
                mention_bot: bool = False, mentions: tuple[str, ...] = ()) -> dict:
        """A message: in the personal chat, a new post in the channel (``where="channel"``), or a
        reply under ``post``; naming the bot and ``mentions`` (people by key) with ``<at>``."""
        if where == "personal":
            activity = self._base("message", self.personal())
        else:
            conversation, data = self.channel(post)
            activity = self._base("message", conversation, data)
            if post is None:  # a new post: its conversation points at itself
                activity["conversation"]["id"] = f"{self.channel_id};messageid={activity['id']}"
            else:
                activity["replyToId"] = post
        entities = []
        if mention_bot:
            text = f"<at>Leidraadbot</at> {text}"
            entities.append({"type": "mention", "text": "<at>Leidraadbot</at>",
                             "mentioned": {"id": BOT, "name": "Leidraadbot"}})
        for key in mentions:
            teams_id, name, _ = PEOPLE[key]
            text = text.replace(f"@{key}", f"<at>{name}</at>")
            entities.append({"type": "mention", "text": f"<at>{name}</at>",
                             "mentioned": {"id": teams_id, "name": name}})
        entities.append({"type": "clientInfo", "locale": "nl-NL", "country": "NL",
                         "platform": "Web", "timezone": "Europe/Amsterdam"})
        return activity | {"text": text, "textFormat": "plain", "entities": entities}

    def edited(self, message: dict, text: str) -> dict:
        """The same message with its text changed, as Teams tells of it: a ``messageUpdate`` with
        the message's own id and ``editMessage``."""
        edit = self._base("messageUpdate", message["conversation"], message.get("channelData"))
        return edit | {"id": message["id"], "text": text, "textFormat": "plain",
                       "channelData": edit["channelData"] | {"eventType": "editMessage"}}

    def click(self, activity: dict, data: dict) -> dict:
        """A button of a card the bot sent (``Action.Submit``): a message with its data."""
        click = self._base("message", activity["conversation"], activity.get("channelData"))
        return click | {"value": data, "replyToId": activity.get("id", "1"),
                        "channelData": click["channelData"] | {"source": {"name": "message"}}}

    def press(self, activity: dict, action: dict) -> dict:
        """A button of a card the bot sent, as Teams sends its kind: a Universal Action
        (``Action.Execute``) as an ``adaptiveCard/action`` invoke; an ``Action.Submit`` as a
        message with its data."""
        if action["type"] != "Action.Execute":
            return self.click(activity, action["data"])
        return self.invoke("adaptiveCard/action", {"action": {
            "type": "Action.Execute", "verb": action["verb"], "data": action["data"]},
            "trigger": "manual"}, activity)

    def invoke(self, name: str, value: dict, activity: dict) -> dict:
        invoke = self._base("invoke", activity["conversation"], activity.get("channelData"))
        return invoke | {"name": name, "value": value, "replyToId": activity.get("id", "1")}

    def installed(self, where: str = "personal") -> dict:
        conversation, data = (self.personal(), {}) if where == "personal" else self.channel()
        members = [{"id": BOT}] + ([{"id": self.teams_id, "aadObjectId": self.aad}]
                                   if where == "personal" else [])
        activity = self._base("conversationUpdate", conversation, data | (
            {"eventType": "teamMemberAdded"} if where != "personal" else {}))
        return activity | {"membersAdded": members}

    def updated(self, action: str = "upgrade") -> dict:
        """The app installed (``add``) or updated (``upgrade``) in the personal chat."""
        return self._base("installationUpdate", self.personal()) | {"action": action}

    def send(self, activity: dict, token: str | None = "auto") -> tuple[int, dict | None]:
        token = self.connector.token(activity["serviceUrl"]) if token == "auto" else token
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.bot_url, data=json.dumps(activity).encode(),
                                         headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                raw = response.read()
                status, answer = response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            raw = error.read()
            return error.code, json.loads(raw) if raw else None
        dialog = ((answer or {}).get("task") or {}).get("value") if isinstance(answer, dict) else None
        if isinstance(dialog, dict) and "card" in dialog:  # a dialog's card: what Teams would refuse
            problems = adaptive_cards.problems(dialog["card"]["content"])
            if problems:
                self.connector._refuse(400, "DialogCardInvalid", "; ".join(problems)[:500])
            else:
                look.seen(dialog["card"]["content"])
        return status, answer


def _looked_at(activity: dict) -> None:
    """The cards Teams took, for the look at the end of the suite."""
    for attachment in activity.get("attachments") or ():
        if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
            look.seen(attachment["content"])


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
