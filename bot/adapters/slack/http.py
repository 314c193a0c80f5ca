"""Slack's Web API and response URLs on connections that stay open.

slack_sdk's clients open a new connection for every call: over HTTPS a TCP and a TLS handshake,
several round trips before Slack even reads the request. ``KeptAliveWebClient`` and
``KeptAliveWebhookClient`` are the SDK's clients (its retries, errors and parsing) with only the
opening of the connection replaced: each thread keeps one connection per host and reuses it, and
opens it again when Slack closed it in between.
"""

from __future__ import annotations

import io
import ssl
import threading
import urllib.parse
from http.client import (
    CannotSendRequest,
    HTTPConnection,
    HTTPResponse,
    HTTPSConnection,
    RemoteDisconnected,
)
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request

from slack_sdk import WebClient
from slack_sdk.errors import SlackRequestError
from slack_sdk.webhook import WebhookClient, WebhookResponse

# A reused connection that the server closed while it was idle fails like this on the next call.
_CLOSED_IN_BETWEEN = (RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                      CannotSendRequest)


class Connections:
    """One open connection per thread and host."""

    def __init__(self, timeout: float = 15, context: ssl.SSLContext | None = None):
        self.timeout = timeout
        self.context = context
        self._local = threading.local()

    def open(self, req: Request) -> tuple[HTTPResponse, bytes]:
        """Make ``req`` as ``urllib.request.urlopen`` would (an ``HTTPError`` for a status that
        is not 2xx), on this thread's connection to its host; the response and its body."""
        url = urllib.parse.urlsplit(req.full_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise SlackRequestError(f"Invalid URL detected: {req.full_url}")
        path = url.path + (f"?{url.query}" if url.query else "")
        headers = dict(req.header_items())
        for reused in (True, False):
            connection, fresh = self._connection(url)
            try:
                connection.request(req.get_method(), path, body=req.data, headers=headers)
                response = connection.getresponse()
                body = response.read()
                break
            except _CLOSED_IN_BETWEEN:
                connection.close()
                if fresh or not reused:
                    raise
            except OSError:
                connection.close()
                raise
        if not 200 <= response.status < 300:
            raise HTTPError(req.full_url, response.status, response.reason, response.msg,
                            io.BytesIO(body))
        return response, body

    def _connection(self, url: urllib.parse.SplitResult) -> tuple[HTTPConnection, bool]:
        """This thread's connection to the URL's host, and whether it is new."""
        pool: dict[tuple, HTTPConnection] = self._local.__dict__.setdefault("pool", {})
        key = (url.scheme, url.hostname, url.port)
        if key in pool and pool[key].sock is not None:
            return pool[key], False
        if url.scheme == "https":
            pool[key] = HTTPSConnection(url.hostname, url.port, timeout=self.timeout,
                                                    context=self.context)
        else:
            pool[key] = HTTPConnection(url.hostname, url.port, timeout=self.timeout)
        return pool[key], True


class KeptAliveWebClient(WebClient):
    """slack_sdk's ``WebClient`` on ``Connections``."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.connections = Connections(self.timeout, self.ssl)

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        if self.proxy is not None:
            return super()._perform_urllib_http_request_internal(url, req)
        response, body = self.connections.open(req)
        if response.msg.get_content_type() == "application/gzip":  # admin.analytics.getFile
            return {"status": response.status, "headers": response.msg, "body": body}
        charset = response.msg.get_content_charset() or "utf-8"
        return {"status": response.status, "headers": response.msg, "body": body.decode(charset)}


class KeptAliveWebhookClient(WebhookClient):
    """slack_sdk's ``WebhookClient`` (a response URL) on the connections of ``connections``."""

    def __init__(self, url: str, connections: Connections):
        super().__init__(url, timeout=connections.timeout, ssl=connections.context)
        self.connections = connections

    def _perform_http_request_internal(self, url: str, req: Request) -> WebhookResponse:
        response, body = self.connections.open(req)
        return WebhookResponse(url=url, status_code=response.status,
                               body=body.decode(response.msg.get_content_charset() or "utf-8"),
                               headers=response.msg)
