"""All SQL of the report: the ranking, report versions, the sealed name list, answers,
dissents and the result handed to the tender (web/db/migrations/0059).

Every statement is a named constant beside the function that runs it; the database's
refusal of a second answer becomes the report's own error here.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from evaluation.report.errors import RankingDone, ReportAnswered
from evaluation.report.model import Dissent, SealedMember


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class StoredReport:
    """One version of a session's report."""

    session_id: UUID
    version: int
    body: bytes
    sha256: str
    drafted_at: datetime
    current: bool


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Answer:
    """A member's signature of a version, or its refusal (Reg. 53)."""

    seat: int
    generation: int
    signature: bytes | None  # None: refused
    reason: str | None  # a refusal's written reason
    counted_as_agreement: bool  # a signature, or a refusal without a written reason
    at: datetime

    @property
    def signed(self) -> bool:
        """Signed (not refused)."""
        return self.signature is not None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Result:
    """A closed session's result as handed to the tender."""

    session_id: UUID
    tender_id: UUID
    lot: str
    version: int
    report_sha256: str
    candidates: tuple[UUID, ...]
    closed_at: datetime


INSERT_RANKING = """
INSERT INTO evaluation_rankings (session_id, body, sha256, ranked_at) VALUES ($1, $2, $3, $4)
"""


async def insert_ranking(
    conn: asyncpg.Connection, session_id: UUID, body: bytes, sha256: str, at: datetime
) -> None:
    """Store the announced ranking (once per session)."""
    try:
        await conn.execute(INSERT_RANKING, session_id, body, sha256, at)
    except asyncpg.UniqueViolationError as exc:
        raise RankingDone("the ranking is already announced") from exc


SELECT_RANKING = "SELECT body FROM evaluation_rankings WHERE session_id = $1"


async def ranking(conn: asyncpg.Connection, session_id: UUID) -> bytes | None:
    """The announced ranking's canonical JSON, if announced."""
    body: bytes | None = await conn.fetchval(SELECT_RANKING, session_id)
    return body


SELECT_CURRENT = """
SELECT session_id, version, body, sha256, drafted_at, current FROM evaluation_reports
WHERE session_id = $1 AND current
"""


async def current_report(conn: asyncpg.Connection, session_id: UUID) -> StoredReport | None:
    """The session's current report version, if one was drafted."""
    row = await conn.fetchrow(SELECT_CURRENT, session_id)
    return None if row is None else StoredReport(**{**dict(row), "body": bytes(row["body"])})


RETIRE_CURRENT = "UPDATE evaluation_reports SET current = false WHERE session_id = $1 AND current"

INSERT_REPORT = """
INSERT INTO evaluation_reports (session_id, version, body, sha256, drafted_at)
VALUES ($1, $2, $3, $4, $5)
"""

INSERT_MEMBER = """
INSERT INTO evaluation_report_members (session_id, version, seat, generation, user_id,
    cert_sha256, salt)
VALUES ($1, $2, $3, $4, $5, $6, $7)
"""


async def insert_report(
    conn: asyncpg.Connection,
    report: StoredReport,
    members: Sequence[SealedMember],
) -> None:
    """Retire the current version and store this one with its sealed name list."""
    await conn.execute(RETIRE_CURRENT, report.session_id)
    await conn.execute(
        INSERT_REPORT,
        report.session_id,
        report.version,
        report.body,
        report.sha256,
        report.drafted_at,
    )
    await conn.executemany(
        INSERT_MEMBER,
        [
            (
                report.session_id,
                report.version,
                m.seat,
                m.generation,
                m.user_id,
                m.cert_sha256,
                m.salt,
            )
            for m in members
        ],
    )


SELECT_MEMBERS = """
SELECT seat, generation, user_id, cert_sha256, salt FROM evaluation_report_members
WHERE session_id = $1 AND version = $2 ORDER BY seat
"""


async def sealed_members(
    conn: asyncpg.Connection, session_id: UUID, version: int
) -> list[SealedMember]:
    """The sealed name list of one version, in seat order."""
    rows = await conn.fetch(SELECT_MEMBERS, session_id, version)
    return [SealedMember(**{**dict(r), "salt": bytes(r["salt"])}) for r in rows]


SELECT_MEMBER_USERS = """
SELECT DISTINCT user_id FROM evaluation_report_members WHERE session_id = $1
"""


async def member_users(conn: asyncpg.Connection, session_id: UUID) -> frozenset[UUID]:
    """Everyone who held a seat of the session when a version of its report was drafted."""
    return frozenset(r["user_id"] for r in await conn.fetch(SELECT_MEMBER_USERS, session_id))


INSERT_SIGNATURE = """
INSERT INTO evaluation_report_signatures (session_id, version, seat, generation, signature,
    signed_at)
VALUES ($1, $2, $3, $4, $5, $6)
"""

INSERT_REFUSAL = """
INSERT INTO evaluation_report_refusals (session_id, version, seat, generation, reason,
    counted_as_agreement, refused_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
"""


async def insert_answer(
    conn: asyncpg.Connection, session_id: UUID, version: int, answer: Answer
) -> None:
    """Store a signature or a refusal; a second answer of a seat to a version is refused."""
    try:
        if answer.signature is not None:
            await conn.execute(
                INSERT_SIGNATURE,
                session_id,
                version,
                answer.seat,
                answer.generation,
                answer.signature,
                answer.at,
            )
        else:
            await conn.execute(
                INSERT_REFUSAL,
                session_id,
                version,
                answer.seat,
                answer.generation,
                answer.reason,
                answer.counted_as_agreement,
                answer.at,
            )
    except asyncpg.UniqueViolationError as exc:
        raise ReportAnswered(f"seat {answer.seat} already answered this version") from exc


SELECT_ANSWERS = """
SELECT seat, generation, signature, NULL::text AS reason, true AS counted_as_agreement,
    signed_at AS at
FROM evaluation_report_signatures WHERE session_id = $1 AND version = $2
UNION ALL
SELECT seat, generation, NULL::bytea, reason, counted_as_agreement, refused_at
FROM evaluation_report_refusals WHERE session_id = $1 AND version = $2
ORDER BY seat
"""


async def answers(conn: asyncpg.Connection, session_id: UUID, version: int) -> list[Answer]:
    """Every signature and refusal of one version, in seat order."""
    rows = await conn.fetch(SELECT_ANSWERS, session_id, version)
    return [
        Answer(
            **{**dict(r), "signature": None if r["signature"] is None else bytes(r["signature"])}
        )
        for r in rows
    ]


INSERT_DISSENT = """
INSERT INTO evaluation_dissents (session_id, seat, generation, text, at) VALUES ($1, $2, $3, $4, $5)
"""


async def insert_dissent(conn: asyncpg.Connection, session_id: UUID, dissent: Dissent) -> None:
    """Store a member's dissent."""
    await conn.execute(
        INSERT_DISSENT, session_id, dissent.seat, dissent.generation, dissent.text, dissent.at
    )


SELECT_DISSENTS = """
SELECT seat, generation, text, at FROM evaluation_dissents WHERE session_id = $1 ORDER BY at, seat
"""


async def dissents(conn: asyncpg.Connection, session_id: UUID) -> list[Dissent]:
    """Every dissent of the session, oldest first."""
    return [Dissent(**dict(r)) for r in await conn.fetch(SELECT_DISSENTS, session_id)]


INSERT_RESULT = """
INSERT INTO evaluation_results (session_id, tender_id, lot, version, report_sha256, candidates,
    closed_at)
VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
"""


async def insert_result(conn: asyncpg.Connection, result: Result) -> None:
    """Store the closed session's result (once per session and per lot)."""
    await conn.execute(
        INSERT_RESULT,
        result.session_id,
        result.tender_id,
        result.lot,
        result.version,
        result.report_sha256,
        json.dumps([str(c) for c in result.candidates]),
        result.closed_at,
    )


SELECT_RESULT = """
SELECT session_id, tender_id, lot, version, report_sha256, candidates::text, closed_at
FROM evaluation_results WHERE session_id = $1
"""

SELECT_TENDER_RESULTS = """
SELECT session_id, tender_id, lot, version, report_sha256, candidates::text, closed_at
FROM evaluation_results WHERE tender_id = $1 ORDER BY lot
"""


def _result(row: asyncpg.Record) -> Result:
    values = dict(row)
    values["candidates"] = tuple(UUID(c) for c in json.loads(values.pop("candidates")))
    return Result(**values)


async def result(conn: asyncpg.Connection, session_id: UUID) -> Result | None:
    """The session's result, once it closed."""
    row = await conn.fetchrow(SELECT_RESULT, session_id)
    return None if row is None else _result(row)


async def tender_results(conn: asyncpg.Connection, tender_id: UUID) -> list[Result]:
    """The results of every closed session of a tender's lots."""
    return [_result(r) for r in await conn.fetch(SELECT_TENDER_RESULTS, tender_id)]
