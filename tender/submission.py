"""Sealed submission: resumable part uploads, submit, withdraw, receipts (one import).

DESIGN.md, "Submission, receipt, freeze", and docs/formats/upload.md. The use cases
live in cohesive modules; this module names what the composition root and the other
packages call, so ``from tender import submission`` keeps working:

- tender/submit_context.py — :class:`Submission`, :class:`Receipt`, who bids, when;
- tender/upload_stream.py — open, read and stream uploads into staging;
- tender/upload_lease.py — one writer per upload across processes (a database lease);
- tender/upload_cleanup.py — abandoning uploads that can never become bids;
- tender/submit_service.py — submit and withdraw statements, receipts, the bid's reads;
- tender/submit_signers.py — who may sign a statement, consortium countersignatures.
"""

from __future__ import annotations

from tender.submit_context import (
    DEFAULT_LEASE_SECONDS,
    Receipt,
    Submission,
    bidder_of,
    lot_id_of,
    require_open,
)
from tender.submit_service import (
    HIDDEN_BIDDER,
    my_bid,
    my_receipt,
    receipt_for,
    submit_bid,
    withdraw_bid,
)
from tender.submit_signers import MAX_CONSORTIUM, check_consortium
from tender.upload_cleanup import CleanupReport, CleanupRules, abandon_stale
from tender.upload_stream import BATCH, HEADER_LIMIT, create_upload, get_upload, write_chunk

__all__ = [
    "BATCH",
    "DEFAULT_LEASE_SECONDS",
    "HEADER_LIMIT",
    "HIDDEN_BIDDER",
    "MAX_CONSORTIUM",
    "CleanupReport",
    "CleanupRules",
    "Receipt",
    "Submission",
    "abandon_stale",
    "bidder_of",
    "check_consortium",
    "create_upload",
    "get_upload",
    "lot_id_of",
    "my_bid",
    "my_receipt",
    "receipt_for",
    "require_open",
    "submit_bid",
    "withdraw_bid",
    "write_chunk",
]
