"""The main database: one small verb per thing the service needs to read or write.

Every gemeente's gesprek, answers, ontwikkelplan and settings live here; the messages taken in
live in the inbox beside it (``store.inbox``). How the file is opened and written: ``SqliteFile``.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Any

from store.database import SqliteFile
from store.inbox import InboxStore, inbox_of
from store.migrations import migrations


class Store(SqliteFile):
    """The Leidraadbot database at ``path``; migrations are applied when it is opened."""

    def __init__(self, path: str | Path):
        super().__init__(path, migrations)

    @cached_property
    def inbox(self) -> InboxStore:
        """The inbox beside it (``leidraad.db`` -> ``leidraad-inbox.db``)."""
        return InboxStore(inbox_of(self.path))

    def healthy(self) -> bool:
        """The database and, once it is opened, the inbox beside it."""
        return super().healthy() and ("inbox" not in self.__dict__ or self.inbox.healthy())

    def close(self) -> None:
        """Close this thread's connections."""
        if "inbox" in self.__dict__:
            self.inbox.close()
        super().close()

    # --- gemeenten and users ------------------------------------------------------------------

    def gemeente(self, key: str) -> dict | None:
        """The gemeente with normalised name ``key``, or None."""
        return self.row("SELECT * FROM gemeenten WHERE key = ?", [key])

    def create_gemeente(self, key: str, naam: str, by: str, at: str,
                        code: str | None = None) -> dict:
        """Add a gemeente (or return the existing one with that key); ``code`` is the CBS's."""
        cursor = self.db.execute(
            "INSERT INTO gemeenten (key, naam, code, created_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(key) DO NOTHING",
            [key, naam, code, at],
        )
        if cursor.rowcount:
            self._changed(cursor.lastrowid, "gemeente", naam, None, naam, by, at)
        return self.gemeente(key)

    def ensure_user(self, user_id: str, naam: str, at: str) -> None:
        """Record a user, keeping their display name up to date."""
        self.db.execute(
            "INSERT INTO users (id, naam, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET naam = excluded.naam WHERE naam != excluded.naam",
            [user_id, naam, at],
        )

    def user_name(self, user_id: str) -> str | None:
        """Someone's display name, or None for someone the bot never met."""
        row = self.db.execute("SELECT naam FROM users WHERE id = ?", [user_id]).fetchone()
        return row[0] if row else None

    def gemeente_by_id(self, gemeente_id: int) -> dict:
        """The gemeente with this id."""
        return self.row("SELECT * FROM gemeenten WHERE id = ?", [gemeente_id])

    def gemeente_by_number(self, gemeente_id: int) -> dict | None:
        """The gemeente with this id, or None (an operator typed the number)."""
        return self.row("SELECT * FROM gemeenten WHERE id = ?", [gemeente_id])

    def all_gemeenten(self) -> list[dict]:
        """Every gemeente in Leidraadbot, by name."""
        return self.rows("SELECT * FROM gemeenten ORDER BY naam COLLATE NOCASE, id")

    def rename_gemeente(self, gemeente_id: int, key: str, naam: str, code: str | None, by: str,
                        at: str) -> None:
        """Give a gemeente another name (its official one)."""
        before = self.gemeente_by_id(gemeente_id)
        self.db.execute("UPDATE gemeenten SET key = ?, naam = ?, code = ? WHERE id = ?",
                        [key, naam, code, gemeente_id])
        self._changed(gemeente_id, "naam", naam, before["naam"], naam, by, at)

    def merge_gemeenten(self, source_id: int, target_id: int, by: str, at: str) -> None:
        """Move everything of gemeente ``source_id`` into ``target_id`` and remove the source:
        answers (all versions), ontwikkelpunten (numbered on after the target's), channels,
        members (the higher role stays), gesprekken where the target has none in that place,
        stuurgroepen, the audit log; the target's settings stay, its regio is the source's if it
        had none."""
        source, target = self.gemeente_by_id(source_id), self.gemeente_by_id(target_id)
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
        self._changed(target_id, "samengevoegd", source["naam"], source["naam"], target["naam"],
                      by, at)

    SETTINGS = ("regio_id", "stale_weeks", "reminder_kind", "reminder_day", "reminder_time",
                "prep_days", "mail_domain")  # as the audit log shows them; ``reminder_since`` is bookkeeping

    def set_gemeente(self, gemeente_id: int, by: str, at: str, **values: Any) -> None:
        """Change settings of a gemeente (``regio_id``, ``stale_weeks``, the reminder, …)."""
        before = self.gemeente_by_id(gemeente_id)
        self.update("gemeenten", gemeente_id, values)
        changed = [key for key in self.SETTINGS if key in values and values[key] != before[key]]
        if changed:
            after = {**before, **values}
            self._changed(gemeente_id, "instelling", ",".join(changed),
                          json.dumps({key: before[key] for key in self.SETTINGS}),
                          json.dumps({key: after[key] for key in self.SETTINGS}), by, at)

    # --- regios ---------------------------------------------------------------------------------

    def regio(self, key: str, naam: str, at: str) -> dict:
        """The regio with normalised name ``key``, created if it is new."""
        self.db.execute("INSERT INTO regios (key, naam, created_at) VALUES (?, ?, ?) "
                        "ON CONFLICT(key) DO NOTHING", [key, naam, at])
        return self.row("SELECT * FROM regios WHERE key = ?", [key])

    def regio_named(self, key: str) -> dict | None:
        """The regio with normalised name ``key``, or None."""
        return self.row("SELECT * FROM regios WHERE key = ?", [key])

    def regios(self) -> list[dict]:
        """Every regio, by name."""
        return self.rows("SELECT * FROM regios ORDER BY naam")

    def regio_by_id(self, regio_id: int) -> dict | None:
        return self.row("SELECT * FROM regios WHERE id = ?", [regio_id])

    def regio_gemeenten(self, regio_id: int) -> list[dict]:
        """The gemeenten of a regio, by name."""
        return self.rows("SELECT * FROM gemeenten WHERE regio_id = ? ORDER BY naam", [regio_id])

    def add_projectleider(self, regio_id: int, user_id: str, by: str, at: str) -> None:
        if self.db.execute(
            "INSERT INTO projectleiders (regio_id, user_id, added_by, added_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(regio_id, user_id) DO NOTHING", [regio_id, user_id, by, at]).rowcount:
            for gemeente in [None, *self.regio_gemeenten(regio_id)]:  # who may now read them
                self._changed(gemeente and gemeente["id"], "projectleider", user_id, None,
                              "projectleider", by, at, regio_id)

    def projectleider_regios(self, user_id: str) -> list[dict]:
        """The regios someone is projectleider of."""
        return self.rows("SELECT r.* FROM projectleiders p JOIN regios r ON r.id = p.regio_id "
                          "WHERE p.user_id = ? ORDER BY r.naam", [user_id])

    # --- channels and members -----------------------------------------------------------------

    def bind_channel(self, place: str, gemeente_id: int, user_id: str, at: str) -> None:
        """Bind a channel to a gemeente (replacing an earlier binding of that channel)."""
        before = self.channel_gemeente(place)
        naam = self.gemeente_by_id(gemeente_id)["naam"]
        for changed in {gemeente_id, before["id"] if before else gemeente_id}:
            self._changed(changed, "koppeling", place, before["naam"] if before else None, naam,
                          user_id, at)
        self.db.execute(
            "INSERT INTO channels (place, gemeente_id, bound_by, bound_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(place) DO UPDATE SET gemeente_id = excluded.gemeente_id, "
            "bound_by = excluded.bound_by, bound_at = excluded.bound_at",
            [place, gemeente_id, user_id, at],
        )

    def channel_gemeente(self, place: str) -> dict | None:
        """The gemeente a channel is bound to, or None."""
        return self.row(
            "SELECT g.* FROM channels c JOIN gemeenten g ON g.id = c.gemeente_id WHERE c.place = ?",
            [place],
        )

    def add_member(self, gemeente_id: int, user_id: str, role: str, by: str, at: str) -> None:
        """Make someone a member; a beheerder stays beheerder when added again as lid."""
        before = self.member_role(gemeente_id, user_id)
        role = "beheerder" if before == "beheerder" else role
        if role == before:
            return
        self.db.execute(
            "INSERT INTO members (gemeente_id, user_id, role, added_by, added_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(gemeente_id, user_id) DO UPDATE SET role = "
            "excluded.role", [gemeente_id, user_id, role, by, at])
        self._changed(gemeente_id, "lid", user_id, before, role, by, at)

    def remove_member(self, gemeente_id: int, user_id: str, by: str, at: str) -> bool:
        """Remove someone from a gemeente; False if they were not a member."""
        before = self.member_role(gemeente_id, user_id)
        if before is None:
            return False
        self.db.execute("DELETE FROM members WHERE gemeente_id = ? AND user_id = ?",
                        [gemeente_id, user_id])
        self._changed(gemeente_id, "lid", user_id, before, None, by, at)
        return True

    def member_role(self, gemeente_id: int, user_id: str) -> str | None:
        """"beheerder", "lid", or None for someone who does not belong to the gemeente."""
        row = self.db.execute(
            "SELECT role FROM members WHERE gemeente_id = ? AND user_id = ?", [gemeente_id, user_id]
        ).fetchone()
        return row[0] if row else None

    def memberships(self, user_id: str) -> list[dict]:
        """The gemeenten someone belongs to, with their role, by name."""
        return self.rows(
            "SELECT g.*, m.role FROM members m JOIN gemeenten g ON g.id = m.gemeente_id "
            "WHERE m.user_id = ? ORDER BY g.naam",
            [user_id],
        )

    def beheerders(self, gemeente_id: int) -> list[dict]:
        """The beheerders of a gemeente (id and name), by name."""
        return self.rows(
            "SELECT u.id, u.naam FROM members m JOIN users u ON u.id = m.user_id "
            "WHERE m.gemeente_id = ? AND m.role = 'beheerder' ORDER BY u.naam",
            [gemeente_id],
        )

    # --- answers ------------------------------------------------------------------------------

    def save_answer(self, gemeente_id: int, question_id: str, text: str, author_id: str, at: str,
                    source: str | None = None) -> int:
        """Add a new version of an answer (from the message ``source``); earlier versions stay.
        Returns the new row id."""
        return self.db.execute(
            "INSERT INTO answers (gemeente_id, question_id, text, author_id, created_at, source) "
            "VALUES (?, ?, ?, ?, ?, ?)", [gemeente_id, question_id, text, author_id, at, source]
        ).lastrowid

    def answer_from(self, source: str) -> dict | None:
        """The latest answer version that came in the message ``source``, or None."""
        return self.row(
            "SELECT id, gemeente_id, question_id, text FROM answers WHERE source = ? "
            "ORDER BY id DESC LIMIT 1", [source])

    _ANSWERS = (
        "SELECT a.id, a.question_id, a.text, a.created_at, a.author_id, u.naam AS author "
        "FROM answers a JOIN users u ON u.id = a.author_id "
    )

    def current_answers(self, gemeente_id: int, person: str | None = None,
                        personal: frozenset[str] = frozenset()) -> dict[str, dict]:
        """The latest answer per question of a gemeente, by question id; for the ``personal``
        questions (about the one answering) the latest of ``person``."""
        rows = self.rows(
            self._ANSWERS + "WHERE a.id IN (SELECT max(id) FROM answers WHERE gemeente_id = ? "
            "GROUP BY question_id, CASE WHEN question_id IN (SELECT value FROM json_each(?)) "
            "THEN author_id END)",
            [gemeente_id, json.dumps(sorted(personal))],
        )
        return {row["question_id"]: row for row in rows
                if row["question_id"] not in personal or row["author_id"] == person}

    def current_answer(self, gemeente_id: int, question_id: str,
                       person: str | None = None) -> dict | None:
        """The latest answer of a gemeente to one question (of ``person`` only, when given), or
        None."""
        mine = " AND a.author_id = ?" if person else ""
        return self.row(
            self._ANSWERS + "WHERE a.gemeente_id = ? AND a.question_id = ?" + mine
            + " ORDER BY a.id DESC LIMIT 1",
            [gemeente_id, question_id, *([person] if person else [])],
        )

    def answers_per_person(self, gemeente_id: int, question_id: str) -> list[dict]:
        """Everyone's latest answer to a personal question, in the order they were given."""
        return self.rows(
            self._ANSWERS + "WHERE a.id IN (SELECT max(id) FROM answers WHERE gemeente_id = ? AND "
            "question_id = ? GROUP BY author_id) ORDER BY a.id", [gemeente_id, question_id])

    def all_answer_versions(self, gemeente_id: int) -> list[dict]:
        """Every version of every answer of a gemeente, in the order they were given."""
        return self.rows(self._ANSWERS + "WHERE a.gemeente_id = ? ORDER BY a.id", [gemeente_id])

    def answer_history(self, gemeente_id: int, question_id: str) -> list[dict]:
        """Every version of one answer, oldest first."""
        return self.rows(
            self._ANSWERS + "WHERE a.gemeente_id = ? AND a.question_id = ? ORDER BY a.id",
            [gemeente_id, question_id],
        )

    # --- conversations ------------------------------------------------------------------------

    def conversation(self, gemeente_id: int, place: str, questionnaire: str) -> dict | None:
        """The saved conversation in a place, with ``skipped`` and ``pending`` decoded."""
        row = self.row("SELECT * FROM conversations WHERE gemeente_id = ? AND place = ? AND "
                       "questionnaire = ?", [gemeente_id, place, questionnaire])
        if row is None:
            return None
        return {**row, "skipped": json.loads(row["skipped"]),
                "pending": json.loads(row["pending"]) if row["pending"] else None,
                "held": json.loads(row["held"]) if row["held"] else None}

    def latest_conversation_under(
        self, prefix: str, gemeente_id: int, questionnaire: str, unless_state: str
    ) -> dict | None:
        """The most recently used conversation in a place starting with ``prefix`` (the threads
        of a channel) whose state is not ``unless_state``, or None."""
        row = self.db.execute(
            "SELECT place FROM conversations WHERE gemeente_id = ? AND questionnaire = ? "
            "AND substr(place, 1, ?) = ? AND state != ? ORDER BY updated_at DESC, id DESC LIMIT 1",
            [gemeente_id, questionnaire, len(prefix), prefix, unless_state],
        ).fetchone()
        return self.conversation(gemeente_id, row[0], questionnaire) if row else None

    def has_conversation(self, place: str) -> bool:
        """Whether any conversation lives in ``place``, or one of a person in it (``place~user``)."""
        return self.db.execute(
            "SELECT 1 FROM conversations WHERE place = ? OR (place >= ? AND place < ?) LIMIT 1",
            [place, place + "~", place + "\x7f"]).fetchone() is not None

    def last_gemeente_in(self, place: str) -> int | None:
        """The gemeente whose conversation in ``place`` was used last (a direct message)."""
        row = self.db.execute(
            "SELECT gemeente_id FROM conversations WHERE place = ? ORDER BY updated_at DESC, id DESC "
            "LIMIT 1",
            [place],
        ).fetchone()
        return row[0] if row else None

    def save_conversation(self, conversation: dict[str, Any], at: str) -> None:
        """Insert or update a conversation, keyed on gemeente, place and questionnaire."""
        row = {
            **{key: conversation.get(key) for key in (
                "gemeente_id", "place", "questionnaire", "state", "status", "return_to", "user_id")},
            "skipped": json.dumps(sorted(conversation.get("skipped", ()))),
            "pending": json.dumps(conversation["pending"]) if conversation.get("pending") else None,
            "held": json.dumps(conversation["held"]) if conversation.get("held") else None,
            "at": at,
        }
        self.db.execute(
            "INSERT INTO conversations (gemeente_id, place, questionnaire, state, status, skipped, "
            "return_to, pending, held, user_id, created_at, updated_at) VALUES (:gemeente_id, :place, "
            ":questionnaire, :state, :status, :skipped, :return_to, :pending, :held, :user_id, :at, :at) "
            "ON CONFLICT(gemeente_id, place, questionnaire) DO UPDATE SET state = excluded.state, "
            "status = excluded.status, skipped = excluded.skipped, return_to = excluded.return_to, "
            "pending = excluded.pending, held = excluded.held, user_id = excluded.user_id, "
            "updated_at = excluded.updated_at",
            row,
        )

    # --- ontwikkelpunten -----------------------------------------------------------------------

    PUNT_FIELDS = ("basisfunctie", "thema", "ontwikkelpunt", "beoogd_resultaat", "verbeteractie",
                   "kosten", "wie", "wie_id", "planning", "planning_stappen", "status", "concept",
                   "bron")

    def create_punt(self, gemeente_id: int, values: dict[str, Any], by: str, at: str) -> dict:
        """A new ontwikkelpunt with the next number of the gemeente (never one of a concept that was
        thrown away: the audit log names it); returns the row."""
        nummer = self.db.execute(
            "SELECT max(coalesce((SELECT max(nummer) FROM ontwikkelpunten WHERE gemeente_id = ?), 0),"
            " coalesce((SELECT max(CAST(subject AS INTEGER)) FROM changes WHERE gemeente_id = ? AND "
            "kind = 'weggegooid'), 0)) + 1", [gemeente_id, gemeente_id],
        ).fetchone()[0]
        row = {key: values[key] for key in self.PUNT_FIELDS if key in values}
        pk = self.insert("ontwikkelpunten", {**row, "gemeente_id": gemeente_id, "nummer": nummer,
                                             "created_by": by, "created_at": at, "updated_at": at})
        return self.row("SELECT * FROM ontwikkelpunten WHERE id = ?", [pk])

    def owned_gemeenten(self, user_id: str) -> list[dict]:
        """The gemeenten in which someone is named as the owner of an ontwikkelpunt."""
        return self.rows("SELECT DISTINCT g.* FROM ontwikkelpunten p JOIN gemeenten g ON "
                         "g.id = p.gemeente_id WHERE p.wie_id = ? ORDER BY g.naam", [user_id])

    def punt(self, gemeente_id: int, nummer: int) -> dict | None:
        """Ontwikkelpunt #nummer of a gemeente, or None."""
        return self.row("SELECT * FROM ontwikkelpunten WHERE gemeente_id = ? AND nummer = ?",
                        [gemeente_id, nummer])

    def punten(self, gemeente_id: int) -> list[dict]:
        """All ontwikkelpunten of a gemeente, by number."""
        return self.rows("SELECT * FROM ontwikkelpunten WHERE gemeente_id = ? ORDER BY nummer",
                         [gemeente_id])

    def update_punt(self, punt_id: int, values: dict[str, Any], at: str) -> None:
        """Set current values of an ontwikkelpunt (log the change with ``log_punt``)."""
        row = {key: values[key] for key in self.PUNT_FIELDS if key in values}
        self.update("ontwikkelpunten", punt_id, {**row, "updated_at": at})

    def set_plan_info(self, gemeente_id: int, kind: str, text: str, by: str, at: str) -> None:
        """A new version of one of the gemeente's own parts of the plan (``plan_info``)."""
        self.db.execute("INSERT INTO plan_info (gemeente_id, kind, text, author_id, created_at) "
                        "VALUES (?, ?, ?, ?, ?)", [gemeente_id, kind, text, by, at])

    def plan_info(self, gemeente_id: int) -> dict[str, dict]:
        """The current text of each of the gemeente's own parts, by kind, with author and time."""
        rows = self.rows(
            "SELECT p.kind, p.text, p.created_at, u.naam AS author FROM plan_info p JOIN users u "
            "ON u.id = p.author_id WHERE p.id IN (SELECT max(id) FROM plan_info WHERE "
            "gemeente_id = ? GROUP BY kind)", [gemeente_id])
        return {row["kind"]: row for row in rows}

    def discard_punt(self, punt_id: int, text: str, by: str, at: str) -> None:
        """Remove a concept ontwikkelpunt and its drafting history; the audit log keeps that it
        was."""
        row = self.row("SELECT * FROM ontwikkelpunten WHERE id = ?", [punt_id])
        self._changed(row["gemeente_id"], "weggegooid", str(row["nummer"]), text, None, by, at)
        self.db.execute("DELETE FROM ontwikkelpunt_log WHERE ontwikkelpunt_id = ?", [punt_id])
        self.db.execute("DELETE FROM ontwikkelpunten WHERE id = ?", [punt_id])

    def log_punt(self, punt_id: int, kind: str, value: str, author_id: str, at: str,
                 field: str | None = None, previous: str | None = None) -> None:
        """Add to an ontwikkelpunt's history: a stand van zaken, a status or a field change."""
        self.insert("ontwikkelpunt_log", {
            "ontwikkelpunt_id": punt_id, "kind": kind, "field": field, "value": value,
            "previous": previous, "author_id": author_id, "created_at": at})
        if kind == "stand":
            self.update("ontwikkelpunten", punt_id, {"stand_at": at})

    # The fields filled in while an ontwikkelpunt was a concept (before its first status entry)
    # are drafting: kept for the audit log, left out of the ontwikkelpunt's history.
    _SINCE_FINISHED = (" AND (l.kind != 'veld' OR l.id > (SELECT min(f.id) FROM ontwikkelpunt_log "
                       "f WHERE f.ontwikkelpunt_id = l.ontwikkelpunt_id AND f.kind = 'status'))")

    def punt_changes_since(self, punt_id: int, since: str, not_by: str) -> list[dict]:
        """Field and status changes of an ontwikkelpunt after ``since`` by others than ``not_by``,
        oldest first, with author names."""
        return self.rows(
            "SELECT l.kind, l.field, l.value, l.previous, u.naam AS author FROM ontwikkelpunt_log l "
            "JOIN users u ON u.id = l.author_id WHERE l.ontwikkelpunt_id = ? AND l.created_at > ? "
            "AND l.author_id != ? AND l.kind IN ('veld', 'status') ORDER BY l.id",
            [punt_id, since, not_by])

    def punt_history(self, punt_id: int) -> list[dict]:
        """An ontwikkelpunt's history, oldest first, with author names."""
        return self.rows(
            "SELECT l.kind, l.field, l.value, l.previous, l.created_at, u.naam AS author "
            "FROM ontwikkelpunt_log l JOIN users u ON u.id = l.author_id "
            "WHERE l.ontwikkelpunt_id = ?" + self._SINCE_FINISHED + " ORDER BY l.id",
            [punt_id],
        )

    def history(self, gemeente_id: int) -> list[dict]:
        """The history of all ontwikkelpunten of a gemeente, oldest first (for exports)."""
        return self.rows(
            "SELECT p.nummer, l.kind, l.field, l.value, l.previous, l.created_at, u.naam AS author "
            "FROM ontwikkelpunt_log l JOIN ontwikkelpunten p ON p.id = l.ontwikkelpunt_id "
            "JOIN users u ON u.id = l.author_id WHERE p.gemeente_id = ?" + self._SINCE_FINISHED
            + " ORDER BY l.id",
            [gemeente_id],
        )

    # The flags of an ontwikkelpunt p, in one place for one gemeente's list and a whole regio's
    # counts: a live one (no concept; open or in uitvoering) is verouderd when nothing was said
    # of it (its latest stand van zaken, else its making) before the ``stale`` moment, and over
    # datum when its planning (an ISO date) is before ``today``. The gemeenten come as JSON.
    _FLAGGED = (
        "SELECT *, live AND julianday(coalesce(stand_at, created_at)) < julianday(:stale) AS "
        "verouderd, live AND planning > '' AND planning < :today AS over_datum FROM (SELECT {}, "
        "p.concept = 0 AND p.status IN ('open', 'in_uitvoering') AS live FROM ontwikkelpunten p "
        "WHERE p.gemeente_id IN (SELECT value FROM json_each(:gemeenten)))")

    def flagged_punten(self, gemeente_id: int, stale: str, today: str) -> list[dict]:
        """A gemeente's ontwikkelpunten by number, each with its latest ``stand`` (and
        ``stand_at``), whether it is ``live``, and its flags ``verouderd`` and ``over_datum``
        (see ``_FLAGGED``)."""
        columns = ("p.*, (SELECT l.value FROM ontwikkelpunt_log l WHERE l.ontwikkelpunt_id = p.id "
                   "AND l.kind = 'stand' ORDER BY l.id DESC LIMIT 1) AS stand")
        return self.rows(self._FLAGGED.format(columns) + " ORDER BY nummer",
                         {"gemeenten": f"[{gemeente_id}]", "stale": stale, "today": today})

    def flag_counts(self, gemeenten: list[int], stale: str, today: str) -> dict[int, dict]:
        """Per gemeente (by id): how many ontwikkelpunten are live, verouderd, over datum and
        afgerond, counted in one query."""
        flagged = self._FLAGGED.format(
            "p.gemeente_id, p.concept, p.status, p.planning, p.created_at, p.stand_at")
        rows = self.rows(
            "SELECT gemeente_id, sum(live) AS live, sum(verouderd) AS verouderd, sum(over_datum) "
            f"AS over_datum, sum(concept = 0 AND status = 'afgerond') AS afgerond FROM ({flagged}) "
            "GROUP BY gemeente_id", {"gemeenten": json.dumps(gemeenten), "stale": stale,
                                     "today": today})
        return {row["gemeente_id"]: row for row in rows}

    def answered_counts(self, regio_id: int, questions: list[str]) -> dict[int, int]:
        """Per gemeente of a regio (by id): how many of ``questions`` it answered."""
        return dict(self.db.execute(
            "SELECT a.gemeente_id, count(DISTINCT a.question_id) FROM gemeenten g JOIN answers a "
            "ON a.gemeente_id = g.id WHERE g.regio_id = ? AND a.question_id IN (SELECT value FROM "
            "json_each(?)) GROUP BY a.gemeente_id", [regio_id, json.dumps(questions)]).fetchall())

    # --- the audit log -----------------------------------------------------------------------------

    def _changed(self, gemeente_id: int | None, kind: str, subject: str, old: str | None,
                 new: str | None, by: str, at: str, regio_id: int | None = None) -> None:
        """Log a change that has no history of its own (see ``audit``)."""
        self.db.execute(
            "INSERT INTO changes (gemeente_id, regio_id, kind, subject, old, new, author_id, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [gemeente_id, regio_id, kind, subject, old, new, by, at])

    def audit(self, gemeente_id: int, since: str | None = None,
              personal: frozenset[str] = frozenset()) -> list[dict]:
        """Every change of a gemeente, and the projectleiders its regio got while it was in it,
        in the order they were made (from the moment ``since`` on): ``at``, ``author`` (a name),
        ``kind``, ``subject`` (and ``subject_naam`` when it is a person), ``old`` and ``new``.
        Kinds: antwoord, ontwikkelpunt (created; subject its number), stand, status and veld
        (subject "3" or "3:kosten"), algemeen (subject the part of the plan), and those of
        ``changes``. An answer to one of the
        ``personal`` questions follows its writer's own earlier answer."""
        return self.rows(
            "SELECT x.at, x.kind, x.subject, x.old, x.new, x.author_id, "
            "coalesce(u.naam, x.author_id) AS author, s.naam AS subject_naam FROM ("
            " SELECT a.created_at AS at, 0 AS source, a.id AS seq, a.author_id, 'antwoord' AS kind,"
            " a.question_id AS subject, lag(a.text) OVER (PARTITION BY a.question_id, CASE WHEN"
            " a.question_id IN (SELECT value FROM json_each(:personal)) THEN a.author_id END"
            " ORDER BY a.id) AS old, a.text AS new FROM answers a WHERE a.gemeente_id = :g"
            " UNION ALL SELECT p.created_at, 1, p.id, p.created_by, 'ontwikkelpunt', p.nummer, NULL,"
            " NULL FROM ontwikkelpunten p WHERE p.gemeente_id = :g"
            " UNION ALL SELECT l.created_at, 2, l.id, l.author_id, l.kind,"
            " p.nummer || coalesce(':' || l.field, ''), l.previous, l.value FROM ontwikkelpunt_log l"
            " JOIN ontwikkelpunten p ON p.id = l.ontwikkelpunt_id WHERE p.gemeente_id = :g"
            " UNION ALL SELECT c.created_at, 3, c.id, c.author_id, c.kind, c.subject, c.old, c.new"
            " FROM changes c WHERE c.gemeente_id = :g"
            " UNION ALL SELECT i.created_at, 4, i.id, i.author_id, 'algemeen', i.kind,"
            " lag(i.text) OVER (PARTITION BY i.kind ORDER BY i.id), i.text FROM plan_info i"
            " WHERE i.gemeente_id = :g"
            ") x LEFT JOIN users u ON u.id = x.author_id LEFT JOIN users s ON s.id = x.subject "
            "WHERE :since IS NULL OR julianday(x.at) >= julianday(:since) "
            "ORDER BY julianday(x.at), x.source, x.seq",
            {"g": gemeente_id, "since": since, "personal": json.dumps(sorted(personal))})

    # --- addresses ------------------------------------------------------------------------------

    def remember_address(self, key: str, reference: dict, at: str) -> None:
        """How to reach the place or person ``key`` later (the newest reference wins)."""
        self.db.execute(
            "INSERT INTO addresses (key, reference, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) "
            "DO UPDATE SET reference = excluded.reference, updated_at = excluded.updated_at",
            [key, json.dumps(reference, sort_keys=True), at])

    def address(self, key: str) -> dict | None:
        """The reference to reach ``key`` by, or None when there is none."""
        row = self.db.execute("SELECT reference FROM addresses WHERE key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else None

    # --- stuurgroepen and reminders -----------------------------------------------------------

    def gemeenten(self) -> list[dict]:
        """Every gemeente, by name."""
        return self.rows("SELECT * FROM gemeenten ORDER BY naam")

    def gemeente_channel(self, gemeente_id: int) -> str | None:
        """The channel a gemeente was bound to most recently (where its reminders go)."""
        row = self.db.execute(
            "SELECT place FROM channels WHERE gemeente_id = ? ORDER BY bound_at DESC LIMIT 1",
            [gemeente_id]).fetchone()
        return row[0] if row else None

    def add_stuurgroep(self, gemeente_id: int, moment: str, by: str, at: str) -> bool:
        """Add a meeting (local ISO moment); False if that gemeente already has it."""
        cursor = self.db.execute(
            "INSERT INTO stuurgroepen (gemeente_id, moment, created_by, created_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT(gemeente_id, moment) DO NOTHING",
            [gemeente_id, moment, by, at])
        if cursor.rowcount:
            self._changed(gemeente_id, "stuurgroep", moment, None, moment, by, at)
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
            self._changed(gemeente_id, "stuurgroep", moment, moment, None, by, at)
        return len(moments)

    def queue_reminder(self, key: str, gemeente_id: int, recipient: str, at: str,
                       state: str = "queued") -> bool:
        """Record a reminder message as queued in the outbox (or ``skipped``: nothing to say);
        False when it was queued before. A claim left by an older version is taken over."""
        return self.db.execute(
            "INSERT INTO reminders (key, gemeente_id, recipient, state, attempts, updated_at) "
            "VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT(key) DO UPDATE SET state = excluded.state, "
            "recipient = excluded.recipient, attempts = attempts + 1, "
            "updated_at = excluded.updated_at WHERE state IN ('claimed', 'retry')",
            [key, gemeente_id, recipient, state, at]).rowcount == 1

    def reminder_delivered(self, key: str, at: str, error: str | None = None) -> None:
        """The outbox made a reminder's call (``error`` None), or gave it up; one failed call
        fails the reminder."""
        self.db.execute(
            "UPDATE reminders SET state = CASE WHEN state = 'failed' OR ? IS NOT NULL THEN "
            "'failed' ELSE 'sent' END, error = coalesce(?, error), updated_at = ? WHERE key = ?",
            [error, error, at, key])

    def queued_reminders(self) -> list[str]:
        """The reminders queued in the outbox and not sent yet."""
        return [row[0] for row in self.db.execute(
            "SELECT key FROM reminders WHERE state = 'queued' ORDER BY updated_at")]

    def untold_failures(self) -> list[dict]:
        """Reminders that could not be delivered, whose beheerders have not heard yet."""
        return self.rows("SELECT * FROM reminders INDEXED BY reminders_untold "
                         "WHERE state = 'failed' AND told_at IS NULL")

    def reminder_told(self, key: str, at: str) -> None:
        self.db.execute("UPDATE reminders SET told_at = ? WHERE key = ?", [at, key])

    def finish_batch(self, key: str, gemeente_id: int, at: str) -> None:
        """Every message of the reminder moment ``key`` is done."""
        self.db.execute("INSERT INTO reminder_batches (key, gemeente_id, done_at) VALUES (?, ?, ?) "
                        "ON CONFLICT(key) DO NOTHING", [key, gemeente_id, at])

    def batches_done(self, keys: list[str]) -> set[str]:
        """Which of these reminder moments are done (``finish_batch``)."""
        return {row[0] for row in self.db.execute(
            "SELECT key FROM reminder_batches WHERE key IN (SELECT value FROM json_each(?))",
            [json.dumps(keys)])}

    def reminder_places(self) -> list[dict]:
        """Every gemeente with a bound channel, with that channel (``channel``, the most recent
        binding) and its stuurgroepen in order (``meetings``), by name: what a tick looks at."""
        gemeenten = self.rows(
            "SELECT g.*, (SELECT c.place FROM channels c WHERE c.gemeente_id = g.id ORDER BY "
            "c.bound_at DESC LIMIT 1) AS channel FROM gemeenten g ORDER BY g.naam")
        meetings: dict[int, list[dict]] = {}
        for meeting in self.rows("SELECT * FROM stuurgroepen ORDER BY moment"):
            meetings.setdefault(meeting["gemeente_id"], []).append(meeting)
        return [g | {"meetings": meetings.get(g["id"], [])} for g in gemeenten if g["channel"]]

    def reminder(self, key: str) -> dict | None:
        return self.row("SELECT * FROM reminders WHERE key = ?", [key])

    # --- messages handled --------------------------------------------------------------------

    def handled(self, entry_id: int | None, delivery_id: str | None, at: str) -> bool:
        """Record that a message (an inbox entry, or one handled at once) is handled, in the
        transaction of its effects; False if it was handled before."""
        return self.db.execute(
            "INSERT INTO handled (entry_id, delivery_id, handled_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING", [entry_id, delivery_id, at]).rowcount == 1

    def was_handled(self, entry_id: int) -> bool:
        return self.db.execute("SELECT 1 FROM handled WHERE entry_id = ?",
                               [entry_id]).fetchone() is not None

    def claim_delivery(self, delivery_id: str, at: str) -> bool:
        """Record a delivery handled at once (not through the inbox); False if seen before."""
        return self.handled(None, delivery_id, at)

    # --- outbox ------------------------------------------------------------------------------

    def outbox_add(self, lane: str, payload: str, at: str) -> int:
        """Queue a call to the platform; lanes are sent in order."""
        return self.db.execute(
            "INSERT INTO outbox (lane, payload, due_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            [lane, payload, at, at, at]).lastrowid

    def outbox_newest(self) -> int:
        """The id of the newest call queued (0 when there is none)."""
        return self.db.execute("SELECT coalesce(max(id), 0) FROM outbox").fetchone()[0]

    def outbox_arrived(self, after: int) -> list[tuple[str, int]]:
        """The lanes of calls queued after call ``after`` (by another process), each with its
        newest call's id."""
        return self.db.execute("SELECT lane, max(id) FROM outbox WHERE id > ? AND state = 'new' "
                               "GROUP BY lane", [after]).fetchall()

    def outbox_lanes(self) -> list[str]:
        """The lanes with calls still to make, oldest first."""
        return [r[0] for r in self.db.execute(
            "SELECT lane FROM outbox WHERE state = 'new' GROUP BY lane ORDER BY min(id)").fetchall()]

    def outbox_next(self, lane: str) -> dict | None:
        """The first call of a lane still to make."""
        return self.row(
            "SELECT id, payload, attempts, due_at FROM outbox WHERE state = 'new' AND lane = ? "
            "ORDER BY id LIMIT 1", [lane])

    def outbox_finish(self, item_id: int, state: str, at: str, error: str | None = None) -> None:
        """Mark a call sent (then what it said is not kept: it is in the chat now), or failed for
        good (kept, to see why)."""
        self.db.execute("UPDATE outbox SET state = ?, error = ?, updated_at = ?, attempts = attempts + 1, "
                        "payload = CASE WHEN ? = 'sent' THEN '' ELSE payload END WHERE id = ?",
                        [state, error, at, state, item_id])

    def outbox_later(self, item_id: int, due_at: str, at: str, error: str) -> None:
        """Try a call again at ``due_at`` (after a failure that may pass)."""
        self.db.execute("UPDATE outbox SET due_at = ?, error = ?, updated_at = ?, "
                        "attempts = attempts + 1 WHERE id = ?", [due_at, error, at, item_id])

    # --- questions asked ---------------------------------------------------------------------

    def ask(self, gemeente_id: int, place: str, questionnaire: str, question_id: str,
            cause_user: str, cause_at: str, at: str) -> int:
        """Record that a question was asked in a conversation, because of ``cause_user``."""
        return self.db.execute(
            "INSERT INTO asked (gemeente_id, place, questionnaire, question_id, cause_user, cause_at, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [gemeente_id, place, questionnaire, question_id, cause_user, cause_at, at]).lastrowid

    def last_asked_at(self, gemeente_id: int, place: str, questionnaire: str,
                      question_id: str) -> str | None:
        """When ``question_id`` was last put to ``place`` (our clock), or None."""
        row = self.db.execute(
            "SELECT created_at FROM asked WHERE gemeente_id = ? AND place = ? AND questionnaire = ? "
            "AND question_id = ? ORDER BY id DESC LIMIT 1",
            [gemeente_id, place, questionnaire, question_id]).fetchone()
        return row[0] if row else None

    def asked_posted(self, asked_id: int, posted_at: str) -> None:
        """The platform showed the question at ``posted_at`` (its own time)."""
        self.db.execute("UPDATE asked SET posted_at = ? WHERE id = ? AND posted_at IS NULL",
                        [posted_at, asked_id])

    def shown_question(self, gemeente_id: int, place: str, questionnaire: str, user_id: str,
                       sent_at: str) -> str | None:
        """The last question ``user_id`` could have seen when writing at ``sent_at``: one the
        platform showed before then, or one their own earlier message brought up."""
        row = self.db.execute(
            "SELECT question_id FROM asked WHERE gemeente_id = ? AND place = ? AND questionnaire = ? "
            "AND ((posted_at IS NOT NULL AND posted_at < ?) OR (cause_user = ? AND cause_at <= ?)) "
            "ORDER BY id DESC LIMIT 1",
            [gemeente_id, place, questionnaire, sent_at, user_id, sent_at]).fetchone()
        return row[0] if row else None
