"""The dashboard's pages as HTML (Jinja2 templates in ``templates/``, every value escaped)."""

from __future__ import annotations

from functools import cache

from bot.core.dutch import format_date, format_moment, local_day
from bot.dashboard import charts
from bot.dashboard.pages import SORTS, GemeentePage, RegioPage


@cache
def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    environment = Environment(loader=PackageLoader("bot.dashboard", "templates"),
                              autoescape=select_autoescape(default=True), undefined=StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)
    environment.filters |= {"datum": format_date, "moment": format_moment,
                            "datum_of": lambda moment: format_date(local_day(moment))}
    environment.globals |= {"progress": charts.progress, "stacked": charts.stacked, "Bar": charts.Bar,
                            "colours": charts.STATUS_COLOURS}
    return environment


def index(gemeenten: list[dict], regios: list[dict], who: str) -> str:
    return _environment().get_template("index.html").render(gemeenten=gemeenten, regios=regios, who=who)


def gemeente(page: GemeentePage) -> str:
    bars = [charts.Bar(label, tuple((status, counts.get(status, 0)) for status in charts.STATUS_COLOURS))
            for label, counts in page.data.counts_by_basisfunctie]
    return _environment().get_template("gemeente.html").render(page=page, data=page.data,
                                                               summary=page.data.summary, bars=bars)


def regio(page: RegioPage, readable: list[dict]) -> str:
    """The regio's table; the gemeenten the viewer may read link to their page."""
    links = {g["naam"]: g["id"] for g in readable}
    return _environment().get_template("regio.html").render(page=page, sorts=SORTS, links=links)


def missing(what: str) -> str:
    return _environment().get_template("missing.html").render(what=what)
