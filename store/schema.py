"""A database's migrations, with sqlite-utils loaded only when one has to run.

A store lists its migrations with ``Migrations.step``, each a function of a sqlite-utils ``Database``.
Opening a database reads which ran (sqlite-utils' own ``_sqlite_migrations`` table, with plain
SQL) and loads sqlite-utils to apply the others: the first time, and after an update. The rest of
the time the bot works on sqlite3 itself, and starts without sqlite-utils.

sqlite-utils imports numpy and pandas when they are installed (matplotlib brings numpy), to store
their values; the bot never hands it any. So it is loaded without them: numpy would cost a tenth
of a second and 15 MiB that a long-running process keeps until it stops.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

TABLE = "_sqlite_migrations"  # where sqlite-utils records the migrations it ran


class Migrations:
    """The migrations of one database, in order, under sqlite-utils' migration set ``name``."""

    def __init__(self, name: str):
        self.name = name
        self.steps: list[Callable[[Database], None]] = []

    def step(self, migration: Callable[[Database], None]) -> Callable[[Database], None]:
        """A decorator: ``migration`` runs after the ones before it, once per database."""
        self.steps.append(migration)
        return migration

    def applied(self, conn: sqlite3.Connection) -> list[str]:
        """The names of the migrations that ran on this database, in the order they ran."""
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                            [TABLE]).fetchone():
            return []
        return [row[0] for row in conn.execute(
            f"SELECT name FROM {TABLE} WHERE migration_set = ? ORDER BY rowid", [self.name])]

    def pending(self, conn: sqlite3.Connection) -> list[str]:
        done = set(self.applied(conn))
        return [step.__name__ for step in self.steps if step.__name__ not in done]

    def apply(self, conn: sqlite3.Connection) -> None:
        """Run the migrations this database has not had yet, with sqlite-utils."""
        if not self.pending(conn):
            return
        Database, Runner = _sqlite_utils()
        migrations = Runner(self.name)
        for step in self.steps:
            migrations()(step)
        migrations.apply(Database(conn))


def _sqlite_utils():
    """sqlite-utils' ``Database`` and ``Migrations``, imported without numpy and pandas where
    neither is loaded yet (a ``None`` in ``sys.modules`` makes their import fail, which sqlite-utils
    takes as "not installed"); they stay importable for whatever needs them later."""
    kept_out = [name for name in ("numpy", "pandas") if name not in sys.modules]
    sys.modules.update(dict.fromkeys(kept_out))
    try:
        from sqlite_utils import Database
        from sqlite_utils.migrations import Migrations
    finally:
        for name in kept_out:
            del sys.modules[name]
    return Database, Migrations
