"""Drafts, publication and the lifecycle against PostgreSQL: who may, what is logged, races."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from tender import queries, service
from tender.committee import queries as committee_queries
from tender.errors import (
    OrganisationKindMismatch,
    TenderNotDraft,
    TenderNotFound,
    TenderRulesBroken,
    TenderStateConflict,
)
from tender.lifecycle import change_status, load, lock_tender
from tender.model import TenderStatus
from tender.policy import Policies
from tests.tender.kit import a_lot
from tests.tender.world import World, appoint, entries, fast_draft, published_tender

CODE = re.compile(r"XC-\d{4}-GC-\d{6}")


async def test_an_agency_creates_and_edits_a_draft_and_each_save_is_logged(
    conn: asyncpg.Connection, world: World
) -> None:
    """The draft belongs to the agency; lots are replaced by number; saves are logged."""
    draft = await fast_draft(conn, world)
    tender = await service.create_draft(conn, world.agency, draft)
    assert tender.status is TenderStatus.DRAFT
    assert tender.agency_id == world.agency_org.id
    assert tender.code is None
    edited = dataclasses.replace(draft, title="改名后的项目", lots=(a_lot("1"), a_lot("2")))
    updated = await service.update_draft(conn, world.agency, tender.id, edited)
    assert updated.content.title == "改名后的项目"
    assert [lot.number for lot in updated.content.lots] == ["1", "2"]
    assert updated.lot_ids["1"] == tender.lot_ids["1"]  # lot 1 kept its id (and committee)
    created = await entries(conn, "tender.draft_created")
    saved = await entries(conn, "tender.draft_updated")
    assert created[0].data["draft_sha256"] == service.draft_sha256(draft)
    assert saved[0].data["draft_sha256"] == service.draft_sha256(edited)
    assert created[0].subject is not None
    assert created[0].subject.id == str(tender.id)


async def test_only_the_tenders_agency_edits_and_its_parties_must_be_of_their_kinds(
    conn: asyncpg.Connection, world: World
) -> None:
    """Another agency, a bidder, the tenderer and staff are refused; a bidder named as
    tenderer or an agency as department is refused; nothing changes."""
    draft = await fast_draft(conn, world)
    tender = await service.create_draft(conn, world.agency, draft)
    for outsider in (world.other_agency, world.bidders[0], world.tenderer, world.staff):
        # Those who may not read the draft get the unknown id's error (no existence leak).
        hidden = outsider in (world.other_agency, world.bidders[0])
        with pytest.raises(TenderNotFound if hidden else PermissionDenied):
            await service.update_draft(conn, outsider, tender.id, draft)
    with pytest.raises(PermissionDenied):
        await service.create_draft(conn, world.bidders[0], draft)
    with pytest.raises(OrganisationKindMismatch):
        await service.update_draft(
            conn,
            world.agency,
            tender.id,
            dataclasses.replace(draft, tenderer_id=world.bidder_orgs[0].id),
        )
    with pytest.raises(OrganisationKindMismatch):
        await service.create_draft(
            conn, world.agency, dataclasses.replace(draft, department_id=world.agency_org.id)
        )
    assert len(await entries(conn, "tender.draft_updated")) == 0
    assert await conn.fetchval("SELECT count(*) FROM tenders") == 1


async def test_a_draft_is_invisible_to_outsiders(conn: asyncpg.Connection, world: World) -> None:
    """Bidders, other agencies and the public do not see a draft; the parties do."""
    tender = await service.create_draft(conn, world.agency, await fast_draft(conn, world))
    for reader in (world.agency, world.tenderer, world.staff, world.supervisor):
        assert (await service.get_tender(conn, reader, tender.id)).id == tender.id
    for outsider in (world.bidders[0], world.other_agency, None):
        with pytest.raises(TenderNotFound):
            await service.get_tender(conn, outsider, tender.id)
    assert await service.list_public(conn) == []


async def test_publishing_assigns_a_code_snapshots_policies_and_logs_fingerprints(
    conn: asyncpg.Connection, world: World
) -> None:
    """XC-YYYY-GC-000001; the policies and each lot's committee fingerprint are logged."""
    tender = await published_tender(conn, world, lots=2)
    assert tender.status is TenderStatus.PUBLISHED
    assert tender.code is not None
    assert CODE.fullmatch(tender.code)
    assert tender.code.endswith("-000001")
    assert tender.policies == world.setup().policies.to_json()
    published = (await entries(conn, "tender.published"))[0]
    assert published.data["code"] == tender.code
    assert published.data["policies"]["bid_period"] == "2s"
    rosters = await committee_queries.rosters(conn, tender.id)
    assert tender.deadline is not None
    assert published.data["committee_fingerprints"] == {
        lot: rosters[lot]
        .committee(tender_code=tender.code, deadline=tender.deadline)
        .fingerprint_hex
        for lot in ("1", "2")
    }
    assert [t.id for t in await service.list_public(conn)] == [tender.id]
    assert published.data["notice_sha256"] == service.draft_sha256(tender.content)
    raw = await conn.fetchval("SELECT policies::text FROM tenders WHERE id = $1", tender.id)
    assert json.loads(raw) == published.data["policies"]
    second = await published_tender(conn, world)
    assert second.code is not None
    assert second.code.endswith("-000002")


async def test_publishing_refuses_broken_rules_and_other_parties_and_stores_nothing(
    conn: asyncpg.Connection, world: World
) -> None:
    """All broken rules in details, no code used up; only the agency publishes."""
    draft = await fast_draft(conn, world)
    tender = await service.create_draft(conn, world.agency, draft)
    size = await conn.fetchval("SELECT count(*) FROM log_entries")
    with pytest.raises(TenderRulesBroken) as refused:
        await service.publish(conn, world.agency, tender.id, world.setup())
    assert {v["code"] for v in refused.value.details["violations"]} == {"committee_missing"}
    assert (await load(conn, tender.id)).status is TenderStatus.DRAFT
    assert await conn.fetchval("SELECT count(*) FROM tender_code_counters") == 0
    assert await conn.fetchval("SELECT count(*) FROM log_entries") == size
    await appoint(conn, world, tender)
    for outsider in (world.tenderer, world.staff, world.supervisor, world.bidders[0]):
        hidden = outsider is world.bidders[0]  # it may not read the draft
        with pytest.raises(TenderNotFound if hidden else PermissionDenied):
            await service.publish(conn, outsider, tender.id, world.setup())
    assert (await load(conn, tender.id)).status is TenderStatus.DRAFT


async def test_default_policies_refuse_what_fast_ones_allow(
    conn: asyncpg.Connection, world: World
) -> None:
    """The same 3-hour tender breaks the 5-day and 20-day rules under the defaults."""
    tender = await service.create_draft(conn, world.agency, await fast_draft(conn, world))
    await appoint(conn, world, tender)
    strict = dataclasses.replace(world.setup(), policies=Policies())
    codes = {v.code for v in await service.check_draft(conn, world.agency, tender.id, strict)}
    assert {"documents_window_too_short", "bid_period_too_short"} <= codes
    assert await service.check_draft(conn, world.agency, tender.id, world.setup()) == []


async def test_two_concurrent_publishes_publish_once(
    pool: asyncpg.Pool, conn: asyncpg.Connection, world: World
) -> None:
    """Two real connections race on the row lock: one code, one entry, one conflict."""
    tender = await service.create_draft(conn, world.agency, await fast_draft(conn, world))
    await appoint(conn, world, tender)

    async def publish() -> object:
        async with pool.acquire() as own:
            try:
                return await service.publish(own, world.agency, tender.id, world.setup())
            except TenderNotDraft as exc:
                return exc

    results = await asyncio.gather(publish(), publish())
    assert sum(isinstance(r, TenderNotDraft) for r in results) == 1
    assert len(await entries(conn, "tender.published")) == 1
    assert await conn.fetchval("SELECT last_value FROM tender_code_counters") == 1


async def test_a_published_notice_cannot_be_edited_even_in_sql(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, world: World
) -> None:
    """The service refuses; the database refuses a direct UPDATE of the notice or its lots."""
    tender = await published_tender(conn, world)
    with pytest.raises(TenderNotDraft):
        await service.update_draft(conn, world.agency, tender.id, tender.content)
    with pytest.raises(asyncpg.CheckViolationError):
        await owner_conn.execute("UPDATE tenders SET title = 'x' WHERE id = $1", tender.id)
    with pytest.raises(asyncpg.CheckViolationError):
        await owner_conn.execute(
            "UPDATE tender_lots SET bond_fen = 0 WHERE tender_id = $1", tender.id
        )
    with pytest.raises(asyncpg.CheckViolationError):
        await owner_conn.execute(
            "UPDATE tenders SET deadline = deadline - interval '1 hour' WHERE id = $1", tender.id
        )


async def test_the_lifecycle_allows_only_its_transitions(
    conn: asyncpg.Connection, world: World
) -> None:
    """published → bidding_closed → opening is allowed and logged; back to draft is not."""
    tender = await published_tender(conn, world)
    closed = await change_status(conn, tender.id, TenderStatus.BIDDING_CLOSED)
    assert closed.status is TenderStatus.BIDDING_CLOSED
    with pytest.raises(TenderStateConflict):
        await change_status(conn, tender.id, TenderStatus.PUBLISHED)
    changed = await entries(conn, "tender.status_changed")
    assert [(e.data["from"], e.data["to"]) for e in changed] == [("published", "bidding_closed")]
    assert changed[0].actor.role == "platform"


async def test_lock_tender_reads_the_clock_after_the_lock(
    pool: asyncpg.Pool, conn: asyncpg.Connection, world: World
) -> None:
    """A second locker waits, and its ``now`` is later than the first locker's release."""
    tender = await published_tender(conn, world)
    released = asyncio.Event()
    release_time: list[object] = []

    async def first() -> None:
        async with pool.acquire() as own, own.transaction():
            await lock_tender(own, tender.id)
            released.set()
            await asyncio.sleep(0.3)
            release_time.append(await queries.database_now(own))

    async def second() -> object:
        await released.wait()
        async with pool.acquire() as own, own.transaction():
            return (await lock_tender(own, tender.id)).now

    _, later = await asyncio.gather(first(), second())
    assert later > release_time[0]  # type: ignore[operator]
    with pytest.raises(RuntimeError):
        await lock_tender(conn, tender.id)  # outside a transaction
