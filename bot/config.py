"""Settings from the environment. Only the entry point reads the environment; it passes these on."""

from __future__ import annotations

import importlib.util
import logging
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = "leidraad.db"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    db_path: Path
    log_level: int


OURS = ("bot", "store", "dialogues", "__main__")


def _names_no_content(record: logging.LogRecord) -> bool:
    """Our own log lines name what happened (ids, kinds, sizes); the platforms' libraries log
    whole request bodies at DEBUG (what people wrote, answers included), so theirs start at INFO."""
    return record.levelno >= logging.INFO or record.name.split(".", 1)[0] in OURS


def configure_logging(level: int) -> None:
    """Log to stderr at ``level`` (``LEIDRAAD_LOG``), never with what people wrote."""
    logging.basicConfig(level=level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(_names_no_content)


def from_env(env: Mapping[str, str], db: str | None = None) -> Settings:
    """Settings from ``env``; ``db`` (from ``--db``) wins over ``LEIDRAAD_DB``."""
    level_name = env.get("LEIDRAAD_LOG", "WARNING").strip().upper()
    level = logging.getLevelName(level_name)
    if not isinstance(level, int):
        raise ConfigError(f"LEIDRAAD_LOG={level_name!r} is geen logniveau; kies DEBUG, INFO, "
                          "WARNING of ERROR.")
    path = (db or env.get("LEIDRAAD_DB") or DEFAULT_DB).strip()
    if not path:
        raise ConfigError("Geef een pad voor de database op, bijvoorbeeld --db leidraad.db.")
    return Settings(db_path=Path(path).expanduser(), log_level=level)


@dataclass(frozen=True)
class SlackSettings:
    bot_token: str
    signing_secret: str
    app_token: str
    api_url: str | None
    dashboard_url: str = ""  # LEIDRAAD_DASHBOARD_URL: where the dashboard is on the web


def slack_from_env(env: Mapping[str, str], http: bool, sending_only: bool = False) -> SlackSettings:
    """Slack settings for Socket Mode (``http=False``) or HTTP mode, or only for sending (the
    reminders one-shot needs just the bot token); every problem in one error."""
    bot_token = env.get("SLACK_BOT_TOKEN", "").strip()
    signing_secret = env.get("SLACK_SIGNING_SECRET", "").strip()
    app_token = env.get("SLACK_APP_TOKEN", "").strip()
    api_url = env.get("SLACK_API_URL", "").strip() or None
    problems = []
    if not bot_token.startswith("xoxb-"):
        problems.append("SLACK_BOT_TOKEN ontbreekt of begint niet met xoxb- (de Bot User OAuth "
                        "Token van de app)")
    if sending_only:
        http = True
        signing_secret = signing_secret or "-"
    if http and not signing_secret:
        problems.append("SLACK_SIGNING_SECRET ontbreekt (Basic Information › Signing Secret)")
    if http and signing_secret and not sending_only and not signing_secret.isalnum():
        problems.append("SLACK_SIGNING_SECRET bevat tekens die er niet in horen")
    if not http and not app_token.startswith("xapp-"):
        problems.append("SLACK_APP_TOKEN ontbreekt of begint niet met xapp- (nodig voor Socket "
                        "Mode; of start met --http)")
    if api_url and not api_url.startswith(("http://", "https://")):
        problems.append("SLACK_API_URL moet met http:// of https:// beginnen")
    if problems:
        raise ConfigError("De Slack-instellingen kloppen niet:\n- " + "\n- ".join(problems))
    if api_url and not api_url.endswith("/"):
        api_url += "/"
    return SlackSettings(bot_token, signing_secret, app_token, api_url, dashboard_url(env))


def dashboard_url(env: Mapping[str, str]) -> str:
    """``LEIDRAAD_DASHBOARD_URL``: the address people open the dashboard at (https://…), or ""
    where it is not on the web."""
    url = env.get("LEIDRAAD_DASHBOARD_URL", "").strip().rstrip("/")
    if url and not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise ConfigError("LEIDRAAD_DASHBOARD_URL moet met https:// beginnen (de aanmeldlink en de "
                          "sessie gaan er alleen versleuteld heen).")
    return url


@dataclass(frozen=True)
class TeamsSettings:
    """The bot's registration (``CLIENT_ID``, ``CLIENT_SECRET``, ``TENANT_ID``, the Teams SDK's
    names); ``local`` (``LEIDRAAD_TEAMS_LOKAAL=1``) is for trying it on this machine only: no
    authentication, and no credentials to send with. ``openid_url`` points the token check at
    other keys than Microsoft's (tests)."""

    client_id: str
    client_secret: str
    tenant_id: str
    local: bool = False
    openid_url: str | None = None
    dashboard_url: str = ""  # LEIDRAAD_DASHBOARD_URL


def teams_from_env(env: Mapping[str, str]) -> TeamsSettings:
    """Teams settings; every problem in one error."""
    if importlib.util.find_spec("microsoft_teams") is None:
        raise ConfigError("De Teams-uitbreiding is niet geïnstalleerd. Installeer die met: "
                          ".venv/bin/pip install -e '.[teams]'")
    local = env.get("LEIDRAAD_TEAMS_LOKAAL", "").strip() in ("1", "ja", "true")
    settings = TeamsSettings(env.get("CLIENT_ID", "").strip(), env.get("CLIENT_SECRET", "").strip(),
                             env.get("TENANT_ID", "").strip(), local, dashboard_url=dashboard_url(env))
    if local:
        return settings
    problems = [f"{name} ontbreekt ({what})" for name, value, what in (
        ("CLIENT_ID", settings.client_id, "de Microsoft App ID van de bot"),
        ("CLIENT_SECRET", settings.client_secret, "een clientgeheim van die app"),
        ("TENANT_ID", settings.tenant_id, "de tenant van de gemeente: de bot is single-tenant"),
    ) if not value]
    if problems:
        raise ConfigError("De Teams-instellingen kloppen niet:\n- " + "\n- ".join(problems)
                          + "\nOf zet LEIDRAAD_TEAMS_LOKAAL=1 om lokaal te proberen, zonder Teams.")
    return settings


def teams_configured(env: Mapping[str, str]) -> bool:
    """Whether Teams is set up here (credentials, or the local trial)."""
    return bool(env.get("CLIENT_ID", "").strip()) or env.get("LEIDRAAD_TEAMS_LOKAAL", "").strip() in (
        "1", "ja", "true")


def platforms_configured(env: Mapping[str, str]) -> list[str]:
    """The platforms set up in ``env``: ``slack``, ``teams``, both or none."""
    return [name for name, on in (("slack", bool(env.get("SLACK_BOT_TOKEN", "").strip())),
                                  ("teams", teams_configured(env))) if on]
