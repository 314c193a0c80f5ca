"""The audit log: every change of a gemeente, who made it and when, from all its histories."""

from __future__ import annotations

import json

from store.part import Part


class Audit(Part):
    """The changes of a gemeente in one list (written by each part with ``changed``)."""

    def of(self, gemeente_id: int, since: str | None = None,
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
