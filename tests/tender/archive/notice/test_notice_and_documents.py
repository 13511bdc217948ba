"""A cancelled tender's package: its documents byte for byte, and its notice as
published even after an amendment moved the deadline (Reg. 21) — anchored by the
``notice_sha256`` that publication logged (docs/formats/archive.md §4, §8)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import asyncpg

from signing.archive.verify import verify_package
from tender import lifecycle
from tender.archive import service
from tender.blobs.store import LocalBlobStore
from tender.documents import service as documents
from tender.model import TenderStatus
from tender.notices import service as notices
from tender.notices.model import ClarificationKind
from tender.submission.receipts import load_or_create
from tests.signing.archive.forge import failures, first, flip, members, raw
from tests.tender.archive.kit import LOG
from tests.tender.world import World, chunks, published_tender

DOCUMENT = "%PDF-1.7 招标文件（第1号修改后）".encode()


async def cancelled_after_an_amendment(
    conn: asyncpg.Connection, world: World, store: LocalBlobStore
) -> service.Archiving:
    """Publish, amend with a new document version and a later deadline, cancel."""
    tender = await published_tender(conn, world)
    assert tender.deadline is not None
    version = await documents.upload_document(
        conn, world.agency, tender.id, name="招标文件.pdf", media_type="application/pdf",
        chunks=chunks(DOCUMENT), store=store, setup=world.setup(),
    )  # fmt: skip
    await notices.issue_clarification(
        conn, world.agency, tender.id, kind=ClarificationKind.AMENDMENT, title="第1号修改",
        body="工期由 90 日历天改为 120 日历天。", version_ids=[version.id],
        new_deadline=tender.deadline + dt.timedelta(days=1), setup=world.setup(),
    )  # fmt: skip
    assert (await lifecycle.load(conn, tender.id)).deadline != tender.deadline
    await lifecycle.change_status(conn, tender.id, TenderStatus.CANCELLED, reason="测试：取消")
    return service.Archiving(
        trust=world.ca.trust_store(), platform=load_or_create(store.root.parent), log=LOG,
        blobs=store,
    )  # fmt: skip


async def test_the_notice_is_the_published_one_after_the_deadline_moved(
    conn: asyncpg.Connection, world: World, tmp_path: Path
) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    ctx = await cancelled_after_an_amendment(conn, world, store)
    [tender_id] = await conn.fetch("SELECT id FROM tenders")
    built = await service.build(conn, tender_id["id"], ctx)
    verified = verify_package(built.package)  # the notice's hash is the logged one
    kinds = {f.kind for f in verified.manifest.files}
    assert {"notice", "document", "document_index", "table_rows"} <= kinds
    path = first(built.package, "documents/", "/v001")
    assert members(built.package)[path] == DOCUMENT


async def test_a_changed_byte_in_a_document_fails_naming_it(
    conn: asyncpg.Connection, world: World, tmp_path: Path
) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    ctx = await cancelled_after_an_amendment(conn, world, store)
    [tender_id] = await conn.fetch("SELECT id FROM tenders")
    built = await service.build(conn, tender_id["id"], ctx)
    path = first(built.package, "documents/", "/v001")
    tampered = raw(built.package, change={path: flip(DOCUMENT)})
    assert failures(tampered) == [(path, "its SHA-256 or size differs from the manifest's")]
