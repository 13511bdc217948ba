"""A tender whose evaluation closed for real, built once per test process (issue 13).

The opened lot of tests/evaluation/template.py is cloned into a database of its own, its
lot 1 session is scheduled and driven through the room to its close
(tests/web/evaluation/closing.py ``to_closed``: real sheets, the real commercial opening,
every member's signature over the report): the evaluation hands the candidates over
and the tender's status is ``candidates``. Each bidder's bond is then recorded through
the bonds' own insert (the bonds are recorded before the opening; the opened lot has
none). tests/conftest.py registers this module once for the whole tree
(``pytest_plugins``) so that the template is built once; tests/tender/results/kit.py
clones it per test.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import asyncpg
import pytest

from accounts.model import Actor
from signing.certs import Identity
from signing.log.entry import new_salt
from tender.bonds import queries as bond_queries
from tender.bonds.model import BondKind
from tender.lifecycle import load
from tender.model import TenderStatus
from tender.opening.record import parse_record
from tender.submission.receipts import load_or_create
from tests.conftest import CloneDatabase, PgServer
from tests.evaluation.kit import session_world
from tests.evaluation.template import Template as EvaluationTemplate
from tests.tender.world import bidder_identity, register_certificate
from tests.web.evaluation.closing import copy_data, to_closed
from web.db.database import open_pool


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Candidate:
    """A ranked candidate of the lot, as the evaluation handed it over."""

    rank: int  # 1 = best
    bid_id: UUID
    bidder_id: UUID  # the bidder organisation
    bidder_name: str
    credit_code: str
    price_fen: int
    # The bid's opening-form fields as the lot's opening record shows them (price,
    # duration, quality, project_manager — the opened lot's bids seal price and
    # duration only, so quality and project_manager are absent here).
    fields: Mapping[str, Any]
    bond_id: UUID


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ResultsTemplate:
    """The closed tender, built once, in a database each test clones."""

    name: str
    evaluation: EvaluationTemplate
    data_dir: Path  # blobs, opened parts (<data>/opened), the platform's key
    tender_id: UUID
    lot: str
    session_id: UUID
    report_sha256: str
    closed_at: dt.datetime
    candidates: tuple[Candidate, ...]  # best first
    signer: Identity  # the platform's signing identity (receipts, opening record)
    # The agency user's signing certificate (its organisation's credit code), registered
    # on the platform like a bidder's: the agency signs what it answers.
    agency_identity: Identity


async def _candidates(
    conn: asyncpg.Connection, tender_id: UUID, lot: str, ids: list[UUID]
) -> list[dict[str, Any]]:
    """Each candidate's bidder and opening-form fields (the commercial record's, over
    the technical one's: the price is opened with the commercial part)."""
    rows = await conn.fetch(
        """SELECT b.id, b.bidder_id, b.lot_id, o.name, o.credit_code
           FROM bids b JOIN organisations o ON o.id = b.bidder_id WHERE b.id = ANY($1)""",
        ids,
    )
    by_id = {r["id"]: r for r in rows}
    records = await conn.fetch(
        "SELECT part, body FROM opening_records WHERE tender_id = $1 ORDER BY part DESC",
        tender_id,
    )  # "technical" before "commercial": the commercial fields win
    fields: dict[str, dict[str, Any]] = {}
    for record in records:
        for entry in parse_record(bytes(record["body"]))["entries"]:
            fields.setdefault(entry["bidder"], {}).update(entry["fields"])
    return [
        {
            "rank": n,
            "bid_id": bid,
            "bidder_id": by_id[bid]["bidder_id"],
            "lot_id": by_id[bid]["lot_id"],
            "bidder_name": by_id[bid]["name"],
            "credit_code": by_id[bid]["credit_code"],
            "fields": fields.get(by_id[bid]["credit_code"], {}),
        }
        for n, bid in enumerate(ids, start=1)
    ]


async def _build(
    conn: asyncpg.Connection, evaluation: EvaluationTemplate, root: Path
) -> ResultsTemplate:
    w = await session_world(conn, evaluation)
    data_dir = copy_data(evaluation, root)
    await to_closed(conn, w, data_dir)
    tender_id = evaluation.scenario.tender.id
    assert (await load(conn, tender_id)).status is TenderStatus.CANDIDATES
    result = await conn.fetchrow(
        "SELECT session_id, lot, report_sha256, candidates::text, closed_at "
        "FROM evaluation_results WHERE tender_id = $1",
        tender_id,
    )
    assert result is not None
    ids = [UUID(c) for c in json.loads(result["candidates"])]
    assert len(ids) == 3, ids
    candidates = []
    staff: Actor = evaluation.scenario.world.staff
    paid_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    for found in await _candidates(conn, tender_id, result["lot"], ids):
        # The bond as the centre's finance staff record it (tender/bonds/service.py
        # record_bond, through its own insert: that use case takes bonds only until the
        # opening, and this lot was opened without any).
        bond_id = await bond_queries.insert_bond(
            conn, tender_id=tender_id, lot_id=found["lot_id"], bidder_id=found["bidder_id"],
            kind=BondKind.GUARANTEE, amount_fen=10_000_00, paid_at=paid_at,
            paying_account=None, guarantee_no=f"BH-{found['rank']:04d}", issuer="某某银行",
            recorded_by=staff.user_id, salt=new_salt(),
        )  # fmt: skip
        fields = found["fields"]
        candidates.append(
            Candidate(
                rank=found["rank"],
                bid_id=found["bid_id"],
                bidder_id=found["bidder_id"],
                bidder_name=found["bidder_name"],
                credit_code=found["credit_code"],
                price_fen=int(fields["price"]),
                fields=dict(fields),
                bond_id=bond_id,
            )
        )
    world = evaluation.scenario.world
    agency_identity = bidder_identity(world.ca, world.agency_org, "代理机构经办人")
    await register_certificate(conn, world.agency.user_id, agency_identity)
    return ResultsTemplate(
        name="", evaluation=evaluation, data_dir=data_dir, tender_id=tender_id,
        lot=result["lot"], session_id=result["session_id"],
        report_sha256=result["report_sha256"], closed_at=result["closed_at"],
        candidates=tuple(candidates), signer=load_or_create(data_dir / "platform").identity,
        agency_identity=agency_identity,
    )  # fmt: skip


@pytest.fixture(scope="session")
async def results_template(
    pg_server: PgServer,
    evaluation_template: EvaluationTemplate,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[ResultsTemplate]:
    """The closed tender in a database of its own (once per test process)."""
    name = f"etender_results_{secrets.token_hex(4)}"
    await pg_server.admin(
        f"CREATE DATABASE {name} TEMPLATE {evaluation_template.name} STRATEGY WAL_LOG"
    )
    pool = await open_pool(CloneDatabase(pg_server, name).app_dsn, min_size=1, max_size=4)
    try:
        async with pool.acquire() as conn:
            root = tmp_path_factory.mktemp("results")
            built = await _build(cast(asyncpg.Connection, conn), evaluation_template, root)
    finally:
        await pool.close()  # a template database has no connection when it is cloned
    yield dataclasses.replace(built, name=name)
    await pg_server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
