"""The statistics dashboard page (issue 14, item 6): each chart drawn as SVG on the
server (supervision/statistics/svg.py) with its CSV export beside it; the period is a
GET form. Centre staff see every department, a supervisor its own."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from accounts.model import Actor
from expert_pool.regions import DEFAULT_REGIONS
from supervision.statistics import service
from supervision.statistics.model import Chart
from supervision.statistics.svg import bar_chart
from web import i18n
from web.supervision.agencies import i18n as i18n_sv
from web.supervision.agencies.params import period_params
from web.supervision.agencies.render import page, render


def labeller(lang: str) -> Callable[[str], str]:
    """Words for a bar's key: a category, a region (from the catalogue), an evaluation
    kind or an agency's own name."""

    def label(key: str) -> str:
        kind, _, value = key.partition(".")
        if kind == "category":
            return i18n_sv.translate(lang, f"td.category.{value}")
        if kind == "evaluation":
            return i18n_sv.translate(lang, f"sv.evaluation.{value}")
        if kind == "region":
            # A district of another city is named by its city (the shared pool's cities).
            regions = DEFAULT_REGIONS.regions
            region = regions.get(value) or regions.get(value[:4] + "00")
            if region is not None:
                return region.name_zh if lang == i18n.DEFAULT_LANG else region.name_en
            return i18n_sv.translate(lang, "sv.region.unknown") if value == "unknown" else value
        return value

    return label


def _svg(chart: Chart, lang: str, label: Callable[[str], str], words: dict[str, str]) -> Markup:
    svg = bar_chart(
        chart, title=i18n_sv.translate(lang, f"sv.chart.{chart.key}"), label=label,
        unit=words[f"sv.unit.{chart.unit}"], empty=words["sv.stats.empty"],
    )  # fmt: skip
    return Markup(svg)  # noqa: S704 (svg.bar_chart escapes every text it writes)


async def dashboard_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    found = await service.dashboard(conn, actor, *period_params(request))
    lang = i18n.negotiate(request)
    label = labeller(lang)
    words = {
        key: i18n_sv.translate(lang, key)
        for key in ("sv.stats.empty", *(f"sv.unit.{c.unit}" for c in found.charts))
    }
    charts = [(chart.key, _svg(chart, lang, label, words)) for chart in found.charts]
    return render(request, "statistics.html", actor=actor, dashboard=found, charts=charts)


def routes() -> list[BaseRoute]:
    """The dashboard page, for the one route list."""
    return [Route("/supervision/statistics", page(dashboard_page), methods=["GET"])]
