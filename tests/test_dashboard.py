"""The dashboard: a gemeente's plan and the regiobeeld as HTML pages on the bot's own ASGI server,
read-only. What they show agrees with the database; a viewer sees only what they may read; the
pages pass axe's WCAG 2.1 AA rules, every link is reached with the keyboard, and they print on A4."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import datetime
from html import unescape

import pytest

from benchmarks.data import country
from bot.adapters.dashboard import PREFIX, Operator, dashboard
from bot.adapters.server import Server, asgi_app
from bot.core.dutch import AMSTERDAM
from bot.core.messages import Place, PlaceKind
from bot.service import Service
from dialogues.content import checklist
from store import Store

from . import look
from .conftest import Chat, Clock

GEMEENTEN = 12


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A regio of twelve gemeenten with everything filled in, and Utrecht with a colleague's
    answer that holds markup; served for the operator."""
    folder = tmp_path_factory.mktemp("dashboard")
    store = Store(folder / "leidraad.db", durable=False)
    service = Service(store, clock=Clock(datetime(2026, 6, 1, 8, 0, tzinfo=AMSTERDAM)))
    country(store, service.plan, datetime(2026, 1, 5, 8, 0, tzinfo=AMSTERDAM), count=GEMEENTEN)
    questions = [q.id for q in checklist().questions]
    with store.transaction():  # the others each as far as they are: fewer answers, some done
        for n, g in enumerate(store.gemeenten.all()[1:], 1):
            gone = questions[-(n * 4):]
            store.db.execute(f"DELETE FROM answers WHERE gemeente_id = ? AND question_id IN "
                             f"({','.join('?' * len(gone))})", [g["id"], *gone])
            store.db.execute("UPDATE ontwikkelpunten SET status = 'afgerond' WHERE gemeente_id = ? "
                             "AND nummer <= ?", [g["id"], 3 * n])
            store.db.execute("UPDATE ontwikkelpunten SET planning = '2026-05-01' WHERE gemeente_id = ? "
                             "AND nummer % ? = 0", [g["id"], n + 2])
    chat = Chat(service, "<b>Anna</b> & Co", "Utrecht")
    chat.start()
    chat.say("De wethouder <script>alert(1)</script> is opdrachtgever")
    server = Server(asgi_app({PREFIX: app(service), PREFIX + "/": app(service)}, store.healthy),
                    "127.0.0.1", 0)
    thread = server.serve_in_thread()
    yield service, store, f"http://127.0.0.1:{server.port}{PREFIX}", folder
    server.stop()
    thread.join(timeout=10)
    store.close()


def app(service, viewer="operator"):
    who = Operator(service) if viewer == "operator" else viewer
    return dashboard(service, lambda scope: who)


def get(url: str, method: str = "GET") -> tuple[int, str, dict]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace"), dict(error.headers)


def text(page: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_the_pages_show_what_the_database_holds(site):
    service, store, url, _ = site
    status, index, headers = get(url)
    assert status == 200 and '<html lang="nl">' in index
    assert "default-src 'none'" in headers["content-security-policy"]
    for g in store.gemeenten.all():
        assert f'href="/dashboard/gemeente/{g["id"]}"' in index
    first = store.gemeenten.all()[0]
    _, page, _ = get(f"{url}/gemeente/{first['id']}")
    shown = text(page)
    answered = store.db.execute("SELECT count(DISTINCT question_id) FROM answers WHERE gemeente_id = ?",
                                [first["id"]]).fetchone()[0]
    assert "Deel I: 23 van 23 vragen beantwoord" in shown and answered == 48
    counts = dict(store.db.execute("SELECT basisfunctie, count(*) FROM ontwikkelpunten WHERE gemeente_id = ? "
                                   "AND concept = 0 GROUP BY basisfunctie", [first["id"]]).fetchall())
    chart = page.split('<svg class="chart"')[1].split("</svg>")[0]
    totals = [int(t) for t in re.findall(r'<text x="[\d.]+" y="[\d.]+" font-size="12">(\d+)</text>', chart)]
    for number, count in counts.items():  # the table beside the chart: open, per basisfunctie
        assert re.search(rf"{number}\. [^<]+</th><td class=\"n\">{count}</td>", page), (number, count)
    assert totals == [counts.get(b.number, 0) for b in service.plan.content.basisfuncties]  # the chart
    rows = re.findall(r"<td class=\"n\">\d+</td>\s*<td>(.*?)</td>", page.split('id="aandacht"')[1])
    order = [("Over datum." not in r, "Verouderd." not in r) for r in rows]
    assert rows and order == sorted(order) and "Verouderd." in rows[0]  # who needs attention first
    assert "Volgende stuurgroep" in shown and "1 juni 2027" in shown
    assert "Er is geen stuurgroep gepland" not in shown


def test_the_regio_page_has_every_gemeente_and_sorts_by_any_column(site):
    service, store, url, _ = site
    regio = store.gemeenten.regios()[0]
    status, page, _ = get(f"{url}/regio/{regio['id']}")
    rows = re.findall(r'<tr><th scope="row">(?:<a [^>]+>)?([^<]+)<', page)
    assert status == 200 and len(rows) == GEMEENTEN + 1  # and the totals
    beeld = service.reporter.regiobeeld(store, regio, service.clock().date())
    assert rows[:-1] == [r.gemeente for r in beeld.rows]  # the chat's regiobeeld, the same order
    _, by_name, _ = get(f"{url}/regio/{regio['id']}?sorteer=gemeente&richting=op")
    names = re.findall(r'<tr><th scope="row">(?:<a [^>]+>)?([^<]+)<', by_name)[:-1]
    assert names == sorted(names, key=str.casefold) and 'aria-sort="ascending"' in by_name
    _, odd, _ = get(f"{url}/regio/{regio['id']}?sorteer=%3Cscript%3E&richting=x")
    assert "<script>" not in odd and "aria-sort" not in odd  # an unknown column: its own order


def test_user_text_is_escaped_and_markup_never_runs(site):
    _, store, url, _ = site
    utrecht = store.gemeenten.get("utrecht")
    _, page, _ = get(f"{url}/gemeente/{utrecht['id']}")
    assert "<b>Anna</b>" not in page and "&lt;b&gt;Anna&lt;/b&gt; &amp; Co" in page
    assert "<script>" not in page


def test_a_viewer_sees_only_what_they_may_read(site):
    service, store, _, _ = site
    mine, other = store.gemeenten.all()[:2]

    class Member:
        naam = "Anna"

        def gemeenten(self):
            return [mine]

        def regios(self):
            return []

    server = Server(asgi_app({PREFIX + "/": app(service, Member())}, store.healthy), "127.0.0.1", 0)
    thread = server.serve_in_thread()
    try:
        base = f"http://127.0.0.1:{server.port}{PREFIX}"
        _, index, _ = get(base + "/")
        assert mine["naam"] in index and other["naam"] not in index
        for path in (f"/gemeente/{other['id']}", f"/gemeente/{other['id']}/ontwikkelplan.xlsx",
                     f"/regio/{store.gemeenten.regios()[0]['id']}"):
            status, page, _ = get(base + path)
            assert status == 404 and other["naam"] not in page and "mag haar niet zien" in page, path
        assert get(base + f"/gemeente/{mine['id']}")[0] == 200
    finally:
        server.stop()
        thread.join(timeout=10)
    nobody = Server(asgi_app({PREFIX + "/": dashboard(service, lambda scope: None)}, store.healthy),
                    "127.0.0.1", 0)
    thread = nobody.serve_in_thread()
    try:
        status, page, _ = get(f"http://127.0.0.1:{nobody.port}{PREFIX}/gemeente/{mine['id']}")
        assert status == 401 and mine["naam"] not in page
    finally:
        nobody.stop()
        thread.join(timeout=10)


def test_exports_unknown_pages_and_writes(site):
    _, store, url, _ = site
    first = store.gemeenten.all()[0]
    status, _, headers = get(f"{url}/gemeente/{first['id']}/ontwikkelplan.xlsx")
    assert status == 200 and headers["content-disposition"].startswith('attachment; filename="')
    assert headers["content-type"].startswith("application/vnd.openxmlformats")
    for path in ("/gemeente/99999", "/gemeente/x", "/gemeente/1/ontwikkelplan.exe", "/iets"):
        status, page, _ = get(url + path)
        assert status == 404 and "Niet gevonden" in page and "Traceback" not in page, path
    assert get(url + "/", "POST")[0] == 405


def folder_store_first(folder) -> int:
    import sqlite3
    with sqlite3.connect(folder / "leidraad.db") as conn:
        return conn.execute("SELECT min(id) FROM gemeenten").fetchone()[0]


def test_leidraadbot_dashboard_serves_on_this_computer_alone(site):
    *_, folder = site
    bot = subprocess.Popen([sys.executable, "-m", "bot", "dashboard", "--port", "0", "--db",
                            str(folder / "leidraad.db")], stdout=subprocess.PIPE, text=True)
    try:
        line = bot.stdout.readline()
        served = re.search(r"http://127\.0\.0\.1:(\d+)/dashboard", line)
        assert served, line
        first = folder_store_first(folder)
        assert get(served.group(0))[0] == 200
        status, page, _ = get(f"{served.group(0)}/gemeente/{first}")  # below it, too
        assert status == 200 and "Checklist sturing" in page
        home = f"http://127.0.0.1:{served.group(1)}/"
        assert _no_redirects(home)[:2][0] == 303 and _no_redirects(home)[1]["location"] == "/dashboard"
    finally:
        bot.terminate()
        bot.wait(timeout=20)


def test_in_a_browser_the_pages_pass_axe_reach_every_link_and_print_on_a4(site, tmp_path):
    look.require()
    _, store, url, _ = site
    regio = store.gemeenten.regios()[0]
    pages = {"overzicht": url, "gemeente": f"{url}/gemeente/{store.gemeenten.all()[0]['id']}",
             "regio": f"{url}/regio/{regio['id']}"}
    import os
    from pathlib import Path
    shots = os.environ.get("LEIDRAAD_SCREENSHOTS")
    for seen in look.pages(pages, tmp_path, Path(shots) if shots else None):
        assert seen.violations == [], (seen.name, seen.violations)
        assert set(seen.links) <= set(seen.reached), (seen.name, set(seen.links) - set(seen.reached))
        pdf = Path(seen.pdf).read_bytes()
        sizes = set(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf))
        assert sizes and all(abs(float(w) - 595.92) < 2 and abs(float(h) - 842.88) < 2
                             for w, h in sizes), (seen.name, sizes)  # A4, in points


# --- signing in from the chat ---------------------------------------------------------------------

class Recorded:
    """Where a platform's delivery puts its calls (the outbox, in the worker)."""

    def __init__(self):
        self.calls = []

    def call(self, call):
        self.calls.append(call)

    def then(self, inbound):
        raise AssertionError("no follow-up expected")


def _no_redirects(url: str, cookie: str = "") -> tuple[int, dict, str]:
    import http.client
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""),
                       headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    headers = {k.lower(): v for k, v in response.getheaders()}
    connection.close()
    return response.status, headers, body


def test_dashboard_in_the_chat_gives_a_link_that_signs_in_once_and_shows_only_theirs(site):
    from bot.adapters.dashboard import Sessions, SignIn
    from bot.adapters.seal import Seal
    from bot.adapters.slack.delivery import SlackPlatform
    from bot.core.messages import Said, User
    from bot.core.replies import DashboardLink

    service, store, _, _ = site
    mine, other = store.gemeenten.all()[:2]
    owner = store.db.execute("SELECT user_id FROM members WHERE gemeente_id = ? AND role = 'lid'",
                             [mine["id"]]).fetchone()[0]
    user = User(owner, store.people.name(owner))
    seal = Seal("xoxb-een-token")
    sessions = Sessions(service, {"slack": seal})
    pages = dashboard(service, sessions.viewer_of, sessions.sign_in)
    server = Server(asgi_app({PREFIX: pages, PREFIX + "/": pages}, store.healthy), "127.0.0.1", 0)
    thread = server.serve_in_thread()
    try:
        base = f"http://127.0.0.1:{server.port}"
        own_chat = Place(PlaceKind.DIRECT, "slack:T1:D1")
        replies = service.handle(Said(user, own_chat, text="dashboard"))
        assert replies == [DashboardLink()]
        platform = SlackPlatform(None, service.plan.content, seal, SignIn(seal, base))
        out = Recorded()
        platform.deliver(Said(user, own_chat, text="dashboard", route={"channel": "D1"}), replies, out)
        [link] = re.findall(r"http://127\.0\.0\.1:\d+/dashboard/aanmelden\?t=[^\s|>)]+", out.calls[0]["text"])
        status, headers, _ = _no_redirects(link)
        assert status == 303 and headers["location"] == "/dashboard"
        cookie = headers["set-cookie"]
        assert all(flag in cookie for flag in ("HttpOnly", "Secure", "SameSite=Lax", "Path=/dashboard"))
        session = cookie.split(";", 1)[0]
        status, _, index = _no_redirects(f"{base}/dashboard", session)
        assert status == 200 and mine["naam"] in index and other["naam"] not in index
        assert _no_redirects(f"{base}/dashboard/gemeente/{mine['id']}", session)[0] == 200
        status, _, page = _no_redirects(f"{base}/dashboard/gemeente/{other['id']}", session)
        assert status == 404 and other["naam"] not in page
        replayed = _no_redirects(link)
        assert replayed[0] == 401 and "set-cookie" not in replayed[1]  # once
        forged = link.replace(owner.rsplit(":", 1)[1], "U99999")
        assert _no_redirects(forged)[0] == 401
        assert _no_redirects(f"{base}/dashboard", session.replace("naam", "name"))[0] == 401
        assert _no_redirects(f"{base}/dashboard")[0] == 401  # no session: nothing shown
        late = Sessions(service, {"slack": seal}, clock=lambda: datetime(2099, 1, 1, tzinfo=AMSTERDAM))
        fresh = SignIn(seal, base).link(user, datetime.now(AMSTERDAM))
        token = re.search(r"t=(.*)$", fresh).group(1)
        from urllib.parse import unquote
        assert late.sign_in(unquote(token)) is None  # expired
    finally:
        server.stop()
        thread.join(timeout=10)


def test_where_the_dashboard_is_not_on_the_web_the_chat_says_so(slack):
    slack.user("U1").say("dashboard", channel="D1")
    slack.settle()
    said = slack.api.named("chat.postMessage")[-1]["text"]
    assert "nog niet op het web" in said and "LEIDRAAD_DASHBOARD_URL" in said


def test_the_slack_home_has_a_link_that_signs_in_to_the_dashboard(site):
    from bot.adapters.dashboard import SignIn
    from bot.adapters.seal import Seal
    from bot.adapters.slack.delivery import SlackPlatform
    from bot.core.messages import Opened, User

    service, store, _, _ = site
    member = store.db.execute("SELECT user_id FROM members WHERE role = 'lid'").fetchone()[0]
    user = User(member, store.people.name(member))
    seal = Seal("xoxb-een-token")
    opened = Opened(user, Place(PlaceKind.DIRECT, "slack:T1:D1"), route={"user": "U1", "channel": "D1"})
    out = Recorded()
    SlackPlatform(None, service.plan.content, seal, SignIn(seal, "https://leidraad.example.nl")).deliver(
        opened, service.handle(opened), out)
    [view] = [c["view"] for c in out.calls if c["method"] == "views.publish"]
    assert re.search(r"<https://leidraad\.example\.nl/dashboard/aanmelden\?t=[^|]+\|Open het dashboard>",
                     str(view["blocks"]))


def test_what_a_new_user_ran_into_on_the_pages_is_put_right(site):
    """From a trial in a fresh clone: the regio's name once, the gemeenten of the regio linked,
    concepts named, a write answered with a page and Allow, a planning step without its date."""
    _, store, url, _ = site
    regio = store.gemeenten.regios()[0]
    _, index, _ = get(url)
    assert "Regio Regio" not in index
    _, page, _ = get(f"{url}/regio/{regio['id']}")
    first = store.gemeenten.all()[0]
    assert f'<a href="/dashboard/gemeente/{first["id"]}">{first["naam"]}</a>' in page
    concepts = [p["nummer"] for p in store.punten.all(first["id"]) if p["concept"]]
    _, page, _ = get(f"{url}/gemeente/{first['id']}")
    assert concepts and f"Nog niet af (concepten): #{concepts[0]} " in text(page)
    status, page, headers = get(url + "/", "POST")
    assert status == 405 and headers["allow"] == "GET, HEAD" and "<html" in page
    from bot.ontwikkelplan.planning import steps_of
    assert [text for _, text in steps_of("1 februari 2027 offerte; juni 2027: start training")] == [
        "offerte", "start training"]
