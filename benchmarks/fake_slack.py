"""The tests' fake Slack Web API in a process of its own, served by uvicorn, so that a benchmark
of the bot shares as little of the machine as can be with the fake (Slack's servers are not on the
bot's machine); its checks of every call are the tests' own.

    python -m benchmarks.fake_slack

Reads a JSON list of the channels the bot is in from its first line of input, prints the URL it
serves, then on every further line of input prints the calls made so far per method, and any
call Slack would have refused, as JSON. Ends with its input.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def asgi(api) -> Callable:
    """The fake's ``http`` as an ASGI application."""

    async def application(scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            return
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        query = scope["query_string"].decode()
        content_type = dict(scope["headers"]).get(b"content-type", b"").decode()
        status, answer, headers = api.http(scope["method"], scope["path"] + (f"?{query}" if query else ""),
                                           content_type, body)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(k.lower().encode(), str(v).encode()) for k, v in headers.items()]})
        await send({"type": "http.response.body", "body": answer})

    return application


def main() -> None:
    sys.path.insert(0, str(ROOT))
    import uvicorn

    from tests.slack_doubles import FakeSlackApi

    api = FakeSlackApi(joined=json.loads(sys.stdin.readline()))
    sock = socket.create_server(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(asgi(api), loop="uvloop", http="httptools",
                                           lifespan="off", log_level="warning", access_log=False))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    print(f"http://127.0.0.1:{sock.getsockname()[1]}/api/", flush=True)
    for _ in sys.stdin:
        with api._changed:
            counts = Counter(call.method for call in api.calls)
        print(json.dumps({"calls": counts, "refused": list(api.refusals)}), flush=True)
    server.should_exit = True


class FakeSlack:
    """``main`` as a process: ``url``, and ``calls()`` to ask what it received."""

    def __init__(self, joined: list[str]):
        self.process = subprocess.Popen([sys.executable, "-m", "benchmarks.fake_slack"], cwd=ROOT,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.process.stdin.write(json.dumps(joined) + "\n")
        self.process.stdin.flush()
        self.url = self.process.stdout.readline().strip()

    def calls(self) -> dict:
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def __enter__(self) -> FakeSlack:
        return self

    def __exit__(self, *exc) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


if __name__ == "__main__":
    main()
