"""The one HTTP server, for the platforms that need one: an ASGI app served by uvicorn.

``/slack/events`` goes to Bolt, ``/api/messages`` to the Teams SDK, ``/dashboard`` to the
dashboard's pages, ``/healthz`` answers ``ok`` while the database does. The socket is
bound before the server starts, so its port is known at once (port 0 picks a free one) and the
first requests wait in the listen backlog until it serves them.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import sys
import threading
from collections.abc import Awaitable, Callable

import uvicorn

from bot.config import ConfigError
from bot.core.dutch import os_error

log = logging.getLogger(__name__)

Asgi = Callable[[dict, Callable, Callable], Awaitable[None]]
BACKLOG = 2048  # a burst of requests is queued by the kernel, not refused


def asgi_app(routes: dict[str, Asgi], healthy: Callable[[], bool]) -> Asgi:
    """The ASGI application: each path to its handler (a route that ends in ``/`` takes every
    path below it; ``/`` itself is only ``/``), ``healthy()`` on /healthz."""

    prefixes = sorted(((path, handler) for path, handler in routes.items()  # the longest first
                       if path.endswith("/") and path != "/"), key=lambda r: -len(r[0]))

    async def application(scope: dict, receive: Callable, send: Callable) -> None:
        path = scope["path"]
        handler = routes.get(path) or next((h for prefix, h in prefixes if path.startswith(prefix)),
                                           None)
        if handler is not None:
            await handler(scope, receive, send)
            return
        if scope["path"] == "/healthz":
            ok = healthy()
            body = b"ok" if ok else b"database niet bereikbaar"
            status = 200 if ok else 503
        else:
            body, status = b"niet gevonden", 404
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
        await send({"type": "http.response.body", "body": body})

    return application


_BIND_ERRORS = {errno.EADDRINUSE: "al in gebruik", errno.EACCES: "geen toestemming",
                errno.EADDRNOTAVAIL: "dat adres is niet van deze computer"}


class Server:
    """Uvicorn on a socket of our own."""

    def __init__(self, app: Asgi, host: str, port: int):
        self.socket = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.socket.bind((host, port))
        except OSError as error:
            self.socket.close()
            why = _BIND_ERRORS.get(error.errno) or os_error(error)
            raise ConfigError(f"Poort {port} op {host} is niet beschikbaar ({why}): draait "
                              "Leidraadbot hier al? Kies een andere poort met --port of PORT.") from error
        self.socket.listen(BACKLOG)
        self.host, self.port = host, self.socket.getsockname()[1]
        loop = "uvloop" if sys.platform != "win32" else "asyncio"
        self.uvicorn = uvicorn.Server(uvicorn.Config(
            app, loop=loop, http="httptools", lifespan="off", log_level="warning",
            access_log=False, backlog=BACKLOG, timeout_graceful_shutdown=5))

    def run(self) -> None:
        """Serve until stopped (Ctrl-C, SIGTERM, or ``stop``)."""
        self.uvicorn.run(sockets=[self.socket])

    def stop(self) -> None:
        self.uvicorn.should_exit = True

    def serve_in_thread(self) -> threading.Thread:
        """Serve on a thread of its own (tests): uvicorn leaves the signals to the main thread."""
        thread = threading.Thread(target=asyncio.run, args=(self.uvicorn.serve(sockets=[self.socket]),),
                                  name="http", daemon=True)
        thread.start()
        return thread
