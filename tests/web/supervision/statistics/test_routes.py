"""The statistics API and CSV exports, role by role (docs/statistics.md)."""

from __future__ import annotations

import asyncpg
import httpx

from tests.supervision.factory import People
from tests.supervision.statistics.kit import demo_history
from tests.web.supervision.kit import fixture_people, token

__all__ = ["fixture_people"]
PERIOD = {"from": "2026-01-01", "to": "2026-06-30"}


async def history(pool: asyncpg.Pool, people: People) -> None:
    async with pool.acquire() as conn:
        await demo_history(conn, people)  # type: ignore[arg-type]


async def test_centre_staff_read_every_chart_and_its_csv(
    client: httpx.AsyncClient, people: People, pool: asyncpg.Pool
) -> None:
    """JSON of every chart; one chart's CSV with a byte-order mark, byte for byte."""
    await history(pool, people)
    staff = await token(client, people.staff.username)
    found = await client.get("/api/v1/statistics", params=PERIOD, headers=staff)
    assert found.status_code == 200, found.text
    body = found.json()
    assert (body["period_start"], body["period_end"], body["departments"]) == (
        "2026-01-01", "2026-06-30", None,
    )  # fmt: skip
    assert [c["key"] for c in body["charts"]] == [
        "volume-category", "volume-county", "savings", "durations", "remote-evaluation",
        "expert-usage", "agency-scores",
    ]  # fmt: skip
    remote = body["charts"][4]
    assert remote == {
        "key": "remote-evaluation", "unit": "percent", "columns": ["kind", "draws", "share"],
        "rows": [["local", 2, "0.6667"], ["remote", 1, "0.3333"]],
    }  # fmt: skip
    csv = await client.get("/api/v1/statistics/savings.csv", params=PERIOD, headers=staff)
    assert csv.status_code == 200
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv.headers["content-disposition"] == (
        'attachment; filename="savings-2026-01-01-2026-06-30.csv"'
    )
    assert (
        csv.content
        == (
            "\ufeffcategory,lots,estimate_fen,award_fen,saving_fen,saving_rate\r\n"
            "works,2,300000000,270000000,30000000,0.1000\r\n"
            "goods,1,50000000,47500000,2500000,0.0500\r\n"
            "services,0,0,0,0,0.0000\r\n"
        ).encode()
    )


async def test_a_supervisor_reads_its_departments_figures(
    client: httpx.AsyncClient, people: People, pool: asyncpg.Pool
) -> None:
    """The departments are named in the answer; the other department's tender is out."""
    await history(pool, people)
    supervisor = await token(client, people.supervisor.username)
    found = await client.get("/api/v1/statistics", params=PERIOD, headers=supervisor)
    body = found.json()
    assert body["departments"] == [str(people.department.id)]
    assert body["charts"][0]["rows"] == [
        ["works", 1, 100000000],
        ["goods", 1, 50000000],
        ["services", 1, 20000000],
    ]


async def test_others_bad_periods_and_unknown_charts_are_refused(
    client: httpx.AsyncClient, people: People
) -> None:
    """403 for a bidder or an agency, 401 anonymous, 422 bad dates, 404 unknown chart."""
    for who in (people.bidder_user, people.agent):
        headers = await token(client, who.username)
        refused = await client.get("/api/v1/statistics", headers=headers)
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "statistics_forbidden"
    assert (await client.get("/api/v1/statistics")).status_code == 401
    staff = await token(client, people.staff.username)
    reversed_ = {"from": "2026-06-30", "to": "2026-01-01"}
    bad = await client.get("/api/v1/statistics", params=reversed_, headers=staff)
    assert bad.json()["error"]["code"] == "statistics_period_invalid"
    garbled = await client.get("/api/v1/statistics", params={"from": "yesterday"}, headers=staff)
    assert garbled.json()["error"]["code"] == "request_invalid"
    unknown = await client.get("/api/v1/statistics/pie.csv", headers=staff)
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "statistics_chart_not_found"
