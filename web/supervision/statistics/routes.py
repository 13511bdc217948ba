"""JSON API of the statistics dashboard and each chart's CSV export (docs/statistics.md)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from supervision.statistics import service
from supervision.statistics.model import Chart, chart_named
from web.auth import signed_in
from web.supervision.agencies.params import period_params
from web.supervision.agencies.routes import route
from web.tender.bodies import Model

Cell = str | int


class ChartBody(Model, frozen=True, kw_only=True):
    key: str
    unit: str
    columns: list[str]
    rows: list[list[Cell]]


class StatisticsBody(Model, frozen=True, kw_only=True):
    period_start: str
    period_end: str
    departments: list[str] | None
    charts: list[ChartBody]


def chart_body(chart: Chart) -> ChartBody:
    return ChartBody(
        key=chart.key, unit=chart.unit, columns=list(chart.columns),
        rows=[list(row) for row in chart.rows],
    )  # fmt: skip


async def read_dashboard(request: Request) -> service.Dashboard:
    """The dashboard of the period the query names."""
    first, last = period_params(request)
    async with signed_in(request) as (conn, actor):
        return await service.dashboard(conn, actor, first, last)


async def statistics(request: Request) -> StatisticsBody:
    found = await read_dashboard(request)
    return StatisticsBody(
        period_start=found.period.first.isoformat(), period_end=found.period.last.isoformat(),
        departments=list(found.departments) if found.departments is not None else None,
        charts=[chart_body(c) for c in found.charts],
    )  # fmt: skip


def csv_response(found: service.Dashboard, key: str) -> Response:
    """One chart as CSV (UTF-8 with a byte-order mark, for spreadsheet programs)."""
    chart = chart_named(found.charts, key)
    name = f"{key}-{found.period.first.isoformat()}-{found.period.last.isoformat()}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response("\ufeff" + chart.csv(), media_type="text/csv; charset=utf-8", headers=headers)


async def chart_csv(request: Request) -> Response:
    key = request.path_params["chart"]
    return csv_response(await read_dashboard(request), key)


_PERIOD: Any = (
    ("from", str, "the period's first day, YYYY-MM-DD (default 1 January)", False),
    ("to", str, "the period's last day, YYYY-MM-DD (default today, Beijing time)", False),
)
ROUTES = [
    route(
        "GET", "/statistics", statistics,
        "Every chart of the dashboard (centre staff; a supervisor: its departments)",
        response=StatisticsBody, query=_PERIOD,
    ),
    route(
        "GET", "/statistics/{chart}.csv", chart_csv, "One chart of the dashboard as CSV",
        query=_PERIOD, content_type="text/csv",
    ),
]  # fmt: skip
