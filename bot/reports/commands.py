"""The reports' commands: the summary, the regiobeeld and exports; and the same for the operator
on the command line."""

from __future__ import annotations

import re
from datetime import date, datetime

from bot.core.access import Role
from bot.core.commands import PRIVATE, Choice, Number, Text, command
from bot.core.context import Context, Problem, checked_name, gemeente_named, names_a_gemeente
from bot.core.replies import DashboardLink, ExportFile, Notice, Regiobeeld, Reply, Tone
from bot.core.text import typed
from bot.ontwikkelplan.plan import Plan
from bot.reports.audit import AuditLog, Change
from bot.reports.reporter import EXPORT_FORMATS, Reporter
from store import Store

_FORMATS = {fmt: fmt for fmt in EXPORT_FORMATS} | {"word": "docx", "excel": "xlsx", "markdown": "md"}


class ReportCommands:
    group = "Samenvattingen en exports"

    def __init__(self, reporter: Reporter, plan: Plan):
        self.reporter = reporter
        self.plan = plan
        self.audit_log = AuditLog(reporter.questionnaire, plan)

    @command("dashboard", role=Role.IEDEREEN, where=PRIVATE, usage="dashboard",
             help="een link naar het dashboard: je gemeente en je regio in één oogopslag, in je "
                  "browser (de link meldt je één keer aan)")
    def dashboard(self, ctx: Context) -> list[Reply]:
        return [DashboardLink()]

    @command("samenvatting regio", "regiobeeld", role=Role.PROJECTLEIDER, where=PRIVATE,
             usage="samenvatting regio",
             help="het regiobeeld zien: per gemeente van de regio hoe ver ze is (voor "
                  "projectleiders, in je eigen chat met de bot)")
    def regiobeeld(self, ctx: Context) -> list[Reply]:
        """For a projectleider, their regio; only to them (never in a gemeente's channel)."""
        return [self.reporter.regiobeeld(ctx.store, ctx.regio_led(), ctx.today)]

    @command("samenvatting", args=(Text("gemeente", optional=True, max_words=6, check=names_a_gemeente),),
             role=Role.LEZER,
             usage="samenvatting",
             help="zien waar de gemeente staat, voor de stuurgroep: de checklist, de belangrijkste "
                  "antwoorden en de open ontwikkelpunten (projectleiders: ‘samenvatting <gemeente>’ "
                  "van een gemeente van hun regio, in hun eigen chat met de bot)")
    def summary(self, ctx: Context, gemeente: str = "") -> list[Reply]:
        return [self.reporter.summary(ctx.store, ctx.gemeente, ctx.today)]

    @command("export", "exporteer", args=(Choice("formaat", _FORMATS, optional=True,
                                                 invalid="‘{word}’ is geen exportformaat; kies md, "
                                                         "docx of xlsx."),),
             usage="export docx|xlsx|md",
             help="het ontwikkelplan als Word, Excel of Markdown krijgen (in Slack en Teams in de "
                  "chat; in de terminal met ‘leidraadbot export’)")
    def export(self, ctx: Context, formaat: str = "docx") -> list[Reply]:
        if not ctx.inbound.forms:
            return [Notice("Een export maak je met ‘leidraadbot export --gemeente "
                           f"{ctx.gemeente['naam']} --formaat {formaat} -o ontwikkelplan.{formaat}’, "
                           f"of in Slack of Teams met {typed(f'export {formaat}')}.")]
        return [self.document(ctx.store, ctx.gemeente, formaat, ctx.today)]

    @command("verouderd na", args=(Number("weken"), Choice("eenheid", {"weken": "", "week": ""})),
             role=Role.BEHEERDER, usage="verouderd na 8 weken",
             help="instellen na hoeveel weken zonder stand van zaken een ontwikkelpunt verouderd "
                  "heet")
    def stale_after(self, ctx: Context, weken: int, eenheid: str) -> list[Reply]:
        weeks = weken
        if not 1 <= weeks <= 52:
            raise Problem("Geef het aantal weken als getal van 1 tot en met 52, bijvoorbeeld "
                          "‘verouderd na 8 weken’.", Tone.WARNING)
        ctx.store.gemeenten.set(ctx.gemeente["id"], ctx.user.id, ctx.at, stale_weeks=weeks)
        return [Notice(f"Een ontwikkelpunt heet nu verouderd na {weeks} weken zonder stand van "
                       "zaken.", Tone.SUCCESS)]

    # --- for the operator (command line) ----------------------------------------------------------

    def document(self, store: Store, gemeente: dict, fmt: str, today: date) -> ExportFile:
        """The ontwikkelplan of ``gemeente`` as a document in ``fmt`` (md, docx, xlsx), for the
        adapter to make."""
        fmt = (fmt or "docx").lower().lstrip(".")
        if fmt not in EXPORT_FORMATS:
            raise Problem(f"‘{fmt}’ is geen exportformaat; kies md, docx of xlsx.", Tone.WARNING)
        slug = re.sub(r"[^a-z0-9]+", "-", gemeente["key"]).strip("-") or "gemeente"
        return ExportFile(f"ontwikkelplan-{slug}-{today.isoformat()}.{fmt}",
                          f"Ontwikkelplan gemeente {gemeente['naam']} ({today:%d-%m-%Y})", fmt,
                          self.reporter.export_data(store, gemeente, today))

    def operator_export(self, store: Store, name: str, fmt: str, today: date) -> ExportFile:
        """A document for the operator (``leidraadbot export``): no chat access applies."""
        with store.transaction():
            return self.document(store, _known(store, name), fmt, today)

    def operator_audit(self, store: Store, name: str,
                       since: datetime | None) -> tuple[str, list[Change]]:
        """The gemeente's name and its changes from ``since`` on (``leidraadbot audit``)."""
        with store.transaction():
            gemeente = _known(store, name)
            return gemeente["naam"], self.audit_log.changes(store, gemeente, since)

    def operator_regiobeeld(self, store: Store, name: str, today: date) -> Regiobeeld:
        """The regiobeeld of a regio for the operator (``leidraadbot samenvatting --regio``)."""
        with store.transaction():
            regio = store.gemeenten.regio_named(checked_name(name, "regio")[1])
            if regio is None:
                raise Problem(f"De regio ‘{name.strip()}’ is niet bekend bij Leidraadbot.")
            return self.reporter.regiobeeld(store, regio, today)


def _known(store: Store, name: str) -> dict:
    """The gemeente named on the command line; ``Problem`` when there is none by that name."""
    named = gemeente_named(store, name)
    if named.row is None:
        raise Problem(f"Gemeente {named.official.naam} staat nog niet in Leidraadbot.")
    return named.row
