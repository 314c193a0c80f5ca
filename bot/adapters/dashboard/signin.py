"""Signing in to the dashboard from the chat: a link that signs someone in once (``SignIn``:
short-lived, single use, bound to that person, sealed with the bot's key of their platform), and
the session cookie after it (``Sessions``: HttpOnly, Secure, SameSite) that says who looks."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from http.cookies import CookieError, SimpleCookie
from urllib.parse import quote, unquote

from bot.adapters.dashboard.viewers import Person, Viewer
from bot.adapters.seal import Seal
from bot.core.context import utc_now
from bot.core.messages import User
from bot.core.replies import DashboardLink, Notice, Tone
from bot.service import Service

PREFIX = "/dashboard"
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


def session_cookie(session: str, same_site: str) -> bytes:
    """The Set-Cookie of a session: never for scripts, only over https, for the dashboard."""
    return (f"{COOKIE}={quote(session)}; Path={PREFIX}; Max-Age={int(SESSION_VALID.total_seconds())}; "
            f"HttpOnly; Secure; {same_site}").encode()
