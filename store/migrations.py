"""The schema, as sqlite-utils migrations applied in order at start-up, each in a transaction.

Add a new function at the end for every change; never edit one that has shipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from store.schema import Migrations

if TYPE_CHECKING:
    from sqlite_utils import Database

migrations = Migrations("leidraadbot")


@migrations.step
def m001_core(db: Database) -> None:
    db["gemeenten"].create(
        {"id": int, "key": str, "naam": str, "created_at": str},
        pk="id",
        not_null={"key", "naam", "created_at"},
    )
    db["gemeenten"].create_index(["key"], unique=True)

    db["users"].create(
        {"id": str, "naam": str, "created_at": str},
        pk="id",
        not_null={"naam", "created_at"},
    )

    # Every version of every answer is kept; the row with the highest id is current.
    db["answers"].create(
        {
            "id": int,
            "gemeente_id": int,
            "question_id": str,
            "text": str,
            "author_id": str,
            "created_at": str,
        },
        pk="id",
        not_null={"gemeente_id", "question_id", "text", "author_id", "created_at"},
        foreign_keys=[("gemeente_id", "gemeenten", "id"), ("author_id", "users", "id")],
    )
    db["answers"].create_index(["gemeente_id", "question_id", "id"])

    # One conversation per gemeente, place (a thread, a direct message, a console user) and
    # questionnaire. `skipped` is a JSON list of question ids; `pending` a JSON object.
    db["conversations"].create(
        {
            "id": int,
            "gemeente_id": int,
            "place": str,
            "questionnaire": str,
            "state": str,
            "status": str,
            "skipped": str,
            "return_to": str,
            "pending": str,
            "user_id": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"gemeente_id", "place", "questionnaire", "state", "status", "skipped",
                  "user_id", "created_at", "updated_at"},
        defaults={"skipped": "[]"},
        foreign_keys=[("gemeente_id", "gemeenten", "id"), ("user_id", "users", "id")],
    )
    db["conversations"].create_index(["gemeente_id", "place", "questionnaire"], unique=True)

    # Platform delivery ids already handled, so a retried delivery changes nothing.
    db["deliveries"].create({"id": str, "received_at": str}, pk="id", not_null={"received_at"})


@migrations.step
def m002_channels_and_members(db: Database) -> None:
    # A chat channel bound to a gemeente: its threads hold that gemeente's gesprekken.
    db["channels"].create(
        {"place": str, "gemeente_id": int, "bound_by": str, "bound_at": str},
        pk="place",
        not_null={"gemeente_id", "bound_by", "bound_at"},
        foreign_keys=[("gemeente_id", "gemeenten", "id"), ("bound_by", "users", "id")],
    )
    db["channels"].create_index(["gemeente_id"])

    # Who belongs to a gemeente: role is "beheerder" or "lid".
    db["members"].create(
        {"gemeente_id": int, "user_id": str, "role": str, "added_by": str, "added_at": str},
        pk=("gemeente_id", "user_id"),
        not_null={"role", "added_by", "added_at"},
        foreign_keys=[("gemeente_id", "gemeenten", "id"), ("user_id", "users", "id")],
    )
    db["members"].create_index(["user_id"])


@migrations.step
def m003_ontwikkelpunten(db: Database) -> None:
    # The Lokaal meerjarig ontwikkelplan: one row per ontwikkelpunt with its current values.
    # `nummer` is the short number people use (#3), per gemeente. `concept` marks a draft that
    # still misses a required field. `planning` is an ISO date.
    db["ontwikkelpunten"].create(
        {
            "id": int,
            "gemeente_id": int,
            "nummer": int,
            "basisfunctie": int,
            "thema": int,
            "ontwikkelpunt": str,
            "beoogd_resultaat": str,
            "verbeteractie": str,
            "kosten": str,
            "wie": str,
            "wie_id": str,
            "planning": str,
            "status": str,
            "concept": int,
            "bron": str,
            "created_by": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"gemeente_id", "nummer", "status", "concept", "created_by", "created_at",
                  "updated_at"},
        defaults={"status": "open", "concept": 1},
        foreign_keys=[("gemeente_id", "gemeenten", "id"), ("created_by", "users", "id")],
    )
    db["ontwikkelpunten"].create_index(["gemeente_id", "nummer"], unique=True)

    # The living history: every stand van zaken, status change and field change, never edited.
    # kind is "stand", "status" or "veld" (then `field` says which, `previous` what it was).
    db["ontwikkelpunt_log"].create(
        {
            "id": int,
            "ontwikkelpunt_id": int,
            "kind": str,
            "field": str,
            "value": str,
            "previous": str,
            "author_id": str,
            "created_at": str,
        },
        pk="id",
        not_null={"ontwikkelpunt_id", "kind", "author_id", "created_at"},
        foreign_keys=[("ontwikkelpunt_id", "ontwikkelpunten", "id"), ("author_id", "users", "id")],
    )
    db["ontwikkelpunt_log"].create_index(["ontwikkelpunt_id", "id"])


@migrations.step
def m004_regios_and_settings(db: Database) -> None:
    # A regio (jeugdregio) groups gemeenten; its projectleiders read the regiobeeld.
    db["regios"].create({"id": int, "key": str, "naam": str, "created_at": str}, pk="id",
                        not_null={"key", "naam", "created_at"})
    db["regios"].create_index(["key"], unique=True)
    db["projectleiders"].create(
        {"regio_id": int, "user_id": str, "added_by": str, "added_at": str},
        pk=("regio_id", "user_id"),
        not_null={"added_by", "added_at"},
        foreign_keys=[("regio_id", "regios", "id"), ("user_id", "users", "id")],
    )
    db["gemeenten"].add_column("regio_id", int, fk="regios", fk_col="id")
    # After how many weeks without a stand van zaken an ontwikkelpunt counts as verouderd.
    db["gemeenten"].add_column("stale_weeks", int, not_null_default=6)


@migrations.step
def m005_reminders(db: Database) -> None:
    # When the status reminder goes out: kind "wekelijks" (day = weekday, 0 is Monday) or
    # "maandelijks" (day = day of the month), at `reminder_time` (HH:MM, Europe/Amsterdam).
    db["gemeenten"].add_column("reminder_kind", str)
    db["gemeenten"].add_column("reminder_day", int)
    db["gemeenten"].add_column("reminder_time", str)
    db["gemeenten"].add_column("reminder_since", str)  # moments before this one do not count
    # How many working days before a stuurgroep the owners are asked to update.
    db["gemeenten"].add_column("prep_days", int, not_null_default=5)

    db["stuurgroepen"].create(
        {"id": int, "gemeente_id": int, "moment": str, "created_by": str, "created_at": str},
        pk="id",
        not_null={"gemeente_id", "moment", "created_by", "created_at"},
        foreign_keys=[("gemeente_id", "gemeenten", "id"), ("created_by", "users", "id")],
    )
    db["stuurgroepen"].create_index(["gemeente_id", "moment"], unique=True)

    # Every reminder message, claimed before it is sent and marked after: `key` names the moment
    # and the recipient, so no message is sent twice. state: claimed, sent, skipped, failed.
    db["reminders"].create(
        {"key": str, "gemeente_id": int, "state": str, "holder": str, "lease_until": str,
         "attempts": int, "error": str, "updated_at": str},
        pk="key",
        not_null={"gemeente_id", "state", "attempts", "updated_at"},
        foreign_keys=[("gemeente_id", "gemeenten", "id")],
    )


@migrations.step
def m006_handled_outbox_asked(db: Database) -> None:
    # The messages handled (the inbox is a database of its own beside this one): an inbox entry
    # by its id, one handled at once by its delivery id. Recorded in the transaction of the
    # message's effects, so a message is handled once, whatever crashes. Delivery ids seen before
    # this table existed come along.
    db["handled"].create({"entry_id": int, "delivery_id": str, "handled_at": str},
                         not_null={"handled_at"})
    db["handled"].create_index(["entry_id"], unique=True)
    db["handled"].create_index(["delivery_id"], unique=True)
    db.execute("INSERT INTO handled (delivery_id, handled_at) SELECT id, received_at FROM deliveries")
    db["deliveries"].drop()

    # Replies on their way to the platform, in order per lane, each tried again after a
    # transient failure (`due_at`). `payload` is the adapter's own description of the call.
    # state: new, sent, failed.
    db["outbox"].create(
        {"id": int, "lane": str, "payload": str, "state": str, "attempts": int, "due_at": str,
         "error": str, "created_at": str, "updated_at": str},
        pk="id",
        not_null={"lane", "payload", "state", "attempts", "created_at", "updated_at"},
        defaults={"state": "new", "attempts": 0},
    )
    db["outbox"].create_index(["state", "lane", "id"])

    # Every question the bot asked in a conversation: who caused it (`cause_user`, at the
    # platform time `cause_at`) and when the platform showed it (`posted_at`). A typed answer
    # belongs to the last question its writer could have seen.
    db["asked"].create(
        {"id": int, "gemeente_id": int, "place": str, "questionnaire": str, "question_id": str,
         "cause_user": str, "cause_at": str, "posted_at": str, "created_at": str},
        pk="id",
        not_null={"gemeente_id", "place", "questionnaire", "question_id", "cause_user", "cause_at",
                  "created_at"},
        foreign_keys=[("gemeente_id", "gemeenten", "id")],
    )
    db["asked"].create_index(["gemeente_id", "place", "questionnaire", "id"])

    # A text the bot asked about before storing it ("Bedoel je ‘overslaan’?"), as JSON.
    db["conversations"].add_column("held", str)
    db["conversations"].create_index(["place"])


@migrations.step
def m007_answer_sources(db: Database) -> None:
    # The message an answer came in (its delivery id), so an edit of that message becomes the
    # answer's next version. Null for answers from before, and from the console.
    db["answers"].add_column("source", str)
    db["answers"].create_index(["source"])


@migrations.step
def m008_addresses(db: Database) -> None:
    # How to reach a place or a person later, without a message to answer (reminders, summaries):
    # the platform's own reference, as JSON, by the place or user id it reaches. Teams: the
    # service URL, conversation and tenant, stored at install and on every message.
    db["addresses"].create({"key": str, "reference": str, "updated_at": str}, pk="key",
                           not_null={"reference", "updated_at"})


@migrations.step
def m009_changes(db: Database) -> None:
    # The audit log of what has no history of its own: membership, roles, channel bindings,
    # settings, stuurgroepen, gemeenten made and projectleiders (with `regio_id`: one row for the
    # regio, and one for each gemeente that was in it then).
    # Answers and ontwikkelpunten keep their own history (answers, ontwikkelpunt_log);
    # ``Audit.of`` reads all of it as one log. `old` and `new` are null where there was none.
    db["changes"].create(
        {"id": int, "gemeente_id": int, "regio_id": int, "kind": str, "subject": str, "old": str,
         "new": str, "author_id": str, "created_at": str},
        pk="id",
        not_null={"kind", "author_id", "created_at"},
        foreign_keys=[("gemeente_id", "gemeenten", "id"), ("regio_id", "regios", "id")],
    )
    db["changes"].create_index(["gemeente_id", "id"])
    db["changes"].create_index(["regio_id", "id"])


@migrations.step
def m010_mail_domain(db: Database) -> None:
    # The gemeente's own e-mail domain, allowed by a beheerder in answers and fields (utrecht.nl).
    db["gemeenten"].add_column("mail_domain", str)


@migrations.step
def m011_official_names(db: Database) -> None:
    # Gemeenten go by their official name (the CBS list, dialogues/content/gemeenten.csv) and
    # code; gemeenten and regios are found however their name is written (the key folds
    # accents, apostrophes, hyphens and case). A gemeente whose name means an official one is
    # renamed to it, unless another one already has it (``leidraadbot gemeente samenvoegen``);
    # others keep their name until an operator renames them.
    from dialogues.gemeenten import fold, gemeenten

    db["gemeenten"].add_column("code", str)
    db.execute("CREATE UNIQUE INDEX idx_gemeenten_code ON gemeenten (code) WHERE code IS NOT NULL")
    official = gemeenten()
    for table in ("gemeenten", "regios"):
        taken = {row["key"] for row in db[table].rows}
        for row in list(db[table].rows):
            found = official.find(row["naam"]).gemeente if table == "gemeenten" else None
            key = found.key if found else fold(row["naam"])
            if key != row["key"] and key in taken:
                continue
            taken.discard(row["key"])
            taken.add(key)
            values = {"key": key}
            if found:
                values |= {"naam": found.naam, "code": found.code}
            db[table].update(row["id"], values)


@migrations.step
def m012_planning_steps(db: Database) -> None:
    # A planning may be steps with dates ("1 maart 2027 offerte; juni 2027 start training"), kept
    # as typed; `planning` stays the ISO date of the last of them, the deadline. Null when the
    # planning is one date.
    db["ontwikkelpunten"].add_column("planning_stappen", str)


@migrations.step
def m013_plan_info(db: Database) -> None:
    # The gemeente's own parts of the ontwikkelplan's "Algemene informatie" (Bijlage 3): its
    # portefeuillehouders, beleidsmedewerkers, regional and local documents and lokale
    # aanvullingen. Every version is kept; the row with the highest id of a kind is current.
    db["plan_info"].create(
        {"id": int, "gemeente_id": int, "kind": str, "text": str, "author_id": str,
         "created_at": str},
        pk="id", not_null={"gemeente_id", "kind", "text", "author_id", "created_at"},
        foreign_keys=[("gemeente_id", "gemeenten", "id"), ("author_id", "users", "id")],
    )
    db["plan_info"].create_index(["gemeente_id", "kind", "id"])


@migrations.step
def m014_stand_at(db: Database) -> None:
    # When the latest stand van zaken of an ontwikkelpunt was given, on its own row (written with
    # the stand, in the same transaction), and an index that holds everything its flags need: a
    # summary and the regiobeeld read those of every ontwikkelpunt, from the index alone.
    db["ontwikkelpunten"].add_column("stand_at", str)
    db.execute("UPDATE ontwikkelpunten SET stand_at = (SELECT l.created_at FROM ontwikkelpunt_log l "
               "WHERE l.ontwikkelpunt_id = ontwikkelpunten.id AND l.kind = 'stand' ORDER BY l.id "
               "DESC LIMIT 1)")
    db["ontwikkelpunten"].create_index(
        ["gemeente_id", "concept", "status", "planning", "created_at", "stand_at"])


@migrations.step
def m015_reminder_batches(db: Database) -> None:
    # A reminder moment whose every message is done (sent, skipped or failed for good): the
    # status reminder of one week, a stuurgroep's preparation or summary, by the key its messages
    # start with. A tick passes these by without building a message again.
    db["reminder_batches"].create(
        {"key": str, "gemeente_id": int, "done_at": str},
        pk="key", not_null={"gemeente_id", "done_at"},
        foreign_keys=[("gemeente_id", "gemeenten", "id")],
    )
    # Who holds claims that are not finished: a tick asks once, over the few unfinished ones.
    db["reminders"].create_index(["state", "holder"])


@migrations.step
def m016_reminders_through_the_outbox(db: Database) -> None:
    # Reminders leave through the outbox, like every other message: a reminder is queued
    # (state 'queued') in the transaction that marks its moment done, and the outbox marks it
    # 'sent' or 'failed'. `recipient` is the channel (a place id) or the person (a user id) it
    # goes to; `told_at` when the beheerders heard that it could not be delivered. Claims and
    # leases of the sending that happened outside the outbox are gone: a claim left behind is
    # queued again by the next tick.
    db["reminders"].add_column("recipient", str)
    db["reminders"].add_column("told_at", str)
    db.execute("UPDATE reminders SET told_at = updated_at WHERE state = 'failed'")
    db.execute("DROP INDEX IF EXISTS idx_reminders_state_holder")
    db.execute("CREATE INDEX reminders_untold ON reminders (key) "
               "WHERE state = 'failed' AND told_at IS NULL")


@migrations.step
def m017_answer_sources_indexed_when_there(db: Database) -> None:
    # Only answers that came in a platform's message have a source (for its edits): the index
    # holds those alone, so an answer typed in the console writes one page less.
    db.execute("DROP INDEX IF EXISTS idx_answers_source")
    db.execute("CREATE INDEX answers_source ON answers (source) WHERE source IS NOT NULL")


@migrations.step
def m018_asked_messages_closed(db: Database) -> None:
    # A question's message on a platform (`message`: where it is and what it showed, as the
    # platform's delivery keeps it) is updated once the question is answered, skipped or passed:
    # `closed_at`. Questions asked before this change keep their buttons: they count as closed.
    db["asked"].add_column("message", str)
    db["asked"].add_column("closed_at", str)
    db.execute("UPDATE asked SET closed_at = created_at")
    db.execute("CREATE INDEX asked_open ON asked (gemeente_id, place, questionnaire) "
               "WHERE closed_at IS NULL")


@migrations.step
def m019_team(db: Database) -> None:
    # The gemeente's team sharing the work. `assignments`: a question handed to a colleague, one
    # person per question of a gemeente (who handed it, when). `absences`: someone away until a
    # day, with a stand-in (`vervanger_id`) or none; `since` is when it was set, for what
    # happened meanwhile. `snoozes`: a person's status reminders of one ontwikkelpunt wait
    # until a day. Every change is in `changes` too, for the audit log.
    db["assignments"].create(
        {"gemeente_id": int, "question_id": str, "user_id": str, "assigned_by": str,
         "assigned_at": str},
        pk=("gemeente_id", "question_id"), not_null={"user_id", "assigned_by", "assigned_at"},
        foreign_keys=[("gemeente_id", "gemeenten", "id"), ("user_id", "users", "id")],
    )
    db["assignments"].create_index(["user_id"])
    db["absences"].create(
        {"user_id": str, "until": str, "vervanger_id": str, "since": str, "set_by": str},
        pk="user_id", not_null={"until", "since", "set_by"},
        foreign_keys=[("user_id", "users", "id")],
    )
    db["snoozes"].create(
        {"ontwikkelpunt_id": int, "user_id": str, "until": str, "set_at": str},
        pk=("ontwikkelpunt_id", "user_id"), not_null={"until", "set_at"},
        foreign_keys=[("ontwikkelpunt_id", "ontwikkelpunten", "id"), ("user_id", "users", "id")],
    )
