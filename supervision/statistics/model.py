"""The dashboard's charts as data (issue 14, item 6; docs/statistics.md). Pure: rows of
facts in, charts out — each chart a table (its CSV export, byte for byte) and the bars
the SVG renderer draws (supervision/statistics/svg.py).

Money is in fen (分) as everywhere on the platform; rates and days are decimal strings
with a fixed number of places so a CSV is the same on every machine.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import statistics
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from accounts.model import Actor, Role
from supervision.statistics.errors import (
    ChartNotFound,
    StatisticsForbidden,
    StatisticsPeriodInvalid,
)

CHINA = dt.timezone(dt.timedelta(hours=8))
LONGEST = dt.timedelta(days=3 * 366)
CATEGORIES = ("works", "goods", "services")
CHARTS = (
    "volume-category",
    "volume-county",
    "savings",
    "durations",
    "remote-evaluation",
    "expert-usage",
    "agency-scores",
)
UNKNOWN_REGION = "unknown"
Cell = str | int


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Period:
    """Local days (Beijing time), first and last included."""

    first: dt.date
    last: dt.date

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time(), tzinfo=CHINA)

    @property
    def end(self) -> dt.datetime:
        """The instant after the last day (exclusive bound)."""
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(), tzinfo=CHINA)


def period(first: dt.date | None, last: dt.date | None, now: dt.datetime) -> Period:
    """The period asked for; by default the year so far (Beijing time)."""
    today = now.astimezone(CHINA).date()
    last = last or today
    first = first or dt.date(last.year, 1, 1)
    if first > last or last - first > LONGEST:
        raise StatisticsPeriodInvalid(
            "the period's first day is on or before its last, at most 3 years apart",
            details={"from": first.isoformat(), "to": last.isoformat()},
        )
    return Period(first=first, last=last)


def departments_seen(actor: Actor) -> frozenset[UUID] | None:
    """Which departments' tenders the actor's dashboard counts: None for centre staff
    (all of them), a supervisor's own departments; anyone else is refused."""
    if actor.has_role(Role.CENTRE_STAFF):
        return None
    departments = actor.acting_for(Role.SUPERVISOR)
    if not departments:
        raise StatisticsForbidden(
            "the statistics are read by centre staff and supervisors",
            details={"required": ["centre_staff", "supervisor"]},
        )
    return frozenset(departments)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Chart:
    """One chart: its table (the CSV) and the bars drawn (label key, value)."""

    key: str
    unit: str  # what a bar measures: "tenders", "percent", "days", "services", "score"
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    bars: tuple[tuple[str, Decimal], ...]

    def csv(self) -> str:
        """The chart's CSV export (RFC 4180: CRLF line ends, a header row)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        return out.getvalue()


def chart_named(charts: Iterable[Chart], key: str) -> Chart:
    """The chart ``key`` among ``charts``; statistics_chart_not_found else."""
    for chart in charts:
        if chart.key == key:
            return chart
    raise ChartNotFound(
        f"no chart is named {key[:40]!r}; the charts are {', '.join(CHARTS)}",
        details={"chart": key[:40]},
    )


def _places(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def volume_by_category(rows: Sequence[tuple[str, int, int]]) -> Chart:
    """Tenders published per category, with the sum of their lots' estimates."""
    found = {category: (n, fen) for category, n, fen in rows}
    table = tuple((c, *found.get(c, (0, 0))) for c in CATEGORIES)
    return Chart(
        key="volume-category", unit="tenders", columns=("category", "tenders", "estimate_fen"),
        rows=table, bars=tuple((f"category.{c}", Decimal(n)) for c, n, _ in table),
    )  # fmt: skip


def volume_by_county(rows: Sequence[tuple[str, int, int]]) -> Chart:
    """Tenders published per region of the tenderer (county or district code)."""
    table = tuple(
        sorted(((region or UNKNOWN_REGION, n, fen) for region, n, fen in rows),
               key=lambda r: (-r[1], r[0]))
    )  # fmt: skip
    return Chart(
        key="volume-county", unit="tenders", columns=("region", "tenders", "estimate_fen"),
        rows=table, bars=tuple((f"region.{r}", Decimal(n)) for r, n, _ in table),
    )  # fmt: skip


def savings(rows: Sequence[tuple[str, int, int, int]]) -> Chart:
    """Awarded lots' prices against their estimates, per category (节资率)."""
    found = {category: (lots, est, price) for category, lots, est, price in rows}
    table: list[tuple[Cell, ...]] = []
    bars = []
    for category in CATEGORIES:
        lots, estimate, price = found.get(category, (0, 0, 0))
        saving = estimate - price
        rate = _places(Decimal(saving) / estimate, "0.0001") if estimate else Decimal("0.0000")
        table.append((category, lots, estimate, price, saving, str(rate)))
        bars.append((f"category.{category}", rate * 100))
    return Chart(
        key="savings", unit="percent",
        columns=("category", "lots", "estimate_fen", "award_fen", "saving_fen", "saving_rate"),
        rows=tuple(table), bars=tuple(bars),
    )  # fmt: skip


def durations(rows: Sequence[tuple[str, float]]) -> Chart:
    """Days from the notice to the first award, per category: mean and median."""
    table: list[tuple[Cell, ...]] = []
    bars = []
    for category in CATEGORIES:
        days = [Decimal(str(d)) for c, d in rows if c == category]
        mean = _places(sum(days, Decimal(0)) / len(days), "0.1") if days else Decimal("0.0")
        median = _places(Decimal(statistics.median(days)), "0.1") if days else Decimal("0.0")
        table.append((category, len(days), str(mean), str(median)))
        bars.append((f"category.{category}", median))
    return Chart(
        key="durations", unit="days",
        columns=("category", "tenders", "mean_days", "median_days"),
        rows=tuple(table), bars=tuple(bars),
    )  # fmt: skip


def remote_share(local: int, remote: int) -> Chart:
    """The share of evaluations held across cities (远程异地评标)."""
    total = local + remote

    def share(n: int) -> Decimal:
        return _places(Decimal(n) / total, "0.0001") if total else Decimal("0.0000")

    table = (("local", local, str(share(local))), ("remote", remote, str(share(remote))))
    return Chart(
        key="remote-evaluation", unit="percent", columns=("kind", "draws", "share"),
        rows=table, bars=tuple((f"evaluation.{k}", Decimal(s) * 100) for k, _, s in table),
    )  # fmt: skip


def expert_usage(rows: Sequence[tuple[str, int]]) -> Chart:
    """Committee services of experts, per region the expert is registered at."""
    table = tuple(sorted(rows, key=lambda r: (-r[1], r[0])))
    return Chart(
        key="expert-usage", unit="services", columns=("region", "services"),
        rows=table, bars=tuple((f"region.{r}", Decimal(n)) for r, n in table),
    )  # fmt: skip


def agency_scores(rows: Sequence[tuple[str, str, dt.date, dt.date, Decimal, str]]) -> Chart:
    """The published assessments of the period's latest assessed period."""
    table = tuple(
        (agency_id, name, first.isoformat(), last.isoformat(), str(score), grade)
        for agency_id, name, first, last, score, grade in rows
    )
    return Chart(
        key="agency-scores", unit="score",
        columns=("agency_id", "agency", "period_start", "period_end", "score", "grade"),
        rows=table, bars=tuple((f"name.{name}", score) for _, name, _, _, score, _ in rows),
    )  # fmt: skip
