"""What every part of the store stands on: the database file, plain SQL, and the audit log."""

from __future__ import annotations

import sqlite3
from typing import Any

from store.database import SqliteFile


class Part:
    """One subject of the store (gemeenten, answers, …), on the database ``file``."""

    def __init__(self, file: SqliteFile):
        self.file = file

    @property
    def db(self) -> sqlite3.Connection:
        return self.file.db

    def row(self, sql: str, params=()) -> dict | None:
        return self.file.row(sql, params)

    def rows(self, sql: str, params=()) -> list[dict]:
        return self.file.rows(sql, params)

    def insert(self, table: str, values: dict) -> int:
        return self.file.insert(table, values)

    def update(self, table: str, row_id: int, values: dict) -> None:
        self.file.update(table, row_id, values)

    def value(self, sql: str, params=()) -> Any:
        """The first column of the first row, or None."""
        return self.file.value(sql, params)

    def changed(self, gemeente_id: int | None, kind: str, subject: str, old: str | None,
                new: str | None, by: str, at: str, regio_id: int | None = None) -> None:
        """Log a change that has no history of its own (the audit log, ``Audit.of``)."""
        self.db.execute(
            "INSERT INTO changes (gemeente_id, regio_id, kind, subject, old, new, author_id, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [gemeente_id, regio_id, kind, subject, old, new, by, at])
