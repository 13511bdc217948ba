"""Until the award publishes a draw, the package keeps its committee secret.

docs/formats/draw.md §13: "A draw is secret until the tender's award, and the award is
the only way it becomes public" — and the agency reads the package. A tender that ends
without an award (failed, cancelled) never publishes its draws, so no file of its
package may say who sat (user ids, names, certificates) or hold the salts that open the
draw's and the session's log commitments (docs/formats/archive.md §4).
"""

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

SECRETS = """
SELECT m.user_id::text AS value FROM evaluation_members m
UNION SELECT encode(m.salt, 'hex') FROM evaluation_members m
UNION SELECT u.display_name FROM evaluation_members m JOIN users u ON u.id = m.user_id
UNION SELECT u.username FROM evaluation_members m JOIN users u ON u.id = m.user_id
UNION SELECT e.id FROM evaluation_members m JOIN experts e ON e.user_id = m.user_id
UNION SELECT e.name FROM evaluation_members m JOIN experts e ON e.user_id = m.user_id
UNION SELECT r.user_id::text FROM evaluation_report_members r
UNION SELECT encode(r.salt, 'hex') FROM evaluation_report_members r
UNION SELECT r.cert_sha256 FROM evaluation_report_members r
"""


async def _build(conn: asyncpg.Connection, closed: Closed) -> service.Archive:
    data = closed.template.data_dir
    ctx = service.Archiving(
        trust=closed.ca.trust_store(), platform=load_or_create(data), log=LOG,
        blobs=LocalBlobStore(data / "blobs"),
        platform_roots=(load_or_create(data / "platform").root,),
    )  # fmt: skip
    await witness_cosigns(conn)
    return await service.build(conn, closed.tender_id, ctx)


async def test_a_package_of_a_tender_never_awarded_names_no_member_of_the_committee(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    secrets = {r["value"] for r in await conn.fetch(SECRETS)}
    assert len(secrets) > 4  # the kit's committee sat and signed
    await lifecycle.change_status(conn, closed.tender_id, TenderStatus.CANCELLED, reason="测试")
    built = await _build(conn, closed)
    verified = verify_package(built.package)
    members = read_package(built.package)
    leaks = {
        (path, secret)
        for path, data in members.items()
        for secret in secrets
        if secret.encode() in data or secret.upper().encode() in data
    }
    assert leaks == set()
    assert [s for s in verified.manifest.signatures if ".seat-" in s.signature] == []
    [records] = [f.path for f in verified.manifest.files if f.kind == "evaluation_records"]
    session = json.loads(members[records])
    assert session["members"]
    assert all({"user_id", "salt", "venue_id"}.isdisjoint(m) for m in session["members"])
    assert all({"user_id", "cert_sha256", "salt"}.isdisjoint(m) for m in session["report_members"])


async def test_once_the_award_published_the_draw_the_package_names_the_committee(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """The award's publication makes the committee public: the package then holds who
    sat and each member's signature over the report, as of its time."""
    published = await publish_draws(conn, closed.tender_id, await database_now(conn))
    assert published
    await lifecycle.change_status(conn, closed.tender_id, TenderStatus.FAILED, reason="测试")
    built = await _build(conn, closed)
    verified = verify_package(built.package)
    seats = [s for s in verified.manifest.signatures if ".seat-" in s.signature]
    assert len(seats) == await conn.fetchval("SELECT count(*) FROM evaluation_report_signatures")
    [records] = [f.path for f in verified.manifest.files if f.kind == "evaluation_records"]
    session = json.loads(read_package(built.package)[records])
    sat = {str(r["user_id"]) for r in await conn.fetch("SELECT user_id FROM evaluation_members")}
    assert {m["user_id"] for m in session["members"]} == sat
