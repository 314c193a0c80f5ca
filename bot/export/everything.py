"""Everything the bot keeps, per gemeente, as JSON (``leidraadbot export --alles --formaat json``):
a copy a gemeente can read, keep or take elsewhere without Leidraadbot. Every version of every
answer, every ontwikkelpunt with its whole history, members, channels, settings, meetings, the
log of changes to them; and the regio's with their projectleiders. People are named as the bot knew them."""

from __future__ import annotations

from datetime import UTC, datetime

from store import Store

SETTINGS = ("stale_weeks", "reminder_kind", "reminder_day", "reminder_time", "reminder_since",
            "prep_days", "mail_domain")
PUNT_FIELDS = ("nummer", "basisfunctie", "thema", "ontwikkelpunt", "beoogd_resultaat",
               "verbeteractie", "kosten", "wie", "planning", "status", "concept", "bron",
               "created_at", "updated_at")


def everything(store: Store) -> dict:
    """The whole database, as plain data: ``gemeenten`` and ``regios``."""
    names = {row["id"]: row["naam"] for row in store.rows("SELECT id, naam FROM users")}

    def who(user_id: str | None) -> dict | None:
        return {"id": user_id, "naam": names.get(user_id)} if user_id else None

    regios = {row["id"]: row for row in store.rows("SELECT * FROM regios ORDER BY naam")}
    return {
        "gemaakt_op": datetime.now(UTC).isoformat(timespec="seconds"),
        "gemeenten": [_gemeente(store, gemeente, regios, who)
                      for gemeente in store.rows("SELECT * FROM gemeenten ORDER BY naam")],
        "regios": [{"naam": regio["naam"], "projectleiders": [
            who(row["user_id"]) | {"toegevoegd_op": row["added_at"]} for row in store.rows(
                "SELECT * FROM projectleiders WHERE regio_id = ? ORDER BY added_at", [regio["id"]])]}
            for regio in regios.values()],
    }


def _gemeente(store: Store, gemeente: dict, regios: dict, who) -> dict:
    def rows(table: str, order: str, column: str = "gemeente_id", value=gemeente["id"]) -> list[dict]:
        return store.rows(f"SELECT * FROM {table} WHERE {column} = ? ORDER BY {order}", [value])

    def history(punt: dict) -> list[dict]:
        return [{"soort": e["kind"], "veld": e["field"], "waarde": e["value"], "vorige": e["previous"],
                 "door": who(e["author_id"]), "op": e["created_at"]}
                for e in rows("ontwikkelpunt_log", "id", "ontwikkelpunt_id", punt["id"])]

    regio = regios.get(gemeente["regio_id"])
    return {
        "naam": gemeente["naam"],
        "regio": regio["naam"] if regio else None,
        "aangemaakt_op": gemeente["created_at"],
        "instellingen": {name: gemeente[name] for name in SETTINGS},
        "leden": [who(m["user_id"]) | {"rol": m["role"], "toegevoegd_door": who(m["added_by"]),
                                       "toegevoegd_op": m["added_at"]}
                  for m in rows("members", "added_at")],
        "kanalen": [{"kanaal": c["place"], "gekoppeld_door": who(c["bound_by"]),
                     "gekoppeld_op": c["bound_at"]} for c in rows("channels", "bound_at")],
        "antwoorden": [{"vraag": a["question_id"], "tekst": a["text"], "door": who(a["author_id"]),
                        "op": a["created_at"]} for a in rows("answers", "id")],
        "ontwikkelpunten": [{name: punt[name] for name in PUNT_FIELDS}
                            | {"wie_gebruiker": who(punt["wie_id"]),
                               "aangemaakt_door": who(punt["created_by"]), "geschiedenis": history(punt)}
                            for punt in rows("ontwikkelpunten", "nummer")],
        "stuurgroepen": [{"moment": m["moment"], "door": who(m["created_by"])}
                         for m in rows("stuurgroepen", "moment")],
        "wijzigingen": [{"soort": c["kind"], "onderwerp": c["subject"], "was": c["old"],
                         "werd": c["new"], "door": who(c["author_id"]), "op": c["created_at"]}
                        for c in rows("changes", "id")],
    }
