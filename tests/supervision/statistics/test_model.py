"""The dashboard's charts as data and as SVG: exact CSV, escaped labels, fixed places."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from accounts.model import Actor, Role, RoleGrant
from supervision.statistics import model
from supervision.statistics.errors import (
    ChartNotFound,
    StatisticsForbidden,
    StatisticsPeriodInvalid,
)
from supervision.statistics.svg import bar_chart

NOW = dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC)  # 2027-01-01 01:00 in Beijing


def test_savings_are_computed_per_category_with_four_places() -> None:
    """saving = estimate - award; the rate has four places; absent categories are 0."""
    chart = model.savings([("works", 2, 3_000_000, 2_700_000)])
    assert chart.csv() == (
        "category,lots,estimate_fen,award_fen,saving_fen,saving_rate\r\n"
        "works,2,3000000,2700000,300000,0.1000\r\n"
        "goods,0,0,0,0,0.0000\r\n"
        "services,0,0,0,0,0.0000\r\n"
    )
    assert chart.bars[0] == ("category.works", Decimal("10.0000"))


def test_durations_give_mean_and_median_days() -> None:
    """Median and mean of the days from notice to award, one decimal place."""
    chart = model.durations([("works", 30.0), ("works", 40.5), ("works", 60.0)])
    assert chart.rows[0] == ("works", 3, "43.5", "40.5")
    assert chart.rows[1] == ("goods", 0, "0.0", "0.0")


def test_the_remote_share_adds_up() -> None:
    """Local and remote shares of the evaluation draws (4 places)."""
    chart = model.remote_share(2, 1)
    assert chart.rows == (("local", 2, "0.6667"), ("remote", 1, "0.3333"))
    assert model.remote_share(0, 0).rows[1] == ("remote", 0, "0.0000")


def test_counties_are_ordered_by_volume_and_an_unset_region_is_unknown() -> None:
    """Most tenders first; a tenderer without a region counts as 'unknown'."""
    chart = model.volume_by_county([("341821", 1, 5), ("", 3, 9), ("341881", 3, 7)])
    assert [r[0] for r in chart.rows] == ["341881", "unknown", "341821"]


def test_the_default_period_is_the_local_year_so_far() -> None:
    """Beijing time decides the day: 17:00 UTC on 31 Dec is already 1 Jan."""
    found = model.period(None, None, NOW)
    assert (found.first, found.last) == (dt.date(2027, 1, 1), dt.date(2027, 1, 1))
    assert found.start.isoformat() == "2027-01-01T00:00:00+08:00"
    with pytest.raises(StatisticsPeriodInvalid):
        model.period(dt.date(2026, 2, 1), dt.date(2026, 1, 1), NOW)


def test_an_unknown_chart_is_not_found() -> None:
    """Asking for a chart that does not exist is statistics_chart_not_found (404)."""
    with pytest.raises(ChartNotFound) as refused:
        model.chart_named([model.remote_share(1, 1)], "pie")
    assert refused.value.status == 404


def grant(role: Role, scope: UUID | None = None) -> RoleGrant:
    return RoleGrant(role=role, scope_id=scope)


def actor(*grants: RoleGrant) -> Actor:
    return Actor(
        user_id=uuid4(), organisation_id=uuid4(), username="u", display_name="u",
        grants=frozenset(grants),
    )  # fmt: skip


def test_centre_staff_see_every_department_and_supervisors_their_own() -> None:
    """Who reads the dashboard, and over which departments."""
    department = uuid4()
    assert model.departments_seen(actor(grant(Role.CENTRE_STAFF))) is None
    assert model.departments_seen(actor(grant(Role.SUPERVISOR, department))) == {department}
    with pytest.raises(StatisticsForbidden):
        model.departments_seen(actor(grant(Role.BIDDER)))


def test_the_svg_escapes_labels_and_scales_bars_to_the_largest() -> None:
    """A name with markup is text, not markup; the largest bar spans the plot."""
    chart = model.agency_scores(
        [("a", "<script>x</script>", dt.date(2026, 1, 1), dt.date(2026, 6, 30),
          Decimal("80.00"), "B"),
         ("b", "乙", dt.date(2026, 1, 1), dt.date(2026, 6, 30), Decimal("40.00"), "D")]
    )  # fmt: skip
    svg = bar_chart(chart, title="得分", label=lambda k: k.removeprefix("name."), unit="分",
                    empty="无")  # fmt: skip
    assert "<script>" not in svg
    assert 'data-label="&lt;script&gt;x&lt;/script&gt;" data-value="80"' in svg
    assert 'width="380" height="18"' in svg
    assert 'width="190" height="18"' in svg
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')


def test_an_empty_chart_says_so() -> None:
    """No rows: the chart shows the 'no data' words instead of bars."""
    svg = bar_chart(model.expert_usage([]), title="t", label=str, unit="", empty="暂无数据")
    assert "暂无数据" in svg
    assert "<rect" not in svg
