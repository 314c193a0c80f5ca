"""The chat platforms configured here, together: what the one server serves, what the worker
process handles and sends to.

Slack is configured by ``SLACK_BOT_TOKEN``, Teams by ``CLIENT_ID`` (or ``LEIDRAAD_TEAMS_LOKAAL=1``
for a trial on this machine). Each platform's code is imported only when it is configured, so a
Slack-only install needs no Teams packages.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from bot.adapters.dashboard import PREFIX, Sessions, dashboard
from bot.adapters.seal import Seal
from bot.adapters.server import Server, asgi_app
from bot.config import ConfigError, slack_from_env, teams_from_env
from bot.service import Service
from bot.service.inbox import Inbox
from bot.service.outbox import Platforms

LOCAL = "127.0.0.1"


def sending(service: Service, env: Mapping[str, str], names: list[str]) -> Platforms:
    """The platforms in ``names``, as the outbox sends to them."""
    platforms = {}
    if "slack" in names:
        from bot.adapters.slack.app import slack_platform

        platforms["slack"] = slack_platform(service, slack_from_env(env, http=True, sending_only=True))
    if "teams" in names:
        from bot.adapters.teams.app import worker_platform

        platforms["teams"] = worker_platform(service, teams_from_env(env))
    return Platforms(**platforms)


def worker_inbox(service: Service, env: Mapping[str, str], names: list[str]) -> Inbox:
    """The inbox of the worker process, answering on every platform in ``names``."""
    return Inbox(service, sending(service, env, names))


def listen(service: Service, env: Mapping[str, str], names: list[str], host: str | None,
           port: int | None, slack_http: bool) -> Callable[[], None]:
    """Everything set up to take in what the platforms send (``ConfigError`` when a setting is
    wrong): Slack's Events API and Teams' ``/api/messages`` on one server (with ``/healthz``),
    or Slack over Socket Mode. Returns what serves until stopped."""
    routes: dict = {}
    seals: dict[str, Seal] = {}  # each platform's key, for the dashboard's sign-in links
    socket_mode = None
    if "slack" in names:
        from bot.adapters.slack.app import build, events_handler
        from bot.adapters.slack.app import socket_mode as slack_socket

        slack = slack_from_env(env, http=slack_http)
        seals["slack"] = Seal(slack.bot_token)
        bot = build(service, slack, http=slack_http)
        bot.inbox.open()
        if slack_http:
            routes["/slack/events"] = events_handler(bot)
        else:
            socket_mode = slack_socket(bot, slack)
    if "teams" in names:
        from bot.adapters.teams.app import ENDPOINT, offer_seal
        from bot.adapters.teams.app import build as build_teams

        teams = teams_from_env(env)
        seals["teams"] = offer_seal(teams)
        if teams.local and host not in (None, LOCAL):
            raise ConfigError("LEIDRAAD_TEAMS_LOKAAL=1 zet de controle van Teams uit; dat kan "
                              f"alleen op {LOCAL}. Start zonder --host, of met --host {LOCAL}.")
        if teams.local:
            host = LOCAL
        teams_bot = build_teams(service, teams, sending=False)
        teams_bot.inbox.open()
        routes[ENDPOINT] = teams_bot.asgi
    if not routes:
        return socket_mode.start  # Slack alone, over Socket Mode: no server needed
    sessions = Sessions(service, seals)
    tab = None
    if "teams" in names and teams.dashboard_url and not teams.local:  # a Teams tab, with sign-on
        from bot.adapters.teams.tab import EntraTokens, TeamsTab
        tab = TeamsTab(EntraTokens(teams.client_id, teams.dashboard_url), sessions, teams.dashboard_url)
    pages = dashboard(service, sessions.viewer_of, sessions.sign_in, tab)
    routes |= {PREFIX: pages, PREFIX + "/": pages}
    server = Server(asgi_app(routes, service.store.healthy), host or "0.0.0.0",
                    port if port is not None else (3978 if "teams" in names else 3000))

    def run() -> None:
        if socket_mode is not None:
            threading.Thread(target=socket_mode.start, name="socket-mode", daemon=True).start()
        for path in routes:
            if not path.endswith("/"):
                print(f"Leidraadbot luistert op http://{server.host}:{server.port}{path}", flush=True)
        if "teams" in names and teams.local:
            print("Lokale proef (LEIDRAAD_TEAMS_LOKAAL=1): Teams-verzoeken worden niet "
                  "gecontroleerd en antwoorden gaan zonder inloggen weg; alleen voor deze computer.",
                  flush=True)
        server.run()

    return run
