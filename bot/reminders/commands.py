"""A gemeente's reminder settings and stuurgroep meetings, set and shown in chat."""

from __future__ import annotations

from datetime import datetime

from bot.core.access import Need
from bot.core.context import Context, Problem
from bot.core.dutch import DateError, format_date, parse_date
from bot.core.replies import Notice, Reply, Setting, Tone
from bot.reminders.scheduler import (
    ScheduleCommand,
    ScheduleError,
    describe,
    meeting_text,
    parse_meeting,
    parse_monthly,
    parse_weekly,
)
from bot.service.desk import Desk


class Scheduling:
    """Reads and changes the reminder settings (changing them is for beheerders)."""

    def __init__(self, desk: Desk):
        self.desk = desk

    def command(self, ctx: Context, command: ScheduleCommand) -> list[Reply]:
        gemeente = self.desk.gemeente(ctx, ctx.inbound.gemeente)
        self.desk.check(ctx, gemeente)
        if command.name not in ("toon", "lijst"):
            self.desk.check(ctx, gemeente, Need.BEHEER)
        try:
            notice = self._change(ctx, gemeente, command)
        except ScheduleError as error:
            raise Problem(str(error), Tone.WARNING) from None
        gemeente = self.desk.store.gemeente_by_id(gemeente["id"])
        upcoming = tuple(datetime.fromisoformat(m["moment"])
                         for m in self.desk.store.stuurgroepen(gemeente["id"])
                         if datetime.fromisoformat(m["moment"]) > ctx.now)
        setting = Setting(gemeente["naam"], describe(gemeente), gemeente["stale_weeks"],
                          gemeente["prep_days"], upcoming)
        return [notice, setting] if notice else [setting]

    def _change(self, ctx: Context, gemeente: dict, command: ScheduleCommand
                         ) -> Notice | None:
        """Apply a setting; the notice says what changed (None for just looking)."""
        name, argument, gid = command.name, command.argument, gemeente["id"]
        if name in ("wekelijks", "maandelijks"):
            day, at = (parse_weekly if name == "wekelijks" else parse_monthly)(argument)
            self.desk.store.set_gemeente(gid, reminder_kind=name, reminder_day=day,
                                    reminder_time=at.strftime("%H:%M"), reminder_since=ctx.at)
            return Notice(f"De statusherinnering komt {describe(self.desk.store.gemeente_by_id(gid))}.",
                          Tone.SUCCESS)
        if name == "uit":
            self.desk.store.set_gemeente(gid, reminder_kind=None, reminder_day=None, reminder_time=None)
            return Notice("De statusherinnering staat uit.", Tone.SUCCESS)
        if name == "stuurgroep":
            moment = parse_meeting(argument, ctx.now)
            if not self.desk.store.add_stuurgroep(gid, moment.isoformat(), ctx.user.id, ctx.at):
                return Notice(f"De stuurgroep van {meeting_text(moment)} stond er al.")
            return Notice(f"Stuurgroep toegevoegd: {meeting_text(moment)}. De eigenaren krijgen "
                          f"{gemeente['prep_days']} werkdagen vooraf een herinnering, en één werkdag "
                          "vooraf komt de samenvatting in het kanaal.", Tone.SUCCESS)
        if name == "verwijder":
            try:
                day = parse_date(argument)
            except DateError as error:
                raise ScheduleError(str(error)) from None
            if not self.desk.store.remove_stuurgroepen_on(gid, day.isoformat()):
                raise ScheduleError(f"Op {format_date(day)} staat geen stuurgroep.")
            return Notice(f"De stuurgroep van {format_date(day)} is verwijderd.", Tone.SUCCESS)
        if name == "voorbereiding":
            if not argument.isdigit() or not 1 <= int(argument) <= 20:
                raise ScheduleError("Geef het aantal werkdagen als getal van 1 tot en met 20, "
                                    "bijvoorbeeld ‘voorbereiding 5 werkdagen’.")
            self.desk.store.set_gemeente(gid, prep_days=int(argument))
            return Notice(f"De eigenaren worden {int(argument)} werkdagen voor een stuurgroep "
                          "herinnerd.", Tone.SUCCESS)
        return None
