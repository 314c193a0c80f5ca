"""How fast the Slack bot acknowledges in Socket Mode, with many envelopes at once.

    python scripts/bench_socket.py [--envelopes 50] [--rounds 20] [--latency 0.1]

The bot (``build`` and ``socket_mode``, as ``leidraadbot slack`` runs them, with its inbox and
outbox in this process) connects through slack_sdk's own Socket Mode client to a local Socket
Mode double, whose Web API takes ``--latency`` seconds for every call. Each round puts
``--envelopes`` envelopes on the socket at once (message events in as many direct messages, each
different) and times every acknowledgement. The floor is the same load on the same client with a
listener that acknowledges at once and does nothing else, in the same run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the doubles of the tests

from slack_sdk.socket_mode import SocketModeClient
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.adapters.slack.app import build, socket_mode
from bot.config import SlackSettings
from bot.service import Service
from store import Store
from tests.slack_doubles import BOT_TOKEN, FakeSlackApi, FakeSocketMode, SlackUser

APP_TOKEN = "xapp-1-A1-1-bench"


def rounds(fake: FakeSocketMode, api: FakeSlackApi, envelopes: int, count: int) -> list[float]:
    """Ack times in ms of ``count`` rounds of ``envelopes`` message events at once."""
    people = [SlackUser("", api, f"U{n}") for n in range(1, envelopes + 1)]
    times = []
    for _ in range(count):
        sent = []
        for n, person in enumerate(people, 1):
            body, _ = person.event_request(person.message_event("voortgang", channel=f"D{n}"))
            sent.append(fake.send("events_api", json.loads(body)))
        fake.wait_acks(sent)
        times += [fake.ack_seconds(e) * 1000 for e in sent]
    return times


def floor(envelopes: int, count: int) -> list[float]:
    """The same rounds against a client that only acknowledges."""
    with FakeSlackApi() as api, FakeSocketMode(api) as fake:
        client = SocketModeClient(app_token=APP_TOKEN)
        client.web_client.base_url = api.url
        client.socket_mode_request_listeners.append(
            lambda c, request: c.send_socket_mode_response(SocketModeResponse(request.envelope_id)))
        client.connect()
        fake.wait_connected()
        try:
            return rounds(fake, api, envelopes, count)
        finally:
            client.close()


def bot(envelopes: int, count: int, latency: float) -> tuple[list[float], int]:
    """The rounds against the bot; and how many it answered at the Web API meanwhile."""
    with tempfile.TemporaryDirectory() as folder, FakeSlackApi(latency=latency) as api, \
            FakeSocketMode(api) as fake:
        store = Store(Path(folder) / "bench.db")
        settings = SlackSettings(BOT_TOKEN, "", APP_TOKEN, api.url)
        slack = build(Service(store), settings, http=False)
        slack.start()
        handler = socket_mode(slack, settings)
        handler.connect()
        fake.wait_connected()
        try:
            return rounds(fake, api, envelopes, count), len(api.named("chat.postMessage"))
        finally:
            handler.close()
            slack.stop()
            store.close()


def summary(name: str, times: list[float], base: list[float] | None = None) -> str:
    ordered = sorted(times)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    ratio = f"  ({p99 / sorted(base)[int(len(base) * 0.99) - 1]:.1f}x the floor's p99)" if base else ""
    return (f"{name:<34} p50 {statistics.median(ordered):6.1f} ms  p99 {p99:6.1f} ms  max "
            f"{ordered[-1]:6.1f} ms  over 1 s: {sum(t > 1000 for t in ordered)}{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--envelopes", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per Web API call")
    args = parser.parse_args()
    base = floor(args.envelopes, args.rounds)
    times, answered = bot(args.envelopes, args.rounds, args.latency)
    print(f"{args.rounds} rounds of {args.envelopes} envelopes at once, Web API "
          f"{args.latency * 1000:.0f} ms per call")
    print(summary("floor: a client that only acks", base))
    print(summary("the bot: message event acks", times, base))
    print(f"answered at the Web API meanwhile: {answered} of {len(times)} (the rest waits in the "
          "inbox, committed)")


if __name__ == "__main__":
    main()
