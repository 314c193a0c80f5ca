"""How fast the Slack bot acknowledges, with many people at once and a slow Slack Web API.

    python scripts/bench_ack.py [--clients 50] [--seconds 5] [--latency 0.1] [--paces 500,100,0]

Runs ``leidraadbot slack --http`` (with its worker process) against a local fake Web API that
takes ``--latency`` seconds for every call, and loads it with wrk (Debian's ``wrk``, a load
generator in C, so the measurement is the bot's and not the generator's): ``--clients`` clients
at once, each on a connection of its own per request, as Slack sends them, first slash commands
(``/leidraad voortgang``), then message events (``voortgang`` in as many direct messages), every
one signed and different. One run per pace, after a warm-up of 2 s that is not counted: each
client sends a request every so many ms on average (people, if very busy ones), and 0 is flat
out (each next request as soon as the last is acknowledged: the most the machine takes). The
floor is the same load on ``/healthz`` of the same server, in the same run. All the while the bot
handles what it acknowledged and answers at the Web API, on the same cores.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the doubles of the tests

from bot.adapters.slack.translate import channel_place
from bot.core.messages import Inbound, User
from bot.service import Service
from store import Store
from tests.slack_doubles import (
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlackApi,
    SlackUser,
    signed_headers,
)

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def prepare(db: Path, people: int) -> None:
    """Utrecht bound to C1 by U1, with everyone a member (so direct messages are theirs)."""
    store = Store(db)
    service = Service(store)
    anna = User("slack:T1:U1", "U1")
    service.handle(Inbound(anna, channel_place("T1", "C1"), command="koppel Utrecht"))
    others = tuple(User(f"slack:T1:U{n}", f"U{n}") for n in range(2, people + 1))
    service.handle(Inbound(anna, channel_place("T1", "C1"), mentions=others,
                           command="lid toevoegen " + " ".join(f"<@{p.id}>" for p in others)))
    store.close()


def slash_request(person: SlackUser) -> tuple[str, dict]:
    """``/leidraad voortgang`` in C1, signed, with a trigger id of its own (as Slack's)."""
    body = urllib.parse.urlencode(person.command_fields("voortgang", "C1"))
    return body, signed_headers(body)


def lua(requests: list[tuple[str, dict]], pace: int, method: str = "POST") -> str:
    """A wrk script that sends each request once, in turn (then from the start again), each on
    a connection of its own, a client waiting ``pace`` ms on average (0 to twice that, so the
    clients do not march in step) before its next."""
    lines = ["local r = {}", f"delay = function() return math.random(0, {2 * pace}) end"]
    for n, (body, headers) in enumerate(requests, 1):
        fields = ", ".join(f'["{k}"] = "{v}"' for k, v in (headers | {"Connection": "close"}).items())
        lines.append(f'r[{n}] = wrk.format("{method}", nil, {{{fields}}}, [==[{body}]==])')
    lines += ["local i = 0", "request = function() i = i % #r + 1; return r[i] end"]
    return "\n".join(lines)


def wrk(url: str, clients: int, seconds: int, script: str | None, folder: Path) -> dict[str, float]:
    """Run wrk; its latency percentiles in ms and its requests per second."""
    command = ["wrk", "-t1", f"-c{clients}", f"-d{seconds}s", "--latency", url]
    if script is not None:
        path = folder / "requests.lua"
        path.write_text(script, encoding="utf-8")
        command[1:1] = ["-s", str(path)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = {f"p{p}": float(v) * UNITS[u]
              for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)$", output, re.MULTILINE)}
    maximum = re.search(r"Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)", output)
    result["max"] = float(maximum.group(1)) * UNITS[maximum.group(2)]
    result["rate"] = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    refused = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: (.*)", output)
    result["refused"] = float(refused.group(1)) if refused else 0.0
    result["socket errors"] = sockets.group(1) if sockets else "none"
    return result


def paced_runs(base: str, loads: list[tuple[str, list]], args, folder: Path) -> list[tuple]:
    """After a warm-up on the last load: per pace of ``args.paces``, the floor (``/healthz`` of
    ``base``) and each (url, requests) load, with ``args.clients`` for ``args.seconds``."""
    paces = [int(p) for p in args.paces.split(",")]
    url, requests = loads[-1]
    wrk(url, args.clients, 2, lua(requests[-2000:], paces[0]), folder)  # warm-up, not told
    return [(pace, wrk(base + "/healthz", args.clients, args.seconds, lua([("", {})], pace, "GET"), folder),
             [wrk(url, args.clients, args.seconds, lua(requests, pace), folder) for url, requests in loads])
            for pace in paces]


def line(name: str, result: dict[str, float], floor: dict[str, float] | None = None) -> str:
    ratio = f"  ({result['p99'] / floor['p99']:.1f}x the floor's p99)" if floor else ""
    return (f"{name:<26} p50 {result['p50']:6.1f} ms  p99 {result['p99']:6.1f} ms  max "
            f"{result['max']:7.1f} ms  {result['rate']:6.0f}/s  refused {result['refused']:.0f}, socket "
            f"errors {result['socket errors']}{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per Web API call")
    parser.add_argument("--paces", default="500,100,0",
                        help="ms between one client's requests, per run (0: flat out)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("This benchmark needs wrk: apt install wrk")
    with tempfile.TemporaryDirectory() as name, FakeSlackApi(latency=args.latency) as api:
        folder = Path(name)
        prepare(folder / "bench.db", args.clients)
        env = {**os.environ, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
               "SLACK_API_URL": api.url, "LEIDRAAD_DB": str(folder / "bench.db"), "LEIDRAAD_LOG": "ERROR"}
        env.pop("SLACK_APP_TOKEN", None)
        bot = subprocess.Popen([sys.executable, "-m", "bot", "slack", "--http", "--port", "0",
                                "--host", "127.0.0.1"], env=env, stdout=subprocess.PIPE, text=True)
        try:
            base = bot.stdout.readline().split("luistert op ", 1)[1].strip().removesuffix("/slack/events")
            events = base + "/slack/events"
            enough = 2500 * args.seconds  # more different requests than wrk sends in a run
            people = [SlackUser(events, api, f"U{n}") for n in range(1, args.clients + 1)]
            slashes = [slash_request(people[k % args.clients]) for k in range(enough)]
            messages = [people[k % args.clients].event_request(
                people[k % args.clients].message_event("voortgang", f"D{1 + k % args.clients}"))
                for k in range(enough)]
            runs = [(pace, floor, *acks) for pace, floor, acks in paced_runs(
                base, [(events, slashes), (events, messages)], args, folder)]
            handled = len(api.named("cmd")) + len(api.named("chat.postMessage"))
        finally:
            bot.terminate()
            bot.wait(timeout=30)
    print(f"{args.clients} clients at once, {args.seconds} s per run, Web API {args.latency * 1000:.0f} ms "
          "per call, the bot and its worker process against wrk")
    for pace, floor, slash, event in runs:
        print(f"each client a request every {pace} ms on average" if pace else "flat out")
        print(line("  floor: GET /healthz", floor))
        print(line("  ack: /leidraad voortgang", slash, floor))
        print(line("  ack: message event", event, floor))
    print(f"answered at the Web API while the load ran: {handled} (the rest waits in the inbox, "
          "committed, for the worker process)")


if __name__ == "__main__":
    main()
