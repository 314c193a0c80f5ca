"""The dashboard over HTTP: read-only pages under ``/dashboard`` on the same ASGI server as the
platforms. Who looks is a ``Viewer``, and a page shows only the gemeenten and regio's the viewer
may read. ``leidraadbot dashboard`` serves it on 127.0.0.1 for the person at the terminal
(``Operator``), who may read everything, as in the console chat.

    /dashboard                                   what the viewer may see, with a link to each
    /dashboard/gemeente/<id>                      a gemeente's plan at a glance
    /dashboard/gemeente/<id>/ontwikkelplan.docx   its exports (also .xlsx and .pdf)
    /dashboard/regio/<id>?sorteer=open&richting=af the regiobeeld as a table
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Protocol
from urllib.parse import parse_qs

from bot.core.access import Facts, Role, authorize
from bot.core.dutch import local_day
from bot.core.messages import Place, PlaceKind
from bot.core.text import whole_number
from bot.dashboard import html
from bot.dashboard.pages import gemeente_page, regio_page
from bot.service import Service

log = logging.getLogger(__name__)

PREFIX = "/dashboard"
HEADERS = [(b"content-security-policy", b"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                         b"form-action 'none'; frame-ancestors 'none'"),
           (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
           (b"cache-control", b"no-store")]
TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "pdf": "application/pdf"}


class Viewer(Protocol):
    """Who looks at the dashboard, and what they may read."""

    naam: str

    def gemeenten(self) -> list[dict]: ...

    def regios(self) -> list[dict]: ...


class Operator:
    """The person at the terminal of the bot's machine: every gemeente and regio."""

    naam = "de beheerder van de bot"

    def __init__(self, service: Service):
        self.store = service.store

    def gemeenten(self) -> list[dict]:
        return self.store.gemeenten.all()

    def regios(self) -> list[dict]:
        return self.store.gemeenten.regios()


class Person:
    """Someone of a chat platform: what the chat lets them read in their own chat with the bot
    (``authorize``, as a dry run): the gemeenten they belong to and those of the regio's they lead
    as projectleider; the regio's they lead. An owner of an ontwikkelpunt or a colleague handed
    questions reads no gemeente as a whole, so sees none here either."""

    def __init__(self, service: Service, user_id: str, naam: str):
        self.store, self.user_id, self.naam = service.store, user_id, naam

    def regios(self) -> list[dict]:
        return self.store.people.regios_led(self.user_id)

    def gemeenten(self) -> list[dict]:
        led = {r["id"] for r in self.regios()}
        candidates = {g["id"]: g for g in (*self.store.people.memberships(self.user_id),
                                           *(g for r in led for g in self.store.gemeenten.of_regio(r)))}
        own_chat = Place(PlaceKind.DIRECT, f"{self.user_id}~dashboard")
        return sorted((g for g in candidates.values() if authorize(own_chat, Facts(
            False, role=lambda g=g: self.store.people.role(g["id"], self.user_id),
            leads_regio=lambda g=g: g["regio_id"] in led), Role.LEZER) is None),
            key=lambda g: g["naam"])


class Response:
    def __init__(self, status: int, body: bytes, kind: str = "text/html; charset=utf-8",
                 filename: str = ""):
        self.status, self.body, self.kind, self.filename = status, body, kind, filename


def dashboard(service: Service, viewer_of: Callable[[dict], Viewer | None]):
    """The ASGI app of the dashboard; ``viewer_of(scope)`` says who asks (None: nobody known)."""

    async def application(scope: dict, receive: Callable, send: Callable) -> None:
        if scope["method"] not in ("GET", "HEAD"):
            answer = Response(405, b"Het dashboard kan alleen gelezen worden.")
        elif (viewer := viewer_of(scope)) is None:
            answer = Response(401, html.missing("Je bent niet aangemeld.").encode())
        else:  # the database is read on a thread, never on the server's loop
            answer = await asyncio.to_thread(page, service, viewer, scope["path"],
                                              parse_qs(scope.get("query_string", b"").decode()))
        headers = [(b"content-type", answer.kind.encode()), *HEADERS]
        if answer.filename:
            headers.append((b"content-disposition",
                            f'attachment; filename="{answer.filename}"'.encode()))
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body",
                    "body": b"" if scope["method"] == "HEAD" else answer.body})

    return application


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
        with service.store.transaction():  # one consistent moment of the database
            shown = gemeente_page(service.store, service.reporter, gemeente, today)
        return Response(200, html.gemeente(shown).encode())
    if parts[0] == "regio" and number is not None and len(parts) == 2:
        regio = next((r for r in viewer.regios() if r["id"] == number), None)
        if regio is None:
            return _missing("Deze regio is er niet, of je mag haar niet zien.")
        sort = (query.get("sorteer") or [""])[0]
        direction = (query.get("richting") or [""])[0]
        shown = regio_page(service.store, service.reporter, regio, today, sort,
                           {"af": True, "op": False}.get(direction))
        return Response(200, html.regio(shown).encode())
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
