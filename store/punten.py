"""The ontwikkelpunten of the Lokaal meerjarig ontwikkelplan: their current values, their
history, their flags, and the gemeente's own parts of the plan."""

from __future__ import annotations

import json
from typing import Any

from store.part import Part

FIELDS = ("basisfunctie", "thema", "ontwikkelpunt", "beoogd_resultaat", "verbeteractie", "kosten",
          "wie", "wie_id", "planning", "planning_stappen", "status", "concept", "bron")

# The fields filled in while an ontwikkelpunt was a concept (before its first status entry) are
# drafting: kept for the audit log, left out of the ontwikkelpunt's history.
_SINCE_FINISHED = (" AND (l.kind != 'veld' OR l.id > (SELECT min(f.id) FROM ontwikkelpunt_log "
                   "f WHERE f.ontwikkelpunt_id = l.ontwikkelpunt_id AND f.kind = 'status'))")

# The flags of an ontwikkelpunt p, in one place for one gemeente's list and a whole regio's
# counts: a live one (no concept; open or in uitvoering) is verouderd when nothing was said of it
# (its latest stand van zaken, else its making) before the ``stale`` moment, and over datum when
# its planning (an ISO date) is before ``today``. The gemeenten come as JSON.
_FLAGGED = (
    "SELECT *, live AND julianday(coalesce(stand_at, created_at)) < julianday(:stale) AS "
    "verouderd, live AND planning > '' AND planning < :today AS over_datum FROM (SELECT {}, "
    "p.concept = 0 AND p.status IN ('open', 'in_uitvoering') AS live FROM ontwikkelpunten p "
    "WHERE p.gemeente_id IN (SELECT value FROM json_each(:gemeenten)))")


class Punten(Part):
    """The ontwikkelpunten, numbered per gemeente."""

    def create(self, gemeente_id: int, values: dict[str, Any], by: str, at: str) -> dict:
        """A new ontwikkelpunt with the next number of the gemeente (never one of a concept that was
        thrown away: the audit log names it); returns the row."""
        nummer = self.value(
            "SELECT max(coalesce((SELECT max(nummer) FROM ontwikkelpunten WHERE gemeente_id = ?), 0),"
            " coalesce((SELECT max(CAST(subject AS INTEGER)) FROM changes WHERE gemeente_id = ? AND "
            "kind = 'weggegooid'), 0)) + 1", [gemeente_id, gemeente_id])
        row = {key: values[key] for key in FIELDS if key in values}
        pk = self.insert("ontwikkelpunten", {**row, "gemeente_id": gemeente_id, "nummer": nummer,
                                             "created_by": by, "created_at": at, "updated_at": at})
        return self.row("SELECT * FROM ontwikkelpunten WHERE id = ?", [pk])

    def get(self, gemeente_id: int, nummer: int) -> dict | None:
        """Ontwikkelpunt #nummer of a gemeente, or None."""
        return self.row("SELECT * FROM ontwikkelpunten WHERE gemeente_id = ? AND nummer = ?",
                        [gemeente_id, nummer])

    def of_owner(self, user_id: str, naam: str, gemeente_id: int | None = None) -> list[dict]:
        """The ontwikkelpunten someone owns: by their id, or by their name where it was typed as
        text (the console has no mentions; "@Bram" counts too); of one gemeente, or of all."""
        return self.rows(
            "SELECT * FROM ontwikkelpunten WHERE (wie_id = :id OR (wie_id IS NULL AND "
            "lower(trim(ltrim(trim(wie), '@'))) = lower(trim(:naam)))) AND (:g IS NULL OR "
            "gemeente_id = :g) ORDER BY gemeente_id, nummer", {"id": user_id, "naam": naam, "g": gemeente_id})

    def all(self, gemeente_id: int) -> list[dict]:
        """All ontwikkelpunten of a gemeente, by number."""
        return self.rows("SELECT * FROM ontwikkelpunten WHERE gemeente_id = ? ORDER BY nummer",
                         [gemeente_id])

    def set(self, punt_id: int, values: dict[str, Any], at: str) -> None:
        """Set current values of an ontwikkelpunt (log the change with ``log``)."""
        row = {key: values[key] for key in FIELDS if key in values}
        self.update("ontwikkelpunten", punt_id, {**row, "updated_at": at})

    def discard(self, punt_id: int, text: str, by: str, at: str) -> None:
        """Remove a concept ontwikkelpunt and its drafting history; the audit log keeps that it
        was."""
        row = self.row("SELECT * FROM ontwikkelpunten WHERE id = ?", [punt_id])
        self.changed(row["gemeente_id"], "weggegooid", str(row["nummer"]), text, None, by, at)
        self.db.execute("DELETE FROM ontwikkelpunt_log WHERE ontwikkelpunt_id = ?", [punt_id])
        self.db.execute("DELETE FROM ontwikkelpunten WHERE id = ?", [punt_id])

    def log(self, punt_id: int, kind: str, value: str, author_id: str, at: str,
            field: str | None = None, previous: str | None = None) -> None:
        """Add to an ontwikkelpunt's history: a stand van zaken, a status or a field change."""
        self.insert("ontwikkelpunt_log", {
            "ontwikkelpunt_id": punt_id, "kind": kind, "field": field, "value": value,
            "previous": previous, "author_id": author_id, "created_at": at})
        if kind == "stand":
            self.update("ontwikkelpunten", punt_id, {"stand_at": at})

    def changes_since(self, punt_id: int, since: str, not_by: str) -> list[dict]:
        """Field and status changes of an ontwikkelpunt after ``since`` by others than ``not_by``,
        oldest first, with author names."""
        return self.rows(
            "SELECT l.kind, l.field, l.value, l.previous, u.naam AS author FROM ontwikkelpunt_log l "
            "JOIN users u ON u.id = l.author_id WHERE l.ontwikkelpunt_id = ? AND l.created_at > ? "
            "AND l.author_id != ? AND l.kind IN ('veld', 'status') ORDER BY l.id",
            [punt_id, since, not_by])

    def history(self, punt_id: int) -> list[dict]:
        """An ontwikkelpunt's history, oldest first, with author names."""
        return self.rows(
            "SELECT l.kind, l.field, l.value, l.previous, l.created_at, u.naam AS author "
            "FROM ontwikkelpunt_log l JOIN users u ON u.id = l.author_id "
            "WHERE l.ontwikkelpunt_id = ?" + _SINCE_FINISHED + " ORDER BY l.id", [punt_id])

    def histories(self, gemeente_id: int) -> list[dict]:
        """The history of all ontwikkelpunten of a gemeente, oldest first (for exports)."""
        return self.rows(
            "SELECT p.nummer, l.kind, l.field, l.value, l.previous, l.created_at, u.naam AS author "
            "FROM ontwikkelpunt_log l JOIN ontwikkelpunten p ON p.id = l.ontwikkelpunt_id "
            "JOIN users u ON u.id = l.author_id WHERE p.gemeente_id = ?" + _SINCE_FINISHED
            + " ORDER BY l.id", [gemeente_id])

    def flagged(self, gemeente_id: int, stale: str, today: str) -> list[dict]:
        """A gemeente's ontwikkelpunten by number, each with its latest ``stand`` (and
        ``stand_at``), whether it is ``live``, and its flags ``verouderd`` and ``over_datum``
        (see ``_FLAGGED``)."""
        columns = ("p.*, (SELECT l.value FROM ontwikkelpunt_log l WHERE l.ontwikkelpunt_id = p.id "
                   "AND l.kind = 'stand' ORDER BY l.id DESC LIMIT 1) AS stand")
        return self.rows(_FLAGGED.format(columns) + " ORDER BY nummer",
                         {"gemeenten": f"[{gemeente_id}]", "stale": stale, "today": today})

    def flag_counts(self, gemeenten: list[int], stale: str, today: str) -> dict[int, dict]:
        """Per gemeente (by id): how many ontwikkelpunten are live, verouderd, over datum and
        afgerond, counted in one query."""
        flagged = _FLAGGED.format(
            "p.gemeente_id, p.concept, p.status, p.planning, p.created_at, p.stand_at")
        rows = self.rows(
            "SELECT gemeente_id, sum(live) AS live, sum(verouderd) AS verouderd, sum(over_datum) "
            f"AS over_datum, sum(concept = 0 AND status = 'afgerond') AS afgerond FROM ({flagged}) "
            "GROUP BY gemeente_id", {"gemeenten": json.dumps(gemeenten), "stale": stale,
                                     "today": today})
        return {row["gemeente_id"]: row for row in rows}

    # --- the gemeente's own parts of the plan ----------------------------------------------------

    def set_info(self, gemeente_id: int, kind: str, text: str, by: str, at: str) -> None:
        """A new version of one of the gemeente's own parts of the plan (``plan_info``)."""
        self.db.execute("INSERT INTO plan_info (gemeente_id, kind, text, author_id, created_at) "
                        "VALUES (?, ?, ?, ?, ?)", [gemeente_id, kind, text, by, at])

    def info(self, gemeente_id: int) -> dict[str, dict]:
        """The current text of each of the gemeente's own parts, by kind, with author and time."""
        rows = self.rows(
            "SELECT p.kind, p.text, p.created_at, u.naam AS author FROM plan_info p JOIN users u "
            "ON u.id = p.author_id WHERE p.id IN (SELECT max(id) FROM plan_info WHERE "
            "gemeente_id = ? GROUP BY kind)", [gemeente_id])
        return {row["kind"]: row for row in rows}
