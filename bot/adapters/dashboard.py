"""The dashboard over HTTP: read-only pages under ``/dashboard`` on the same ASGI server as the
platforms. Who looks is a ``Viewer``, and a page shows only the gemeenten and regio's the viewer
may read. ``leidraadbot dashboard`` serves it on 127.0.0.1 for the person at the terminal
(``Operator``), who may read everything, as in the console chat.

    /dashboard                                   what the viewer may see, with a link to each
    /dashboard/gemeente/<id>                      a gemeente's plan at a glance
    /dashboard/gemeente/<id>/ontwikkelplan.docx   its exports (also .xlsx and .pdf)
    /dashboard/regio/<id>?sorteer=open&richting=af the regiobeeld as a table
    /dashboard/aanmelden?t=…                     signing in with a link from the chat

From the chat (``dashboard`` in one's own chat with the bot) someone gets a link that signs them
in once (``SignIn``: short-lived, single use, bound to that person, sealed with the bot's key);
then a session cookie (HttpOnly, Secure, SameSite) says who they are (``Sessions``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from http.cookies import CookieError, SimpleCookie
from typing import Protocol
from urllib.parse import parse_qs, quote, unquote

from bot.adapters.seal import Seal
from bot.core.access import Facts, Role, authorize
from bot.core.context import utc_now
from bot.core.dutch import local_day
from bot.core.messages import Place, PlaceKind, User
from bot.core.replies import DashboardLink, Notice, Tone
from bot.core.text import whole_number
from bot.dashboard import html
from bot.dashboard.pages import gemeente_page, regio_page
from bot.service import Service

log = logging.getLogger(__name__)

PREFIX = "/dashboard"
FRAMED_BY = ("https://teams.microsoft.com https://*.teams.microsoft.com https://*.cloud.microsoft "
             "https://*.office.com")  # where the pages may show: Teams' tabs
HEADERS = [(b"content-security-policy", b"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                         b"form-action 'none'; frame-ancestors " + FRAMED_BY.encode()),
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


# --- signing in from the chat ----------------------------------------------------------------------

SIGN_IN, SESSION = "dashboard-aanmelden", "dashboard-sessie"  # what a seal is for
LINK_VALID, SESSION_VALID = timedelta(minutes=10), timedelta(hours=8)
COOKIE = "leidraad_sessie"
NOT_SIGNED_IN = ("Je bent niet (meer) aangemeld, of de link is verlopen of al gebruikt. Vraag een "
                 "nieuwe: typ ‘dashboard’ in je eigen chat met Leidraadbot.")


class SignIn:
    """Makes the link that signs someone in to the dashboard, once."""

    def __init__(self, seal: Seal, base_url: str):
        self.seal, self.base_url = seal, base_url.rstrip("/")

    def link(self, user: User, now: datetime) -> str:
        token = self.seal.close(SIGN_IN, user.id, {
            "naam": user.naam, "tot": (now + LINK_VALID).isoformat(), "eenmalig": secrets.token_urlsafe(12)})
        return f"{self.base_url}{PREFIX}/aanmelden?t={quote(token)}"


def with_links(replies: list, sign_in: SignIn | None, user: User, now: datetime) -> list:
    """The replies with each asked-for dashboard link made for ``user`` (or, where this bot has no
    dashboard on the web, why not)."""
    if sign_in is None:
        return [Notice("Het dashboard staat voor deze bot nog niet op het web; de beheerder van de "
                       "bot zet het aan met LEIDRAAD_DASHBOARD_URL.", Tone.WARNING)
                if isinstance(r, DashboardLink) else r for r in replies]
    return [DashboardLink(sign_in.link(user, now)) if isinstance(r, DashboardLink) else r for r in replies]


class Sessions:
    """Who looks, from their session cookie; a link from the chat makes the session. Each
    platform's people are sealed with that platform's key (``seals``: by the first part of their
    user id, ``slack`` or ``teams``)."""

    def __init__(self, service: Service, seals: dict[str, Seal], clock: Callable[[], datetime] = utc_now):
        self.service, self.seals, self.clock = service, seals, clock

    def _opened(self, purpose: str, text: str) -> dict | None:
        """The data sealed in ``text`` for ``purpose``, still valid; None otherwise."""
        try:
            user = str(json.loads(text.rpartition(".")[0]).get("user", ""))
            seal = self.seals.get(user.split(":", 1)[0])
            data = seal.open(purpose, user, text) if seal else None
            if data is None or datetime.fromisoformat(data["tot"]) <= self.clock():
                return None
        except (ValueError, AttributeError, KeyError, TypeError):
            return None
        return data

    def session(self, user_id: str, naam: str) -> str:
        """A session (a cookie's value) for someone of a platform whose key is here."""
        seal = self.seals[user_id.split(":", 1)[0]]
        return seal.close(SESSION, user_id, {"naam": naam, "tot": (self.clock() + SESSION_VALID).isoformat()})

    def sign_in(self, token: str) -> str | None:
        """The session (a cookie's value) a sign-in link gives, once; None for a link that was
        changed, made up, expired or used before."""
        data = self._opened(SIGN_IN, token)
        if data is None:
            return None
        store, now = self.service.store, self.clock()
        with store.transaction():
            if not store.messaging.claim_delivery(f"dashboard:{data['eenmalig']}", now.isoformat()):
                return None
        return self.session(data["user"], data["naam"])

    def viewer_of(self, scope: dict) -> Viewer | None:
        cookie = SimpleCookie()
        try:
            cookie.load(b"; ".join(v for k, v in scope.get("headers", ()) if k == b"cookie").decode())
        except CookieError:
            return None
        data = self._opened(SESSION, unquote(cookie[COOKIE].value)) if COOKIE in cookie else None
        return Person(self.service, data["user"], data["naam"]) if data else None


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
        if tab is not None and scope["path"].startswith(f"{PREFIX}/teams") and (
                answer := await asyncio.to_thread(tab, scope)) is not None:
            pass
        elif scope["method"] not in ("GET", "HEAD"):
            answer = Response(405, b"Het dashboard kan alleen gelezen worden.")
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


def session_cookie(session: str, same_site: str) -> bytes:
    """The Set-Cookie of a session: never for scripts, only over https, for the dashboard."""
    return (f"{COOKIE}={quote(session)}; Path={PREFIX}; Max-Age={int(SESSION_VALID.total_seconds())}; "
            f"HttpOnly; Secure; {same_site}").encode()


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
