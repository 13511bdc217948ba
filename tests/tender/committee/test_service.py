"""Opening committees: appointed by the centre, approved by the department, frozen at the
first bid (DESIGN.md, "Opening committee"), against PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from signing.committee import load_committee, verify_committee
from tender import service
from tender.committee import service as committee
from tender.errors import (
    CommitteeFrozen,
    CommitteeNotApproved,
    CommitteeRefused,
    CommitteeRosterChanged,
    TenderInputInvalid,
    TenderNotFound,
)
from tender.lifecycle import lock_tender
from tender.model import Tender
from tests.tender.world import (
    World,
    entries,
    fast_draft,
    make_official,
    official_inputs,
    published_tender,
)


async def _draft(conn: asyncpg.Connection, world: World) -> Tender:
    return await service.create_draft(conn, world.agency, await fast_draft(conn, world))


async def test_the_centre_appoints_and_the_department_approves(
    conn: asyncpg.Connection, world: World
) -> None:
    """Both steps are logged; the approval names the roster hash it approved."""
    tender = await _draft(conn, world)
    roster = await committee.appoint_committee(
        conn,
        world.staff,
        tender.id,
        "1",
        k=2,
        officials=official_inputs(world.officials),
        setup=world.setup(),
    )
    assert (roster.k, roster.n, roster.approved) == (2, 3, False)
    approved = await committee.approve_committee(
        conn, world.supervisor, tender.id, "1", roster_sha256=roster.sha256
    )
    assert approved.approved
    assert approved.approved_by == world.supervisor.user_id
    appointed = (await entries(conn, "tender.committee_appointed"))[0]
    assert appointed.data["roster_sha256"] == roster.sha256
    assert [o["x"] for o in appointed.data["officials"]] == [1, 2, 3]
    assert (await entries(conn, "tender.committee_approved"))[0].data[
        "roster_sha256"
    ] == roster.sha256


async def test_the_agency_cannot_appoint_or_approve_and_approval_names_the_roster(
    conn: asyncpg.Connection, world: World
) -> None:
    """Never by the agency (DESIGN.md); nor by bidders; staff cannot approve; the
    supervisor approves the roster it read, not a later one."""
    tender = await _draft(conn, world)
    for outsider in (world.agency, world.tenderer, world.bidders[0], world.supervisor):
        # A bidder cannot read the draft: for it the tender does not exist.
        hidden = outsider is world.bidders[0]
        with pytest.raises(TenderNotFound if hidden else PermissionDenied):
            await committee.appoint_committee(
                conn,
                outsider,
                tender.id,
                "1",
                k=2,
                officials=official_inputs(world.officials),
                setup=world.setup(),
            )
    roster = await committee.appoint_committee(
        conn,
        world.staff,
        tender.id,
        "1",
        k=2,
        officials=official_inputs(world.officials),
        setup=world.setup(),
    )
    for outsider in (world.agency, world.staff, world.bidders[0]):
        hidden = outsider is world.bidders[0]
        with pytest.raises(TenderNotFound if hidden else PermissionDenied):
            await committee.approve_committee(
                conn, outsider, tender.id, "1", roster_sha256=roster.sha256
            )
    # The supervisor approves the hash it read; a re-appointment in between is refused.
    await committee.appoint_committee(
        conn,
        world.staff,
        tender.id,
        "1",
        k=2,
        officials=official_inputs(world.officials[::-1]),
        setup=world.setup(),
    )
    with pytest.raises(CommitteeRosterChanged):
        await committee.approve_committee(
            conn, world.supervisor, tender.id, "1", roster_sha256=roster.sha256
        )


async def test_bad_rosters_are_refused_and_nothing_is_stored(
    conn: asyncpg.Connection, world: World
) -> None:
    """k outside 2…n−1; one organisation only; a statement for another key or by another
    certificate; a user who is not an opening official."""
    tender = await _draft(conn, world)
    for k in (1, 3):
        with pytest.raises(TenderInputInvalid):
            await committee.appoint_committee(
                conn,
                world.staff,
                tender.id,
                "1",
                k=k,
                officials=official_inputs(world.officials),
                setup=world.setup(),
            )
    fourth = await make_official(conn, world.centre, world.ca, "official4")
    same = (world.officials[0], world.officials[2], fourth)
    with pytest.raises(CommitteeRefused) as refused:
        await committee.appoint_committee(
            conn,
            world.staff,
            tender.id,
            "1",
            k=2,
            officials=official_inputs(same),
            setup=world.setup(),
        )
    codes = [v["code"] for v in refused.value.details["violations"]]
    assert codes == ["committee_single_organisation"]
    inputs = official_inputs(world.officials)
    swapped = [inputs[0], dataclasses.replace(inputs[1], recipient=inputs[2].recipient), inputs[2]]
    with pytest.raises((CommitteeRefused, TenderInputInvalid)):
        await committee.appoint_committee(
            conn, world.staff, tender.id, "1", k=2, officials=swapped, setup=world.setup()
        )
    foreign = [dataclasses.replace(inputs[0], statement=inputs[1].statement), *inputs[1:]]
    with pytest.raises(CommitteeRefused) as refused:
        await committee.appoint_committee(
            conn, world.staff, tender.id, "1", k=2, officials=foreign, setup=world.setup()
        )
    codes = {v["code"] for v in refused.value.details["violations"]}
    assert codes == {"committee_statement_invalid"}
    bidder_as_official = [
        dataclasses.replace(inputs[0], user_id=world.bidders[0].user_id),
        *inputs[1:],
    ]
    with pytest.raises(TenderInputInvalid):
        await committee.appoint_committee(
            conn,
            world.staff,
            tender.id,
            "1",
            k=2,
            officials=bidder_as_official,
            setup=world.setup(),
        )
    assert await conn.fetchval("SELECT count(*) FROM opening_officials") == 0


async def test_bidders_get_a_committee_file_that_verifies(
    conn: asyncpg.Connection, world: World
) -> None:
    """The committee file parses, its statements verify, its fingerprint was logged; a
    re-appointed committee takes no bids until approved again."""
    tender = await published_tender(conn, world)
    raw = await committee.committee_file(conn, tender.id, "1")
    parsed = load_committee(raw)
    verify_committee(parsed, world.ca.trust_store(), dt.datetime.now(dt.UTC))
    assert parsed.tender == tender.code
    assert parsed.deadline == tender.deadline
    logged = (await entries(conn, "tender.published"))[0].data["committee_fingerprints"]
    assert logged == {"1": parsed.fingerprint_hex}
    # Re-appointed after publication, the lot waits for the department again.
    await committee.appoint_committee(
        conn,
        world.staff,
        tender.id,
        "1",
        k=2,
        officials=official_inputs(world.officials),
        setup=world.setup(),
    )
    with pytest.raises(CommitteeNotApproved):
        await committee.lot_committee(conn, tender.id, "1")


async def test_the_first_bid_freezes_the_committee_once(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, world: World
) -> None:
    """freeze_committee logs once; afterwards neither the service nor SQL changes it."""
    tender = await published_tender(conn, world)
    async with conn.transaction():
        await lock_tender(conn, tender.id)
        first = await committee.freeze_committee(conn, tender.id, "1")
    async with conn.transaction():
        await lock_tender(conn, tender.id)
        again = await committee.freeze_committee(conn, tender.id, "1")
    assert first.fingerprint == again.fingerprint
    frozen = await entries(conn, "tender.committee_frozen")
    assert [e.data["committee_fingerprint"] for e in frozen] == [first.fingerprint_hex]
    with pytest.raises(CommitteeFrozen):
        await committee.appoint_committee(
            conn,
            world.staff,
            tender.id,
            "1",
            k=2,
            officials=official_inputs(world.officials),
            setup=world.setup(),
        )
    with pytest.raises(asyncpg.CheckViolationError):
        await owner_conn.execute("UPDATE opening_officials SET recipient = recipient")
    with pytest.raises(RuntimeError):
        await committee.freeze_committee(conn, tender.id, "1")  # outside a transaction
