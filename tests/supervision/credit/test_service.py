"""Credit use cases and their refusals (issue 14, item 2 and "Bad input"): a clear error,
and nothing changed — no row, no log entry."""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from accounts.model import Actor
from supervision.credit import records
from supervision.credit import service as credit
from supervision.credit.errors import (
    CreditAppealDecided,
    CreditAppealNotYours,
    CreditAppealPending,
    CreditEntryBasisMissing,
    CreditEntryExists,
    CreditEntryTermInvalid,
    CreditInputInvalid,
    PartyBlacklisted,
    SanctionFindingMissing,
    ViolationFindingMissing,
)
from supervision.credit.model import AppealState, Gate
from supervision.parties.errors import PartyNotFound
from tender.queries import database_now
from tests.accounts.factory import COMMITTED_LOG_ENTRIES
from tests.supervision.credit.kit import blacklist, logged
from tests.tender.world import World

TABLES = ("violations", "sanctions", "credit_list_entries", "credit_appeals")


async def _counts(conn: asyncpg.Connection) -> tuple[int, ...]:
    sizes = [await conn.fetchval(f"SELECT count(*) FROM {t}") for t in TABLES]
    return (*sizes, await conn.fetchval(COMMITTED_LOG_ENTRIES))  # queued ones too


async def _violation(conn: asyncpg.Connection, world: World) -> uuid.UUID:
    now = await database_now(conn)
    found = await credit.record_violation(
        conn, world.supervisor, organisation_id=world.bidder_orgs[0].id, kind="false_documents",
        description="提供虚假业绩", finding_source="complaint", finding_ref="投诉〔2026〕3号",
        found_at=now, now=now,
    )  # fmt: skip
    return found.id


async def test_a_violation_without_a_finding_is_refused_and_nothing_is_written(
    conn: asyncpg.Connection, world: World
) -> None:
    before, now = await _counts(conn), await database_now(conn)
    for source, ref in ((None, "检查〔2026〕1号"), ("inspection", None), ("inspection", "  ")):
        with pytest.raises(ViolationFindingMissing):
            await credit.record_violation(
                conn, world.supervisor, organisation_id=world.bidder_orgs[0].id,
                kind="collusion", description="串通", finding_source=source, finding_ref=ref,
                found_at=now, now=now,
            )  # fmt: skip
    assert await _counts(conn) == before


async def test_a_sanction_without_a_finding_is_refused_and_nothing_is_written(
    conn: asyncpg.Connection, world: World
) -> None:
    await _violation(conn, world)
    before, now = await _counts(conn), await database_now(conn)
    with pytest.raises(SanctionFindingMissing) as refused:
        await credit.impose_sanction(
            conn, world.supervisor, violation_id=None, kind="warning", detail="警告",
            starts_at=now, now=now,
        )  # fmt: skip
    assert refused.value.status == 422
    assert refused.value.details == {"field": "violation_id"}
    assert await _counts(conn) == before


async def test_a_sanction_rests_on_its_violation_and_is_logged(
    conn: asyncpg.Connection, world: World
) -> None:
    violation_id, now = await _violation(conn, world), await database_now(conn)
    fine = await credit.impose_sanction(
        conn, world.supervisor, violation_id=violation_id, kind="fine", detail="罚款",
        amount_fen=500_000, starts_at=now, now=now,
    )  # fmt: skip
    assert fine.violation_id == violation_id
    assert [e["subject"]["id"] for e in await logged(conn, "credit.sanction_imposed")] == [
        str(fine.id)
    ]


async def test_an_unknown_party_is_refused_and_nothing_is_written(
    conn: asyncpg.Connection, world: World
) -> None:
    before, now = await _counts(conn), await database_now(conn)
    for who in (uuid.uuid4(), world.department.id):  # no one; not a market party
        with pytest.raises(PartyNotFound):
            await credit.record_violation(
                conn, world.supervisor, organisation_id=who, kind="collusion",
                description="串通", finding_source="inspection", finding_ref="检查〔2026〕1号",
                found_at=now, now=now,
            )  # fmt: skip
        with pytest.raises(PartyNotFound):
            await credit.enter_list(
                conn, world.supervisor, list_kind="red", organisation_id=who, source="authority",
                basis="守信激励", basis_ref="表彰〔2026〕1号", starts_at=now,
                ends_at=now + dt.timedelta(days=30), now=now,
            )  # fmt: skip
    assert await _counts(conn) == before


async def test_a_list_entry_ending_before_it_starts_is_refused_and_nothing_is_written(
    conn: asyncpg.Connection, world: World
) -> None:
    violation_id = await _violation(conn, world)
    before, now = await _counts(conn), await database_now(conn)
    with pytest.raises(CreditEntryTermInvalid):
        await credit.enter_list(
            conn, world.supervisor, list_kind="black", violation_id=violation_id,
            basis="虚假材料", basis_ref="宣建罚〔2026〕9号", starts_at=now,
            ends_at=now - dt.timedelta(days=1), now=now,
        )  # fmt: skip
    with pytest.raises(CreditEntryBasisMissing):
        await credit.enter_list(
            conn, world.supervisor, list_kind="black", organisation_id=world.bidder_orgs[0].id,
            source="inspection", basis="虚假材料", basis_ref="宣建罚〔2026〕9号",
            starts_at=now, ends_at=now + dt.timedelta(days=1), now=now,
        )  # fmt: skip
    assert await _counts(conn) == before


async def test_only_a_supervisor_records_credit(conn: asyncpg.Connection, world: World) -> None:
    before, now = await _counts(conn), await database_now(conn)
    for actor in (world.staff, world.agency, world.bidders[0]):
        with pytest.raises(PermissionDenied):
            await credit.record_violation(
                conn, actor, organisation_id=world.bidder_orgs[1].id, kind="collusion",
                description="串通", finding_source="inspection", finding_ref="检查〔2026〕1号",
                found_at=now, now=now,
            )  # fmt: skip
    assert await _counts(conn) == before


async def test_the_listed_party_appeals_and_a_supervisor_of_its_department_decides(
    conn: asyncpg.Connection, world: World, other_supervisor: Actor
) -> None:
    """An appeal by another party is refused; a supervisor of another department may not
    decide; an upheld appeal revokes the entry, which then refuses nobody."""
    entry = await blacklist(conn, world.supervisor, world.bidder_orgs[0].id)
    now = await database_now(conn)
    before = await _counts(conn)
    with pytest.raises(CreditAppealNotYours):
        await credit.file_appeal(conn, world.bidders[1], entry.id, "与我无关", now)
    assert await _counts(conn) == before
    appeal = await credit.file_appeal(conn, world.bidders[0], entry.id, "处罚决定已撤销", now)
    with pytest.raises(CreditAppealPending):
        await credit.file_appeal(conn, world.bidders[0], entry.id, "再次申诉", now)
    with pytest.raises(PermissionDenied) as refused:
        await credit.decide_appeal(conn, other_supervisor, appeal.id, "upheld", "同意", now)
    assert refused.value.details["department_id"] == str(world.department.id)  # type: ignore[index]
    with pytest.raises(PartyBlacklisted):
        await credit.require_not_blacklisted(conn, world.bidder_orgs[0].id, Gate.SUBMIT_BID, now)
    done = await credit.decide_appeal(
        conn, world.supervisor, appeal.id, "upheld", "决定已撤销", now
    )
    assert done.decision is not None
    with pytest.raises(CreditAppealDecided):
        await credit.decide_appeal(conn, world.supervisor, appeal.id, "dismissed", "改判", now)
    later = await database_now(conn)
    await credit.require_not_blacklisted(conn, world.bidder_orgs[0].id, Gate.SUBMIT_BID, later)
    row = await conn.fetchrow(
        "SELECT appeal_state, revoked_at FROM credit_list_entries WHERE id = $1", entry.id
    )
    assert row["appeal_state"] == AppealState.UPHELD
    assert row["revoked_at"] is not None
    kinds = [e["data"]["decision"] for e in await logged(conn, "credit.appeal_decided")]
    assert kinds == ["upheld"]


async def test_the_database_refuses_rewriting_a_violation_or_an_entry(
    conn: asyncpg.Connection, world: World
) -> None:
    entry = await blacklist(conn, world.supervisor, world.bidder_orgs[0].id)
    with pytest.raises(asyncpg.CheckViolationError):
        await conn.execute("UPDATE violations SET finding_ref = 'x'")
    with pytest.raises(asyncpg.CheckViolationError):
        await conn.execute(
            "UPDATE credit_list_entries SET ends_at = ends_at + interval '1 day' WHERE id = $1",
            entry.id,
        )
    with pytest.raises(asyncpg.CheckViolationError):
        await conn.execute("DELETE FROM credit_list_entries WHERE id = $1", entry.id)


async def test_a_violation_has_one_entry_per_list_and_an_upheld_appeal_stands(
    conn: asyncpg.Connection, world: World
) -> None:
    """Outside tester, M1: a second black entry on the same violation stacked it, and one
    entered again after the upheld appeal undid the appeal. Both are refused now."""
    entry = await blacklist(conn, world.supervisor, world.bidder_orgs[0].id)
    now = await database_now(conn)

    async def again() -> None:
        await credit.enter_list(
            conn, world.supervisor, list_kind="black", violation_id=entry.violation_id,
            basis="再次列入", basis_ref="宣建罚〔2026〕13号", starts_at=now,
            ends_at=now + dt.timedelta(days=30), now=now,
        )  # fmt: skip

    before = await _counts(conn)
    with pytest.raises(CreditEntryExists):
        await again()
    appeal = await credit.file_appeal(conn, world.bidders[0], entry.id, "决定已撤销", now)
    await credit.decide_appeal(conn, world.supervisor, appeal.id, "upheld", "同意", now)
    before = await _counts(conn)
    with pytest.raises(CreditEntryExists) as refused:
        await again()
    assert refused.value.details == {"entry_id": str(entry.id)}
    assert await _counts(conn) == before


async def test_an_authoritys_entry_on_a_registered_partys_code_is_that_partys(
    conn: asyncpg.Connection, world: World
) -> None:
    """Outside tester, M2: the party could neither read nor appeal it. Named by its code,
    the entry is bound to the registered party, which appeals it."""
    now = await database_now(conn)
    party = world.bidder_orgs[1]
    entry = await credit.enter_list(
        conn, world.supervisor, list_kind="black", source="authority",
        credit_code=party.credit_code.lower(), basis="省厅失信名单", basis_ref="皖建〔2026〕1号",
        starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(days=30), now=now,
    )  # fmt: skip
    assert (entry.organisation_id, entry.credit_code) == (party.id, party.credit_code)
    appeal = await credit.file_appeal(conn, world.bidders[1], entry.id, "已移出名单", now)
    assert appeal.entry_id == entry.id


async def test_a_violation_found_in_the_future_is_refused_and_nothing_is_written(
    conn: asyncpg.Connection, world: World
) -> None:
    before, now = await _counts(conn), await database_now(conn)
    with pytest.raises(CreditInputInvalid) as refused:
        await credit.record_violation(
            conn, world.supervisor, organisation_id=world.bidder_orgs[0].id,
            kind="collusion", description="串通", finding_source="inspection",
            finding_ref="检查〔2026〕1号", found_at=now + dt.timedelta(days=1), now=now,
        )  # fmt: skip
    assert refused.value.details == {"field": "found_at"}
    assert await _counts(conn) == before


async def test_the_party_search_is_a_plain_substring_not_a_like_pattern(
    conn: asyncpg.Connection, world: World
) -> None:
    """ "%" and "_" match themselves: typing them lists no one, a name part finds its party."""
    for pattern in ("%", "_", "%%"):
        assert await records.registry(conn, world.supervisor, search=pattern) == []
    name = world.bidder_orgs[0].name
    found = await records.registry(conn, world.supervisor, search=name[1:4])
    assert world.bidder_orgs[0].id in {p.id for p in found}


async def test_a_refused_party_retrying_is_logged_once_a_day_and_counted_every_time(
    conn: asyncpg.Connection, world: World
) -> None:
    """The log grows by one entry per (entry, action, actor, Beijing day), not per try."""
    party, bidder = world.bidder_orgs[0].id, world.bidders[0]
    entry = await blacklist(conn, world.supervisor, party)
    now = await database_now(conn)
    tries = [
        (Gate.SUBMIT_BID, now), (Gate.SUBMIT_BID, now), (Gate.SUBMIT_BID, now),
        (Gate.DOWNLOAD_DOCUMENTS, now), (Gate.SUBMIT_BID, now + dt.timedelta(days=1)),
    ]  # fmt: skip
    for action, at in tries:
        with pytest.raises(PartyBlacklisted):
            await credit.require_not_blacklisted(conn, party, action, at, actor=bidder)
    logged_actions = [e["data"]["action"] for e in await logged(conn, "credit.blacklisted_refused")]
    assert logged_actions == ["submit_bid", "download_documents", "submit_bid"]
    attempts = await conn.fetch(
        "SELECT action, attempts FROM credit_refusals WHERE entry_id = $1 ORDER BY day, action",
        entry.id,
    )
    assert [(r["action"], r["attempts"]) for r in attempts] == [
        ("download_documents", 1), ("submit_bid", 3), ("submit_bid", 1),
    ]  # fmt: skip
