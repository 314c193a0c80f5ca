"""Summaries, the regiobeeld and exports, for a message or for the operator."""

from __future__ import annotations

import re

from bot.core.access import Need
from bot.core.context import Context, Problem
from bot.core.messages import PlaceKind
from bot.core.replies import ExportFile, Notice, Regiobeeld, Reply, Tone
from bot.core.text import gemeente_key, gemeente_naam
from bot.export import markdown
from bot.ontwikkelplan.plan import Plan
from bot.reports.reporter import EXPORT_FORMATS, ReportCommand, Reporter
from bot.service.desk import Desk


class Reporting:
    """Builds the summary, regiobeeld and documents a message asks for."""

    def __init__(self, desk: Desk, reporter: Reporter, plan: Plan):
        self.desk = desk
        self.reporter = reporter
        self.plan = plan

    def command(self, ctx: Context, command: ReportCommand) -> list[Reply]:
        if command.name == "regiobeeld":
            return self._regiobeeld(ctx)
        gemeente = self.desk.gemeente(ctx, ctx.inbound.gemeente)
        self.desk.check(ctx, gemeente)
        today = self.desk.today(ctx)
        if command.name == "samenvatting":
            return [self.reporter.summary(self.desk.store, gemeente, today)]
        if command.name == "export":
            if not ctx.inbound.forms:
                return [Notice("Een export maak je met ‘leidraadbot export --gemeente "
                               f"{gemeente['naam']} --formaat docx -o ontwikkelplan.docx’ (of md, "
                               "xlsx), of in Slack met ‘/leidraad export docx’.")]
            return [self._export(gemeente, command.argument, today)]
        self.desk.check(ctx, gemeente, Need.BEHEER)
        if command.name == "regio":
            naam, key = self.desk.name(command.argument)
            regio = self.desk.store.regio(key, naam, ctx.at)
            self.desk.store.set_gemeente(gemeente["id"], regio_id=regio["id"])
            return [Notice(f"Gemeente {gemeente['naam']} hoort nu bij regio {regio['naam']}.",
                           Tone.SUCCESS)]
        weeks = command.argument
        if not weeks.isdigit() or not 1 <= int(weeks) <= 52:
            raise Problem("Geef het aantal weken als getal van 1 tot en met 52, bijvoorbeeld "
                          "‘verouderd na 8 weken’.", Tone.WARNING)
        self.desk.store.set_gemeente(gemeente["id"], stale_weeks=int(weeks))
        return [Notice(f"Een ontwikkelpunt heet nu verouderd na {int(weeks)} weken zonder stand van "
                       "zaken.", Tone.SUCCESS)]

    def _regiobeeld(self, ctx: Context) -> list[Reply]:
        """For a projectleider: their regio, or that of the channel's gemeente."""
        place = ctx.inbound.place
        led = self.desk.store.projectleider_regios(ctx.user.id)
        if place.kind is PlaceKind.CONSOLE or place.channel:
            gemeente = self.desk.gemeente(ctx, ctx.inbound.gemeente)
            regio = self.desk.store.regio_by_id(gemeente["regio_id"]) if gemeente["regio_id"] else None
            if regio is None:
                raise Problem(f"Gemeente {gemeente['naam']} hoort nog niet bij een regio; een "
                              "beheerder zet dat met ‘regio instellen <naam van de regio>’.", Tone.WARNING)
        elif len(led) == 1:
            regio = led[0]
        else:
            raise Problem("Het regiobeeld is voor projectleiders van een regio. Vraag een beheerder "
                          "van een gemeente in je regio om je toe te voegen met ‘/leidraad "
                          "projectleider toevoegen @jij’.", Tone.WARNING)
        if place.kind is not PlaceKind.CONSOLE and regio["id"] not in {r["id"] for r in led}:
            raise Problem(f"Het regiobeeld van {regio['naam']} is voor de projectleiders van de "
                          "regio. Een beheerder van een gemeente in de regio kan je toevoegen met "
                          "‘/leidraad projectleider toevoegen @jij’.", Tone.WARNING)
        return [self.reporter.regiobeeld(self.desk.store, regio, self.desk.today(ctx))]

    def export(self, name: str, fmt: str) -> ExportFile:
        """A document for the operator (``leidraadbot export``): no chat access applies."""
        with self.desk.store.transaction():
            gemeente = self.desk.store.gemeente(gemeente_key(name))
            if gemeente is None:
                raise Problem(f"De gemeente ‘{gemeente_naam(name)}’ is niet bekend bij Leidraadbot.")
            return self._export(gemeente, fmt, self.desk.today())

    def regiobeeld(self, name: str) -> Regiobeeld:
        """The regiobeeld of a regio for the operator (``leidraadbot samenvatting --regio``)."""
        with self.desk.store.transaction():
            regio = next(self.desk.store.db["regios"].rows_where("key = ?", [gemeente_key(name)]), None)
            if regio is None:
                raise Problem(f"De regio ‘{name.strip()}’ is niet bekend bij Leidraadbot.")
            return self.reporter.regiobeeld(self.desk.store, regio, self.desk.today())

    def _export(self, gemeente: dict, fmt: str, today) -> ExportFile:
        fmt = (fmt or "docx").lower().lstrip(".")
        if fmt not in EXPORT_FORMATS:
            raise Problem(f"‘{fmt}’ is geen exportformaat; kies md, docx of xlsx.", Tone.WARNING)
        from bot.export import excel, word  # matplotlib and friends: only when a document is asked

        data = self.reporter.export_data(self.desk.store, gemeente, today)
        content = {
            "md": lambda: markdown.summary(data.summary).encode(),
            "docx": lambda: word.document(data, self.plan.content),
            "xlsx": lambda: excel.workbook(data, self.plan.content),
        }[fmt]()
        slug = re.sub(r"[^a-z0-9]+", "-", gemeente["key"]).strip("-") or "gemeente"
        return ExportFile(f"ontwikkelplan-{slug}-{today.isoformat()}.{fmt}",
                          f"Ontwikkelplan gemeente {gemeente['naam']} ({today:%d-%m-%Y})", content)
