"""Answers and gesprekken: every version of every answer, the conversations going on, and the
questions the bot asked in them."""

from __future__ import annotations

import json
from typing import Any

from store.part import Part

_ANSWERS = ("SELECT a.id, a.question_id, a.text, a.created_at, a.author_id, u.naam AS author "
            "FROM answers a JOIN users u ON u.id = a.author_id ")


class Answers(Part):
    """The answers of the gemeenten: a new version for each change, none ever lost."""

    def save(self, gemeente_id: int, question_id: str, text: str, author_id: str, at: str,
             source: str | None = None) -> int:
        """Add a new version of an answer (from the message ``source``); earlier versions stay.
        Returns the new row id."""
        return self.db.execute(
            "INSERT INTO answers (gemeente_id, question_id, text, author_id, created_at, source) "
            "VALUES (?, ?, ?, ?, ?, ?)", [gemeente_id, question_id, text, author_id, at, source]
        ).lastrowid

    def from_message(self, source: str) -> dict | None:
        """The latest answer version that came in the message ``source``, or None."""
        return self.row(
            "SELECT id, gemeente_id, question_id, text FROM answers WHERE source = ? "
            "ORDER BY id DESC LIMIT 1", [source])

    def current(self, gemeente_id: int, person: str | None = None,
                personal: frozenset[str] = frozenset()) -> dict[str, dict]:
        """The latest answer per question of a gemeente, by question id; for the ``personal``
        questions (about the one answering) the latest of ``person``."""
        rows = self.rows(
            _ANSWERS + "WHERE a.id IN (SELECT max(id) FROM answers WHERE gemeente_id = ? "
            "GROUP BY question_id, CASE WHEN question_id IN (SELECT value FROM json_each(?)) "
            "THEN author_id END)", [gemeente_id, json.dumps(sorted(personal))])
        return {row["question_id"]: row for row in rows
                if row["question_id"] not in personal or row["author_id"] == person}

    def current_one(self, gemeente_id: int, question_id: str,
                    person: str | None = None) -> dict | None:
        """The latest answer of a gemeente to one question (of ``person`` only, when given), or
        None."""
        mine = " AND a.author_id = ?" if person else ""
        return self.row(
            _ANSWERS + "WHERE a.gemeente_id = ? AND a.question_id = ?" + mine
            + " ORDER BY a.id DESC LIMIT 1", [gemeente_id, question_id, *([person] if person else [])])

    def per_person(self, gemeente_id: int, question_id: str) -> list[dict]:
        """Everyone's latest answer to a personal question, in the order they were given."""
        return self.rows(
            _ANSWERS + "WHERE a.id IN (SELECT max(id) FROM answers WHERE gemeente_id = ? AND "
            "question_id = ? GROUP BY author_id) ORDER BY a.id", [gemeente_id, question_id])

    def all_versions(self, gemeente_id: int) -> list[dict]:
        """Every version of every answer of a gemeente, in the order they were given."""
        return self.rows(_ANSWERS + "WHERE a.gemeente_id = ? ORDER BY a.id", [gemeente_id])

    def history(self, gemeente_id: int, question_id: str) -> list[dict]:
        """Every version of one answer, oldest first."""
        return self.rows(_ANSWERS + "WHERE a.gemeente_id = ? AND a.question_id = ? ORDER BY a.id",
                         [gemeente_id, question_id])

    def counts_in_regio(self, regio_id: int, questions: list[str]) -> dict[int, int]:
        """Per gemeente of a regio (by id): how many of ``questions`` it answered."""
        return dict(self.db.execute(
            "SELECT a.gemeente_id, count(DISTINCT a.question_id) FROM gemeenten g JOIN answers a "
            "ON a.gemeente_id = g.id WHERE g.regio_id = ? AND a.question_id IN (SELECT value FROM "
            "json_each(?)) GROUP BY a.gemeente_id", [regio_id, json.dumps(questions)]).fetchall())


class Gesprekken(Part):
    """The conversations going on (a gesprek, an ontwikkelpunt's fields), per gemeente, place and
    questionnaire, and every question the bot asked in them."""

    def get(self, gemeente_id: int, place: str, questionnaire: str) -> dict | None:
        """The saved conversation in a place, with ``skipped``, ``pending`` and ``held``
        decoded."""
        row = self.row("SELECT * FROM conversations WHERE gemeente_id = ? AND place = ? AND "
                       "questionnaire = ?", [gemeente_id, place, questionnaire])
        if row is None:
            return None
        return {**row, "skipped": json.loads(row["skipped"]),
                "pending": json.loads(row["pending"]) if row["pending"] else None,
                "held": json.loads(row["held"]) if row["held"] else None}

    def latest_under(self, prefix: str, gemeente_id: int, questionnaire: str,
                     unless_state: str) -> dict | None:
        """The most recently used conversation in a place starting with ``prefix`` (the threads
        of a channel) whose state is not ``unless_state``, or None."""
        place = self.value(
            "SELECT place FROM conversations WHERE gemeente_id = ? AND questionnaire = ? "
            "AND substr(place, 1, ?) = ? AND state != ? ORDER BY updated_at DESC, id DESC LIMIT 1",
            [gemeente_id, questionnaire, len(prefix), prefix, unless_state])
        return self.get(gemeente_id, place, questionnaire) if place else None

    def any_in(self, place: str) -> bool:
        """Whether any conversation lives in ``place``, or one of a person in it (``place~user``)."""
        return self.value(
            "SELECT 1 FROM conversations WHERE place = ? OR (place >= ? AND place < ?) LIMIT 1",
            [place, place + "~", place + "\x7f"]) is not None

    def last_gemeente_in(self, place: str) -> int | None:
        """The gemeente whose conversation in ``place`` was used last (a direct message)."""
        return self.value("SELECT gemeente_id FROM conversations WHERE place = ? ORDER BY "
                          "updated_at DESC, id DESC LIMIT 1", [place])

    def save(self, conversation: dict[str, Any], at: str) -> None:
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
            "updated_at = excluded.updated_at", row)

    # --- the questions asked --------------------------------------------------------------------

    def ask(self, gemeente_id: int, place: str, questionnaire: str, question_id: str,
            cause_user: str, cause_at: str, at: str, changeable: bool = True) -> int:
        """Record that a question was asked in a conversation, because of ``cause_user``; open
        until it is done with (unless it was asked where no message changes: closed at once)."""
        return self.db.execute(
            "INSERT INTO asked (gemeente_id, place, questionnaire, question_id, cause_user, cause_at, "
            "created_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [gemeente_id, place, questionnaire, question_id, cause_user, cause_at, at,
             None if changeable else at]).lastrowid

    def last_asked_at(self, gemeente_id: int, place: str, questionnaire: str,
                      question_id: str) -> str | None:
        """When ``question_id`` was last put to ``place`` (our clock), or None."""
        return self.value(
            "SELECT created_at FROM asked WHERE gemeente_id = ? AND place = ? AND questionnaire = ? "
            "AND question_id = ? ORDER BY id DESC LIMIT 1",
            [gemeente_id, place, questionnaire, question_id])

    def posted(self, asked_id: int, posted_at: str, message: str | None = None) -> None:
        """The platform showed the question at ``posted_at`` (its own time), in ``message`` (where
        it is and what it shows, as the platform's delivery keeps it to update it later)."""
        self.db.execute("UPDATE asked SET posted_at = ?, message = coalesce(?, message) "
                        "WHERE id = ? AND posted_at IS NULL", [posted_at, message, asked_id])

    def close_open(self, gemeente_id: int, place: str, questionnaire: str, at: str) -> list[tuple[int, str]]:
        """Close the questions still open in a conversation (a new one is asked): their ids and
        question ids."""
        return self.db.execute(
            "UPDATE asked SET closed_at = ? WHERE gemeente_id = ? AND place = ? AND questionnaire = ? "
            "AND closed_at IS NULL RETURNING id, question_id",
            [at, gemeente_id, place, questionnaire]).fetchall()

    def message(self, asked_id: int) -> str | None:
        """The platform's message of a question, as its delivery kept it (None: not posted)."""
        return self.value("SELECT message FROM asked WHERE id = ?", [asked_id])

    def shown_question(self, gemeente_id: int, place: str, questionnaire: str, user_id: str,
                       sent_at: str) -> str | None:
        """The last question ``user_id`` could have seen when writing at ``sent_at``: one the
        platform showed before then, or one their own earlier message brought up."""
        return self.value(
            "SELECT question_id FROM asked WHERE gemeente_id = ? AND place = ? AND questionnaire = ? "
            "AND ((posted_at IS NOT NULL AND posted_at < ?) OR (cause_user = ? AND cause_at <= ?)) "
            "ORDER BY id DESC LIMIT 1", [gemeente_id, place, questionnaire, sent_at, user_id, sent_at])
