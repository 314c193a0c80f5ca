"""Slack and Teams under load: how fast the bot acknowledges, and how soon its reply is at the
platform, with many people at once and a platform that takes its time to answer.

The bot runs as in production, ``leidraadbot slack --http`` or ``leidraadbot teams`` with its
worker process, against the tests' strict doubles of Slack's Web API and Teams' Bot Connector
(each call answered after ``LATENCY``). ``CLIENTS`` people each send a request, signed and shaped
as the platform sends it (a new connection per request, as the platforms do), every ``PACE``
seconds on average, whether or not the last was answered yet: people at their very busiest, and
each conversation within the platforms' rate limits (Slack: a message per second per channel;
Teams: 50 calls a second per tenant, so the Teams people are in 10 tenants, as gemeenten are).
The ack is the time to the HTTP response; the reply the time from sending the request until the
reply's call reaches the double. Each person's first request and a warm-up are not counted. The
memory of both processes is read from /proc while the load runs.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.timing import Row, Table
from bot.adapters.slack.translate import channel_place
from bot.core.messages import Command, User
from bot.service import Service
from store import Store
from tests.slack_doubles import BOT_TOKEN, SIGNING_SECRET, FakeSlackApi, SlackUser, signed_headers
from tests.teams_doubles import FakeConnector, TeamsUser

CLIENTS = 50
LATENCY = 0.1  # seconds the platform takes per call
PACE = 1.0  # seconds between one person's requests, on average
WARM_UP = 3.0  # seconds of load before the clock starts
ACK_P99_MS = 50
TENANTS = 10  # the Teams people's gemeenten
MiB = 1024 * 1024

Request = tuple[bytes, dict[str, str], str]  # body, headers, what its reply is known by


@dataclass
class Load:
    """What the clients measured, in seconds."""

    acks: list[float] = field(default_factory=list)
    replies: list[float] = field(default_factory=list)
    unanswered: int = 0
    refused: int = 0


class _Replies:
    """Where the double tells of each call as it arrives: the oldest request waiting for a reply
    by that key (a conversation's replies come in order) hears when its reply reached the
    platform."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.waiting: dict[str, deque[asyncio.Future]] = defaultdict(deque)

    def expect(self, key: str) -> asyncio.Future:
        future = self.loop.create_future()
        self.waiting[key].append(future)
        return future

    def arrived(self, key: str | None) -> None:
        """From the double's threads."""
        if key is not None:
            self.loop.call_soon_threadsafe(self._arrive, key, time.perf_counter())

    def _arrive(self, key: str, at: float) -> None:
        waiting = self.waiting.get(key)
        while waiting:
            future = waiting.popleft()
            if not future.done():  # one that timed out has gone
                future.set_result(at)
                return


async def _post(host: str, port: int, path: str, body: bytes, headers: dict[str, str]) -> int:
    """One request on a connection of its own; the HTTP status."""
    reader, writer = await asyncio.open_connection(host, port)
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    writer.write(f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Length: {len(body)}\r\n"
                 f"Connection: close\r\n{head}\r\n".encode() + body)
    await writer.drain()
    status = await reader.readline()
    await reader.read()
    writer.close()
    return int(status.split()[1])


async def _load(url: str, requests: Callable[[int], Request], seconds: float,
                replies: _Replies) -> Load:
    """``CLIENTS`` people, each sending a request every ``PACE`` seconds on average (0.5 to 1.5
    times, so they do not march in step), whether or not the bot answered the last yet; counted
    after everyone's first request was answered (the bot looks up a new person's name once) and
    ``WARM_UP`` seconds."""
    parts = urllib.parse.urlsplit(url)
    load, sent = Load(), []
    counted_from = float("inf")
    pace = random.Random(1)

    async def one(n: int) -> None:
        body, headers, key = requests(n)
        reply = replies.expect(key)
        start = time.perf_counter()
        status = await _post(parts.hostname, parts.port, parts.path, body, headers)
        acked = time.perf_counter()
        counted = start >= counted_from
        if status != 200:
            reply.cancel()
            load.refused += counted
            return
        try:
            arrived = await asyncio.wait_for(reply, 10)
        except TimeoutError:
            load.unanswered += counted
            return
        if counted:
            load.acks.append(acked - start)
            load.replies.append(arrived - start)

    async def client(n: int) -> None:
        at = time.perf_counter() + pace.uniform(0, PACE)
        while at < until:
            await asyncio.sleep(max(0.0, at - time.perf_counter()))  # a person's pace
            sent.append(asyncio.ensure_future(one(n)))
            at += pace.uniform(0.5, 1.5) * PACE

    await asyncio.gather(*(one(n) for n in range(CLIENTS)))  # everyone's first: names looked up
    counted_from = time.perf_counter() + WARM_UP
    until = counted_from + seconds
    await asyncio.gather(*(client(n) for n in range(CLIENTS)))
    await asyncio.gather(*sent)
    return load


def _rss(pid: int) -> int:
    """Resident memory of a process, in bytes (0 once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) * 1024 for line in status.splitlines()
                 if line.startswith("VmRSS:")), 0)


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@contextmanager
def _bot(command: list[str], env: dict[str, str]) -> Iterator[tuple[str, dict[str, int]]]:
    """The bot running ``command`` (it prints where it listens); its URL, and the most memory
    each of its processes used while it ran."""
    process = subprocess.Popen([sys.executable, "-m", "bot", *command], env=env,
                               stdout=subprocess.PIPE, text=True)
    peak: dict[str, int] = {}
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.2):  # the pace of looking, not a synchronisation
            peak["listener"] = max(peak.get("listener", 0), _rss(process.pid))
            for child in _children(process.pid):
                peak["worker"] = max(peak.get("worker", 0), _rss(child))

    try:
        url = process.stdout.readline().split("luistert op ", 1)[1].strip()
        threading.Thread(target=watch, daemon=True).start()
        yield url, peak
    finally:
        stop.set()
        process.terminate()
        process.wait(timeout=30)


def _env(folder: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "LEIDRAAD_DB": str(folder / "bot.db"), **extra}
    env.setdefault("LEIDRAAD_LOG", "ERROR")
    for variable in ("SLACK_APP_TOKEN", "CLIENT_ID", "CLIENT_SECRET"):
        env.pop(variable, None)
    return env


def _prepare_slack(db: Path) -> None:
    """Utrecht bound to C1, with every client a member (so their direct messages are theirs)."""
    store = Store(db)
    service = Service(store)
    anna = User("slack:T1:U1", "U1")
    service.handle(Command(anna, channel_place("T1", "C1"), text="koppel Utrecht"))
    others = tuple(User(f"slack:T1:U{n}", f"U{n}") for n in range(2, CLIENTS + 1))
    service.handle(Command(anna, channel_place("T1", "C1"), mentions=others,
                           text="lid toevoegen " + " ".join(f"<@{p.id}>" for p in others)))
    store.close()


def _rows(table: Table, name: str, kind: str, load: Load) -> None:
    note = (f"{len(load.acks)} requests counted; unanswered {load.unanswered}, refused "
            f"{load.refused}")
    over = sum(a > 1 for a in load.acks)
    table.add(Row.of(f"{name} ack, {kind}, {CLIENTS} clients, platform {LATENCY * 1000:.0f} ms",
                     load.acks, f"p99 < {ACK_P99_MS} ms, none over 1 s",
                     lambda _, p99: p99 < ACK_P99_MS and over == 0 and not load.refused,
                     note=note + f"; over 1 s: {over}"))
    row = table.add(Row.of(f"{name} reply at the platform, {kind}", load.replies,
                           f"p50 <= {2 * LATENCY * 1000:.0f} ms (2x the platform)",
                           lambda p50, _: p50 <= 2 * LATENCY * 1000 and not load.unanswered))
    row.ratio = f"{row.p50 / (LATENCY * 1000):.2f}x / {row.p99 / (LATENCY * 1000):.2f}x the platform"


def _memory(table: Table, name: str, peak: dict[str, int]) -> None:
    table.add(Row(f"memory of the {name} bot under that load (RSS, per process)",
                  peak.get("listener", 0) / MiB, peak.get("worker", 0) / MiB, "< 100 MiB each",
                  max(peak.values(), default=0) < 100 * MiB,
                  note="p50 column: the process that acknowledges; p99 column: its worker process"))


def slack(table: Table, folder: Path, seconds: float) -> None:
    with FakeSlackApi(latency=LATENCY, joined=["C1"]) as api:
        _prepare_slack(folder / "bot.db")
        env = _env(folder, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                   SLACK_API_URL=api.url)
        with _bot(["slack", "--http", "--port", "0", "--host", "127.0.0.1"], env) as (url, peak):
            people = [SlackUser(url, api, f"U{n}") for n in range(1, CLIENTS + 1)]

            def slash(n: int) -> Request:
                fields = people[n].command_fields("voortgang", "C1")
                fields["response_url"] = f"{api.response_url}?client={n}"
                body = urllib.parse.urlencode(fields)
                return body.encode(), signed_headers(body), str(n)

            def event(n: int) -> Request:
                body, headers = people[n].event_request(people[n].message_event("voortgang", f"D{n}"))
                return body.encode(), headers, f"D{n}"

            for kind, requests in (("slash commands", slash), ("message events", event)):
                loop = asyncio.new_event_loop()
                replies = _Replies(loop)
                api.watchers[:] = [lambda method, params, answered, replies=replies: None if answered
                                   else replies.arrived(params.get("client") if method == "cmd" else
                                                        params.get("channel") if method ==
                                                        "chat.postMessage" else None)]
                load = loop.run_until_complete(_load(url, requests, seconds, replies))
                loop.close()
                _rows(table, "Slack", kind, load)
        _memory(table, "Slack", peak)


def teams(table: Table, folder: Path, seconds: float) -> None:
    with FakeConnector(latency=LATENCY) as connector:
        env = _env(folder, LEIDRAAD_TEAMS_LOKAAL="1")
        with _bot(["teams", "--port", "0"], env) as (url, peak):
            anna = TeamsUser(url, connector)

            def message(n: int) -> Request:
                activity = anna.message("voortgang")
                activity["from"] = {"id": f"29:{n}", "name": f"Collega {n}", "aadObjectId": f"aad-{n}"}
                activity["conversation"]["id"] = f"a:personal-29:{n}"
                tenant = f"gemeente-{n % TENANTS}"  # a tenant of its own per gemeente
                activity["conversation"]["tenantId"] = tenant
                activity["channelData"]["tenant"] = {"id": tenant}
                return json.dumps(activity).encode(), {"Content-Type": "application/json"}, \
                    f"a:personal-29:{n}"

            loop = asyncio.new_event_loop()
            replies = _Replies(loop)
            connector.watchers[:] = [lambda path, body, answered: None if answered else replies.arrived(
                path.split("/v3/conversations/", 1)[-1].split("/activities")[0]
                if "/activities" in path else None)]
            load = loop.run_until_complete(_load(url, message, seconds, replies))
            loop.close()
            _rows(table, "Teams", "messages", load)
        _memory(table, "Teams", peak)
