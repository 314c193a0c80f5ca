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
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests import block_kit

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
TEXT_LIMIT = 4000  # our own bar for a message's fallback text (Slack truncates at 40,000)


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
        self.calls: list[Call] = []
        self.rate_limited: dict[str, int] = {}  # method -> how many 429s to answer first
        self.failing: dict[str, str] = {}  # method -> Slack error to answer with
        self.held: dict[str, threading.Event] = {}  # method -> answered only once the event is set
        self.stalled: dict[str, threading.Event] = {}  # method -> never answered nor delivered
        self.arrived = threading.Event()  # set when a stalled call came in
        self._ts = itertools.count(1)
        self._changed = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                path, _, query = self.path.partition("?")
                self._reply(path, {k: v[0] for k, v in urllib.parse.parse_qs(query).items()})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                data = self.rfile.read(length)
                if self.path.startswith("/upload/"):  # the file upload URL files_upload_v2 gets
                    fake._record("upload", {"file_id": self.path.rsplit("/", 1)[1], "content": data})
                    self.send_response(200)
                    self.end_headers()
                    self.wfile.write(b"OK")
                    return
                raw = data.decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params = json.loads(raw or "{}")
                else:
                    params = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
                path, _, query = self.path.partition("?")
                params |= {k: v[0] for k, v in urllib.parse.parse_qs(query).items()}
                self._reply(path, params)

            def _reply(self, path: str, params: dict):
                for name in ("blocks", "view"):
                    if isinstance(params.get(name), str):
                        params[name] = json.loads(params[name])
                method = path.rsplit("/", 1)[-1]
                status, body, headers = fake._answer(method, params)
                if method == "cmd" and not body.get("ok"):  # a response URL answers in plain text
                    self.send_response(400)
                    self.end_headers()
                    self.wfile.write(body["error"].encode())
                    return
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(body).encode())

            def log_message(self, *args):
                """Quiet: the tests read the recorded calls instead of a log."""

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/"
        self.response_url = f"http://127.0.0.1:{self.server.server_port}/response/cmd"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

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
        if self.latency:
            time.sleep(self.latency)  # Slack's own time to answer, for benchmarks
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
    """Builds Slack payloads as one person would cause them, and sends them signed."""

    def __init__(self, events_url: str, api: FakeSlackApi, user: str = "U1"):
        self.events_url, self.api, self.user = events_url, api, user
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
        payload = {"token": "x", "team_id": TEAM, "api_app_id": "A1", "type": "event_callback",
                   "event_id": event_id or f"Ev{next(self._ts)}", "event_time": int(time.time()),
                   "event": event}
        body = json.dumps(payload)
        headers = signed_headers(body, content_type="application/json", **sign)
        if retry is not None:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return body, headers

    def message_event(self, text: str, channel: str = "C1", thread_ts: str | None = None) -> dict:
        """A message event as Slack sends it, stamped with Slack's clock now."""
        event = {"type": "message", "user": self.user, "text": text, "ts": self._ts_next(),
                 "channel": channel, "channel_type": "im" if channel.startswith("D") else "channel"}
        if thread_ts:
            event["thread_ts"] = thread_ts
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
        """The form fields of a slash command as Slack posts them."""
        return {
            "token": "x", "team_id": TEAM, "team_domain": "gemeente", "channel_id": channel,
            "channel_name": "directmessage" if channel.startswith("D") else "veiligheid",
            "user_id": self.user, "user_name": NAMES.get(self.user, self.user).lower(),
            "command": "/leidraad", "text": text, "api_app_id": "A1",
            "response_url": self.api.response_url, "trigger_id": trigger_id(),
        }

    def say(self, text: str, channel: str = "C1", thread_ts: str | None = None, ts: str | None = None,
            **extra) -> tuple[str, tuple[int, str]]:
        event = self.message_event(text, channel, thread_ts) | extra
        if ts:
            event["ts"] = ts
        return event["ts"], self.send_event(event)

    def mention(self, text: str, channel: str = "C1") -> tuple[int, str]:
        ts = self._ts_next()
        return self.send_event({"type": "app_mention", "user": self.user, "ts": ts,
                                "text": f"<@{BOT_USER}> {text}", "channel": channel})

    def click(self, message: dict, command: str, channel: str = "C1") -> tuple[int, str]:
        """Click the button for ``command`` on a message the bot posted."""
        value = next(e["value"] for b in message["blocks"] if b["type"] == "actions"
                     for e in b["elements"] if json.loads(e["value"])["cmd"] == command)
        payload = {
            "type": "block_actions", "team": {"id": TEAM}, "user": {"id": self.user},
            "api_app_id": "A1", "token": "x", "trigger_id": trigger_id(),
            "channel": {"id": channel}, "container": {"type": "message", "message_ts": "1"},
            "message": {"ts": "1", "thread_ts": message.get("thread_ts")} if message.get("thread_ts")
            else {"ts": "1"},
            "response_url": self.api.response_url,
            "actions": [{"action_id": f"leidraad:{command}", "block_id": "b", "value": value,
                         "type": "button", "action_ts": self._ts_next()}],
        }
        return self.send_form({"payload": json.dumps(payload)})

    def open_home(self) -> tuple[int, str]:
        return self.send_event({"type": "app_home_opened", "user": self.user, "channel": "D0",
                                "tab": "home", "event_ts": self._ts_next()})

    def click_home_continue(self, view: dict) -> tuple[int, str]:
        """Click *Verder met het gesprek* on the first gemeente of a published App Home view."""
        value = next(b["accessory"]["value"] for b in view["blocks"]
                     if b.get("accessory", {}).get("action_id") == "leidraad_home_continue")
        payload = {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": self.user},
                   "api_app_id": "A1", "token": "x", "trigger_id": trigger_id(),
                   "container": {"type": "view", "view_id": "V1"},
                   "actions": [{"action_id": "leidraad_home_continue", "block_id": "b",
                                "value": value, "type": "button", "action_ts": self._ts_next()}]}
        return self.send_form({"payload": json.dumps(payload)})

    def submit(self, view: dict, values: dict[str, str]) -> tuple[int, dict | str]:
        """Fill in a modal the bot opened (``values`` by block id) and submit it."""
        state = {}
        for block in view["blocks"]:
            if block["type"] != "input" or block["block_id"] not in values:
                continue
            value, kind = values[block["block_id"]], block["element"]["type"]
            if kind == "static_select":
                element = {"type": kind, "selected_option": {"value": value}}
            elif kind == "users_select":
                element = {"type": kind, "selected_user": value}
            elif kind == "datepicker":
                element = {"type": kind, "selected_date": value}
            else:
                element = {"type": kind, "value": value}
            state[block["block_id"]] = {"value": element}
        payload = {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": self.user},
                   "api_app_id": "A1", "token": "x", "trigger_id": trigger_id(),
                   "view": {**view, "state": {"values": state}}}
        status, body = self.send_form({"payload": json.dumps(payload)})
        return status, json.loads(body) if body.startswith("{") else body

    def click_stand(self, nummer: int, channel: str = "C1") -> tuple[int, str]:
        payload = {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": self.user},
                   "api_app_id": "A1", "token": "x", "trigger_id": trigger_id(),
                   "channel": {"id": channel}, "container": {"type": "message", "message_ts": "1"},
                   "response_url": self.api.response_url,
                   "actions": [{"action_id": "leidraad_punt_bijwerken", "block_id": "b",
                                "value": str(nummer), "type": "button",
                                "action_ts": self._ts_next()}]}
        return self.send_form({"payload": json.dumps(payload)})
