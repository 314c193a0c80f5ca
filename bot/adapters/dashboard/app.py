"""The dashboard's pages over HTTP, read-only, on the bot's own ASGI server:

    /dashboard                                   what the viewer may see, with a link to each
    /dashboard/gemeente/<id>                      a gemeente's plan at a glance
    /dashboard/gemeente/<id>/ontwikkelplan.docx   its exports (also .xlsx and .pdf)
    /dashboard/regio/<id>?sorteer=open&richting=af the regiobeeld as a table
    /dashboard/aanmelden?t=…                     signing in with a link from the chat
    /dashboard/teams…                            the Teams tab's own pages (``bot.adapters.teams.tab``)

A page shows only what its ``Viewer`` may read: anything else is "not found".
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from urllib.parse import parse_qs

from bot.adapters.dashboard.signin import NOT_SIGNED_IN, PREFIX, session_cookie
from bot.adapters.dashboard.viewers import Viewer
from bot.core.dutch import local_day
from bot.core.text import whole_number
from bot.dashboard import html
from bot.dashboard.pages import gemeente_page, regio_page
from bot.service import Service

FRAMED_BY = ("https://teams.microsoft.com https://*.teams.microsoft.com https://*.cloud.microsoft "
             "https://*.office.com")  # where the pages may show: Teams' tabs
HEADERS = [(b"content-security-policy", b"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                         b"form-action 'none'; frame-ancestors " + FRAMED_BY.encode()),
           (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
           (b"cache-control", b"no-store")]
TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "pdf": "application/pdf"}


class Response:
    def __init__(self, status: int, body: bytes, kind: str = "text/html; charset=utf-8",
                 filename: str = "", headers: tuple[tuple[bytes, bytes], ...] = ()):
        self.status, self.body, self.kind, self.filename = status, body, kind, filename
        self.headers = headers


def dashboard(service: Service, viewer_of: Callable[[dict], Viewer | None],
              sign_in: Callable[[str], str | None] | None = None,
              tab: Callable[[dict], Response | None] | None = None):
    """The ASGI app of the dashboard; ``viewer_of(scope)`` says who asks (None: nobody known),
    ``sign_in(token)`` turns a link from the chat into a session (the cookie's value), ``tab``
    answers the Teams tab's own pages (None for any other)."""

    async def application(scope: dict, receive: Callable, send: Callable) -> None:
        query = parse_qs(scope.get("query_string", b"").decode())
        own = (await asyncio.to_thread(tab, scope)
               if tab is not None and scope["path"].startswith(f"{PREFIX}/teams") else None)
        if own is not None:  # the Teams tab's own pages
            answer = own
        elif scope["method"] not in ("GET", "HEAD"):
            answer = Response(405, html.missing("Het dashboard kan alleen gelezen worden.").encode(),
                              headers=((b"allow", b"GET, HEAD"),))
        elif scope["path"] == f"{PREFIX}/aanmelden" and sign_in is not None:
            answer = _signed_in(await asyncio.to_thread(sign_in, (query.get("t") or [""])[0]))
        elif (viewer := viewer_of(scope)) is None:
            answer = Response(401, html.missing(NOT_SIGNED_IN).encode())
        else:  # the database is read on a thread, never on the server's loop
            answer = await asyncio.to_thread(page, service, viewer, scope["path"], query)
        own = {name for name, _ in answer.headers}  # a page's own policy replaces the default
        headers = [(b"content-type", answer.kind.encode()), *(h for h in HEADERS if h[0] not in own),
                   *answer.headers]
        if answer.filename:
            headers.append((b"content-disposition",
                            f'attachment; filename="{answer.filename}"'.encode()))
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body",
                    "body": b"" if scope["method"] == "HEAD" else answer.body})

    return application


def _signed_in(session: str | None) -> Response:
    """To the overview with a session cookie; or why not, and nothing else."""
    if session is None:
        return Response(401, html.missing(NOT_SIGNED_IN).encode())
    return Response(303, b"", headers=((b"location", PREFIX.encode()),
                                       (b"set-cookie", session_cookie(session, "SameSite=Lax"))))


def page(service: Service, viewer: Viewer, path: str, query: dict[str, list[str]]) -> Response:
    """The response to a GET of ``path`` for ``viewer``."""
    parts = [p for p in path.removeprefix(PREFIX).split("/") if p]
    today = local_day(service.clock())
    if not parts:
        return Response(200, html.index(viewer.gemeenten(), viewer.regios(), viewer.naam).encode())
    number = whole_number(parts[1]) if len(parts) > 1 else None
    if parts[0] == "gemeente" and number is not None and len(parts) in (2, 3):
        gemeente = next((g for g in viewer.gemeenten() if g["id"] == number), None)
        if gemeente is None:
            return _missing("Deze gemeente is er niet, of je mag haar niet zien.")
        if len(parts) == 3:
            return _export(service, gemeente, parts[2])
        shown = gemeente_page(service.store, service.reporter, gemeente, today)  # reads: no lock
        return Response(200, html.gemeente(shown).encode())
    if parts[0] == "regio" and number is not None and len(parts) == 2:
        regio = next((r for r in viewer.regios() if r["id"] == number), None)
        if regio is None:
            return _missing("Deze regio is er niet, of je mag haar niet zien.")
        sort = (query.get("sorteer") or [""])[0]
        direction = (query.get("richting") or [""])[0]
        shown = regio_page(service.store, service.reporter, regio, today, sort,
                           {"af": True, "op": False}.get(direction))
        return Response(200, html.regio(shown, viewer.gemeenten()).encode())
    return _missing("Deze pagina bestaat niet.")


def _missing(why: str) -> Response:
    return Response(404, html.missing(why).encode())


def _export(service: Service, gemeente: dict, name: str) -> Response:
    stem, _, fmt = name.rpartition(".")
    if stem != "ontwikkelplan" or fmt not in TYPES:
        return _missing("Dit document bestaat niet; er zijn een Word-, PDF- en Excel-bestand.")
    from bot.export import document
    from bot.export.pdf import PdfError, to_pdf

    export = service.export(gemeente["naam"], "docx" if fmt == "pdf" else fmt)
    content = document(export, service.plan.content)
    if fmt == "pdf":
        try:
            content = to_pdf(content)
        except PdfError as error:
            return Response(503, html.missing(str(error)).encode())
    filename = export.filename.rsplit(".", 1)[0] + "." + fmt
    return Response(200, content, TYPES[fmt], filename)


async def to_dashboard(scope: dict, receive: Callable, send: Callable) -> None:
    """``/`` on the dashboard's own server: the dashboard."""
    await send({"type": "http.response.start", "status": 303,
                "headers": [(b"location", PREFIX.encode()), *HEADERS]})
    await send({"type": "http.response.body", "body": b""})
