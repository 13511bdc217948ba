"""The signed contract document: uploaded once, through the tender blob store.

The contract records the document's SHA-256 (tender/contracts/service.py); the agency
then uploads the bytes, which are streamed into the blob store before any transaction
opens (as tender documents are, tender/documents/service.py) and accepted only if they
hash to exactly that SHA-256 (``contract_document_mismatch``; the stray blob is
deleted unless another row names it). DOMAIN.md "Records": contracts are signed and
archived. The document is read by the parties — the agency, the tenderer, the
supplier — and the overseers (centre staff, the supervising department); the public
reads the key terms and the hash.
"""

from __future__ import annotations

from collections.abc import AsyncIterable
from uuid import UUID

import asyncpg

from accounts.errors import PermissionDenied
from accounts.model import Actor, Role
from accounts.permissions import Action
from tender import access
from tender.blobs.store import LocalBlobStore, StoredBlob, delete_unreferenced
from tender.contracts import queries as contract_queries
from tender.contracts.errors import (
    ContractDocumentExists,
    ContractDocumentMismatch,
    ContractNotFound,
)
from tender.contracts.model import Contract
from tender.contracts.queries import ContractDocument
from tender.documents.service import check_media_type, store_document
from tender.errors import LotNotFound
from tender.events import TenderEvent
from tender.lifecycle import append, load, lock_tender
from tender.model import Tender
from tender.setup import Setup


async def _contract(conn: asyncpg.Connection, tender: Tender, lot: str) -> Contract:
    if tender.content.lot(lot) is None:
        raise LotNotFound(f"the tender has no lot {lot!r}")
    found = await contract_queries.contracts(conn, tender.id, lot)
    if not found:
        raise ContractNotFound(f"lot {lot} has no contract yet")
    return found[0]


async def admit_document(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, lot: str, *, setup: Setup
) -> int:
    """Check an upload before any byte is read; the most bytes it may have."""
    tender = await load(conn, tender_id)
    access.authorise(actor, Action.PUBLISH_TENDER, tender)
    contract = await _contract(conn, tender, lot)
    if await contract_queries.document(conn, contract.id) is not None:
        raise ContractDocumentExists("the contract's document is uploaded already")
    return setup.policies_of(tender).document_max_bytes


async def store(blobs: LocalBlobStore, chunks: AsyncIterable[bytes], limit: int) -> StoredBlob:
    """Stream the document into the blob store (no database connection held)."""
    return await store_document(blobs, chunks, limit)


async def record_document(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    lot: str,
    *,
    blob: StoredBlob,
    media_type: str,
    blobs: LocalBlobStore,
) -> ContractDocument:
    """Record the stored bytes as the contract's document if they are the signed one."""
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        log_actor = access.authorise(actor, Action.PUBLISH_TENDER, locked.tender)
        contract = await _contract(conn, locked.tender, lot)
        mismatch = blob.sha256 != contract.document_sha256
        if not mismatch:
            data = {
                "lot": lot,
                "contract_id": str(contract.id),
                "sha256": blob.sha256,
                "size": blob.size,
            }
            index = await append(
                conn, TenderEvent.CONTRACT_DOCUMENT_UPLOADED, tender_id, actor=log_actor,
                address=actor.address, data=data,
            )  # fmt: skip
            await contract_queries.insert_document(
                conn, contract, size=blob.size, media_type=check_media_type(media_type),
                by=actor.user_id, at=locked.now, log_index=index,
            )  # fmt: skip
    if mismatch:
        await delete_unreferenced(conn, blobs, blob.sha256)
        raise ContractDocumentMismatch(
            "the uploaded document is not the signed contract whose SHA-256 was recorded",
            details={"expected": contract.document_sha256, "uploaded": blob.sha256},
        )
    found = await contract_queries.document(conn, contract.id)
    assert found is not None
    return found


def _may_read(actor: Actor, tender: Tender, contract: Contract) -> bool:
    return (
        access.is_agency(actor, tender)
        or access.is_tenderer(actor, tender)
        or access.is_overseer(actor, tender)
        or contract.supplier_id in actor.acting_for(Role.BIDDER)
    )


async def read_document(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID, lot: str
) -> ContractDocument:
    """The document's blob, for the parties and the overseers only."""
    tender = await load(conn, tender_id)
    access.hide_draft(actor, tender)
    contract = await _contract(conn, tender, lot)
    if not _may_read(actor, tender, contract):
        raise PermissionDenied(
            "the contract document is read by its parties and the overseers",
            details={"action": "read_contract_document", "resource": "tender"},
        )
    found = await contract_queries.document(conn, contract.id)
    if found is None:
        raise ContractNotFound(f"lot {lot}'s contract document is not uploaded")
    return found
