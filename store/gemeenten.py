"""Gemeenten and people: the gemeenten with their settings, regio's, channels, members,
projectleiders and the people the bot knows."""

from __future__ import annotations

import json
from typing import Any

from store.part import Part


class Gemeenten(Part):
    """The gemeenten, their regio's and the channels bound to them."""

    SETTINGS = ("regio_id", "stale_weeks", "reminder_kind", "reminder_day", "reminder_time",
                "prep_days", "mail_domain")  # as the audit log shows them; ``reminder_since`` is bookkeeping

    def get(self, key: str) -> dict | None:
        """The gemeente with normalised name ``key``, or None."""
        return self.row("SELECT * FROM gemeenten WHERE key = ?", [key])

    def by_id(self, gemeente_id: int) -> dict | None:
        """The gemeente with this id (an operator may type one), or None."""
        return self.row("SELECT * FROM gemeenten WHERE id = ?", [gemeente_id])

    def all(self) -> list[dict]:
        """Every gemeente in Leidraadbot, by name."""
        return self.rows("SELECT * FROM gemeenten ORDER BY naam COLLATE NOCASE, id")

    def create(self, key: str, naam: str, by: str, at: str, code: str | None = None) -> dict:
        """Add a gemeente (or return the existing one with that key); ``code`` is the CBS's."""
        cursor = self.db.execute(
            "INSERT INTO gemeenten (key, naam, code, created_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(key) DO NOTHING", [key, naam, code, at])
        if cursor.rowcount:
            self.changed(cursor.lastrowid, "gemeente", naam, None, naam, by, at)
        return self.get(key)

    def rename(self, gemeente_id: int, key: str, naam: str, code: str | None, by: str,
               at: str) -> None:
        """Give a gemeente another name (its official one)."""
        before = self.by_id(gemeente_id)
        self.db.execute("UPDATE gemeenten SET key = ?, naam = ?, code = ? WHERE id = ?",
                        [key, naam, code, gemeente_id])
        self.changed(gemeente_id, "naam", naam, before["naam"], naam, by, at)

    def merge(self, source_id: int, target_id: int, by: str, at: str) -> None:
        """Move everything of gemeente ``source_id`` into ``target_id`` and remove the source:
        answers (all versions), ontwikkelpunten (numbered on after the target's), channels,
        members (the higher role stays), gesprekken where the target has none in that place,
        stuurgroepen, the audit log; the target's settings stay, its regio is the source's if it
        had none."""
        source, target = self.by_id(source_id), self.by_id(target_id)
        run = self.db.execute
        moved = [source_id, target_id]
        offset = run("SELECT coalesce(max(nummer), 0) FROM ontwikkelpunten WHERE gemeente_id = ?",
                     [target_id]).fetchone()[0]
        run("UPDATE ontwikkelpunten SET gemeente_id = ?, nummer = nummer + ? WHERE gemeente_id = ?",
            [target_id, offset, source_id])
        for table in ("answers", "channels", "asked", "changes"):
            run(f"UPDATE {table} SET gemeente_id = ? WHERE gemeente_id = ?", [target_id, source_id])
        run("UPDATE OR IGNORE conversations SET gemeente_id = ? WHERE gemeente_id = ?", moved[::-1])
        run("UPDATE OR IGNORE stuurgroepen SET gemeente_id = ? WHERE gemeente_id = ?", moved[::-1])
        run("INSERT INTO members (gemeente_id, user_id, role, added_by, added_at) "
            "SELECT ?, user_id, role, ?, ? FROM members WHERE gemeente_id = ? AND true "
            "ON CONFLICT(gemeente_id, user_id) DO UPDATE SET role = 'beheerder' "
            "WHERE excluded.role = 'beheerder'", [target_id, by, at, source_id])
        for table in ("conversations", "stuurgroepen", "members", "reminders", "reminder_batches"):
            run(f"DELETE FROM {table} WHERE gemeente_id = ?", [source_id])
        if target["regio_id"] is None and source["regio_id"] is not None:
            run("UPDATE gemeenten SET regio_id = ? WHERE id = ?", [source["regio_id"], target_id])
        run("DELETE FROM gemeenten WHERE id = ?", [source_id])
        self.changed(target_id, "samengevoegd", source["naam"], source["naam"], target["naam"],
                     by, at)

    def set(self, gemeente_id: int, by: str, at: str, **values: Any) -> None:
        """Change settings of a gemeente (``regio_id``, ``stale_weeks``, the reminder, …)."""
        before = self.by_id(gemeente_id)
        self.update("gemeenten", gemeente_id, values)
        changed = [key for key in self.SETTINGS if key in values and values[key] != before[key]]
        if changed:
            after = {**before, **values}
            self.changed(gemeente_id, "instelling", ",".join(changed),
                         json.dumps({key: before[key] for key in self.SETTINGS}),
                         json.dumps({key: after[key] for key in self.SETTINGS}), by, at)

    def owned_by(self, user_id: str) -> list[dict]:
        """The gemeenten in which someone is named as the owner of an ontwikkelpunt."""
        return self.rows("SELECT DISTINCT g.* FROM ontwikkelpunten p JOIN gemeenten g ON "
                         "g.id = p.gemeente_id WHERE p.wie_id = ? ORDER BY g.naam", [user_id])

    # --- regio's --------------------------------------------------------------------------------

    def regio(self, key: str, naam: str, at: str) -> dict:
        """The regio with normalised name ``key``, created if it is new."""
        self.db.execute("INSERT INTO regios (key, naam, created_at) VALUES (?, ?, ?) "
                        "ON CONFLICT(key) DO NOTHING", [key, naam, at])
        return self.regio_named(key)

    def regio_named(self, key: str) -> dict | None:
        """The regio with normalised name ``key``, or None."""
        return self.row("SELECT * FROM regios WHERE key = ?", [key])

    def regios(self) -> list[dict]:
        """Every regio, by name."""
        return self.rows("SELECT * FROM regios ORDER BY naam")

    def regio_by_id(self, regio_id: int) -> dict | None:
        return self.row("SELECT * FROM regios WHERE id = ?", [regio_id])

    def of_regio(self, regio_id: int) -> list[dict]:
        """The gemeenten of a regio, by name."""
        return self.rows("SELECT * FROM gemeenten WHERE regio_id = ? ORDER BY naam", [regio_id])

    # --- channels -------------------------------------------------------------------------------

    def bind(self, place: str, gemeente_id: int, user_id: str, at: str) -> None:
        """Bind a channel to a gemeente (replacing an earlier binding of that channel)."""
        before = self.of_channel(place)
        naam = self.by_id(gemeente_id)["naam"]
        for changed in {gemeente_id, before["id"] if before else gemeente_id}:
            self.changed(changed, "koppeling", place, before["naam"] if before else None, naam,
                         user_id, at)
        self.db.execute(
            "INSERT INTO channels (place, gemeente_id, bound_by, bound_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(place) DO UPDATE SET gemeente_id = excluded.gemeente_id, "
            "bound_by = excluded.bound_by, bound_at = excluded.bound_at",
            [place, gemeente_id, user_id, at])

    def of_channel(self, place: str) -> dict | None:
        """The gemeente a channel is bound to, or None."""
        return self.row(
            "SELECT g.* FROM channels c JOIN gemeenten g ON g.id = c.gemeente_id WHERE c.place = ?",
            [place])

    def channel(self, gemeente_id: int) -> str | None:
        """The channel a gemeente was bound to most recently (where its reminders go)."""
        return self.value("SELECT place FROM channels WHERE gemeente_id = ? ORDER BY bound_at DESC "
                          "LIMIT 1", [gemeente_id])


class People(Part):
    """The people the bot knows, the gemeenten they belong to, and the regio's they lead."""

    def ensure(self, user_id: str, naam: str, at: str) -> None:
        """Record a user, keeping their display name up to date."""
        self.db.execute(
            "INSERT INTO users (id, naam, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET naam = excluded.naam WHERE naam != excluded.naam",
            [user_id, naam, at])

    def name(self, user_id: str) -> str | None:
        """Someone's display name, or None for someone the bot never met."""
        return self.value("SELECT naam FROM users WHERE id = ?", [user_id])

    def add_member(self, gemeente_id: int, user_id: str, role: str, by: str, at: str) -> None:
        """Make someone a member; a beheerder stays beheerder when added again as lid."""
        before = self.role(gemeente_id, user_id)
        role = "beheerder" if before == "beheerder" else role
        if role == before:
            return
        self.db.execute(
            "INSERT INTO members (gemeente_id, user_id, role, added_by, added_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(gemeente_id, user_id) DO UPDATE SET role = "
            "excluded.role", [gemeente_id, user_id, role, by, at])
        self.changed(gemeente_id, "lid", user_id, before, role, by, at)

    def remove_member(self, gemeente_id: int, user_id: str, by: str, at: str) -> bool:
        """Remove someone from a gemeente; False if they were not a member."""
        before = self.role(gemeente_id, user_id)
        if before is None:
            return False
        self.db.execute("DELETE FROM members WHERE gemeente_id = ? AND user_id = ?",
                        [gemeente_id, user_id])
        self.changed(gemeente_id, "lid", user_id, before, None, by, at)
        return True

    def role(self, gemeente_id: int, user_id: str) -> str | None:
        """"beheerder", "lid", or None for someone who does not belong to the gemeente."""
        return self.value("SELECT role FROM members WHERE gemeente_id = ? AND user_id = ?",
                          [gemeente_id, user_id])

    def memberships(self, user_id: str) -> list[dict]:
        """The gemeenten someone belongs to, with their role, by name."""
        return self.rows(
            "SELECT g.*, m.role FROM members m JOIN gemeenten g ON g.id = m.gemeente_id "
            "WHERE m.user_id = ? ORDER BY g.naam", [user_id])

    def beheerders(self, gemeente_id: int) -> list[dict]:
        """The beheerders of a gemeente (id and name), by name."""
        return self.rows(
            "SELECT u.id, u.naam FROM members m JOIN users u ON u.id = m.user_id "
            "WHERE m.gemeente_id = ? AND m.role = 'beheerder' ORDER BY u.naam", [gemeente_id])

    def add_projectleider(self, regio_id: int, user_id: str, by: str, at: str) -> None:
        if self.db.execute(
            "INSERT INTO projectleiders (regio_id, user_id, added_by, added_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(regio_id, user_id) DO NOTHING", [regio_id, user_id, by, at]).rowcount:
            gemeenten = self.rows("SELECT id FROM gemeenten WHERE regio_id = ? ORDER BY naam",
                                  [regio_id])
            for gemeente in [None, *gemeenten]:  # who may now read them
                self.changed(gemeente and gemeente["id"], "projectleider", user_id, None,
                             "projectleider", by, at, regio_id)

    def regios_led(self, user_id: str) -> list[dict]:
        """The regio's someone is projectleider of."""
        return self.rows("SELECT r.* FROM projectleiders p JOIN regios r ON r.id = p.regio_id "
                         "WHERE p.user_id = ? ORDER BY r.naam", [user_id])
