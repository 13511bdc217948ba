"""Issuing a version's receipt after its log entry is integrated (issue 17, item 2).

docs/formats/upload.md §3.3: a submission or withdrawal queues its log entry in the
transaction that records the version (audit.service.queue), so a rolled-back one leaves
none and a committed one always has one. The entry's log index exists only once the
sequencer's leader integrates it (audit/leader.py), a moment after the commit; then the
receipt — which names that index — is signed and stored, exactly once (migration 0093),
and returned with a checkpoint covering the entry and its inclusion proof. The submit
call waits for that by notification (audit.service.wait_integrated), so the bidder
gets the receipt in the same response as before. A version whose submitter went away
before its receipt was issued gets it on the next read of the bid (``my_bid``,
``my_receipt``) or from the background job (``issue_pending``).
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from audit import queries as audit_queries
from audit import service as audit
from tender.submission import queries as bid_queries
from tender.submission.context import Receipt, Submission
from tender.submission.model import BidNotFound, BidVersion, VersionKind
from tender.submission.receipts import receipt_bytes, receipt_json

# How long a submit call waits for the leader before answering ``log_not_integrated``
# (503): the version is recorded then, and its receipt is issued on the next read.
RECEIPT_WAIT_SECONDS = 10.0


async def issue_pending(
    conn: asyncpg.Connection, sub: Submission, *, bid_id: UUID | None = None,
    within: float | None = None,
) -> int:  # fmt: skip
    """Issue the receipts of versions still without one (of one bid, or all) once their
    entries are integrated; returns how many were issued. Outside a transaction."""
    rows = await bid_queries.pending_receipts(conn, bid_id)
    if not rows:
        return 0
    found = await audit.wait_integrated(
        conn, [r["log_queued"] for r in rows], stand_in=sub.log_identity,
        within=RECEIPT_WAIT_SECONDS if within is None else within,
    )  # fmt: skip
    for row in rows:
        fields = receipt_json(
            tender_code=row["tender_code"], tender_id=str(row["tender_id"]), lot=row["lot"],
            bidder=row["bidder"], version=row["version"], kind=VersionKind(row["kind"]),
            parts=bid_queries.parts_of(row["parts"]), statement_sha256=row["statement_sha256"],
            received_at=row["received_at"], log_index=found[row["log_queued"]],
        )  # fmt: skip
        body = receipt_bytes(fields)
        await bid_queries.fill_receipt(
            conn, row["bid_id"], row["version"], found[row["log_queued"]], body,
            sub.signer.sign(body),
        )  # fmt: skip
    return len(rows)


async def issued(conn: asyncpg.Connection, bid_id: UUID, version: int) -> BidVersion:
    """A version with its receipt (issued by now)."""
    chosen = next(
        (v for v in await bid_queries.versions(conn, bid_id) if v.version == version), None
    )
    if chosen is None:
        raise BidNotFound(f"your bid has no version {version}")
    return chosen


async def receipt_for(conn: asyncpg.Connection, version: BidVersion, sub: Submission) -> Receipt:
    """The receipt with a checkpoint covering its entry (the leader signs one at once
    for a waiter; a version whose checkpoint is still missing is asked for again)."""
    latest = await audit_queries.latest_checkpoint(conn)
    if latest is None or latest.size <= version.log_index:
        queued = await bid_queries.log_queued(conn, version.bid_id, version.version)
        if queued is not None:
            await audit.wait_integrated(
                conn, [queued], within=RECEIPT_WAIT_SECONDS, covered=True,
                stand_in=sub.log_identity,
            )  # fmt: skip
        else:  # a version from before the sequencer: sign a checkpoint as before
            async with conn.transaction():
                await audit.sign_new_checkpoint(conn, sub.log_identity)
        latest = await audit_queries.latest_checkpoint(conn)
    entry = (await audit.entries(conn, version.log_index, version.log_index + 1))[0][1]
    if latest is None or latest.size <= version.log_index:
        return Receipt(
            version=version, checkpoint=None, tree_size=None, inclusion_proof=(), entry=entry
        )
    proof = await audit.inclusion_proof(conn, version.log_index, latest.size)
    note = await audit.checkpoint_note(conn, latest.size)  # the proof's tree, not a newer
    return Receipt(
        version=version,
        checkpoint=note,
        tree_size=latest.size,
        inclusion_proof=tuple(proof),
        entry=entry,
    )
