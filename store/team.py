"""The gemeente's team sharing the work: questions handed to colleagues, people away with their
stand-ins, and reminders someone put off for a while. Every change is logged (``changes``)."""

from __future__ import annotations

import json

from store.part import Part


class Team(Part):
    """Assignments of questions, absences and snoozes."""

    # --- questions handed to a colleague ------------------------------------------------------------

    def assign(self, gemeente_id: int, question_id: str, user_id: str | None, by: str,
               at: str) -> tuple[bool, str | None]:
        """Hand a question to ``user_id`` (None: to nobody): whether that changed anything, and
        who had it before."""
        before = self.value("SELECT user_id FROM assignments WHERE gemeente_id = ? AND question_id = ?",
                            [gemeente_id, question_id])
        if before == user_id:
            return False, before
        if user_id is None:
            self.db.execute("DELETE FROM assignments WHERE gemeente_id = ? AND question_id = ?",
                            [gemeente_id, question_id])
        else:
            self.db.execute(
                "INSERT INTO assignments (gemeente_id, question_id, user_id, assigned_by, assigned_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(gemeente_id, question_id) DO UPDATE SET "
                "user_id = excluded.user_id, assigned_by = excluded.assigned_by, "
                "assigned_at = excluded.assigned_at", [gemeente_id, question_id, user_id, by, at])
        self.changed(gemeente_id, "toewijzing", question_id, before, user_id, by, at)
        return True, before

    def assignments(self, gemeente_id: int) -> list[dict]:
        """The questions of a gemeente handed to someone: question_id, user_id, naam."""
        return self.rows(
            "SELECT a.question_id, a.user_id, u.naam FROM assignments a JOIN users u ON "
            "u.id = a.user_id WHERE a.gemeente_id = ? ORDER BY u.naam, a.rowid", [gemeente_id])

    def assigned_to(self, gemeente_id: int, user_id: str) -> list[str]:
        """The questions of a gemeente handed to ``user_id``."""
        return [r[0] for r in self.db.execute(
            "SELECT question_id FROM assignments WHERE gemeente_id = ? AND user_id = ? ORDER BY rowid",
            [gemeente_id, user_id])]

    def handed_elsewhere(self, user_id: str) -> list[dict]:
        """The gemeenten that handed ``user_id`` questions and that they are no member of, by name."""
        return self.rows("SELECT DISTINCT g.* FROM assignments a JOIN gemeenten g ON "
                         "g.id = a.gemeente_id WHERE a.user_id = :u AND NOT EXISTS (SELECT 1 FROM "
                         "members m WHERE m.gemeente_id = g.id AND m.user_id = :u) ORDER BY g.naam",
                         {"u": user_id})

    def gemeenten_involved(self, user_id: str) -> list[dict]:
        """The gemeenten someone takes part in: as a member, as the owner of ontwikkelpunten, or
        with questions handed to them; by name."""
        return self.rows(
            "SELECT * FROM gemeenten WHERE id IN (SELECT gemeente_id FROM members WHERE user_id = :u "
            "UNION SELECT gemeente_id FROM ontwikkelpunten WHERE wie_id = :u UNION SELECT "
            "gemeente_id FROM assignments WHERE user_id = :u) ORDER BY naam", {"u": user_id})

    # --- away, and who stands in ------------------------------------------------------------------

    def set_away(self, user_id: str, until: str, vervanger_id: str | None, by: str, at: str,
                 gemeenten: list[int]) -> None:
        """``user_id`` is away until the day ``until`` (ISO), with a stand-in or none; logged in
        each of ``gemeenten`` (theirs)."""
        before = self.away(user_id)
        self.db.execute(
            "INSERT INTO absences (user_id, until, vervanger_id, since, set_by) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(user_id) DO UPDATE SET until = excluded.until, vervanger_id = "
            "excluded.vervanger_id, set_by = excluded.set_by", [user_id, until, vervanger_id, at, by])
        for gemeente_id in gemeenten:
            self.changed(gemeente_id, "afwezig", user_id, before and before["until"], until, by, at)
            if vervanger_id != (before or {}).get("vervanger_id"):
                self.changed(gemeente_id, "vervanger", user_id,
                             (before or {}).get("vervanger_id"), vervanger_id, by, at)

    def set_back(self, user_id: str, by: str, at: str, gemeenten: list[int]) -> dict | None:
        """``user_id`` is back; the absence it ended (None when they were not away)."""
        before = self.away(user_id)
        if before is None:
            return None
        self.db.execute("DELETE FROM absences WHERE user_id = ?", [user_id])
        for gemeente_id in gemeenten:
            self.changed(gemeente_id, "afwezig", user_id, before["until"], None, by, at)
        return before

    def away(self, user_id: str) -> dict | None:
        """Someone's absence (until, vervanger_id, vervanger, since), or None."""
        return self.row("SELECT a.*, v.naam AS vervanger FROM absences a LEFT JOIN users v ON "
                        "v.id = a.vervanger_id WHERE a.user_id = ?", [user_id])

    def away_of(self, user_ids: list[str], day: str) -> dict[str, dict]:
        """Which of ``user_ids`` are away on ``day`` (an ISO date), by user id."""
        return {r["user_id"]: r for r in self.rows(
            "SELECT * FROM absences WHERE user_id IN (SELECT value FROM json_each(?)) AND until >= ?",
            [json.dumps(user_ids), day])}

    def stands_in_for(self, user_id: str, today: str) -> list[str]:
        """The people ``user_id`` stands in for now."""
        return [r[0] for r in self.db.execute(
            "SELECT user_id FROM absences WHERE vervanger_id = ? AND until >= ?", [user_id, today])]

    def returned(self, today: str) -> list[dict]:
        """Absences whose last day is over: those people are back."""
        return self.rows("SELECT * FROM absences WHERE until < ?", [today])

    # --- later, from a reminder -------------------------------------------------------------------

    def snooze(self, punt: dict, user_id: str, until: str, at: str) -> None:
        """``user_id``'s status reminders of ontwikkelpunt ``punt`` wait until the day ``until``."""
        self.db.execute(
            "INSERT INTO snoozes (ontwikkelpunt_id, user_id, until, set_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(ontwikkelpunt_id, user_id) DO UPDATE SET until = excluded.until, "
            "set_at = excluded.set_at", [punt["id"], user_id, until, at])
        self.changed(punt["gemeente_id"], "later", f"{punt['nummer']}:{user_id}", None, until,
                     user_id, at)

    def snoozed(self, punt_id: int, today: str) -> list[dict]:
        """Who put off the reminders of an ontwikkelpunt, and until when (still running)."""
        return self.rows("SELECT s.user_id, s.until, u.naam FROM snoozes s JOIN users u ON "
                         "u.id = s.user_id WHERE s.ontwikkelpunt_id = ? AND s.until > ? ORDER BY "
                         "s.until", [punt_id, today])

    def snoozes(self, gemeente_id: int, today: str) -> set[tuple[int, str]]:
        """(ontwikkelpunt nummer, user id) of the snoozes still running in a gemeente."""
        return {(r[0], r[1]) for r in self.db.execute(
            "SELECT p.nummer, s.user_id FROM snoozes s JOIN ontwikkelpunten p ON "
            "p.id = s.ontwikkelpunt_id WHERE p.gemeente_id = ? AND s.until > ?", [gemeente_id, today])}
