"""Clarifications to every downloader, the 15-day move of the deadline (Reg. 21), objections
and the pause (Reg. 22), against PostgreSQL, with a real race against the deadline."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from signing.log.entry import commit
from tender import queries
from tender.blobs.store import LocalBlobStore
from tender.bonds import service as bonds
from tender.committee import service as committee
from tender.disclosure.commitments import reveal_commitments
from tender.documents import service as documents
from tender.errors import (
    DeadlinePassed,
    DocumentNotDownloaded,
    NewDeadlineTooEarly,
    ObjectionAlreadyAnswered,
    ObjectionTooLate,
    TenderNotOpenForBids,
)
from tender.lifecycle import load, lock_tender
from tender.model import Tender, TenderStatus
from tender.notices import service as notices
from tender.notices.model import ClarificationKind
from tests.tender.clock import fast_forward
from tests.tender.world import (
    FAST,
    SOON,
    World,
    chunks,
    entries,
    published_tender,
    wait_until,
)


async def _document(
    conn: asyncpg.Connection, world: World, tender: Tender, store: LocalBlobStore, data: bytes
) -> documents.DocumentVersion:
    return await documents.upload_document(
        conn,
        world.agency,
        tender.id,
        name="招标文件.pdf",
        media_type="application/pdf",
        chunks=chunks(data),
        store=store,
        setup=world.setup(),
    )


async def _clarify(
    conn: asyncpg.Connection, world: World, tender: Tender, **extra: object
) -> notices.Clarification:
    return await notices.issue_clarification(
        conn,
        world.agency,
        tender.id,
        kind=ClarificationKind.AMENDMENT,
        title="第1号修改",
        body="工期由 90 日历天改为 120 日历天。",
        setup=world.setup(),
        **extra,  # type: ignore[arg-type]
    )


async def test_a_clarification_reaches_every_downloader_with_its_new_version(
    conn: asyncpg.Connection, world: World, tmp_path: Path
) -> None:
    """Two bidders downloaded (one twice): two notifications; the new version is public;
    only the agency issues."""
    store = LocalBlobStore(tmp_path)
    tender = await published_tender(conn, world)
    first = await _document(conn, world, tender, store, b"v1")  # staged after publication
    assert first.published_at is None
    amendment = await _document(conn, world, tender, store, b"v2")
    clarification = await _clarify(conn, world, tender, version_ids=[first.id])
    for bidder in (world.bidders[0], world.bidders[0], world.bidders[1]):
        await documents.download_document(conn, bidder, tender.id, first.id)
    second = await _clarify(conn, world, tender, version_ids=[amendment.id])
    assert (clarification.number, second.number, second.notified) == (1, 2, 2)
    assert not second.moved_deadline
    mine = await notices.my_notifications(conn, world.bidders[0])
    assert [n.clarification_id for n in mine] == [second.id]
    assert await notices.my_notifications(conn, world.bidders[2]) == []
    public = await documents.list_documents(conn, None, tender.id)
    assert [v.version for v in public] == [1, 2]
    logged = (await entries(conn, "tender.clarification_issued"))[-1]
    # How many took the documents is secret (Law 22): the log carries no count of them.
    assert "notified" not in logged.data
    assert logged.data["documents"][0]["sha256"] == amendment.sha256
    with pytest.raises(documents.DocumentNotFound):  # a version is attached once
        await _clarify(conn, world, tender, version_ids=[amendment.id])
    for outsider in (world.bidders[0], world.tenderer, world.staff, world.other_agency):
        with pytest.raises(PermissionDenied):
            await notices.issue_clarification(
                conn,
                outsider,
                tender.id,
                kind=ClarificationKind.CLARIFICATION,
                title="t",
                body="b",
                setup=world.setup(),
            )
    assert await conn.fetchval("SELECT count(*) FROM tender_clarifications") == 2


async def test_the_agency_may_extend_but_not_shorten_the_deadline(
    conn: asyncpg.Connection, world: World
) -> None:
    """A new deadline before the computed one is refused; a later one is taken and logged."""
    tender = await published_tender(conn, world)
    assert tender.deadline is not None
    with pytest.raises(NewDeadlineTooEarly):
        await _clarify(conn, world, tender, new_deadline=tender.deadline - dt.timedelta(hours=1))
    later = tender.deadline + dt.timedelta(days=1)
    moved = await _clarify(conn, world, tender, new_deadline=later)
    assert moved.deadline_after == later
    assert (await load(conn, tender.id)).deadline == later
    entry = (await entries(conn, "tender.deadline_moved"))[0]
    assert set(entry.data["committee_fingerprints"]) == {"1"}


async def test_late_objections_are_refused_and_a_late_clarification_moves_the_deadline(
    conn: asyncpg.Connection, world: World, tmp_path: Path, owner_conn: asyncpg.Connection
) -> None:
    """Reg. 22 and Reg. 21 with one-hour periods: half an hour before the deadline an
    objection is too late, and a clarification moves the deadline (and the fingerprints)
    on. The half hour comes by tests/tender/clock.py, not by racing the clock."""
    store = LocalBlobStore(tmp_path)
    setup = world.setup(SOON.with_values({"clarification_notice": "1h", "objection_notice": "1h"}))
    tender = await published_tender(conn, world, setup=setup)
    version = await _document(conn, world, tender, store, b"doc")
    early = await notices.issue_clarification(
        conn,
        world.agency,
        tender.id,
        kind=ClarificationKind.AMENDMENT,
        title="修改",
        body="新版本",
        version_ids=[version.id],
        setup=setup,
    )
    assert not early.moved_deadline
    await documents.download_document(conn, world.bidders[0], tender.id, version.id)
    await fast_forward(owner_conn, tender.id, "deadline", before=dt.timedelta(minutes=30))
    tender = await load(conn, tender.id)
    with pytest.raises(ObjectionTooLate):
        await notices.file_objection(conn, world.bidders[0], tender.id, text="迟", setup=setup)
    assert await conn.fetchval("SELECT count(*) FROM tender_objections") == 0
    clarification = await notices.issue_clarification(
        conn,
        world.agency,
        tender.id,
        kind=ClarificationKind.CLARIFICATION,
        title="澄清",
        body="说明",
        setup=setup,
    )
    assert clarification.moved_deadline
    assert clarification.deadline_before == tender.deadline
    assert clarification.deadline_after >= clarification.issued_at + dt.timedelta(hours=1)
    assert clarification.deadline_after.microsecond == 0
    moved = (await entries(conn, "tender.deadline_moved"))[0]
    assert moved.data["clarification"] == 2
    assert (await load(conn, tender.id)).deadline == clarification.deadline_after
    refreshed = await committee.lot_committee(conn, tender.id, "1")
    assert moved.data["committee_fingerprints"] == {"1": refreshed.fingerprint_hex}


async def test_an_objection_pauses_the_tender_until_answered(
    conn: asyncpg.Connection, world: World, tmp_path: Path
) -> None:
    """Reg. 22: filed → suspended; answered → published; answered twice → conflict."""
    store = LocalBlobStore(tmp_path)
    tender = await published_tender(conn, world)
    version = await _document(conn, world, tender, store, b"doc")
    await _clarify(conn, world, tender, version_ids=[version.id])
    bidder = world.bidders[0]
    with pytest.raises(DocumentNotDownloaded):
        await notices.file_objection(
            conn, bidder, tender.id, text="评分标准不合理", setup=world.setup()
        )
    await documents.download_document(conn, bidder, tender.id, version.id)
    objection = await notices.file_objection(
        conn, bidder, tender.id, text="评分标准不合理", setup=world.setup()
    )
    assert (await load(conn, tender.id)).status is TenderStatus.SUSPENDED
    assert objection.answer_due == objection.filed_at + dt.timedelta(hours=1)
    filed = (await entries(conn, "tender.objection_filed"))[0]
    salt = await conn.fetchval("SELECT salt FROM tender_objections")
    assert filed.data["objector"] == commit(str(bidder.organisation_id), salt)
    # Who downloaded stays secret until the deadline: no user (it names the organisation).
    assert (filed.actor.user_id, filed.actor.role, filed.address) == (None, "bidder", None)
    for outsider in (bidder, world.tenderer, world.staff):
        with pytest.raises(PermissionDenied):
            await notices.answer_objection(conn, outsider, tender.id, objection.id, answer="不")
    answered = await notices.answer_objection(
        conn, world.agency, tender.id, objection.id, answer="已修改，见第2号修改。"
    )
    assert answered.answered_by == world.agency.user_id
    assert (await load(conn, tender.id)).status is TenderStatus.PUBLISHED
    with pytest.raises(ObjectionAlreadyAnswered):
        await notices.answer_objection(conn, world.agency, tender.id, objection.id, answer="再")
    kinds = [e.kind for e in await entries(conn, "tender.suspended")] + [
        e.kind for e in await entries(conn, "tender.resumed")
    ]
    assert kinds == ["tender.suspended", "tender.resumed"]
    assert [o.id for o in await notices.list_objections(conn, bidder, tender.id)] == [objection.id]
    assert await notices.list_objections(conn, world.bidders[1], tender.id) == []


@pytest.mark.slow
async def test_a_clarification_racing_the_deadline_is_refused_when_it_gets_the_lock_late(
    pool: asyncpg.Pool, conn: asyncpg.Connection, world: World, owner_conn: asyncpg.Connection
) -> None:
    """Two connections: one holds the row lock past the deadline; the clarification that
    waited for it is judged by the clock at the lock, not when it started."""
    setup = world.setup(SOON)
    tender = await published_tender(conn, world, setup=setup)
    # The deadline 15 s ahead (tests/tender/clock.py): ample for the clarification to
    # start before it, and nothing has to happen before it but that.
    await fast_forward(owner_conn, tender.id, "deadline", before=dt.timedelta(seconds=15))
    deadline = (await load(conn, tender.id)).deadline
    assert deadline is not None
    locked = asyncio.Event()

    async def freeze_at_deadline() -> None:
        async with pool.acquire() as own, own.transaction():
            await lock_tender(own, tender.id)
            locked.set()
            await wait_until(own, deadline)

    async def clarify() -> object:
        await locked.wait()
        async with pool.acquire() as own:
            started = await queries.database_now(own)
            try:
                return await notices.issue_clarification(
                    own,
                    world.agency,
                    tender.id,
                    kind=ClarificationKind.CLARIFICATION,
                    title="最后一刻",
                    body="澄清",
                    setup=setup,
                )
            except DeadlinePassed as refused:
                return (started, refused)

    _, outcome = await asyncio.gather(freeze_at_deadline(), clarify())
    assert isinstance(outcome, tuple)
    assert outcome[0] < deadline  # it started in time, but got the lock too late
    assert await conn.fetchval("SELECT count(*) FROM tender_clarifications") == 0
    assert (await load(conn, tender.id)).deadline == deadline


async def test_overdue_answers_raise_one_alert_and_commitments_are_revealed_after_the_deadline(
    conn: asyncpg.Connection, world: World, tmp_path: Path, owner_conn: asyncpg.Connection
) -> None:
    """An unanswered objection past its due time → one alert; after the deadline the
    downloads' and objections' commitments open."""
    store = LocalBlobStore(tmp_path)
    setup = world.setup(SOON.with_values({"objection_answer": "1s"}))
    tender = await published_tender(conn, world, setup=setup)
    version = await _document(conn, world, tender, store, b"doc")
    await notices.issue_clarification(
        conn,
        world.agency,
        tender.id,
        kind=ClarificationKind.CLARIFICATION,
        title="t",
        body="b",
        version_ids=[version.id],
        setup=setup,
    )
    await documents.download_document(conn, world.bidders[0], tender.id, version.id)
    objection = await notices.file_objection(
        conn, world.bidders[0], tender.id, text="异议", setup=setup
    )
    with pytest.raises(TenderNotOpenForBids):
        await reveal_commitments(conn, tender.id)
    await wait_until(conn, objection.answer_due)
    assert await bonds.raise_overdue_alerts(conn) == 1
    assert await bonds.raise_overdue_alerts(conn) == 0
    alerts = await bonds.list_alerts(conn, world.supervisor, tender.id)
    assert [a.kind for a in alerts] == ["objection_answer_overdue"]
    await fast_forward(owner_conn, tender.id, "deadline")
    assert await reveal_commitments(conn, tender.id) is not None
    revealed = (await entries(conn, "tender.commitments_revealed"))[0].data
    download = (await entries(conn, "tender.document_downloaded"))[0].data
    # The queued download entry was integrated before the reveal that opens it.
    order = await conn.fetchrow(
        "SELECT max(idx) FILTER (WHERE kind = 'tender.document_downloaded') AS d,"
        " min(idx) FILTER (WHERE kind = 'tender.commitments_revealed') AS r FROM log_entries"
    )
    assert order["d"] < order["r"]
    opened = revealed["downloads"][0]
    assert commit(opened["value"], bytes.fromhex(opened["salt"])) == download["downloader"]
    assert FAST.objection_answer != setup.policies.objection_answer
