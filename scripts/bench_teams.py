"""How fast the Teams bot acknowledges, with many people at once and a slow Bot Connector.

    python scripts/bench_teams.py [--clients 50] [--seconds 5] [--paces 500,100,0]

Runs ``leidraadbot teams`` (with its worker process) in the local trial (``LEIDRAAD_TEAMS_LOKAAL=1``:
no token to check, so this measures the SDK's reading of an activity and our commit, not Bot
Framework's RS256 check) against the tests' fake Bot Connector, and loads it with wrk, as
``bench_ack.py`` does for Slack: ``--clients`` clients at once, each on a connection of its own
per request, every request a different ``voortgang`` in one of as many personal chats, shaped as
Teams sends it. One run per pace after a warm-up; the floor is the same load on ``/healthz`` of
the same server, in the same run. All the while the worker answers at the fake connector.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the doubles of the tests

from scripts.bench_ack import line, paced_runs
from tests.teams_doubles import FakeConnector, TeamsUser


def activities(connector: FakeConnector, url: str, clients: int, count: int) -> list[tuple[str, dict]]:
    """``voortgang`` from ``clients`` people, each in a personal chat of their own, ``count`` in all
    (each with an id of its own, so none is a retry)."""
    anna = TeamsUser(url, connector)
    result = []
    for n in range(count):
        person = n % clients
        activity = anna.message("voortgang")
        activity["from"] = {"id": f"29:{person}", "name": f"Collega {person}", "aadObjectId": f"aad-{person}"}
        activity["conversation"]["id"] = f"a:personal-29:{person}"
        result.append((json.dumps(activity), {"Content-Type": "application/json"}))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--paces", default="500,100,0",
                        help="ms between one client's requests, per run (0: flat out)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("This benchmark needs wrk: apt install wrk")
    with tempfile.TemporaryDirectory() as name, FakeConnector() as connector:
        folder = Path(name)
        env = {**os.environ, "LEIDRAAD_TEAMS_LOKAAL": "1", "LEIDRAAD_DB": str(folder / "bench.db"),
               "LEIDRAAD_LOG": "ERROR"}
        for variable in ("CLIENT_ID", "SLACK_BOT_TOKEN"):
            env.pop(variable, None)
        bot = subprocess.Popen([sys.executable, "-m", "bot", "teams", "--port", "0"], env=env,
                               stdout=subprocess.PIPE, text=True)
        try:
            url = bot.stdout.readline().split("luistert op ", 1)[1].strip()
            base = url.removesuffix("/api/messages")
            requests = activities(connector, url, args.clients, 2500 * args.seconds)
            runs = [(pace, floor, ack) for pace, floor, [ack] in paced_runs(
                base, [(url, requests)], args, folder)]
            answered = len(connector.sent())
        finally:
            bot.terminate()
            bot.wait(timeout=30)
    print(f"{args.clients} clients at once, {args.seconds} s per run, the bot and its worker process "
          "against wrk")
    for pace, floor, ack in runs:
        print(f"each client a request every {pace} ms on average" if pace else "flat out")
        print(line("  floor: GET /healthz", floor))
        print(line("  ack: a Teams message", ack, floor))
    print(f"answered at the Bot Connector while the load ran: {answered} (the rest waits in the inbox, "
          "committed, for the worker process)")


if __name__ == "__main__":
    main()
