"""Use cases of tender documents: upload (streamed, hashed), list, download (recorded),
and the list of downloaders (hidden until the deadline).

An upload is streamed into the blob store before any transaction opens (a large file
never holds a row lock); the version row and its log entry then commit together. A
version uploaded to a draft is published with the notice; one uploaded later stays
staged, visible to the agency only, until a clarification or amendment publishes it
(Reg. 21). Every version of every document is kept (0021 refuses deletes).

Downloads (EBM): a bidder obtains the documents within the documents window (Reg. 16);
once it has, it may fetch every later version until the end. Each download records
who, when, which version and hash; the log names the downloader only by a salted
commitment, since who means to bid is secret until the deadline.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterable
from uuid import UUID

import asyncpg

from accounts.model import Actor
from accounts.permissions import Action
from signing.log.entry import commit, new_salt
from tender import access, queries
from tender.blobs.store import BlobStore, StoredBlob
from tender.documents import queries as document_queries
from tender.documents.model import DocumentVersion, Download, check_document_name
from tender.errors import (
    BlobTooLarge,
    DeadlinePassed,
    DocumentNotFound,
    DocumentTooLarge,
    DocumentWindowClosed,
    TenderNotFound,
    TenderNotOpenForBids,
)
from tender.events import TenderEvent
from tender.lifecycle import LockedTender, append, load, lock_tender, queue
from tender.model import BIDDING_STATUSES, Tender, TenderStatus
from tender.setup import Setup

log = logging.getLogger(__name__)

_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9.+-]{0,40}/[a-z0-9][a-z0-9.+-]{0,57}")
DEFAULT_MEDIA_TYPE = "application/octet-stream"


def check_media_type(media_type: str) -> str:
    """A bare media type (parameters dropped), lower case; anything odd is octet-stream."""
    bare = media_type.split(";", 1)[0].strip().lower()
    return bare if _MEDIA_TYPE.fullmatch(bare) else DEFAULT_MEDIA_TYPE


def _require_uploadable(locked: LockedTender) -> None:
    tender = locked.tender
    if tender.status is TenderStatus.DRAFT:
        return
    if tender.status not in BIDDING_STATUSES:
        raise TenderNotOpenForBids(f"documents of a {tender.status} tender are final")
    if tender.deadline is not None and locked.now >= tender.deadline:
        raise DeadlinePassed("the deadline has passed: the documents are final")


async def upload_document(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    *,
    name: str,
    media_type: str,
    chunks: AsyncIterable[bytes],
    store: BlobStore,
    setup: Setup,
) -> DocumentVersion:
    """Stream a new version of a document into the blob store and record it (the three
    steps below on one connection; the HTTP route releases it while the body arrives).

    Idempotent: the same bytes (and media type) as the newest version answer that
    version, so a client that lost the answer may simply send the upload again.
    """
    limit = await admit_document(conn, actor, tender_id, name=name, setup=setup)
    blob = await store_document(store, chunks, limit)
    return await record_document(
        conn, actor, tender_id, name=name, media_type=media_type, blob=blob
    )


async def admit_document(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, *, name: str, setup: Setup
) -> int:
    """Check an upload before any byte is read; the most bytes it may have."""
    check_document_name(name)
    tender = await load(conn, tender_id)
    access.authorise(actor, Action.PUBLISH_TENDER, tender)
    _require_uploadable(LockedTender(tender=tender, now=await queries.database_now(conn)))
    return setup.policies_of(tender).document_max_bytes


async def store_document(store: BlobStore, chunks: AsyncIterable[bytes], limit: int) -> StoredBlob:
    """Stream a document's bytes into the blob store (no database connection needed)."""
    try:
        return await store.put(chunks, max_size=limit)
    except BlobTooLarge:
        raise DocumentTooLarge(f"a tender document is at most {limit} bytes") from None


async def record_document(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    *,
    name: str,
    media_type: str,
    blob: StoredBlob,
) -> DocumentVersion:
    """Record a stored document as the tender's newest version, rechecked under the
    tender's row lock (the tender may have changed while the bytes arrived)."""
    check_document_name(name)
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        log_actor = access.authorise(actor, Action.PUBLISH_TENDER, locked.tender)
        _require_uploadable(locked)
        document_id = await document_queries.document_id(conn, tender_id, name)
        latest = await document_queries.latest_version(conn, document_id)
        media = check_media_type(media_type)
        if latest is not None and (latest.sha256, latest.media_type) == (blob.sha256, media):
            # A retry of the upload that made the newest version (its answer was lost):
            # the same version again, no new one and no second log entry.
            return latest
        version = await document_queries.insert_version(
            conn,
            tender_id=tender_id,
            document_id=document_id,
            sha256=blob.sha256,
            size=blob.size,
            media_type=media,
            uploaded_by=actor.user_id,
        )
        data = {
            "document": name,
            "version": version.version,
            "sha256": blob.sha256,
            "size": blob.size,
            "media_type": version.media_type,
        }
        await append(
            conn,
            TenderEvent.DOCUMENT_UPLOADED,
            tender_id,
            actor=log_actor,
            address=actor.address,
            data=data,
        )
    log.info(
        "tender.document_uploaded",
        extra={"tender_id": str(tender_id), "document": name, "version": version.version},
    )
    return version


async def list_documents(
    conn: asyncpg.Connection, actor: Actor | None, tender_id: UUID
) -> list[DocumentVersion]:
    """Published versions for everyone; staged ones too for those who may read the draft."""
    tender = await load(conn, tender_id)
    insider = actor is not None and access.may_read_draft(actor, tender)
    if not tender.is_public and not insider:
        raise TenderNotFound("no tender has this id")
    return await document_queries.versions(conn, tender_id, include_staged=insider)


def _window_open(tender: Tender, locked: LockedTender) -> bool:
    s = tender.content.schedule
    if tender.status not in BIDDING_STATUSES or not s.documents_from or not s.documents_until:
        return False
    return s.documents_from <= locked.now <= s.documents_until


async def download_document(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, version_id: UUID
) -> DocumentVersion:
    """Authorise and record one download; the caller then streams the blob.

    The agency, tenderer, centre and department read any version unrecorded; a
    bidder's download is recorded (and its first one must fall within the window).
    """
    async with conn.transaction():
        found = await queries.tender(conn, tender_id, share=True)
        if found is None:
            raise TenderNotFound("no tender has this id")
        locked = LockedTender(tender=found, now=await queries.database_now(conn))
        version = await document_queries.version(conn, tender_id, version_id)
        if access.may_read_draft(actor, found):
            if version is None:
                raise DocumentNotFound("no such version of this tender's documents")
            return version
        access.authorise(actor, Action.DOWNLOAD_DOCUMENTS, found)
        if not found.is_public:
            raise TenderNotFound("no tender has this id")
        if version is None or version.published_at is None:
            raise DocumentNotFound("no such published version of this tender's documents")
        await _record_download(conn, actor, locked, version)
    return version


async def _record_download(
    conn: asyncpg.Connection, actor: Actor, locked: LockedTender, version: DocumentVersion
) -> None:
    tender = locked.tender
    known = await document_queries.has_downloaded(conn, tender.id, actor.organisation_id)
    if not known and not _window_open(tender, locked):
        raise DocumentWindowClosed("the documents are obtainable within the documents window")
    salt = new_salt()
    await document_queries.insert_download(
        conn,
        tender_id=tender.id,
        version_id=version.id,
        user_id=actor.user_id,
        organisation_id=actor.organisation_id,
        address=actor.address or "",
        salt=salt,
    )
    data = {
        "document": version.name,
        "version": version.version,
        "sha256": version.sha256,
        "downloader": commit(f"{actor.organisation_id}/{actor.user_id}", salt),
    }
    # Queued, not appended (docs/audit-log.md §2.2): downloads crowd before a deadline,
    # and nothing waits for their index; the reveal after the deadline integrates first.
    # No user and no address: either would name the downloader (access.HIDDEN_PARTY).
    await queue(
        conn,
        TenderEvent.DOCUMENT_DOWNLOADED,
        tender.id,
        actor=access.HIDDEN_PARTY,
        address=None,
        data=data,
        commitments=("downloader",),
    )


async def downloaders(conn: asyncpg.Connection, actor: Actor, tender_id: UUID) -> list[Download]:
    """Who downloaded what and when: the agency and tenderer; after the deadline, overseers."""
    tender = await load(conn, tender_id)
    access.require_downloaders(actor, tender, await queries.database_now(conn))
    return await document_queries.downloads(conn, tender_id)
