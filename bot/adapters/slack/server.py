"""A small threaded WSGI server: Slack's requests on /slack/events, a health check on /healthz."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

log = logging.getLogger(__name__)


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 256  # the listen backlog: a burst of Slack requests is queued, not reset


class _LoggingHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args) -> None:
        log.debug("%s " + format, self.client_address[0], *args)


def wsgi_app(app: App, healthy: Callable[[], bool]):
    """The WSGI application: Bolt for /slack/events, ``healthy()`` for /healthz."""
    bolt = SlackRequestHandler(app)

    def application(environ: dict, start_response) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            ok = healthy()
            start_response("200 OK" if ok else "503 Service Unavailable",
                           [("Content-Type", "text/plain; charset=utf-8")])
            return [b"ok" if ok else b"database niet bereikbaar"]
        return bolt(environ, start_response)

    return application


def make(app: App, healthy: Callable[[], bool], host: str, port: int) -> WSGIServer:
    """A threaded HTTP server for ``app``, bound but not yet serving (port 0 picks a free one)."""
    return make_server(host, port, wsgi_app(app, healthy), server_class=_ThreadingServer,
                       handler_class=_LoggingHandler)


def serve(app: App, healthy: Callable[[], bool], host: str, port: int) -> None:
    """Serve until interrupted; says on standard output where it listens."""
    httpd = make(app, healthy, host, port)
    print(f"Leidraadbot luistert op http://{host}:{httpd.server_port}/slack/events", flush=True)
    try:
        httpd.serve_forever()
    finally:
        httpd.server_close()
