"""Who complained stays secret in the log until the tender's deadline (docs/api-complaints.md,
"Log entries"; docs/audit-log.md §10): a complaint's entries commit to each statement's
hash under the complaint's salt, never the plain hash — a log reader who hashes every
organisation's credit code into the statements names no one. After the deadline
``complaint.statements_revealed`` opens every commitment; the readers get the salt.

The attack is the one a witness, a supervisor or a mirror could play with the public
log and the organisation list (GET /api/v1/organisations), with short texts it guesses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from signing.canonical import sha256_hex
from supervision.complaints import reveal, service
from supervision.complaints.model import Complaint
from supervision.complaints.statements import (
    complaint_statement,
    statement_commitment,
    step_statement,
)
from tender.queries import database_now
from tests.supervision.complaints.kit import (
    POLICY,
    complaint_body,
    department_identity,
    file,
    step_body,
    today,
)
from tests.tender.results.kit import Closed
from tests.tender.world import entries

COMPLAINT_TEXT = "异议答复不实。"  # short texts a reader guesses
ACCEPT_TEXT = "投诉符合受理条件，予以受理。"
WITHDRAW_TEXT = "撤回投诉。"
KINDS = ("complaint.filed", "complaint.accepted", "complaint.withdrawn")


def attribute(
    logged: Sequence[Mapping[str, Any]],
    codes: list[str],
    tender: str,
    department: str,
    known_on: str,
) -> set[str]:
    """The attack on the entries' data: each credit code's candidate statements (the
    filing, the department's acceptance naming its hash, the withdrawal), hashed; the
    codes whose hash some entry carries."""
    carried = {v for data in logged for v in data.values() if isinstance(v, str)}
    filed = logged[0]
    complaint = filed["complaint_id"]
    named = set()
    for code in codes:
        filing = sha256_hex(
            complaint_statement(
                tender=tender, complainant=code, department=department, matter=filed["matter"],
                objection="", known_on=known_on, text=COMPLAINT_TEXT,
            )
        )  # fmt: skip
        # The withdrawal names the complaint's hash: the logged one where there is one.
        logged_hash = filed.get("statement_sha256", filing)
        steps = [
            step_statement(tender=tender, complaint=complaint, complaint_sha256=sha, signer=who,
                           step=step, text=text)
            for sha, who, step, text in (
                (filing, department, "accept", ACCEPT_TEXT),
                (logged_hash, code, "withdraw", WITHDRAW_TEXT),
            )
        ]  # fmt: skip
        if {filing, *map(sha256_hex, steps)} & carried:
            named.add(code)
    return named


async def _complained(conn: asyncpg.Connection, closed: Closed) -> Complaint:
    """The second candidate complains (matter other, a short text); the department
    accepts; the complainant withdraws (a short text)."""
    signed = complaint_body(
        closed, 2, matter="other", objection_id="", known_on=await today(conn), text=COMPLAINT_TEXT
    )
    filed = await file(conn, closed, 2, signed)
    dept = await department_identity(conn, closed)
    code = closed.world.department.credit_code
    await service.take_step(
        conn, closed.supervisor, filed.id, setup=closed.setup(), policy=POLICY,
        **await step_body(conn, filed, "accept", dept, code, ACCEPT_TEXT),
    )  # fmt: skip
    mine = closed.candidates[1].credit_code
    await service.take_step(
        conn, closed.bidder(2), filed.id, setup=closed.setup(), policy=POLICY,
        **await step_body(conn, filed, "withdraw", closed.bidder_identity(2), mine, WITHDRAW_TEXT),
    )  # fmt: skip
    return filed


async def _statements(conn: asyncpg.Connection, complaint_id: UUID) -> list[bytes]:
    rows = await conn.fetch(
        "SELECT statement FROM complaints WHERE id = $1 UNION ALL"
        " SELECT statement FROM (SELECT statement FROM complaint_steps WHERE complaint_id = $1"
        " ORDER BY seq) s",
        complaint_id,
    )
    return [bytes(r["statement"]) for r in rows]


async def test_hashing_every_credit_code_names_no_complainant_until_the_reveal(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """The attack finds no one in the entries; the same attack on the plain hashes the
    entries logged before 0137 names the complainant. After the deadline the reveal
    opens each entry's commitment; before it nothing is revealed; once only."""
    filed = await _complained(conn, closed)
    logged = [e for kind in KINDS for e in await entries(conn, kind)]
    assert [e.kind for e in logged] == list(KINDS)
    codes = [r["credit_code"] for r in await conn.fetch("SELECT credit_code FROM organisations")]
    args = (codes, str(closed.tender_id), closed.world.department.credit_code)
    known_on = (await today(conn)).isoformat()
    assert attribute([e.data for e in logged], *args, known_on) == set()
    for entry in logged:
        assert "statement_sha256" not in entry.data
        assert (entry.data["format"], entry.commitments) == (2, ("statement",))
    # Control: the entries as logged before (plain hashes) name the second candidate.
    signed = await _statements(conn, filed.id)
    plain = [
        {**e.data, "statement_sha256": sha256_hex(s)} for e, s in zip(logged, signed, strict=True)
    ]
    assert attribute(plain, *args, known_on) == {closed.candidates[1].credit_code}

    # The complaint's readers hold the salt: it opens every entry's commitment.
    salt = await service.statement_salt(conn, filed)
    assert salt is not None
    for entry, statement in zip(logged, signed, strict=True):
        assert entry.data["statement"] == statement_commitment(sha256_hex(statement), salt)

    # Public once the tender's deadline has passed (the closed tender's has).
    deadline = await conn.fetchval("SELECT deadline FROM tenders WHERE id = $1", closed.tender_id)
    assert await reveal.reveal_due(conn, deadline - dt.timedelta(seconds=1)) == 0
    assert await entries(conn, "complaint.statements_revealed") == []
    assert await reveal.reveal_due(conn, await database_now(conn)) == 1
    [opened] = await entries(conn, "complaint.statements_revealed")
    assert (opened.actor.user_id, opened.actor.role) == (None, "platform")
    assert opened.data["complaint_id"] == str(filed.id)
    shown = bytes.fromhex(opened.data["salt"])
    assert [(s["seq"], s["statement_sha256"]) for s in opened.data["statements"]] == [
        (n, sha256_hex(s)) for n, s in enumerate(signed)
    ]
    for entry, item in zip(logged, opened.data["statements"], strict=True):
        assert entry.data["statement"] == statement_commitment(item["statement_sha256"], shown)
    assert await reveal.reveal_due(conn, await database_now(conn)) == 0  # once
    # The salt never changes, nor does a reveal go back (migration 0137).
    for sql in (
        "UPDATE complaint_salts SET salt = sha256(salt)",
        "UPDATE complaint_salts SET revealed_through = 0",
    ):
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute(sql)


async def test_a_complaint_filed_before_0137_is_salted_at_its_next_step(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, closed: Closed
) -> None:
    """Its filing's entry carried the plain hash (format 1): the salt is drawn at its next
    step, and the reveal lists the statements from that step on."""
    signed = complaint_body(
        closed, 2, matter="other", objection_id="", known_on=await today(conn), text=COMPLAINT_TEXT
    )
    filed = await file(conn, closed, 2, signed)
    # As before 0137: no salt (a DBA's session; the table's trigger refuses the app).
    await owner_conn.execute("SET session_replication_role = replica")
    await owner_conn.execute("DELETE FROM complaint_salts WHERE complaint_id = $1", filed.id)
    await owner_conn.execute("RESET session_replication_role")
    assert await service.statement_salt(conn, filed) is None
    dept = await department_identity(conn, closed)
    accept = await step_body(conn, filed, "accept", dept, closed.world.department.credit_code)
    await service.take_step(
        conn, closed.supervisor, filed.id, setup=closed.setup(), policy=POLICY, **accept
    )
    salt = await service.statement_salt(conn, filed)
    assert salt is not None
    [accepted] = await entries(conn, "complaint.accepted")
    sha = sha256_hex(accept["statement"])
    assert accepted.data["statement"] == statement_commitment(sha, salt)
    assert await reveal.reveal_due(conn, await database_now(conn)) == 1
    [opened] = await entries(conn, "complaint.statements_revealed")
    assert opened.data["statements"] == [{"seq": 1, "statement_sha256": sha}]
