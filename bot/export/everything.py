"""Everything the bot keeps, per gemeente, as JSON (``leidraadbot export --alles --formaat json``):
a copy a gemeente can read, keep or take elsewhere without Leidraadbot. Every version of every
answer, every ontwikkelpunt with its whole history, members, channels, settings, meetings, the
log of changes to them; and the regio's with their projectleiders. People are named as the bot knew them."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.reminders.schedule import WEEKDAYS
from dialogues.content import checklist
from store import Store

# Columns under the names people know them by.
SETTINGS = {"stale_weeks": "verouderd_na_weken", "reminder_kind": "herinnering",
            "reminder_day": "herinnering_dag", "reminder_time": "herinnering_tijd",
            "reminder_since": "herinnering_sinds", "prep_days": "voorbereiding_werkdagen",
            "mail_domain": "toegestaan_e_maildomein"}
PUNT_FIELDS = {"nummer": "nummer", "basisfunctie": "basisfunctie", "thema": "quickscan_thema",
               "ontwikkelpunt": "ontwikkelpunt", "beoogd_resultaat": "beoogd_resultaat",
               "verbeteractie": "verbeteractie", "kosten": "kosten", "wie": "wie",
               "planning": "planning", "planning_stappen": "planning_stappen", "status": "status",
               "concept": "concept",
               "bron": "bron_vraag", "created_at": "aangemaakt_op", "updated_at": "bijgewerkt_op"}


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
        "instellingen": {dutch: gemeente[name] for name, dutch in SETTINGS.items()}
                        | {"herinnering_dag": _day(gemeente)},
        "leden": [who(m["user_id"]) | {"rol": m["role"], "toegevoegd_door": who(m["added_by"]),
                                       "toegevoegd_op": m["added_at"]}
                  for m in rows("members", "added_at")],
        "kanalen": [{"kanaal": c["place"], "gekoppeld_door": who(c["bound_by"]),
                     "gekoppeld_op": c["bound_at"]} for c in rows("channels", "bound_at")],
        "antwoorden": [{"vraag": _ref(a["question_id"]), "vraagtekst": _question(a["question_id"]),
                        "tekst": a["text"], "door": who(a["author_id"]), "op": a["created_at"]}
                       for a in rows("answers", "id")],
        "ontwikkelpunten": [{dutch: punt[name] for name, dutch in PUNT_FIELDS.items()}
                            | {"concept": bool(punt["concept"]), "bron_vraag": _ref(punt["bron"])}
                            | {"wie_gebruiker": who(punt["wie_id"]),
                               "aangemaakt_door": who(punt["created_by"]), "geschiedenis": history(punt)}
                            for punt in rows("ontwikkelpunten", "nummer")],
        "stuurgroepen": [{"moment": m["moment"], "door": who(m["created_by"])}
                         for m in rows("stuurgroepen", "moment")],
        "wijzigingen": [{"soort": c["kind"], "onderwerp": c["subject"], "was": c["old"],
                         "werd": c["new"], "door": who(c["author_id"]), "op": c["created_at"]}
                        for c in rows("changes", "id")],
    }


def _ref(question_id: str | None) -> str | None:
    """A question as the checklist numbers it (1.6), or its id when it is no longer in it."""
    questionnaire = checklist()
    if question_id and questionnaire.has_question(question_id):
        return questionnaire.position(question_id).ref
    return question_id


def _question(question_id: str) -> str | None:
    questionnaire = checklist()
    return questionnaire.position(question_id).question.text if questionnaire.has_question(
        question_id) else None


def _day(gemeente: dict) -> str | int | None:
    """The reminder's day: a weekday's name, or the day of the month."""
    day = gemeente["reminder_day"]
    return WEEKDAYS[day] if gemeente["reminder_kind"] == "wekelijks" and day is not None else day
