"""SQL of the blob store: which rows name a blob (tender/blobs/store.py, ``delete_unreferenced``).

The blob store is content-addressed, so two rows of two owners may name one blob — a
bidder's copy of another bidder's sealed part is the same file (issue 9, item 1). A blob
is deleted only when no row names it: a submitted part (any version, withdrawn or
replaced included), an upload still open or complete, a tender document version, or a
signed contract document (0074).
"""

from __future__ import annotations

import asyncpg

BLOB_NAMED = """
SELECT EXISTS (SELECT FROM bid_parts WHERE sha256 = $1)
    OR EXISTS (SELECT FROM bid_uploads
               WHERE declared_sha256 = $1 AND status IN ('open', 'complete'))
    OR EXISTS (SELECT FROM tender_document_versions WHERE sha256 = $1)
    OR EXISTS (SELECT FROM tender_contract_documents WHERE sha256 = $1)
"""


async def blob_named(conn: asyncpg.Connection, sha256: str) -> bool:
    """True if any row names the blob (then it must stay)."""
    return bool(await conn.fetchval(BLOB_NAMED, sha256))
