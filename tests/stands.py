"""What the tests read of the stand van zaken, straight from the store."""

from __future__ import annotations

from store import Store


def latest_stands(store: Store, gemeente_id: int) -> dict[int, dict]:
    """The latest stand van zaken per ontwikkelpunt id of a gemeente (those that have one)."""
    return {row["ontwikkelpunt_id"]: row for row in store.rows(
        "SELECT l.ontwikkelpunt_id, l.value, l.created_at FROM ontwikkelpunt_log l WHERE l.id IN "
        "(SELECT max(l2.id) FROM ontwikkelpunt_log l2 JOIN ontwikkelpunten p ON p.id = "
        "l2.ontwikkelpunt_id WHERE p.gemeente_id = ? AND l2.kind = 'stand' GROUP BY "
        "l2.ontwikkelpunt_id)", [gemeente_id])}
