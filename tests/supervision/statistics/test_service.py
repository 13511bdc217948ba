"""The dashboard counts the platform's own rows, over the reader's departments."""

from __future__ import annotations

import asyncpg
import pytest

from supervision.statistics import service
from supervision.statistics.errors import StatisticsForbidden
from supervision.statistics.model import chart_named
from supervision.statistics.service import Dashboard
from tests.supervision.factory import People
from tests.supervision.statistics.kit import FIRST, LAST, demo_history


def table(found: Dashboard, key: str) -> str:
    return chart_named(found.charts, key).csv()


async def test_centre_staff_see_every_department(conn: asyncpg.Connection, people: People) -> None:
    """Volumes, savings, durations, remote share, expert usage and agency scores."""
    await demo_history(conn, people)
    found = await service.dashboard(conn, people.staff, FIRST, LAST)
    assert found.departments is None
    assert table(found, "volume-category") == (
        "category,tenders,estimate_fen\r\n"
        "works,2,300000000\r\ngoods,1,50000000\r\nservices,1,20000000\r\n"
    )
    assert table(found, "volume-county") == (
        "region,tenders,estimate_fen\r\n341821,2,120000000\r\n341881,2,250000000\r\n"
    )
    assert table(found, "savings") == (
        "category,lots,estimate_fen,award_fen,saving_fen,saving_rate\r\n"
        "works,2,300000000,270000000,30000000,0.1000\r\n"
        "goods,1,50000000,47500000,2500000,0.0500\r\n"
        "services,0,0,0,0,0.0000\r\n"
    )
    assert table(found, "durations") == (
        "category,tenders,mean_days,median_days\r\n"
        "works,2,45.0,45.0\r\ngoods,1,30.0,30.0\r\nservices,0,0.0,0.0\r\n"
    )
    assert table(found, "remote-evaluation") == (
        "kind,draws,share\r\nlocal,2,0.6667\r\nremote,1,0.3333\r\n"
    )
    assert table(found, "expert-usage") == (
        "region,services\r\n341821,3\r\n341881,2\r\n340102,1\r\n"
    )
    scores = table(found, "agency-scores").splitlines()
    assert scores[0] == "agency_id,agency,period_start,period_end,score,grade"
    assert [line.split(",")[1:] for line in scores[1:]] == [
        ["宣州项目管理有限公司", "2026-01-01", "2026-06-30", "100.00", "A"],
        # One failed tender of the three it handled: 100 - 20 × 1/3.
        ["皖南招标代理有限公司", "2026-01-01", "2026-06-30", "93.33", "A"],
    ]


async def test_a_supervisor_sees_only_its_departments_tenders(
    conn: asyncpg.Connection, people: People
) -> None:
    """The other department's tender, draw and experts are not counted."""
    await demo_history(conn, people)
    found = await service.dashboard(conn, people.supervisor, FIRST, LAST)
    assert found.departments == (str(people.department.id),)
    assert table(found, "volume-category").splitlines()[1] == "works,1,100000000"
    assert table(found, "savings").splitlines()[1] == "works,1,100000000,90000000,10000000,0.1000"
    assert table(found, "remote-evaluation") == (
        "kind,draws,share\r\nlocal,1,0.5000\r\nremote,1,0.5000\r\n"
    )
    assert table(found, "expert-usage") == "region,services\r\n341821,2\r\n341881,2\r\n340102,1\r\n"


@pytest.mark.parametrize("who", ["agent", "bidder_user"])
async def test_agencies_and_bidders_do_not_read_the_dashboard(
    conn: asyncpg.Connection, people: People, who: str
) -> None:
    """statistics_forbidden (403) for anyone but centre staff and supervisors."""
    with pytest.raises(StatisticsForbidden):
        await service.dashboard(conn, getattr(people, who), FIRST, LAST)
