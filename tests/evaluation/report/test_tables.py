"""The report's tables refuse what the rules forbid even if Python had a bug (0059).

EBM 49: no one may forge, alter or destroy records. The application role cannot change
or delete a signature, a refusal, a dissent, a ranking or a result; it may only retire
a report version (its ``current`` flag), and a seat answers a version once.
"""

from __future__ import annotations

import asyncpg
import pytest

from evaluation.report import queries
from evaluation.report.errors import ReportAnswered
from evaluation.report.queries import Answer
from signing.cms import sign_detached
from tests.evaluation.report.kit import Kit, b64url


async def signed(kit: Kit) -> queries.StoredReport:
    await kit.run("rank", kit.person(1).actor)
    await kit.run("draft_report", kit.person(1).actor)
    report = await queries.current_report(kit.conn, kit.state.id)
    assert report is not None
    who = kit.person(2).identity
    signature = sign_detached(report.body, who.certificate, who.key, chain=who.chain)
    await kit.run(
        "sign_report",
        kit.person(2).actor,
        {"sha256": report.sha256, "signature": b64url(signature)},
    )
    await kit.run("refuse_report", kit.person(3).actor, {})
    await kit.run("dissent", kit.person(4).actor, {"text": "不同意"})
    return report


CHANGES = [
    "UPDATE evaluation_report_signatures SET signature = '\\x00'",
    "DELETE FROM evaluation_report_signatures",
    "UPDATE evaluation_report_refusals SET counted_as_agreement = false, reason = 'x'",
    "DELETE FROM evaluation_report_refusals",
    "UPDATE evaluation_dissents SET text = 'x'",
    "DELETE FROM evaluation_dissents",
    "UPDATE evaluation_rankings SET body = '\\x00'",
    "DELETE FROM evaluation_report_members",
    "UPDATE evaluation_reports SET body = '\\x00'",
    "DELETE FROM evaluation_reports",
]


@pytest.mark.parametrize("statement", CHANGES)
async def test_the_app_role_cannot_change_or_delete_report_records(
    kit: Kit, statement: str
) -> None:
    await signed(kit)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await kit.conn.execute(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE evaluation_report_signatures SET signature = '\\x00'",
        "DELETE FROM evaluation_dissents",
        "UPDATE evaluation_reports SET current = true",
        "UPDATE evaluation_reports SET body = body || '\\x00'::bytea, current = false",
        "DELETE FROM evaluation_reports",
    ],
)
async def test_even_the_owner_cannot_rewrite_a_report_record(
    kit: Kit, owner_conn: asyncpg.Connection, statement: str
) -> None:
    """The triggers hold against the database owner too (only retiring is allowed)."""
    await signed(kit)
    before = await owner_conn.fetchval("SELECT count(*) FROM evaluation_reports")
    with pytest.raises(asyncpg.CheckViolationError):
        await owner_conn.execute(statement)
    assert await owner_conn.fetchval("SELECT count(*) FROM evaluation_reports") == before


async def test_a_body_whose_hash_is_not_its_sha256_is_refused(kit: Kit) -> None:
    await signed(kit)
    with pytest.raises(asyncpg.CheckViolationError):
        await kit.conn.execute(
            "INSERT INTO evaluation_reports (session_id, version, body, sha256, drafted_at) "
            "VALUES ($1, 9, 'x', repeat('0', 64), now())",
            kit.state.id,
        )


async def test_a_seat_answers_a_version_once_in_the_database_too(kit: Kit) -> None:
    """Signing after refusing (or the reverse) is refused by the trigger as well."""
    await signed(kit)
    now = await kit.conn.fetchval("SELECT clock_timestamp()")
    answer = Answer(
        seat=3, generation=1, signature=b"\x30", reason=None, counted_as_agreement=True, at=now
    )
    with pytest.raises(ReportAnswered):
        async with kit.conn.transaction():
            await queries.insert_answer(kit.conn, kit.state.id, 1, answer)
