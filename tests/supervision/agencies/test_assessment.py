"""The service-quality assessment: platform facts of the period plus inspection findings,
scored by the formula, published once for every registered agency (issue 14, item 1)."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import asyncpg
import pytest

from supervision.agencies import service
from supervision.agencies.assessment import CHINA
from supervision.agencies.errors import (
    AgencyRecordForbidden,
    AssessmentPeriodInvalid,
    AssessmentPublished,
)
from supervision.agencies.formula import SHIPPED, load_formula
from supervision.agencies.model import FindingInput, InspectionInput, RegistrationInput
from tender.queries import database_now
from tests.supervision import factory as f
from tests.supervision.factory import People, cst
from tests.tender.world import entries

FORMULA = load_formula(SHIPPED.read_text(encoding="utf-8"))
FIRST, LAST = dt.date(2026, 1, 1), dt.date(2026, 6, 30)


async def register(conn: asyncpg.Connection, people: People) -> None:
    for number, org in (("AH-001", people.agency), ("AH-002", people.other_agency)):
        await service.register_agency(
            conn, people.staff,
            RegistrationInput(organisation_id=org.id, registration_number=number,
                              registered_on=dt.date(2025, 1, 1)),
        )  # fmt: skip


async def history(conn: asyncpg.Connection, people: People) -> None:
    """Agency A: two tenders, one amended, one overdue alert, one upheld objection, one
    failed, one upheld complaint, a minor and a major finding; agency B one clean tender.
    One more alert falls after the period and is not counted."""
    one = await f.a_tender(conn, people, published_at=cst(2026, 3, 2))
    two = await f.a_tender(conn, people, published_at=cst(2026, 3, 9), category="goods")
    await f.a_tender(conn, people, published_at=cst(2026, 2, 1), agency=people.other_agency)
    await f.amendment(conn, people, one, cst(2026, 3, 12))
    await f.overdue_alert(conn, one, "candidates_publicity_overdue", cst(2026, 4, 20))
    await f.overdue_alert(conn, one, "contract_overdue", cst(2026, 7, 20))
    await f.upheld_objection(conn, people, one, cst(2026, 4, 25))
    await f.failed(conn, two, cst(2026, 5, 6))
    for decision in ("upheld", "dismissed"):
        await f.decided_complaint(conn, people, one, decision=decision, decided_at=cst(2026, 5, 20))
    inspection = await service.open_inspection(
        conn, people.supervisor, people.agency.id,
        InspectionInput(kind="planned", scheduled_on=dt.date(2026, 5, 10), subject="年度检查"),
    )  # fmt: skip
    for severity in ("minor", "major"):
        await service.record_finding(
            conn, people.supervisor, inspection.id,
            FindingInput(severity=severity, description="问题", found_on=dt.date(2026, 5, 11)),
        )  # fmt: skip


async def test_the_assessment_scores_platform_facts_and_findings(
    conn: asyncpg.Connection, people: People
) -> None:
    """Facts of the period are counted per agency and scored by the formula."""
    await register(conn, people)
    await history(conn, people)
    results = await service.publish_assessments(conn, people.staff, FIRST, LAST, FORMULA)
    by_name = {a.name: a for a in results}
    a, b = by_name["皖南招标代理有限公司"], by_name["宣州项目管理有限公司"]
    assert dict(a.facts) == {
        "tenders_handled": 2, "overdue_alerts": 1, "objections_upheld": 1,
        "complaints_upheld": 1, "documents_amended": 1, "failed_tenders": 1,
        "findings_observation": 0, "findings_minor": 1, "findings_major": 1,
    }  # fmt: skip
    # 100 - 4 - 3 - 6 - 10 × 1/2 - 20 × 1/2 - 5 - 15 = 52
    assert (a.score, a.grade) == (Decimal("52.00"), "D")
    assert (b.score, b.grade) == (Decimal("100.00"), "A")
    assert [x.name for x in results] == ["宣州项目管理有限公司", "皖南招标代理有限公司"]
    [entry] = await entries(conn, "agency.assessments_published")
    assert entry.data["formula_version"] == FORMULA.version
    assert entry.data["scores"] == {
        str(people.agency.id): "52.00",
        str(people.other_agency.id): "100.00",
    }
    public = await service.published_assessments(conn, None, None, 10)
    assert [x.score for x in public] == [Decimal("100.00"), Decimal("52.00")]


async def test_a_period_is_published_once(conn: asyncpg.Connection, people: People) -> None:
    """A second publication of the same period is a conflict; the first stands."""
    await register(conn, people)
    await service.publish_assessments(conn, people.staff, FIRST, LAST, FORMULA)
    with pytest.raises(AssessmentPublished):
        await service.publish_assessments(conn, people.staff, FIRST, LAST, FORMULA)
    assert len(await entries(conn, "agency.assessments_published")) == 1


async def test_a_period_not_yet_ended_or_reversed_is_refused(
    conn: asyncpg.Connection, people: People
) -> None:
    """Only an ended period of at most 366 days is assessed; nothing is written."""
    await register(conn, people)
    # Today in Beijing by the database's clock, as the service judges it: the UTC date
    # is already an ended period from 16:00 UTC on (it failed then).
    today = (await database_now(conn)).astimezone(CHINA).date()
    for first, last in ((today, today), (LAST, FIRST), (dt.date(2024, 1, 1), LAST)):
        with pytest.raises(AssessmentPeriodInvalid):
            await service.publish_assessments(conn, people.staff, first, last, FORMULA)
    assert await conn.fetchval("SELECT count(*) FROM agency_assessments") == 0


@pytest.mark.parametrize("who", ["supervisor", "agent"])
async def test_only_centre_staff_publish_assessments(
    conn: asyncpg.Connection, people: People, who: str
) -> None:
    """The centre publishes; others are refused before anything is read."""
    await register(conn, people)
    with pytest.raises(AgencyRecordForbidden):
        await service.publish_assessments(conn, getattr(people, who), FIRST, LAST, FORMULA)


async def test_only_the_time_limits_not_kept_count_as_overdue(
    conn: asyncpg.Connection, people: People
) -> None:
    """The assessment counts the agency's tenders' *_overdue alerts of the period
    (supervision/alerts), not the other rules (a shared bond account is no time limit)."""
    await register(conn, people)
    made = await f.a_tender(conn, people, published_at=cst(2026, 3, 2))
    await f.overdue_alert(conn, made, "contract_overdue", cst(2026, 4, 1))
    for kind in ("archive_overdue", "procedure_report_overdue", "bond_same_account"):
        await f.overdue_alert(conn, made, kind, cst(2026, 5, 1))
    results = await service.publish_assessments(conn, people.staff, FIRST, LAST, FORMULA)
    mine = next(a for a in results if a.organisation_id == people.agency.id)
    assert mine.facts["overdue_alerts"] == 3


async def test_two_centre_staff_publishing_one_period_at_once_publish_it_once(
    conn: asyncpg.Connection, people: People, pool: asyncpg.Pool
) -> None:
    """Two real connections race: one publishes, the other gets the 409 conflict."""
    await register(conn, people)
    async with pool.acquire() as first, pool.acquire() as second:

        async def publish(c: asyncpg.Connection) -> object:
            try:
                return await service.publish_assessments(c, people.staff, FIRST, LAST, FORMULA)
            except AssessmentPublished as refused:
                return refused

        outcomes = await asyncio.gather(publish(first), publish(second))
    assert sorted(type(o).__name__ for o in outcomes) == ["AssessmentPublished", "list"]
    assert await conn.fetchval("SELECT count(*) FROM agency_assessments") == 2
    assert len(await entries(conn, "agency.assessments_published")) == 1


async def test_a_period_overlapping_a_published_one_is_refused(
    conn: asyncpg.Connection, people: People
) -> None:
    """May, then May without its first two days (outside tester, M5: a finding of those
    days disappeared behind the second, better score): 409, nothing written."""
    await register(conn, people)
    await service.publish_assessments(
        conn, people.staff, dt.date(2026, 5, 1), dt.date(2026, 5, 31), FORMULA
    )
    before = await conn.fetchval("SELECT count(*) FROM agency_assessments")
    with pytest.raises(AssessmentPublished):
        await service.publish_assessments(
            conn, people.staff, dt.date(2026, 5, 3), dt.date(2026, 5, 31), FORMULA
        )
    assert await conn.fetchval("SELECT count(*) FROM agency_assessments") == before
    assert len(await entries(conn, "agency.assessments_published")) == 1
