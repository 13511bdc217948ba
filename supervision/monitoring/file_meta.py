"""Metadata of opened bid files: author, organisation, creating software, creation time.

Reg. 40 (1)/(2): documents "made by one unit or person" show in their metadata. PDF is
the format bids are filed in; its document information dictionary is read with pypdf
(a maintained, pure-Python PDF library: no native code parses bidders' files, and it
reads the trailer and the information dictionary without rendering anything). A file
that is not a PDF, or one pypdf cannot read, gives no metadata — never an error: a
bidder's odd file must not stop the runner.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from uuid import UUID

import asyncpg
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from evaluation.bid_files.disk import ensure_part, platform_files
from evaluation.bid_files.model import PartLocation
from supervision.monitoring import queries
from supervision.monitoring.model import FileMeta
from tender.blobs.store import BlobStore, LocalBlobStore

log = logging.getLogger(__name__)

MAX_TEXT = 200


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    cleaned = " ".join(value.split())[:MAX_TEXT]
    return cleaned or None


def pdf_metadata(
    source: BinaryIO,
) -> tuple[str | None, str | None, str | None, datetime | None] | None:
    """(author, organisation, creating software, creation time) of a PDF, or None.

    The organisation is the ``/Company`` entry office suites write; the software is
    ``/Creator`` (the authoring application), else ``/Producer`` (the PDF writer).
    """
    if source.read(5) != b"%PDF-":
        return None
    source.seek(0)
    try:
        info = PdfReader(source, strict=False).metadata
        if info is None:
            return (None, None, None, None)
        created = info.creation_date
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        log.info("monitoring.pdf_unreadable", extra={"error": type(exc).__name__})
        return None
    if created is not None and created.tzinfo is None:
        created = created.replace(tzinfo=UTC)  # a PDF date without a zone: read as UTC
    software = _text(info.get("/Creator")) or _text(info.get("/Producer"))
    return (_text(info.get("/Author")), _text(info.get("/Company")), software, created)


def _part_metas(root: Path, tender: str, lot: str, location: PartLocation, bidder: str,
                manifest: str) -> list[FileMeta]:  # fmt: skip
    found = []
    for listed, opened in platform_files(root, location, manifest):
        meta = pdf_metadata(opened)
        if meta is not None:
            found.append(FileMeta(tender, lot, bidder, f"{location.part}/{listed.name}", *meta))
    return found


async def file_metas(
    conn: asyncpg.Connection,
    output_root: Path,
    tender_id: UUID,
    lot: str,
    lot_id: UUID,
    blobs: BlobStore | None = None,
) -> list[FileMeta]:
    """Metadata of every PDF of every opened part of the lot (a missing or damaged
    part is re-derived first when ``blobs`` is given: tender/opening/opened.py)."""
    metas: list[FileMeta] = []
    for row in await conn.fetch(queries.OPENED_PARTS, lot_id):
        location = PartLocation(
            tender_id=tender_id, lot=lot, bid_id=row["bid_id"], part=row["part"]
        )
        hashes = (row["ciphertext_sha256"], row["manifest_sha256"])
        await ensure_part(conn, blobs, output_root, location, hashes)
        metas.extend(
            await asyncio.to_thread(
                _part_metas,
                output_root,
                str(tender_id),
                lot,
                location,
                str(row["bidder_id"]),
                row["manifest_sha256"],
            )
        )
    return metas


def _blob_meta(path: Path) -> tuple[str | None, str | None, str | None, datetime | None] | None:
    try:
        with path.open("rb") as source:
            return pdf_metadata(source)
    except OSError:
        return None  # a blob gone missing is the archive's concern, not monitoring's


async def template_metas(
    conn: asyncpg.Connection, blobs: LocalBlobStore, tender_id: UUID
) -> list[FileMeta]:
    """Metadata of the tender's published PDF documents: the template (bidder None)
    whose author, organisation and software bidders inherit without colluding."""
    metas: list[FileMeta] = []
    for row in await conn.fetch(queries.TENDER_DOCUMENTS, tender_id):
        meta = await asyncio.to_thread(_blob_meta, blobs.path_of(row["sha256"]))
        if meta is not None:
            name = f"documents/{row['name']}@{row['version']}"
            metas.append(FileMeta(str(tender_id), "", None, name, *meta))
    return metas
