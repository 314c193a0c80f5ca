"""The inbox: a database file of its own, beside the main one, for the messages taken in.

It is written when a message arrives, before the platform is acknowledged, so that write never
waits for the workers' transactions in the main database. A message counts as handled when the
main database says so (``Messaging.handled``, in the same transaction as its effects); the state here
only spares the workers a look, and the text is forgotten once the message is handled.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from store.database import SqliteFile
from store.schema import Migrations

if TYPE_CHECKING:
    from sqlite_utils import Database

migrations = Migrations("leidraadbot-inbox")


def inbox_of(database: Path) -> Path:
    """The inbox beside a database (``leidraad.db`` -> ``leidraad-inbox.db``)."""
    return database.with_name(f"{database.stem}-inbox{database.suffix}")


@migrations.step
def m001_entries(db: Database) -> None:
    # `lane` is the conversation a message belongs to: a lane's messages are handled one by one,
    # ordered by the platform's own `sent_at`. `delivery_id` is unique, so a retried or replayed
    # delivery stops at the door. state: new, done, failed.
    db["entries"].create(
        {"id": int, "delivery_id": str, "lane": str, "sent_at": str, "payload": str, "state": str,
         "received_at": str, "done_at": str},
        pk="id",
        not_null={"lane", "sent_at", "state", "received_at"},
        defaults={"state": "new"},
    )
    db["entries"].create_index(["delivery_id"], unique=True)
    db["entries"].create_index(["state", "lane", "sent_at", "id"])


class InboxFile(SqliteFile):
    """The inbox database at ``path``."""

    def __init__(self, path: str | Path, durable: bool = True):
        super().__init__(path, migrations, durable)

    def add(self, entries: list[tuple[str | None, str, str, str, str]]) -> list[int | None]:
        """Take in messages (delivery id, lane, sent at, payload, received at) in one commit; the
        id of each, or None for one whose delivery id was seen before (a retry)."""
        ids = []
        with self.transaction():
            for entry in entries:
                cursor = self.db.execute(
                    "INSERT INTO entries (delivery_id, lane, sent_at, payload, received_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT(delivery_id) DO NOTHING", entry)
                ids.append(cursor.lastrowid if cursor.rowcount == 1 else None)
        return ids

    def newest(self) -> int:
        """The id of the newest message taken in."""
        return self.db.execute("SELECT coalesce(max(id), 0) FROM entries").fetchone()[0]

    def arrived(self, after: int) -> list[tuple[str, int]]:
        """The lanes with messages to handle that arrived after id ``after``, with the newest id."""
        return self.db.execute(
            "SELECT lane, max(id) FROM entries WHERE id > ? AND state = 'new' GROUP BY lane",
            [after]).fetchall()

    def lanes(self) -> list[str]:
        """The lanes with messages still to handle, oldest first (after a restart)."""
        return [r[0] for r in self.db.execute(
            "SELECT lane FROM entries WHERE state = 'new' GROUP BY lane ORDER BY min(id)").fetchall()]

    def next(self, lane: str) -> tuple[int, str, str] | None:
        """The first message of a lane still to handle, by the platform's time: (id, payload,
        received_at)."""
        return self.db.execute(
            "SELECT id, payload, received_at FROM entries WHERE state = 'new' AND lane = ? "
            "ORDER BY sent_at, id LIMIT 1", [lane]).fetchone()

    def waiting(self, lane: str) -> list[str]:
        """The payloads of a lane's messages still to handle."""
        return [r[0] for r in self.db.execute(
            "SELECT payload FROM entries WHERE state = 'new' AND lane = ?", [lane]).fetchall()]

    def finish(self, entry_id: int, state: str, at: str) -> None:
        """Mark a message done (or failed), and forget its text."""
        with self.transaction():
            self.db.execute("UPDATE entries SET state = ?, payload = NULL, done_at = ? WHERE id = ?",
                            [state, at, entry_id])
