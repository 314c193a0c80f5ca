"""The dashboard over HTTP: who looks (``viewers``), signing in from the chat (``signin``), and
the pages (``app``). ``leidraadbot dashboard`` serves them on 127.0.0.1 for the person at the
terminal (``Operator``), who may read everything, as in the console chat."""

from bot.adapters.dashboard.app import FRAMED_BY, HEADERS, Response, dashboard, page, to_dashboard
from bot.adapters.dashboard.signin import (
    COOKIE,
    NOT_SIGNED_IN,
    PREFIX,
    Sessions,
    SignIn,
    session_cookie,
    with_links,
)
from bot.adapters.dashboard.viewers import Operator, Person, Viewer

__all__ = ["COOKIE", "FRAMED_BY", "HEADERS", "NOT_SIGNED_IN", "PREFIX", "Operator", "Person",
           "Response", "Sessions", "SignIn", "Viewer", "dashboard", "page", "session_cookie",
           "to_dashboard", "with_links"]
