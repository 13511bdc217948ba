"""Steps the results tests share: policy snapshots shortened, the lot publicised, the
signed statements a bidder's and the agency's clients build, what a refusal leaves."""

from __future__ import annotations

import json
from typing import Any

import asyncpg

from signing.cms import sign_detached
from tender.results import publicity as publicity_service
from tender.results.model import Publicity
from tender.results.statements import answer_statement, objection_statement
from tests.tender.results.kit import Closed
from tests.tender.world import wait_until

RESULT_TABLES = (
    "candidate_publicities",
    "candidate_objections",
    "award_decisions",
    "tender_funding",
    "result_announcements",
    "procedure_reports",
    "tender_closures",
    "supervision_alerts",
    "log_entries",
)


async def set_policies(owner_conn: asyncpg.Connection, closed: Closed, **periods: str) -> None:
    """Give the tender the policy snapshot of one published with these periods (the
    tests' way to shorten a period, never a faked clock). A published tender keeps its
    snapshot (0020's trigger), so the test's superuser writes it with triggers off."""
    async with owner_conn.transaction():
        await owner_conn.execute("SET LOCAL session_replication_role = replica")
        await owner_conn.execute(
            "UPDATE tenders SET policies = policies || $2::jsonb WHERE id = $1",
            closed.tender_id,
            json.dumps(periods),
        )


async def publicise(conn: asyncpg.Connection, closed: Closed) -> Publicity:
    """The agency publishes lot 1's candidates."""
    return await publicity_service.publish_candidates(
        conn, closed.agency, closed.tender_id, closed.lot, setup=closed.setup()
    )


async def publicise_briefly(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, closed: Closed
) -> Publicity:
    """Lot 1 publicised for 1 s, then (really) waited out: the award may follow."""
    await set_policies(owner_conn, closed, candidates_publicity_days="1s")
    done = await publicise(conn, closed)
    await wait_until(conn, done.ends_at)
    return done


def objection(
    closed: Closed, p: Publicity, rank: int, text: str = "报价低于成本"
) -> dict[str, bytes]:
    """The candidate of ``rank``'s signed objection to the lot's candidates."""
    body = objection_statement(
        tender=str(closed.tender_id), lot=closed.lot, publicity_sha256=p.sha256,
        bidder=closed.candidates[rank - 1].credit_code, text=text,
    )  # fmt: skip
    who = closed.bidder_identity(rank)
    return {"statement": body, "signature": sign_detached(body, who.certificate, who.key)}


def answer(
    closed: Closed, objection_id: str, objection_body: bytes, *, upheld: bool = False
) -> dict[str, bytes]:
    """The agency's signed answer to an objection."""
    from signing.canonical import sha256_hex

    body = answer_statement(
        tender=str(closed.tender_id), lot=closed.lot, objection=objection_id,
        objection_sha256=sha256_hex(objection_body), agency=closed.world.agency_org.credit_code,
        upheld=upheld, answer="经核查，异议不成立。",
    )  # fmt: skip
    who = closed.agency_identity
    return {"statement": body, "signature": sign_detached(body, who.certificate, who.key)}


async def footprint(conn: asyncpg.Connection, closed: Closed) -> dict[str, Any]:
    """Every results row, the alerts, the log's size and the tender's status and result
    time: what a refusal must leave as it was."""
    out: dict[str, Any] = {}
    for table in RESULT_TABLES:
        out[table] = await conn.fetchval(f"SELECT count(*) FROM {table}")
    out["current"] = await conn.fetchval("SELECT count(*) FROM award_decisions WHERE current")
    out["tender"] = tuple(
        await conn.fetchrow(
            "SELECT status, result_published_at FROM tenders WHERE id = $1", closed.tender_id
        )
    )
    out["bonds"] = await conn.fetchval(
        "SELECT count(*) FROM tender_bonds WHERE refund_due IS NOT NULL"
    )
    return out
