"""The archive job: a package for each tender whose procedure ended ``archive_after``
ago (the complaint window past), an alert for one still without a package
``archive_within`` after its end (DOMAIN.md "Records": within 30 days)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import asyncpg
from starlette.applications import Starlette

from signing.archive.verify import verify_package
from tender import lifecycle
from tender.archive import service
from tender.model import TenderStatus
from tests.evaluation.kit import Template
from tests.supervision.alerts_kit import rules_raised
from web.app import create_app
from web.settings import Settings
from web.tender.archive.jobs import archive_ended


@asynccontextmanager
async def app_with(
    settings: Settings, pool: asyncpg.Pool, policies: Mapping[str, str]
) -> AsyncIterator[Starlette]:
    """The app with these tender policies, its background jobs off (the test runs one)."""
    changed = dataclasses.replace(
        settings, policy_overrides={**settings.policy_overrides, **policies}, run_background=False
    )
    application = create_app(changed, pool=pool)
    async with application.router.lifespan_context(application):
        yield application


async def ended(conn: asyncpg.Connection, template: Template) -> None:
    tender_id = template.scenario.tender.id
    await lifecycle.change_status(conn, tender_id, TenderStatus.FAILED, reason="测试：流标")


async def status(conn: asyncpg.Connection, template: Template) -> str:
    sql = "SELECT status FROM tenders WHERE id = $1"
    found: str = await conn.fetchval(sql, template.scenario.tender.id)
    return found


async def test_the_job_archives_a_tender_whose_complaint_window_has_passed(
    settings: Settings, pool: asyncpg.Pool, conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    await ended(conn, evaluation_template)
    async with app_with(settings, pool, {"tender_archive_after": "0s"}) as app:
        await archive_ended(app)
    assert await status(conn, evaluation_template) == "archived"
    verify_package((await service.stored(conn, evaluation_template.scenario.tender.id)).package)


async def test_the_job_waits_for_the_complaint_window(
    settings: Settings, pool: asyncpg.Pool, conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Reg. 60: complaints come within 10 days; the default waits 15 before archiving."""
    await ended(conn, evaluation_template)
    async with app_with(settings, pool, {}) as app:
        await archive_ended(app)
    assert await status(conn, evaluation_template) == "failed"
    assert await conn.fetchval("SELECT count(*) FROM tender_archives") == 0


async def test_a_tender_without_a_package_past_archive_within_is_alerted_once(
    settings: Settings, pool: asyncpg.Pool, conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    await ended(conn, evaluation_template)
    late = {"tender_archive_after": "20d", "tender_archive_within": "0s"}
    async with app_with(settings, pool, late) as app:
        await archive_ended(app)
        await archive_ended(app)
    assert await rules_raised(conn, "archive_overdue") == 1
