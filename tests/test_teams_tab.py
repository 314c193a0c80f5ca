"""The dashboard as a Teams tab: the app package holds a personal tab and a channel tab with the
app's resource for single sign-on, and the server signs a person in with the token TeamsJS gives,
checked against Entra's keys (here keys made on this machine, served by a local server), the
audience and the issuer of the person's own tenant."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
import zipfile
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytest.importorskip("microsoft_teams.apps")

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jsonschema import Draft7Validator

from bot.adapters.dashboard import PREFIX, Sessions, dashboard
from bot.adapters.seal import Seal
from bot.adapters.server import Server, asgi_app
from bot.adapters.teams.tab import EntraTokens, TeamsTab, resource
from bot.core.dutch import AMSTERDAM
from bot.service import Service
from store import Store

from .conftest import Clock
from .test_dashboard import _no_redirects
from .test_teams_package import SCHEMA

APP = "11111111-2222-3333-4444-555555555555"
URL = "https://leidraad.example.nl"
TENANT, OID = "tenant-utrecht", "5c2e8a41-aad-anna"


class EntraKeys:
    """Entra ID's signing keys, as its discovery endpoint serves them; made here."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        keys = {"keys": [public | {"kid": "entra-test", "use": "sig", "alg": "RS256"}]}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = json.dumps(keys).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/discovery/v2.0/keys"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def token(self, key=None, **changed) -> str:
        now = int(time.time())
        claims = {"aud": resource(URL, APP), "iss": f"https://login.microsoftonline.com/{TENANT}/v2.0",
                  "tid": TENANT, "oid": OID, "name": "Anna de Vries", "iat": now, "nbf": now,
                  "exp": now + 3600} | changed
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": "entra-test"})


@pytest.fixture
def tab(tmp_path):
    keys = EntraKeys()
    store = Store(tmp_path / "leidraad.db", durable=False)
    service = Service(store, clock=Clock(datetime(2026, 6, 1, 8, 0, tzinfo=AMSTERDAM)))
    at = "2026-06-01T08:00:00+00:00"
    with store.transaction():
        for naam in ("Utrecht", "Zeist"):
            store.gemeenten.create(naam.casefold(), naam, "operator", at)
        store.people.ensure(f"teams:{TENANT}:{OID}", "Anna de Vries", at)
        store.people.add_member(1, f"teams:{TENANT}:{OID}", "lid", "operator", at)
    sessions = Sessions(service, {"teams": Seal("een-geheim")})
    pages = dashboard(service, sessions.viewer_of, sessions.sign_in,
                      TeamsTab(EntraTokens(APP, URL, keys.url), sessions, URL))
    server = Server(asgi_app({PREFIX: pages, PREFIX + "/": pages}, store.healthy), "127.0.0.1", 0)
    thread = server.serve_in_thread()
    yield keys, f"http://127.0.0.1:{server.port}"
    server.stop()
    thread.join(timeout=10)
    keys.server.shutdown()
    store.close()


def _post(url: str, token: str | None) -> tuple[int, dict]:
    import http.client
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("POST", parts.path, headers={"Authorization": f"Bearer {token}"} if token else {})
    response = connection.getresponse()
    response.read()
    headers = {k.lower(): v for k, v in response.getheaders()}
    connection.close()
    return response.status, headers


def test_the_package_has_the_tabs_and_the_resource_for_single_sign_on(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "CLIENT_ID": APP, "HOME": str(tmp_path), "LEIDRAAD_DASHBOARD_URL": URL}
    done = subprocess.run([sys.executable, "-m", "bot", "teams-pakket", "-o", str(tmp_path / "app.zip"),
                           "--website", "https://www.utrecht.nl"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and "met het dashboard als tabblad" in done.stdout, done.stderr
    with zipfile.ZipFile(tmp_path / "app.zip") as package:
        manifest = json.loads(package.read("manifest.json"))
    assert [e.message for e in Draft7Validator(SCHEMA).iter_errors(manifest)] == []
    assert manifest["staticTabs"][0]["contentUrl"] == f"{URL}/dashboard/teams"
    assert manifest["configurableTabs"][0]["configurationUrl"] == f"{URL}/dashboard/teams/instellen"
    assert manifest["webApplicationInfo"] == {"id": APP, "resource": f"api://leidraad.example.nl/botid-{APP}"}
    assert manifest["validDomains"] == ["leidraad.example.nl"]


def test_a_teams_token_signs_the_person_in_and_they_see_only_theirs(tab):
    keys, base = tab
    status, headers, page = _no_redirects(f"{base}/dashboard/teams")
    nonce = re.search(r'nonce="([^"]+)"', page).group(1)
    policy = headers["content-security-policy"]
    assert status == 200 and f"'nonce-{nonce}'" in policy
    assert "frame-ancestors https://teams.microsoft.com" in policy and "getAuthToken" in page
    status, headers = _post(f"{base}/dashboard/teams/aanmelden", keys.token())
    cookie = headers["set-cookie"]
    assert status == 204 and all(f in cookie for f in ("HttpOnly", "Secure", "SameSite=None", "Partitioned"))
    status, _, index = _no_redirects(f"{base}/dashboard", cookie.split(";", 1)[0])
    assert status == 200 and "Gemeente Utrecht" in index and "Zeist" not in index
    assert _no_redirects(f"{base}/dashboard/gemeente/2", cookie.split(";", 1)[0])[0] == 404


@pytest.mark.parametrize("wrong", ["audience", "issuer", "expired", "other key", "no tenant", "none"])
def test_a_token_that_does_not_hold_signs_no_one_in(tab, wrong):
    keys, base = tab
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = {"audience": lambda: keys.token(aud="api://elders.example.nl/botid-x"),
             "issuer": lambda: keys.token(iss="https://login.microsoftonline.com/tenant-zeist/v2.0"),
             "expired": lambda: keys.token(exp=int(time.time()) - 60, iat=int(time.time()) - 3600),
             "other key": lambda: keys.token(key=other),
             "no tenant": lambda: jwt.encode({"aud": resource(URL, APP), "iss": "x", "oid": OID,
                                              "iat": int(time.time()), "exp": int(time.time()) + 60},
                                             keys.key, algorithm="RS256", headers={"kid": "entra-test"}),
             "none": lambda: None}[wrong]()
    status, headers = _post(f"{base}/dashboard/teams/aanmelden", token)
    assert status == 401 and "set-cookie" not in headers
