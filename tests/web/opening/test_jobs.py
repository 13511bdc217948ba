"""The opening settle job (web/opening/jobs.py): a lot whose decryption window closed
settles, and its hall hears of it, without the host."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import cast

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from live import queries as live
from signing.certs import dump_pem_certificate
from signing.demo_ca import DemoCA
from tender import queries, service
from tender.model import Tender
from tender.opening import session as live_opening
from tender.submission import freeze
from tests.conftest import CloneDatabase
from tests.tender.clock import fast_forward
from tests.tender.kit import a_draft, a_lot, a_schedule
from tests.tender.submission.kit import bidder, make_submission, submit_sealed
from tests.tender.world import SOON, World, appoint, build_world
from tests.web.tender.http_kit import fixture_http_ca
from web.opening.jobs import closed_lots, settle_closed_windows
from web.settings import Settings

__all__ = ["fixture_http_ca"]

# One minute is the shortest window a schedule allows (tender.model.Schedule).
QUICK = SOON.with_values({"decryption_minutes_min": "1"})


@pytest.fixture(name="settings")
def fixture_settings(tmp_path: Path, database: CloneDatabase, http_ca: DemoCA) -> Settings:
    """The demo CA trusted, fast policies, and the settle job every 0.3 s."""
    trust = tmp_path / "data" / "trust"
    trust.mkdir(parents=True)
    (trust / "demo-root.pem").write_bytes(dump_pem_certificate(http_ca.root_cert))
    (trust / "demo-issuing.pem").write_bytes(dump_pem_certificate(http_ca.issuing_cert))
    overrides = {f"tender_{key}": str(value) for key, value in QUICK.to_json().items()}
    return Settings(
        database_url=database.app_dsn,
        data_dir=tmp_path / "data",
        policy_overrides=overrides,
        opening_job_seconds=0.3,
    )


async def one_minute_tender(conn: asyncpg.Connection, world: World) -> Tender:
    """A published tender with a one-minute window and a comfortable deadline, which the
    test makes pass with tests/tender/clock.py (its bids are never opened, so the
    deadline they are sealed to may move): nothing races the clock (issue 9, item 19)."""
    now = (await queries.database_now(conn)).replace(microsecond=0)
    deadline = now + dt.timedelta(hours=1)
    schedule = a_schedule(
        documents_from=now - dt.timedelta(minutes=1),
        documents_until=deadline,
        clarification_cutoff=now + dt.timedelta(minutes=30),
        deadline=deadline,
        decryption_minutes=1,
    )
    draft = a_draft(
        tenderer_id=world.tenderer_org.id,
        department_id=world.department.id,
        schedule=schedule,
        lots=(a_lot("1"),),
    )
    tender = await service.create_draft(conn, world.agency, draft)
    await appoint(conn, world, tender)
    return await service.publish(conn, world.agency, tender.id, world.setup(QUICK))


async def hall_events(conn: asyncpg.Connection, tender: Tender) -> list[live.LiveEvent]:
    """Every event of the lot's opening hall."""
    session = await live.open_session(conn, live_opening.KIND, live_opening.subject(tender.id, "1"))
    return await live.events_after(conn, session.id, 0)


@pytest.mark.slow
async def test_a_lot_whose_window_closed_settles_without_the_host(
    pool: asyncpg.Pool, http_ca: DemoCA, settings: Settings, app: Starlette,
    client: httpx.AsyncClient, owner_conn: asyncpg.Connection,
) -> None:  # fmt: skip
    """No official released and nobody advanced: at the window's end every bid fails for
    too few officials, the record is published once and announced in the hall."""
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        world = await build_world(conn, http_ca)
        tender = await one_minute_tender(conn, world)
        sub = make_submission(world, settings.data_dir)
        for i, price in enumerate((300_000_00, 280_000_00, 310_000_00)):
            await submit_sealed(conn, pool, sub, world, tender, bidder(world, i), price=price)
        await fast_forward(owner_conn, tender.id, "deadline")
        await freeze.freeze_tender(conn, tender.id)
        await settle_closed_windows(app)  # inside the window: nothing to settle
        assert await closed_lots(conn) == []
        early = await client.get(f"/api/v1/tenders/{tender.id}/opening-record")
        assert early.json()["error"]["code"] == "opening_record_not_found"
        # The one-minute window passes too (the deadline a minute further back).
        await fast_forward(owner_conn, tender.id, "deadline", before=-dt.timedelta(minutes=1))
        record = await _record_when_published(client, tender)
        body = json.loads(record)
        assert [e["outcome"] for e in body["entries"]] == ["withdrawn"] * 3  # no bidder's fault
        assert {e["cause"] for e in body["entries"]} == {"too_few_officials"}
        assert body["officials_released"] == []
        events = await _hall_when_announced(conn, tender)
        announced = [e for e in events if e.kind == "record.announced"]
        assert [e.data["record"] for e in announced] == [record.decode()]
        assert [e.kind for e in events[-2:]] == ["lot.status", "record.announced"]
        assert events[-2].data["settled"] is True
        assert await closed_lots(conn) == []
        await settle_closed_windows(app)  # a second run changes nothing
        assert len(await hall_events(conn, tender)) == len(events)


async def _hall_when_announced(conn: asyncpg.Connection, tender: Tender) -> list[live.LiveEvent]:
    """The hall's events once the record is announced: the job commits the record first,
    then tells the hall in its own transaction (at most 20 s)."""
    for _ in range(200):
        events = await hall_events(conn, tender)
        if any(e.kind == "record.announced" for e in events):
            return events
        await asyncio.sleep(0.1)
    raise AssertionError("the settle job announced no record")


async def _record_when_published(client: httpx.AsyncClient, tender: Tender) -> bytes:
    """The record's bytes once the background job has published it (at most 20 s)."""
    for _ in range(200):
        found = await client.get(f"/api/v1/tenders/{tender.id}/opening-record")
        if found.status_code == 200:
            return found.content
        await asyncio.sleep(0.1)
    raise AssertionError("the settle job published no record")
