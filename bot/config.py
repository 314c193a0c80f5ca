"""Settings from the environment. Only the entry point reads the environment; it passes these on."""

from __future__ import annotations

import logging
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
