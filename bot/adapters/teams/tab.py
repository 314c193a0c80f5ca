"""The dashboard as a Teams tab, signed in with Teams single sign-on.

A personal tab (and a tab a team adds to its channel) opens ``/dashboard/teams``. That page asks
TeamsJS for the person's token, made by Entra ID for the app's own resource
(``webApplicationInfo``), and sends it once; the server checks it against Entra's keys, the
audience and the issuer of the person's own tenant, and signs them in as the person the bot knows
(``teams:<tenant>:<object id>``): then the pages show what the chat lets them read. The tab lives
in Teams' frame, so its session cookie is ``SameSite=None; Partitioned``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

ENTRA_KEYS = "https://login.microsoftonline.com/common/discovery/v2.0/keys"
TEAMS_JS = "https://res.cdn.office.net/teams-js/2.34.0/js/MicrosoftTeams.min.js"


def resource(dashboard_url: str, client_id: str) -> str:
    """The app's resource in Entra ID, for the tab's token: ``api://<host>/botid-<client id>``
    (one registration for the bot and its tab)."""
    return f"api://{urlsplit(dashboard_url).hostname}/botid-{client_id}"


@dataclass(frozen=True)
class Signed:
    user_id: str
    naam: str


class EntraTokens:
    """Checks a tab's token: signed by one of Entra's keys, for this app, by the person's own
    tenant, not expired. ``keys``: where Entra's keys are (tests: a local server)."""

    def __init__(self, client_id: str, dashboard_url: str, keys: str = ENTRA_KEYS):
        import jwt

        self.audiences = [resource(dashboard_url, client_id), client_id]
        self._keys = jwt.PyJWKClient(keys, cache_keys=True, lifespan=3600)

    def person(self, token: str) -> Signed | None:
        """Who the token says signed in, or None for one that does not hold."""
        import jwt

        try:
            key = self._keys.get_signing_key_from_jwt(token).key
            claims = jwt.decode(token, key, algorithms=["RS256"], audience=self.audiences,
                                options={"require": ["exp", "iat", "iss", "aud", "tid", "oid"]})
        except (jwt.PyJWTError, ValueError):  # why it failed is not for the page to say
            return None
        tid, oid = str(claims["tid"]), str(claims["oid"])
        if claims["iss"] not in (f"https://login.microsoftonline.com/{tid}/v2.0",
                                 f"https://sts.windows.net/{tid}/"):
            return None
        return Signed(f"teams:{tid}:{oid}", str(claims.get("name") or "Iemand"))


def tab_page(nonce: str) -> str:
    """The tab's first page: the token from TeamsJS, sent once, then the dashboard."""
    return f"""<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Dashboard · Leidraadbot</title>
<script src="{TEAMS_JS}" nonce="{nonce}"></script></head>
<body><main><h1>Dashboard</h1><p id="stand">Even aanmelden bij Leidraadbot…</p></main>
<script nonce="{nonce}">
microsoftTeams.app.initialize().then(() => microsoftTeams.authentication.getAuthToken())
  .then((token) => fetch("/dashboard/teams/aanmelden", {{method: "POST",
        headers: {{"Authorization": "Bearer " + token}}, credentials: "include"}}))
  .then((answer) => {{ if (!answer.ok) throw new Error(); location.replace("/dashboard"); }})
  .catch(() => {{ document.getElementById("stand").textContent = "Aanmelden lukte niet. Sluit het "
        + "tabblad en open het opnieuw, of typ ‘dashboard’ in je chat met Leidraadbot."; }});
</script></body></html>"""


def config_page(nonce: str, dashboard_url: str) -> str:
    """What a team sees when it adds the tab to a channel: one click, and the tab is there."""
    return f"""<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Dashboard toevoegen · Leidraadbot</title>
<script src="{TEAMS_JS}" nonce="{nonce}"></script></head>
<body><main><h1>Het dashboard van Leidraadbot</h1>
<p>Kies Opslaan: het tabblad toont de gemeente en de regio's die ieder in het kanaal in de chat mag
zien.</p></main>
<script nonce="{nonce}">
microsoftTeams.app.initialize().then(() => {{
  microsoftTeams.pages.config.registerOnSaveHandler((save) => {{
    microsoftTeams.pages.config.setConfig({{entityId: "dashboard", suggestedDisplayName: "Dashboard",
      contentUrl: "{dashboard_url}/dashboard/teams", websiteUrl: "{dashboard_url}/dashboard"}})
      .then(() => save.notifySuccess());
  }});
  microsoftTeams.pages.config.setValidityState(true);
}});
</script></body></html>"""


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


class TeamsTab:
    """The tab's own pages under ``/dashboard/teams``: the page that signs in, the channel tab's
    configuration, and the sign-in with the token (POST, ``Authorization: Bearer``)."""

    def __init__(self, tokens: EntraTokens, sessions, dashboard_url: str):
        self.tokens, self.sessions, self.dashboard_url = tokens, sessions, dashboard_url.rstrip("/")

    def __call__(self, scope: dict):
        from bot.adapters.dashboard import FRAMED_BY, NOT_SIGNED_IN, PREFIX, Response, session_cookie
        from bot.dashboard import html

        path, method = scope["path"].rstrip("/"), scope["method"]
        if path == f"{PREFIX}/teams/aanmelden" and method == "POST":
            header = dict(scope.get("headers", ())).get(b"authorization", b"").decode()
            signed = self.tokens.person(header.removeprefix("Bearer ").strip()) if header else None
            if signed is None:
                return Response(401, html.missing(NOT_SIGNED_IN).encode())
            cookie = session_cookie(self.sessions.session(signed.user_id, signed.naam),
                                    "SameSite=None; Partitioned")  # in Teams' frame
            return Response(204, b"", headers=((b"set-cookie", cookie),))
        if method not in ("GET", "HEAD") or path not in (f"{PREFIX}/teams", f"{PREFIX}/teams/instellen"):
            return None
        nonce = new_nonce()
        body = (tab_page(nonce) if path.endswith("/teams") else config_page(nonce, self.dashboard_url))
        policy = (f"default-src 'none'; script-src 'nonce-{nonce}' {TEAMS_JS}; connect-src 'self'; "
                  f"style-src 'unsafe-inline'; frame-ancestors {FRAMED_BY}")
        return Response(200, body.encode(), headers=((b"content-security-policy", policy.encode()),))

