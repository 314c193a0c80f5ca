"""A gemeente's reminder settings and stuurgroep meetings, set and shown in chat. Looking is for
members; changing them is for beheerders."""

from __future__ import annotations

from datetime import datetime

from bot.core.access import Role
from bot.core.commands import Choice, DoesNotFit, Number, Text, command
from bot.core.context import Context
from bot.core.dutch import DATE_EXAMPLE, DateError, format_date, parse_date
from bot.core.replies import Notice, Reply, Setting, Tone
from bot.core.text import typed
from bot.reminders.schedule import (
    ScheduleError,
    describe,
    meeting_text,
    parse_meeting,
    parse_monthly,
    parse_weekly,
)


def _dated(moment: str) -> None:
    """The grammar of a date argument: it starts with the day (``15-12-2026``, ``15 december``)."""
    if not moment[:1].isdigit():
        raise DoesNotFit(f"Begin met de datum, bijvoorbeeld {DATE_EXAMPLE}.")


class ReminderCommands:
    group = "Herinneringen en stuurgroepen"

    @command("herinneringen", usage="herinneringen",
             help="de herinneringen van de gemeente en de komende stuurgroepen zien")
    def show(self, ctx: Context) -> list[Reply]:
        return [self._setting(ctx)]

    @command("herinnering wekelijks", args=(Text("wanneer", max_words=2),), role=Role.BEHEERDER,
             usage="herinnering wekelijks maandag 9:00",
             help="elke week de ontwikkelpunten die verouderd of over datum zijn laten rondsturen: "
                  "in het kanaal en aan hun eigenaren")
    def weekly(self, ctx: Context, wanneer: str) -> list[Reply]:
        return self._remind(ctx, "wekelijks", *parse_weekly(wanneer))

    @command("herinnering maandelijks", args=(Text("wanneer", max_words=2),), role=Role.BEHEERDER,
             usage="herinnering maandelijks 1 9:00",
             help="hetzelfde elke maand laten doen, op die dag (in een korte maand op de laatste dag)")
    def monthly(self, ctx: Context, wanneer: str) -> list[Reply]:
        return self._remind(ctx, "maandelijks", *parse_monthly(wanneer))

    @command("herinnering uit", "herinneringen uit", role=Role.BEHEERDER, usage="herinnering uit",
             help="de statusherinnering uitzetten")
    def off(self, ctx: Context) -> list[Reply]:
        ctx.store.gemeenten.set(ctx.gemeente["id"], ctx.user.id, ctx.at, reminder_kind=None,
                                reminder_day=None, reminder_time=None)
        return [Notice("De statusherinnering staat uit.", Tone.SUCCESS), self._setting(ctx)]

    @command("stuurgroepen", usage="stuurgroepen", help="de komende stuurgroepen van de gemeente zien")
    def meetings(self, ctx: Context) -> list[Reply]:
        return [self._setting(ctx)]

    @command("stuurgroep verwijder", args=(Text("datum", max_words=3, check=_dated),),
             role=Role.BEHEERDER,
             usage="stuurgroep verwijder 15-12-2026", help="de stuurgroep op die dag weghalen")
    def remove_meeting(self, ctx: Context, datum: str) -> list[Reply]:
        try:
            day = parse_date(datum)
        except DateError as error:
            raise ScheduleError(str(error)) from None
        if not ctx.store.reminders.remove_stuurgroepen_on(ctx.gemeente["id"], day.isoformat(), ctx.user.id,
                                                        ctx.at):
            raise ScheduleError(f"Op {format_date(day)} staat geen stuurgroep.")
        return [Notice(f"De stuurgroep van {format_date(day)} is verwijderd.", Tone.SUCCESS),
                self._setting(ctx)]

    @command("stuurgroep", args=(Text("moment", max_words=4, check=_dated),), role=Role.BEHEERDER,
             usage="stuurgroep 15-12-2026 14:00",
             help="een stuurgroep toevoegen: vooraf worden de eigenaren herinnerd, en een werkdag "
                  "vooraf komt de samenvatting in het kanaal")
    def add_meeting(self, ctx: Context, moment: str) -> list[Reply]:
        when = parse_meeting(moment, ctx.now)
        gemeente = ctx.gemeente
        if not ctx.store.reminders.add_stuurgroep(gemeente["id"], when.isoformat(), ctx.user.id, ctx.at):
            notice = Notice(f"De stuurgroep van {meeting_text(when)} stond er al.")
        else:
            notice = Notice(f"Stuurgroep toegevoegd: {meeting_text(when)}. De eigenaren krijgen "
                            f"{gemeente['prep_days']} werkdagen vooraf een herinnering, en één "
                            "werkdag vooraf komt de samenvatting in het kanaal.", Tone.SUCCESS)
        return [notice, *self._nowhere(ctx), self._setting(ctx)]

    @command("voorbereiding", args=(Number("dagen"), Choice("eenheid", {"werkdagen": "", "werkdag": ""},
                                                           optional=True)),
             role=Role.BEHEERDER, usage="voorbereiding 5 werkdagen",
             help="instellen hoeveel werkdagen voor een stuurgroep de eigenaren worden herinnerd")
    def preparation(self, ctx: Context, dagen: int, eenheid: str = "") -> list[Reply]:
        if not 1 <= dagen <= 20:
            raise ScheduleError("Geef het aantal werkdagen als getal van 1 tot en met 20, "
                                "bijvoorbeeld ‘voorbereiding 5 werkdagen’.")
        ctx.store.gemeenten.set(ctx.gemeente["id"], ctx.user.id, ctx.at, prep_days=dagen)
        return [Notice(f"De eigenaren worden {dagen} werkdagen voor een stuurgroep herinnerd.",
                       Tone.SUCCESS), self._setting(ctx)]

    def _remind(self, ctx: Context, kind: str, day: int, at) -> list[Reply]:
        gid = ctx.gemeente["id"]
        ctx.store.gemeenten.set(gid, ctx.user.id, ctx.at, reminder_kind=kind, reminder_day=day,
                                reminder_time=at.strftime("%H:%M"), reminder_since=ctx.at)
        return [Notice(f"De statusherinnering komt {describe(ctx.store.gemeenten.by_id(gid))}.",
                       Tone.SUCCESS), *self._nowhere(ctx), self._setting(ctx)]

    @staticmethod
    def _nowhere(ctx: Context) -> list[Reply]:
        """Where reminders cannot go yet: without a channel in Slack or Teams, nowhere."""
        if ctx.store.gemeenten.channel(ctx.gemeente["id"]) is not None:
            return []
        naam = ctx.gemeente["naam"]
        return [Notice(f"Let op: herinneringen gaan via Slack of Teams, naar het kanaal van gemeente "
                       f"{naam} en naar de eigenaren van de ontwikkelpunten. Er is nog geen kanaal "
                       "gekoppeld, dus ze gaan nu nergens heen (ook niet naar deze terminal). Koppel "
                       f"een kanaal met {typed(f'koppel {naam}', in_channel=True)}.", Tone.WARNING)]

    def _setting(self, ctx: Context) -> Setting:
        gemeente = ctx.store.gemeenten.by_id(ctx.gemeente["id"])
        upcoming = tuple(datetime.fromisoformat(m["moment"])
                         for m in ctx.store.reminders.stuurgroepen(gemeente["id"])
                         if datetime.fromisoformat(m["moment"]) > ctx.now)
        return Setting(gemeente["naam"], describe(gemeente), gemeente["stale_weeks"],
                       gemeente["prep_days"], upcoming)
