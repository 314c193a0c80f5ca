"""Local stand-ins for Slack: a fake Web API on 127.0.0.1 that records calls, and signed requests.

The bot's own code runs unchanged: its WebClient is pointed at the fake (``SLACK_API_URL``), and
requests reach it through Bolt's signature verification exactly as Slack's would.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import secrets
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import websockets.exceptions
import websockets.sync.server

from tests import block_kit_limits as block_kit

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"
TEAM = "T1"
BOT_USER = "UBOT"
NAMES = {"U1": "Anna", "U2": "Bram", "U3": "Cor"}


_last_ts = [0.0]
_ts_lock = threading.Lock()


def next_ts() -> str:
    """A message timestamp as Slack makes them: its clock, in microseconds, unique."""
    with _ts_lock:
        _last_ts[0] = max(time.time(), _last_ts[0] + 0.000001)
        return f"{_last_ts[0]:.6f}"


class _Server(ThreadingHTTPServer):
    request_queue_size = 1024

    def handle_error(self, request, client_address) -> None:
        """A caller that hung up (a bot process stopped mid-call) is no error of the double's."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def trigger_id() -> str:
    """A trigger id in Slack's shape (``13345224609.738474920.8088930838d88f008e0``), new each time;
    the fake accepts it once, within ``TRIGGER_LIFETIME`` of now."""
    trigger = f"{int(time.time() * 1000)}.{next(_triggers)}.{secrets.token_hex(16)}"
    with _ts_lock:
        _issued[trigger] = time.monotonic()
    return trigger


_triggers = itertools.count(738474920)
_issued: dict[str, float] = {}  # trigger id -> when it was made
_exchanged: set[str] = set()
TRIGGER_LIFETIME = 3.0  # seconds: Slack's


def _exchange(trigger) -> str | None:
    """Use a trigger id up, as views.open does; Slack's error when it cannot be."""
    with _ts_lock:
        if trigger not in _issued:
            return "invalid_trigger_id"
        if trigger in _exchanged:
            return "exchanged_trigger_id"
        _exchanged.add(trigger)
        if time.monotonic() - _issued[trigger] > TRIGGER_LIFETIME:
            return "expired_trigger_id"
    return None


@dataclass
class Call:
    method: str
    params: dict


POSTING = {"chat.postMessage", "chat.postEphemeral", "chat.update", "files.completeUploadExternal"}
MESSAGES = {"chat.postMessage", "chat.postEphemeral", "chat.update", "cmd"}  # cmd: a response URL
UNSHOWN = ("\\ue000", "\\ue001")  # the marks of a typed command, as JSON writes them
TEXT_LIMIT = 4000  # our own bar for a message's fallback text (Slack truncates at 40,000)


def whole_body(handler: BaseHTTPRequestHandler) -> bytes | None:
    """A request's body; None when it came cut short (its sender died mid-request), which a
    server drops unread, as the platforms' do."""
    length = int(handler.headers.get("Content-Length", 0))
    data = handler.rfile.read(length)
    if len(data) < length:
        handler.close_connection = True
        return None
    return data


class FakeSlackApi:
    """Answers Web API calls like Slack and records them, in order.

    It refuses what Slack refuses, with Slack's error: blocks and views outside Block Kit's limits
    (``invalid_blocks``, ``msg_blocks_too_long``, ``invalid_arguments``), a trigger id that is
    unknown, used before or older than 3 seconds, a post in a channel the bot has not joined
    (``not_in_channel``; ``joined`` are the channels it is in at the start, and
    ``conversations.join`` joins a public one). Each refusal is recorded, and one the test did not
    ``expect`` fails it when the fake closes: every message, view and Home the bot makes is
    checked against the limits.
    """

    def __init__(self, latency: float = 0.0, joined=()):
        self.latency = latency  # how long Slack takes to answer each call, in seconds
        self.joined: set[str] = set(joined)  # channels the bot is a member of
        self.private: set[str] = set()  # private channels: the bot cannot join them itself
        self.foreign: set[str] = set()  # direct messages between people, not with the bot
        self.refusals: list[tuple[str, str, list[str]]] = []  # (method, error, details)
        self.expected: set[str] = set()  # errors a test provokes on purpose
        self.socket_url = ""  # where apps.connections.open sends Socket Mode (FakeSocketMode)
        self.calls: list[Call] = []
        self.posted: dict[tuple[str, str], dict] = {}  # (channel, ts): the bot's messages as they are now
        self.rate_limited: dict[str, int] = {}  # method -> how many 429s to answer first
        self.failing: dict[str, str] = {}  # method -> Slack error to answer with
        self.held: dict[str, threading.Event] = {}  # method -> answered only once the event is set
        self.stalled: dict[str, threading.Event] = {}  # method -> never answered nor delivered
        self.arrived = threading.Event()  # set when a stalled call came in
        # told of each call as it comes in (False) and as it is answered (True)
        self.watchers: list[Callable[[str, dict, bool], None]] = []
        self._ts = itertools.count(1)
        self._changed = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # connections stay open between calls, as Slack's do
            disable_nagle_algorithm = True  # an answer goes out at once, as a real server's does

            def do_GET(self):
                self._send(*fake.http("GET", self.path, "", b""))

            def do_POST(self):
                data = whole_body(self)
                if data is not None:
                    self._send(*fake.http("POST", self.path, self.headers.get("Content-Type", ""),
                                          data))

            def _send(self, status: int, body: bytes, headers: dict):
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                """Quiet: the tests read the recorded calls instead of a log."""

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/"
        self.response_url = f"http://127.0.0.1:{self.server.server_port}/response/cmd"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def http(self, verb: str, target: str, content_type: str, data: bytes) -> tuple[int, bytes, dict]:
        """One HTTP request to the fake (``target`` is the path with its query): the status,
        body and headers of its answer, as Slack gives them."""
        path, _, query = target.partition("?")
        if path.startswith("/upload/"):  # the file upload URL files_upload_v2 gets
            self._record("upload", {"file_id": path.rsplit("/", 1)[1], "content": data})
            return 200, b"OK", {}
        raw = data.decode()
        if content_type.startswith("application/json"):
            params = json.loads(raw or "{}")
        else:
            params = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
        params |= {k: v[0] for k, v in urllib.parse.parse_qs(query).items()}
        for name in ("blocks", "view"):
            if isinstance(params.get(name), str):
                params[name] = json.loads(params[name])
        method = path.rsplit("/", 1)[-1]
        status, body, headers = self._answer(method, params)
        if method == "cmd" and not body.get("ok"):  # a response URL answers in plain text
            return 400, body["error"].encode(), {}
        return status, json.dumps(body).encode(), headers | {"Content-Type": "application/json"}

    def __enter__(self) -> FakeSlackApi:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        unexpected = [r for r in self.refusals if r[1] not in self.expected]
        if unexpected and exc[0] is None:
            raise AssertionError(f"Slack would have refused: {unexpected}")

    def expect(self, *errors: str) -> None:
        """A test that provokes these errors on purpose: they do not fail it."""
        self.expected.update(errors)

    def hold(self, method: str) -> threading.Event:
        """Make calls of ``method`` wait until the returned event is set."""
        self.held[method] = threading.Event()
        return self.held[method]

    def _record(self, method: str, params: dict) -> None:
        with self._changed:
            self.calls.append(Call(method, params))
            self._changed.notify_all()

    def stall(self, method: str) -> threading.Event:
        """Let calls of ``method`` hang and then fail, as if they never reached Slack."""
        self.stalled[method] = threading.Event()
        return self.stalled[method]

    def _answer(self, method: str, params: dict) -> tuple[int, dict, dict]:
        for watch in self.watchers:  # a benchmark's clock: the call reached Slack now
            watch(method, params, False)
        if self.latency:
            time.sleep(self.latency)  # Slack's own time to answer, for benchmarks
        for watch in self.watchers:  # and now Slack answers it
            watch(method, params, True)
        if method in self.stalled:
            self.arrived.set()
            self.stalled[method].wait(timeout=30)
            return 503, {"ok": False, "error": "service_unavailable"}, {}
        if method in self.held:
            self.held[method].wait(timeout=30)
        with self._changed:
            if self.rate_limited.get(method, 0) > 0:
                self.rate_limited[method] -= 1
                self.calls.append(Call(method + " (429)", params))
                self._changed.notify_all()
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "0"}
            self.calls.append(Call(method, params))
            self._changed.notify_all()
        if method in self.failing:
            return 200, {"ok": False, "error": self.failing[method]}, {}
        refused = self._refusal(method, params)
        if refused:
            error, details = refused
            with self._changed:
                self.refusals.append((method, error, details))
            return 200, {"ok": False, "error": error, "errors": details,
                         "response_metadata": {"messages": [f"[ERROR] {d}" for d in details]}}, {}
        if method in MESSAGES and len(params.get("text") or "") > TEXT_LIMIT:
            with self._changed:  # Slack takes it, but our bar for a fallback is lower
                self.refusals.append((method, "text_over_4000", []))
        if any(mark in json.dumps(params) for mark in UNSHOWN):
            with self._changed:  # Slack takes it, but a command to type was never written out
                self.refusals.append((method, "typed_command_unshown", []))
        body: dict = {"ok": True}
        if method == "auth.test":
            body |= {"user_id": BOT_USER, "bot_id": "BBOT", "team_id": TEAM, "user": "leidraadbot"}
        elif method == "users.info":
            user = params.get("user", "")
            body["user"] = {"id": user, "name": user.lower(),
                            "profile": {"display_name": NAMES.get(user, user)}}
        elif method == "chat.postMessage":
            body |= {"channel": params.get("channel"), "ts": next_ts()}
            params["ts"] = body["ts"]  # recorded as the message Slack now holds
            with self._changed:
                self.posted[params["channel"], body["ts"]] = params
        elif method == "chat.update":
            body |= {"channel": params["channel"], "ts": params["ts"], "text": params.get("text", "")}
            with self._changed:
                self.posted[params["channel"], params["ts"]] = params
        elif method == "apps.connections.open":
            body["url"] = self.socket_url
        elif method == "conversations.join":
            warning = params["channel"] in self.joined
            self.joined.add(params["channel"])
            body["channel"] = {"id": params["channel"], "is_member": True}
            if warning:
                body |= {"warning": "already_in_channel",
                         "response_metadata": {"warnings": ["already_in_channel"]}}
        elif method == "files.getUploadURLExternal":
            body |= {"upload_url": self.url.replace("/api/", "/upload/F1"), "file_id": "F1"}
        elif method == "files.completeUploadExternal":
            body["files"] = [{"id": "F1", "title": "bestand"}]
        elif method == "conversations.open":
            body["channel"] = {"id": "D" + str(params.get("users", "X"))}
        elif method in ("views.open", "views.publish"):
            view = params["view"] if isinstance(params["view"], dict) else json.loads(params["view"])
            params["view"] = view
            view["id"], view["hash"] = f"V{next(self._ts)}", f"{int(time.time())}.h{next(self._ts)}"
            body["view"] = view
        return 200, body, {}

    def _refusal(self, method: str, params: dict) -> tuple[str, list[str]] | None:
        """Slack's error for a call it refuses, with its details; None for one it takes."""
        channel = str(params.get("channel") or params.get("channel_id") or "")
        if method in POSTING and channel:
            if channel in self.foreign:
                return "channel_not_found", []
            if channel[0] in "CG" and channel not in self.joined:
                return "not_in_channel", []
        if method == "conversations.join" and (channel in self.private or channel[:1] == "G"):
            return "method_not_supported_for_channel_type", []
        if method == "chat.update" and (channel, str(params.get("ts"))) not in self.posted:
            return "message_not_found", []  # Slack changes only a message it holds, where it is
        if method in MESSAGES:
            blocks = params.get("blocks")
            if not params.get("text") and not blocks:
                return "no_text", []
            if blocks is not None:
                if problems := block_kit.message_problems(blocks):
                    return "invalid_blocks", problems
                if block_kit.block_text(blocks) > block_kit.MESSAGE_BLOCK_TEXT:
                    return "msg_blocks_too_long", []
        if method in ("views.open", "views.publish", "views.update"):
            if method == "views.open" and (error := _exchange(params.get("trigger_id"))):
                return error, []
            if problems := block_kit.view_problems(params["view"]):
                return "invalid_arguments", problems
        return None

    def named(self, method: str) -> list[dict]:
        with self._changed:
            return [c.params for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int, timeout: float = 15) -> list[dict]:
        """Block until ``count`` calls of ``method`` arrived (for a bot in another process)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len([c for c in self.calls if c.method == method]) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    counts = Counter(c.method for c in self.calls)
                    raise AssertionError(f"{method}: {count} calls expected; calls so far: {counts}")
                self._changed.wait(remaining)
        return self.named(method)

    def wait_until(self, condition, timeout: float = 60) -> None:
        """Block until ``condition()`` holds, looking again after every call that arrives (for a
        bot in another process, whose work shows in the calls it makes)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"not reached in {timeout} s")
                self._changed.wait(min(remaining, 1.0))

    def clear(self) -> None:
        with self._changed:
            self.calls.clear()


class FakeSocketMode:
    """Slack's side of Socket Mode on 127.0.0.1: the app connects (the URL comes from
    ``apps.connections.open`` on ``api``), gets ``hello``, then the envelopes ``send`` puts on the
    socket; each acknowledgement (``{"envelope_id": …}``) is recorded with the time it came."""

    def __init__(self, api: FakeSlackApi):
        self.api = api
        self.acks: dict[str, float] = {}  # envelope id -> perf_counter() of its ack
        self._sent: dict[str, float] = {}
        self._changed = threading.Condition()
        self._socket = None
        self._connected = threading.Event()
        self.server = websockets.sync.server.serve(self._serve, "127.0.0.1", 0)
        api.socket_url = f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/link"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeSocketMode:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()

    def _serve(self, socket) -> None:
        socket.send(json.dumps({"type": "hello", "num_connections": 1,
                                "debug_info": {"host": "applink-1", "approximate_connection_time": 18060},
                                "connection_info": {"app_id": "A1"}}))
        self._socket = socket
        self._connected.set()
        try:
            for message in socket:
                envelope_id = json.loads(message).get("envelope_id")
                with self._changed:
                    self.acks[envelope_id] = time.perf_counter()
                    self._changed.notify_all()
        except websockets.exceptions.ConnectionClosed:
            pass  # the app went away, as apps do

    def wait_connected(self, timeout: float = 15) -> None:
        if not self._connected.wait(timeout):
            raise AssertionError("the app did not connect")

    def send(self, kind: str, payload: dict, retry: int = 0) -> str:
        """Put one envelope on the socket (``events_api``, ``slash_commands``, ``interactive``)."""
        envelope_id = secrets.token_hex(16)
        envelope = {"envelope_id": envelope_id, "payload": payload, "type": kind,
                    "accepts_response_payload": kind != "events_api"}
        if kind == "events_api":
            envelope |= {"retry_attempt": retry, "retry_reason": "timeout" if retry else ""}
        self._sent[envelope_id] = time.perf_counter()
        self._socket.send(json.dumps(envelope))
        return envelope_id

    def ack_seconds(self, envelope_id: str) -> float:
        return self.acks[envelope_id] - self._sent[envelope_id]

    def wait_acks(self, envelope_ids, timeout: float = 30) -> None:
        """Block until every envelope in ``envelope_ids`` is acknowledged."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while missing := [e for e in envelope_ids if e not in self.acks]:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"{len(missing)} envelopes not acknowledged")
                self._changed.wait(remaining)


def signed_headers(body: str, secret: str = SIGNING_SECRET, timestamp: int | None = None,
                   content_type: str = "application/x-www-form-urlencoded") -> dict:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}",
            "Content-Type": content_type}


def post(url: str, body: str, headers: dict) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class SlackUser:
    """Builds Slack payloads as one person would cause them, and sends them signed.

    The shapes are those of slack-bolt's and python-slack-sdk's own test suites (see
    ``tests/scenario_tests`` there): events with ``authorizations`` naming the installation and
    ``is_ext_shared_channel``, clicks with their ``container``, modals with ``state.values`` where
    an input left empty is ``null``. ``team`` is the person's own organisation: in a shared channel
    (Slack Connect) another one than the installation's ``TEAM``, which ``authorizations`` names.
    """

    def __init__(self, events_url: str, api: FakeSlackApi, user: str = "U1", team: str = TEAM):
        self.events_url, self.api, self.user, self.team = events_url, api, user, team
        self._ts = itertools.count(1)

    def _ts_next(self) -> str:
        return next_ts()

    def send_form(self, fields: dict, **sign) -> tuple[int, str]:
        body = urllib.parse.urlencode(fields)
        return post(self.events_url, body, signed_headers(body, **sign))

    def send_event(self, event: dict, event_id: str | None = None, retry: int | None = None,
                   **sign) -> tuple[int, str]:
        return post(self.events_url, *self.event_request(event, event_id, retry, **sign))

    def event_request(self, event: dict, event_id: str | None = None, retry: int | None = None,
                      **sign) -> tuple[str, dict]:
        """The body and signed headers of an Events API request carrying ``event``."""
        channel = event.get("channel", "")
        payload = {
            "token": "x", "team_id": self.team, "context_team_id": self.team,
            "context_enterprise_id": None, "api_app_id": "A1", "event": event,
            "type": "event_callback", "event_id": event_id or f"Ev{next(self._ts)}",
            "event_time": int(time.time()),
            "authorizations": [{"enterprise_id": None, "team_id": TEAM, "user_id": BOT_USER,
                                "is_bot": True, "is_enterprise_install": False}],
            "is_ext_shared_channel": self.team != TEAM,
            "event_context": f"4-{event['type']}-{TEAM}-{channel}",
        }
        body = json.dumps(payload)
        headers = signed_headers(body, content_type="application/json", **sign)
        if retry is not None:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return body, headers

    def _typed(self, text: str) -> dict:
        """What every message a person typed carries: who, their organisation, the text in both
        forms, and Slack's timestamp of it."""
        ts = self._ts_next()
        return {"client_msg_id": secrets.token_hex(8), "type": "message", "text": text,
                "user": self.user, "ts": ts, "team": self.team, "user_team": self.team,
                "source_team": self.team,
                "blocks": [{"type": "rich_text", "block_id": secrets.token_hex(2), "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}]}]}

    def message_event(self, text: str, channel: str = "C1", thread_ts: str | None = None) -> dict:
        """A message event as Slack sends it, stamped with Slack's clock now; in a thread under
        a message of the bot (its gesprek thread)."""
        event = self._typed(text) | {"channel": channel, "channel_type": _channel_type(channel)}
        event["event_ts"] = event["ts"]
        if thread_ts:
            event |= {"thread_ts": thread_ts, "parent_user_id": BOT_USER}
        return event

    def stream(self, texts: list[str], interval: float, **where) -> list[int]:
        """Send a message per text, ``interval`` seconds apart and in order, the way Slack
        delivers a fast typist's messages: each request goes out without waiting for the answer
        to the one before. Returns the HTTP status of each."""
        url = urllib.parse.urlsplit(self.events_url)
        connections = []
        start = time.perf_counter()
        for n, text in enumerate(texts):
            while time.perf_counter() < start + n * interval:  # the pace of the load, not a wait
                continue
            body, headers = self.event_request(self.message_event(text, **where))
            connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
            connection.request("POST", url.path, body=body.encode(), headers=headers)
            connections.append(connection)
        statuses = []
        for connection in connections:
            statuses.append(connection.getresponse().status)
            connection.close()
        return statuses

    def command(self, text: str, channel: str = "C1", **sign) -> tuple[int, str]:
        return self.send_form(self.command_fields(text, channel), **sign)

    def command_fields(self, text: str, channel: str = "C1") -> dict:
        """The form fields of a slash command as Slack posts them (every value a string)."""
        names = {"D": "directmessage", "G": "mpdm-anna--bram--cor-1"}
        return {
            "token": "x", "team_id": self.team, "team_domain": "gemeente", "channel_id": channel,
            "channel_name": names.get(channel[0], "veiligheid"), "user_id": self.user,
            "user_name": NAMES.get(self.user, self.user).lower(), "command": "/leidraad",
            "text": text, "api_app_id": "A1", "is_enterprise_install": "false",
            "response_url": self.api.response_url, "trigger_id": trigger_id(),
        }

    def say(self, text: str, channel: str = "C1", thread_ts: str | None = None, ts: str | None = None,
            **extra) -> tuple[str, tuple[int, str]]:
        event = self.message_event(text, channel, thread_ts) | extra
        if ts:
            event["ts"] = event["event_ts"] = ts
        return event["ts"], self.send_event(event)

    def edit(self, original: dict, text: str) -> tuple[int, str]:
        """Change the text of a message sent before (``message_changed``: the event names the
        message, as it is now and as it was)."""
        now = self._ts_next()
        keep = {k: original[k] for k in ("type", "user", "team", "ts", "thread_ts",
                                          "client_msg_id") if k in original}
        event = {"type": "message", "subtype": "message_changed", "hidden": True,
                 "message": keep | {"text": text, "edited": {"user": self.user, "ts": now},
                                    "blocks": self._typed(text)["blocks"]},
                 "previous_message": keep | {"text": original["text"],
                                             "blocks": original["blocks"]},
                 "channel": original["channel"], "ts": now, "event_ts": now,
                 "channel_type": original["channel_type"]}
        return self.send_event(event)

    def mention(self, text: str, channel: str = "C1") -> tuple[int, str]:
        event = self._typed(f"<@{BOT_USER}> {text}") | {"type": "app_mention", "channel": channel}
        event["event_ts"] = event["ts"]
        return self.send_event(event)

    # --- interactivity ----------------------------------------------------------------------------

    def _interaction(self, kind: str, **fields) -> dict:
        return {"type": kind, "user": {"id": self.user, "username": self.user.lower(),
                                       "name": self.user.lower(), "team_id": self.team},
                "api_app_id": "A1", "token": "x", "trigger_id": trigger_id(),
                "team": {"id": self.team, "domain": "gemeente"}, "enterprise": None,
                "is_enterprise_install": False} | fields

    def _action(self, action_id: str, element: dict) -> dict:
        return {"action_id": action_id, "block_id": secrets.token_hex(2),
                "text": element.get("text") or {"type": "plain_text", "text": "Klik"},
                "value": element.get("value", ""), "type": "button", "action_ts": self._ts_next()}

    def _click_on(self, message: dict, element: dict) -> tuple[int, str]:
        """Click ``element`` on ``message``: one the bot posted (it has a ``ts``), or one only the
        clicker saw (an ephemeral message, an answer to a command), which Slack does not send."""
        channel = message.get("channel") or "C1"
        if "ts" in message:  # chat.postMessage
            container = {"type": "message", "message_ts": message["ts"], "channel_id": channel,
                         "is_ephemeral": False}
            posted = {"message": {"bot_id": "BBOT", "type": "message", "text": message["text"],
                                  "user": BOT_USER, "ts": message["ts"], "app_id": "A1",
                                  "blocks": message["blocks"], "team": TEAM}}
            if message.get("thread_ts"):
                container["thread_ts"] = posted["message"]["thread_ts"] = message["thread_ts"]
        else:
            container = {"type": "message", "message_ts": self._ts_next(), "channel_id": channel,
                         "is_ephemeral": True}
            if message.get("thread_ts"):
                container["thread_ts"] = message["thread_ts"]
            posted = {}
        payload = self._interaction(
            "block_actions", container=container, channel={"id": channel, "name": "veiligheid"},
            state={"values": {}}, response_url=self.api.response_url,
            actions=[self._action(element["action_id"], element)], **posted)
        return self.send_form({"payload": json.dumps(payload)})

    def click(self, message: dict, command: str, channel: str | None = None) -> tuple[int, str]:
        """Click the button for ``command`` on a message the bot posted or answered with."""
        element = next(e for b in message["blocks"] if b["type"] == "actions"
                       for e in b["elements"] if json.loads(e["value"])["cmd"] == command)
        return self._click_on(message if channel is None else message | {"channel": channel},
                              element)

    def click_stand(self, nummer: int, message: dict | None = None) -> tuple[int, str]:
        """*Stand van zaken bijwerken* for #nummer, on ``message`` (by default the last answer
        to a command in C1 that has the button)."""
        if message is None:
            message = next(m | {"channel": "C1"} for m in reversed(self.api.named("cmd"))
                           if _stand_button(m, nummer))
        return self._click_on(message, _stand_button(message, nummer))

    def open_home(self) -> tuple[int, str]:
        now = self._ts_next()
        return self.send_event({"type": "app_home_opened", "user": self.user, "channel": "D0",
                                "tab": "home", "event_ts": now})

    def click_home_continue(self, view: dict) -> tuple[int, str]:
        """Click *Verder met het gesprek* on the first gemeente of a published App Home view (a
        view, not a message: the payload has no channel, no message and no response URL)."""
        element = next(b["accessory"] for b in view["blocks"]
                       if b.get("accessory", {}).get("action_id") == "leidraad_home_continue")
        payload = self._interaction(
            "block_actions", container={"type": "view", "view_id": view["id"]},
            view=_echoed(view, self.team, {}), actions=[self._action(element["action_id"], element)])
        return self.send_form({"payload": json.dumps(payload)})

    def submit(self, view: dict, values: dict[str, str]) -> tuple[int, dict | str]:
        """Fill in a modal the bot opened (``values`` by block id) and submit it; every input not
        filled in is there with ``null``, as Slack sends it."""
        state = {}
        for block in view["blocks"]:
            if block["type"] != "input":
                continue
            value, kind = values.get(block["block_id"]), block["element"]["type"]
            key = {"static_select": "selected_option", "users_select": "selected_user",
                   "datepicker": "selected_date"}.get(kind, "value")
            if kind == "static_select" and value is not None:
                value = {"text": {"type": "plain_text", "text": value}, "value": value}
            state[block["block_id"]] = {block["element"]["action_id"]: {"type": kind, key: value}}
        payload = self._interaction("view_submission", view=_echoed(view, self.team, state),
                                    response_urls=[])
        status, body = self.send_form({"payload": json.dumps(payload)})
        return status, json.loads(body) if body.startswith("{") else body


def _channel_type(channel: str) -> str:
    return {"D": "im", "G": "mpim"}.get(channel[0], "channel")


def _stand_button(message: dict, nummer: int) -> dict | None:
    return next((element for block in message["blocks"]
                 for element in [block.get("accessory"), *block.get("elements", [])]
                 if isinstance(element, dict) and element.get("action_id") == "leidraad_punt_bijwerken"
                 and element.get("value", "").split("|")[0] == str(nummer)), None)


def _echoed(view: dict, team: str, state: dict) -> dict:
    """A view as Slack sends it back: what the bot gave, with Slack's own fields."""
    return {**view, "team_id": team, "state": {"values": state}, "previous_view_id": None,
            "root_view_id": view["id"], "app_id": "A1", "external_id": "",
            "app_installed_team_id": TEAM, "bot_id": "BBOT", "clear_on_close": False,
            "notify_on_close": False}
