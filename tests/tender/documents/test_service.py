"""Tender documents: streamed upload, every version kept, recorded downloads, and the
downloader list hidden from all but the agency and tenderer until the deadline (EBM)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from accounts.model import Actor
from audit import service as audit
from signing.log.entry import commit
from tender import queries, service
from tender.blobs.store import LocalBlobStore
from tender.documents import service as documents
from tender.documents.model import DocumentVersion
from tender.errors import (
    DocumentNameInvalid,
    DocumentTooLarge,
    DocumentWindowClosed,
    TenderNotFound,
)
from tender.model import Tender
from tests.tender.clock import fast_forward
from tests.tender.world import (
    SOON,
    World,
    appoint,
    chunks,
    entries,
    fast_draft,
    published_tender,
)

PDF = "招标文件正文 v1 ".encode() * 500


async def upload(
    conn: asyncpg.Connection,
    world: World,
    store: LocalBlobStore,
    tender: Tender,
    data: bytes = PDF,
    name: str = "招标文件.pdf",
    actor: Actor | None = None,
) -> DocumentVersion:
    """Upload ``data`` as the agency (or ``actor``)."""
    return await documents.upload_document(
        conn,
        actor or world.agency,
        tender.id,
        name=name,
        media_type="application/pdf",
        chunks=chunks(data, 4096),
        store=store,
        setup=world.setup(),
    )


@pytest.fixture
def store(tmp_path: Path) -> LocalBlobStore:
    """A blob store in the test's directory."""
    return LocalBlobStore(tmp_path / "blobs")


async def test_documents_uploaded_to_a_draft_are_published_with_the_notice(
    conn: asyncpg.Connection, world: World, store: LocalBlobStore
) -> None:
    """Staged in the draft (the public sees nothing), then public with their hash logged."""
    draft = await service.create_draft(conn, world.agency, await fast_draft(conn, world))
    version = await upload(conn, world, store, draft)
    assert (version.version, version.sha256) == (1, hashlib.sha256(PDF).hexdigest())
    assert version.published_at is None
    with pytest.raises(TenderNotFound):
        await documents.list_documents(conn, None, draft.id)
    await appoint(conn, world, draft)
    await service.publish(conn, world.agency, draft.id, world.setup())
    public = await documents.list_documents(conn, None, draft.id)
    assert [(v.name, v.version, v.sha256) for v in public] == [("招标文件.pdf", 1, version.sha256)]
    assert public[0].published_at is not None
    logged = (await entries(conn, "tender.published"))[0].data["documents"]
    assert logged == [
        {"name": "招标文件.pdf", "version": 1, "sha256": version.sha256, "size": len(PDF)}
    ]


async def test_every_version_is_kept(
    conn: asyncpg.Connection,
    owner_conn: asyncpg.Connection,
    world: World,
    store: LocalBlobStore,
) -> None:
    """A new upload of a name is the next version; the database refuses deletes."""
    tender = await service.create_draft(conn, world.agency, await fast_draft(conn, world))
    await upload(conn, world, store, tender, b"v1")
    second = await upload(conn, world, store, tender, b"v2")
    assert second.version == 2
    listed = await documents.list_documents(conn, world.agency, tender.id)
    assert [v.version for v in listed] == [1, 2]
    with pytest.raises(asyncpg.CheckViolationError):
        await owner_conn.execute("DELETE FROM tender_document_versions")
    with pytest.raises(asyncpg.CheckViolationError):
        await owner_conn.execute("UPDATE tender_document_versions SET sha256 = repeat('0', 64)")


async def test_a_retried_upload_of_the_same_bytes_answers_the_same_version(
    conn: asyncpg.Connection, world: World, store: LocalBlobStore
) -> None:
    """A retry (the answer was lost) adds no version and no log entry; other bytes do,
    and going back to earlier bytes is a new version too."""
    tender = await service.create_draft(conn, world.agency, await fast_draft(conn, world))
    first = await upload(conn, world, store, tender, b"v1")
    again = await upload(conn, world, store, tender, b"v1")
    assert again == first
    assert len(await entries(conn, "tender.document_uploaded")) == 1
    second = await upload(conn, world, store, tender, b"v2")
    back = await upload(conn, world, store, tender, b"v1")
    assert (second.version, back.version) == (2, 3)
    assert len(await entries(conn, "tender.document_uploaded")) == 3


async def test_bad_uploads_store_nothing(
    conn: asyncpg.Connection, world: World, store: LocalBlobStore, tmp_path: Path
) -> None:
    """Other parties are refused before any byte is read; the size limit applies while
    streaming; names with paths or controls are refused."""
    tender = await service.create_draft(conn, world.agency, await fast_draft(conn, world))
    for outsider in (world.bidders[0], world.tenderer, world.other_agency, world.staff):
        hidden = outsider in (world.bidders[0], world.other_agency)  # may not read the draft
        with pytest.raises(TenderNotFound if hidden else PermissionDenied):
            await upload(conn, world, store, tender, actor=outsider)
    small = world.setup(world.setup().policies.with_values({"document_max_bytes": "100"}))
    with pytest.raises(DocumentTooLarge):
        await documents.upload_document(
            conn,
            world.agency,
            tender.id,
            name="big.pdf",
            media_type="application/pdf",
            chunks=chunks(b"x" * 101, 10),
            store=store,
            setup=small,
        )
    for name in ["../etc/passwd", "a/b.pdf", "a\\b.pdf", "", " x.pdf", "a\x00b", ".."]:
        with pytest.raises(DocumentNameInvalid):
            await upload(conn, world, store, tender, name=name)
    assert list((tmp_path / "blobs" / "objects").rglob("*")) == []
    assert list((tmp_path / "blobs" / "staging").iterdir()) == []
    assert await conn.fetchval("SELECT count(*) FROM tender_documents") == 0
    assert await conn.fetchval("SELECT count(*) FROM tender_document_versions") == 0


async def test_a_bidder_download_is_recorded_and_committed_in_the_log(
    conn: asyncpg.Connection, world: World, store: LocalBlobStore
) -> None:
    """Who, when, which version and hash; the log holds only a salted commitment."""
    draft = await service.create_draft(conn, world.agency, await fast_draft(conn, world))
    version = await upload(conn, world, store, draft)
    await appoint(conn, world, draft)
    tender = await service.publish(conn, world.agency, draft.id, world.setup())
    bidder = world.bidders[0]
    got = await documents.download_document(conn, bidder, tender.id, version.id)
    assert got.sha256 == version.sha256
    await documents.download_document(conn, world.agency, tender.id, version.id)  # unrecorded
    records = await documents.downloaders(conn, world.agency, tender.id)
    assert [(r.user_id, r.organisation_id, r.version, r.sha256) for r in records] == [
        (bidder.user_id, bidder.organisation_id, 1, version.sha256)
    ]
    # Queued for the sequencer (docs/audit-log.md §2.2): no index until integrated.
    assert await entries(conn, "tender.document_downloaded") == []
    queued = await conn.fetchval("SELECT count(*) FROM log_queue WHERE kind = $1",
                                 "tender.document_downloaded")  # fmt: skip
    assert queued == 1
    await audit.integrate(conn)
    entry = (await entries(conn, "tender.document_downloaded"))[0]
    assert entry.commitments == ("downloader",)
    assert str(bidder.organisation_id) not in entry.to_bytes().decode()
    # Nor the user (account.user_created names its organisation) nor the address.
    assert (entry.actor.user_id, entry.actor.role, entry.address) == (None, "bidder", None)
    assert str(bidder.user_id) not in entry.to_bytes().decode()
    salt = await conn.fetchval("SELECT salt FROM tender_downloads")
    value = f"{bidder.organisation_id}/{bidder.user_id}"
    assert entry.data["downloader"] == commit(value, salt)


async def test_downloaders_are_hidden_from_all_but_agency_and_tenderer_until_the_deadline(
    conn: asyncpg.Connection, world: World, store: LocalBlobStore, owner_conn: asyncpg.Connection
) -> None:
    """Per role, before and after the deadline (EBM)."""
    setup = world.setup(SOON)
    tender = await published_tender(conn, world, setup=setup)
    for reader in (world.agency, world.tenderer):
        assert await documents.downloaders(conn, reader, tender.id) == []
    hidden = (world.staff, world.supervisor, world.bidders[0], world.other_agency)
    for outsider in hidden:
        with pytest.raises(PermissionDenied):
            await documents.downloaders(conn, outsider, tender.id)
    await fast_forward(owner_conn, tender.id, "deadline")  # no race with the clock
    for reader in (world.agency, world.tenderer, world.staff, world.supervisor):
        assert await documents.downloaders(conn, reader, tender.id) == []
    for outsider in (world.bidders[0], world.other_agency):
        with pytest.raises(PermissionDenied):
            await documents.downloaders(conn, outsider, tender.id)


async def test_the_first_download_must_fall_within_the_documents_window(
    conn: asyncpg.Connection, world: World, store: LocalBlobStore, owner_conn: asyncpg.Connection
) -> None:
    """Reg. 16: after the window a newcomer is refused; an earlier downloader is not."""
    draft = await fast_draft(conn, world)
    assert draft.schedule.documents_from is not None
    closes = (await queries.database_now(conn)).replace(microsecond=0) + dt.timedelta(hours=1)
    draft = dataclasses.replace(
        draft, schedule=dataclasses.replace(draft.schedule, documents_until=closes)
    )
    created = await service.create_draft(conn, world.agency, draft)
    version = await upload(conn, world, store, created)
    await appoint(conn, world, created)
    tender = await service.publish(conn, world.agency, created.id, world.setup())
    await documents.download_document(conn, world.bidders[0], tender.id, version.id)
    await fast_forward(owner_conn, tender.id, "documents_until")  # the window's hour passes
    with pytest.raises(DocumentWindowClosed):
        await documents.download_document(conn, world.bidders[1], tender.id, version.id)
    again = await documents.download_document(conn, world.bidders[0], tender.id, version.id)
    assert again.id == version.id
    assert await conn.fetchval("SELECT count(*) FROM tender_downloads") == 2
