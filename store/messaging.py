"""Messaging: which messages are handled, the calls on their way out (the outbox), and how to
reach places and people later. The messages taken in live in the inbox beside this database."""

from __future__ import annotations

import json

from store.part import Part


class Messaging(Part):
    """Handled messages, the outbox's calls, and the platforms' addresses."""

    def handled(self, entry_id: int | None, delivery_id: str | None, at: str) -> bool:
        """Record that a message (an inbox entry, or one handled at once) is handled, in the
        transaction of its effects; False if it was handled before."""
        return self.db.execute(
            "INSERT INTO handled (entry_id, delivery_id, handled_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING", [entry_id, delivery_id, at]).rowcount == 1

    def was_handled(self, entry_id: int) -> bool:
        return self.value("SELECT 1 FROM handled WHERE entry_id = ?", [entry_id]) is not None

    def claim_delivery(self, delivery_id: str, at: str) -> bool:
        """Record a delivery handled at once (not through the inbox); False if seen before."""
        return self.handled(None, delivery_id, at)

    # --- the outbox -------------------------------------------------------------------------------

    def queue_call(self, lane: str, payload: str, at: str) -> int:
        """Queue a call to the platform; lanes are sent in order."""
        return self.db.execute(
            "INSERT INTO outbox (lane, payload, due_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            [lane, payload, at, at, at]).lastrowid

    def newest_call(self) -> int:
        """The id of the newest call queued (0 when there is none)."""
        return self.value("SELECT coalesce(max(id), 0) FROM outbox")

    def calls_after(self, after: int) -> list[tuple[str, int]]:
        """The lanes of calls queued after call ``after`` (by another process), each with its
        newest call's id."""
        return self.db.execute("SELECT lane, max(id) FROM outbox WHERE id > ? AND state = 'new' "
                               "GROUP BY lane", [after]).fetchall()

    def call_lanes(self) -> list[str]:
        """The lanes with calls still to make, oldest first."""
        return [r[0] for r in self.db.execute(
            "SELECT lane FROM outbox WHERE state = 'new' GROUP BY lane ORDER BY min(id)").fetchall()]

    def next_call(self, lane: str) -> dict | None:
        """The first call of a lane still to make."""
        return self.row(
            "SELECT id, payload, attempts, due_at FROM outbox WHERE state = 'new' AND lane = ? "
            "ORDER BY id LIMIT 1", [lane])

    def call_done(self, item_id: int, state: str, at: str, error: str | None = None) -> None:
        """Mark a call sent (then what it said is not kept: it is in the chat now), or failed for
        good (kept, to see why)."""
        self.db.execute("UPDATE outbox SET state = ?, error = ?, updated_at = ?, attempts = attempts + 1, "
                        "payload = CASE WHEN ? = 'sent' THEN '' ELSE payload END WHERE id = ?",
                        [state, error, at, state, item_id])

    def call_later(self, item_id: int, due_at: str, at: str, error: str) -> None:
        """Try a call again at ``due_at`` (after a failure that may pass)."""
        self.db.execute("UPDATE outbox SET due_at = ?, error = ?, updated_at = ?, "
                        "attempts = attempts + 1 WHERE id = ?", [due_at, error, at, item_id])

    # --- addresses --------------------------------------------------------------------------------

    def remember_address(self, key: str, reference: dict, at: str) -> None:
        """How to reach the place or person ``key`` later (the newest reference wins)."""
        self.db.execute(
            "INSERT INTO addresses (key, reference, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) "
            "DO UPDATE SET reference = excluded.reference, updated_at = excluded.updated_at",
            [key, json.dumps(reference, sort_keys=True), at])

    def address(self, key: str) -> dict | None:
        """The reference to reach ``key`` by, or None when there is none."""
        found = self.value("SELECT reference FROM addresses WHERE key = ?", [key])
        return json.loads(found) if found else None
