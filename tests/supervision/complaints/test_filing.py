"""Filing a complaint (Reg. 60): by a party, a matter named, an objection first for the
matters of Reg. 22/44/54, signed by the complainant's registered certificate, logged;
a later one filed but marked late. Refusals change nothing."""

from __future__ import annotations

import datetime as dt

import asyncpg
import pytest

from signing.cms import sign_detached
from supervision.complaints import service
from supervision.complaints.errors import (
    ComplaintMatterRequired,
    ComplaintNotAParty,
    ComplaintObjectionPending,
    ComplaintObjectionRequired,
    ComplaintReplayed,
    ComplaintSignerNotRegistered,
    ComplaintStatementInvalid,
)
from supervision.complaints.model import Matter, Status
from supervision.complaints.statements import complaint_statement
from tests.supervision.complaints.kit import (
    POLICY,
    complaint_body,
    file,
    filed_complaint,
    footprint,
    objected,
    today,
)
from tests.tender.results.kit import Closed
from tests.tender.world import entries


async def test_a_candidate_complains_after_its_answered_objection(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Stored with the exact signed bytes, in time, against the agency; logged."""
    filed = await filed_complaint(conn, closed, 2)
    assert filed.matter is Matter.CANDIDATES
    assert filed.status is Status.FILED
    assert (filed.late, filed.decision) == (False, None)
    assert filed.complainant_id == closed.candidates[1].bidder_id
    assert filed.respondent_id == closed.world.agency_org.id
    assert filed.department_id == closed.department_id
    assert filed.filing_due > filed.filed_at
    [entry] = await entries(conn, "complaint.filed")
    assert entry.data["complaint_id"] == str(filed.id)
    assert (entry.data["matter"], entry.data["regulation"]) == ("candidates", "Reg. 54")
    assert entry.data["late"] is False
    assert "party" not in entry.data  # who bid stays secret until the deadline
    # Nor who complained: no user, no address, no certificate hash (it names the user).
    assert (entry.actor.user_id, entry.actor.role, entry.address) == (None, "complainant", None)
    assert "cert_sha256" not in entry.data
    signed, _ = await service.signed_statement(conn, closed.bidder(2), filed.id, 0)
    assert signed.startswith(b'{"complainant":')


async def test_a_complaint_after_the_10_days_is_filed_but_marked_late(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    objection, _ = await objected(conn, closed, 2)
    known = await today(conn) - dt.timedelta(days=40)
    body = complaint_body(
        closed, 2, matter="candidates", objection_id=str(objection.id), known_on=known
    )
    filed = await file(conn, closed, 2, body)
    assert filed.late is True
    assert filed.filed_at > filed.filing_due
    [entry] = await entries(conn, "complaint.filed")
    assert entry.data["late"] is True


async def test_another_matter_needs_no_objection(conn: asyncpg.Connection, closed: Closed) -> None:
    signed = complaint_body(closed, 3, matter="other", objection_id="", known_on=await today(conn))
    filed = await file(conn, closed, 3, signed)
    assert (filed.matter, filed.objection_id, filed.respondent_id) == (Matter.OTHER, None, None)


async def test_someone_not_a_party_is_refused_and_nothing_changes(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """The other agency neither downloaded the documents nor bid."""
    before = await footprint(conn)
    actor = closed.other_agency
    body = complaint_statement(
        tender=str(closed.tender_id), complainant="91341800MA2TEST00X",
        department=closed.world.department.credit_code, matter="other", objection="",
        known_on=(await today(conn)).isoformat(), text="不是当事人",
    )  # fmt: skip
    who = closed.agency_identity
    with pytest.raises(ComplaintNotAParty) as raised:
        await service.file_complaint(
            conn, actor, closed.tender_id, statement=body,
            signature=sign_detached(body, who.certificate, who.key), setup=closed.setup(),
            policy=POLICY,
        )  # fmt: skip
    assert raised.value.status == 403
    assert await footprint(conn) == before


@pytest.mark.parametrize("matter", ["", "price", None])
async def test_no_matter_named_is_refused_and_nothing_changes(
    conn: asyncpg.Connection, closed: Closed, matter: str | None
) -> None:
    before = await footprint(conn)
    body = complaint_body(
        closed, 2, matter=matter or "", objection_id="", known_on=await today(conn)
    )
    if matter is None:  # the key is missing altogether
        body["statement"] = body["statement"].replace(b'"matter":"",', b"")
    with pytest.raises(ComplaintMatterRequired) as raised:
        await file(conn, closed, 2, body)
    assert raised.value.code == "complaint_matter_required"
    assert await footprint(conn) == before


@pytest.mark.parametrize("matter", ["documents", "opening", "candidates"])
async def test_a_reg_22_44_54_matter_without_an_objection_first_is_refused(
    conn: asyncpg.Connection, closed: Closed, matter: str
) -> None:
    before = await footprint(conn)
    body = complaint_body(closed, 2, matter=matter, objection_id="", known_on=await today(conn))
    with pytest.raises(ComplaintObjectionRequired) as raised:
        await file(conn, closed, 2, body)
    assert raised.value.details["matter"] == matter  # type: ignore[index]
    assert await footprint(conn) == before


async def test_an_objection_of_another_matter_or_bidder_does_not_count(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Rank 2's objection to the candidates is neither a documents objection nor rank 3's."""
    objection, _ = await objected(conn, closed, 2)
    before = await footprint(conn)
    for rank, matter in ((2, "documents"), (3, "candidates")):
        body = complaint_body(
            closed, rank, matter=matter, objection_id=str(objection.id), known_on=await today(conn)
        )
        with pytest.raises(ComplaintObjectionRequired):
            await file(conn, closed, rank, body)
    assert await footprint(conn) == before


async def test_a_complaint_waits_for_the_objections_answer(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    objection, _ = await objected(conn, closed, 2, answered=False)
    before = await footprint(conn)
    body = complaint_body(
        closed, 2, matter="candidates", objection_id=str(objection.id), known_on=await today(conn)
    )
    with pytest.raises(ComplaintObjectionPending) as raised:
        await file(conn, closed, 2, body)
    assert raised.value.status == 409
    assert await footprint(conn) == before


async def test_a_statement_signed_by_another_organisation_is_refused(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    body = complaint_body(closed, 2, matter="other", objection_id="", known_on=await today(conn))
    other = closed.bidder_identity(3)
    body["signature"] = sign_detached(body["statement"], other.certificate, other.key)
    before = await footprint(conn)
    with pytest.raises(ComplaintSignerNotRegistered):
        await file(conn, closed, 2, body)
    with pytest.raises(ComplaintStatementInvalid):  # names rank 2, filed by rank 3
        await file(conn, closed, 3, body)
    assert await footprint(conn) == before


async def test_objections_to_the_documents_and_at_the_opening_count_first(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, closed: Closed
) -> None:
    """A factory inserts the answered objections (real rows of 0021 and 0035: the closed
    kit is past both stages); their days are skipped from the 10 days (Reg. 60)."""
    org, user = closed.candidates[1].bidder_id, closed.bidder(2).user_id
    now = await conn.fetchval("SELECT clock_timestamp()")
    filed_at, answered_at = now - dt.timedelta(days=5), now - dt.timedelta(days=3)
    documents = await owner_conn.fetchval(
        "INSERT INTO tender_objections (tender_id, organisation_id, filed_by, text, filed_at,"
        " answer_due, answer, answered_at, answered_by, salt)"
        " VALUES ($1, $2, $3, '工期不合理', $4, $5, '已澄清', $5, $6, $7) RETURNING id",
        closed.tender_id, org, user, filed_at, answered_at, closed.agency.user_id, bytes(32),
    )  # fmt: skip
    lot_id, part = await owner_conn.fetchrow(
        "SELECT r.lot_id, r.part FROM opening_records r JOIN tender_lots l ON l.id = r.lot_id"
        " WHERE l.tender_id = $1 LIMIT 1",
        closed.tender_id,
    )
    opening = await owner_conn.fetchval(
        "INSERT INTO opening_responses (lot_id, part, bidder_id, kind, objection, answer,"
        " answered_by, created_at, answered_at)"
        " VALUES ($1, $2, $3, 'object', '唱标价格有误', '已当场核对', $4, $5, $6) RETURNING id",
        lot_id, part, org, closed.staff.user_id, filed_at, answered_at,
    )  # fmt: skip
    known = await today(conn) - dt.timedelta(days=12)
    for matter, objection_id in (("documents", documents), ("opening", opening)):
        body = complaint_body(
            closed, 2, matter=matter, objection_id=str(objection_id), known_on=known
        )
        filed = await file(conn, closed, 2, body)
        assert (filed.matter, filed.objection_id) == (Matter(matter), objection_id)
        assert filed.respondent_id == closed.world.agency_org.id
        # 12 days ago + 10 days would have passed; the objection's three days did not count.
        assert filed.late is False


async def test_the_same_signed_statement_sent_again_files_nothing(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """One statement, one complaint: a replay is complaint_replayed_conflict and writes
    nothing (outside tester, M6: it filed a second complaint)."""
    objection, _ = await objected(conn, closed, 2)
    signed = complaint_body(
        closed, 2, matter="candidates", objection_id=str(objection.id), known_on=await today(conn)
    )
    await file(conn, closed, 2, signed)
    before = await footprint(conn)
    with pytest.raises(ComplaintReplayed):
        await file(conn, closed, 2, signed)
    assert await footprint(conn) == before
