"""Stuurgroepen and reminders: the meetings of each gemeente, and every reminder message queued,
by its key, so each goes out once."""

from __future__ import annotations

import json

from store.part import Part


class Reminders(Part):
    """The stuurgroep meetings, and what became of each reminder message and moment."""

    def add_stuurgroep(self, gemeente_id: int, moment: str, by: str, at: str) -> bool:
        """Add a meeting (local ISO moment); False if that gemeente already has it."""
        cursor = self.db.execute(
            "INSERT INTO stuurgroepen (gemeente_id, moment, created_by, created_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT(gemeente_id, moment) DO NOTHING",
            [gemeente_id, moment, by, at])
        if cursor.rowcount:
            self.changed(gemeente_id, "stuurgroep", moment, None, moment, by, at)
        return cursor.rowcount == 1

    def stuurgroepen(self, gemeente_id: int) -> list[dict]:
        """A gemeente's meetings, in order."""
        return self.rows("SELECT * FROM stuurgroepen WHERE gemeente_id = ? ORDER BY moment",
                         [gemeente_id])

    def remove_stuurgroepen_on(self, gemeente_id: int, day: str, by: str, at: str) -> int:
        """Remove the meetings on a day (ISO date); how many there were."""
        where = "FROM stuurgroepen WHERE gemeente_id = ? AND substr(moment, 1, 10) = ?"
        moments = [row[0] for row in self.db.execute(f"SELECT moment {where}", [gemeente_id, day])]
        self.db.execute(f"DELETE {where}", [gemeente_id, day])
        for moment in moments:
            self.changed(gemeente_id, "stuurgroep", moment, moment, None, by, at)
        return len(moments)

    def places(self) -> list[dict]:
        """Every gemeente with a bound channel, with that channel (``channel``, the most recent
        binding) and its stuurgroepen in order (``meetings``), by name: what a tick looks at."""
        gemeenten = self.rows(
            "SELECT g.*, (SELECT c.place FROM channels c WHERE c.gemeente_id = g.id ORDER BY "
            "c.bound_at DESC LIMIT 1) AS channel FROM gemeenten g ORDER BY g.naam")
        meetings: dict[int, list[dict]] = {}
        for meeting in self.rows("SELECT * FROM stuurgroepen ORDER BY moment"):
            meetings.setdefault(meeting["gemeente_id"], []).append(meeting)
        return [g | {"meetings": meetings.get(g["id"], [])} for g in gemeenten if g["channel"]]

    # --- the messages -----------------------------------------------------------------------------

    def get(self, key: str) -> dict | None:
        return self.row("SELECT * FROM reminders WHERE key = ?", [key])

    def queue(self, key: str, gemeente_id: int, recipient: str, at: str,
              state: str = "queued") -> bool:
        """Record a reminder message as queued in the outbox (or ``skipped``: nothing to say);
        False when it was queued before. A claim left by an older version is taken over."""
        return self.db.execute(
            "INSERT INTO reminders (key, gemeente_id, recipient, state, attempts, updated_at) "
            "VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT(key) DO UPDATE SET state = excluded.state, "
            "recipient = excluded.recipient, attempts = attempts + 1, "
            "updated_at = excluded.updated_at WHERE state IN ('claimed', 'retry')",
            [key, gemeente_id, recipient, state, at]).rowcount == 1

    def delivered(self, key: str, at: str, error: str | None = None) -> None:
        """The outbox made a reminder's call (``error`` None), or gave it up; one failed call
        fails the reminder."""
        self.db.execute(
            "UPDATE reminders SET state = CASE WHEN state = 'failed' OR ? IS NOT NULL THEN "
            "'failed' ELSE 'sent' END, error = coalesce(?, error), updated_at = ? WHERE key = ?",
            [error, error, at, key])

    def queued(self) -> list[str]:
        """The reminders queued in the outbox and not sent yet."""
        return [row[0] for row in self.db.execute(
            "SELECT key FROM reminders WHERE state = 'queued' ORDER BY updated_at")]

    def untold_failures(self) -> list[dict]:
        """Reminders that could not be delivered, whose beheerders have not heard yet."""
        return self.rows("SELECT * FROM reminders INDEXED BY reminders_untold "
                         "WHERE state = 'failed' AND told_at IS NULL")

    def told(self, key: str, at: str) -> None:
        self.db.execute("UPDATE reminders SET told_at = ? WHERE key = ?", [at, key])

    def moment_done(self, key: str, gemeente_id: int, at: str) -> None:
        """Every message of the reminder moment ``key`` is queued."""
        self.db.execute("INSERT INTO reminder_batches (key, gemeente_id, done_at) VALUES (?, ?, ?) "
                        "ON CONFLICT(key) DO NOTHING", [key, gemeente_id, at])

    def moments_done(self, keys: list[str]) -> set[str]:
        """Which of these reminder moments are done (``moment_done``)."""
        return {row[0] for row in self.db.execute(
            "SELECT key FROM reminder_batches WHERE key IN (SELECT value FROM json_each(?))",
            [json.dumps(keys)])}
