"""Steps the complaints tests share: an answered objection to the candidates, the signed
statements a complainant's and the department's clients build, the department's
registered certificate, and what a refusal must leave as it was."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from signing.canonical import sha256_hex
from signing.certs import Identity
from signing.cms import sign_detached
from supervision.complaints import service
from supervision.complaints.model import Complaint, ComplaintPolicy, load_policy
from supervision.complaints.statements import complaint_statement, step_statement
from tender.calendar import local_date
from tender.queries import database_now
from tender.results import objections
from tender.results.model import CandidateObjection
from tests.accounts.factory import count_sql
from tests.tender.results.kit import Closed
from tests.tender.results.steps import answer, objection, publicise
from tests.tender.world import bidder_identity, register_certificate

POLICY = load_policy()
TABLES = (
    "complaints",
    "complaint_steps",
    "tender_suspensions",
    "supervision_alerts",
    "log_entries",
)


async def today(conn: asyncpg.Connection) -> date:
    return local_date(await database_now(conn))


async def objected(
    conn: asyncpg.Connection, closed: Closed, rank: int = 2, *, answered: bool = True
) -> tuple[CandidateObjection, bytes]:
    """The candidate of ``rank`` objects to the candidates (Reg. 54); the agency answers."""
    signed = objection(closed, await publicise(conn, closed), rank)
    filed = await objections.file_objection(
        conn, closed.bidder(rank), closed.tender_id, closed.lot, setup=closed.setup(), **signed
    )
    if answered:
        await objections.answer_objection(
            conn, closed.agency, closed.tender_id, filed.id, setup=closed.setup(),
            **answer(closed, str(filed.id), signed["statement"]),
        )  # fmt: skip
    return filed, signed["statement"]


def complaint_body(
    closed: Closed,
    rank: int,
    *,
    matter: str,
    objection_id: str,
    known_on: date,
    text: str = "中标候选人业绩造假，异议答复不实。",
) -> dict[str, bytes]:
    """The candidate of ``rank``'s signed complaint."""
    body = complaint_statement(
        tender=str(closed.tender_id), complainant=closed.candidates[rank - 1].credit_code,
        department=closed.world.department.credit_code, matter=matter,
        objection=objection_id, known_on=known_on.isoformat(), text=text,
    )  # fmt: skip
    who = closed.bidder_identity(rank)
    return {"statement": body, "signature": sign_detached(body, who.certificate, who.key)}


async def department_identity(conn: asyncpg.Connection, closed: Closed) -> Identity:
    """The supervisor's registered certificate carrying the department's credit code."""
    identity = bidder_identity(closed.ca, closed.world.department, "住建局监督员")
    await register_certificate(conn, closed.supervisor.user_id, identity)
    return identity


async def statement_of(conn: asyncpg.Connection, complaint_id: UUID) -> bytes:
    return bytes(
        await conn.fetchval("SELECT statement FROM complaints WHERE id = $1", complaint_id)
    )


async def step_body(
    conn: asyncpg.Connection,
    complaint: Complaint,
    step: str,
    signer: Identity,
    code: str,
    text: str = "经审查，依法处理。",
) -> dict[str, bytes]:
    """A signed step of the complaint by ``signer`` (whose organisation's code is ``code``)."""
    body = step_statement(
        tender=str(complaint.tender_id), complaint=str(complaint.id),
        complaint_sha256=sha256_hex(await statement_of(conn, complaint.id)), signer=code,
        step=step, text=text,
    )  # fmt: skip
    return {"statement": body, "signature": sign_detached(body, signer.certificate, signer.key)}


async def file(
    conn: asyncpg.Connection, closed: Closed, rank: int, signed: dict[str, bytes]
) -> Complaint:
    return await service.file_complaint(
        conn, closed.bidder(rank), closed.tender_id, setup=closed.setup(), policy=POLICY,
        **signed,
    )  # fmt: skip


async def filed_complaint(conn: asyncpg.Connection, closed: Closed, rank: int = 2) -> Complaint:
    """The candidate of ``rank`` objected, was answered and complains (in time)."""
    filed, _ = await objected(conn, closed, rank)
    signed = complaint_body(
        closed, rank, matter="candidates", objection_id=str(filed.id), known_on=await today(conn)
    )
    return await file(conn, closed, rank, signed)


async def footprint(conn: asyncpg.Connection) -> dict[str, Any]:
    """Counts of every table a complaint writes, and the complaints' statuses."""
    # count_sql: the log's committed entries, queued ones too (a web test's app integrates)
    out: dict[str, Any] = {t: await conn.fetchval(count_sql(t)) for t in TABLES}
    out["statuses"] = [tuple(r) for r in await conn.fetch("SELECT id, status FROM complaints")]
    return out


def policy(**periods: str) -> ComplaintPolicy:
    """The shipped periods with some shortened (the tests' way, never a faked clock)."""
    return ComplaintPolicy.from_json(POLICY.to_json() | periods)
