"""The package of a tender whose evaluation closed holds the evaluation's record: every
report version, each member's signature as of its time, who signed, the hand-over —
and the opening records of both envelopes (issue 13, item 7)."""

from __future__ import annotations

import json

import asyncpg

from expert_pool.publication.service import publish_draws
from signing.archive.package import read_package
from signing.archive.verify import verify_package
from tender import lifecycle
from tender.archive import service
from tender.blobs.store import LocalBlobStore
from tender.model import TenderStatus
from tender.queries import database_now
from tender.submission.receipts import load_or_create
from tests.tender.archive.kit import LOG, witness_cosigns
from tests.tender.results.kit import Closed


async def test_a_closed_evaluations_record_is_archived_and_verifies(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    data = closed.template.data_dir
    ctx = service.Archiving(
        trust=closed.ca.trust_store(), platform=load_or_create(data), log=LOG,
        blobs=LocalBlobStore(data / "blobs"),
        platform_roots=(load_or_create(data / "platform").root,),
    )  # fmt: skip
    # The award publishes the draw (docs/formats/draw.md §13): only then do the members'
    # signatures, which name them, go in (test_sealed_committee.py has the other case).
    await publish_draws(conn, closed.tender_id, await database_now(conn))
    await witness_cosigns(conn)
    await lifecycle.change_status(conn, closed.tender_id, TenderStatus.FAILED, reason="测试")
    built = await service.build(conn, closed.tender_id, ctx)
    verified = verify_package(built.package)
    files = {f.path: f for f in verified.manifest.files}
    reports = {f.sha256 for f in files.values() if f.kind == "evaluation_report"}
    assert closed.report_sha256 in reports
    seats = [s for s in verified.manifest.signatures if ".seat-" in s.signature]
    signed = await conn.fetchval("SELECT count(*) FROM evaluation_report_signatures")
    assert len(seats) == signed > 0
    assert {"evaluation_records", "opening_record"} <= {f.kind for f in files.values()}
    [records] = [p for p, f in files.items() if f.kind == "evaluation_records"]
    session = json.loads(read_package(built.package)[records])
    assert {"members", "declarations", "ranking", "report_members", "result"} <= set(session)
    parts = {p.rsplit("record-", 1)[1] for p, f in files.items() if f.kind == "opening_record"}
    assert parts == {"technical.json", "commercial.json"}
