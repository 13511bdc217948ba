"""Check an auction bid's receipt from the receipt alone (docs/formats/auction.md §8).

What the bidder holds: the answer of ``GET /api/v1/auctions/{id}/bids/{bid}/receipt``,
its own signed form (§3), and two pinned keys — the platform's receipt root certificate
and the log's verifier key (``GET /api/v1/log/key``). Nothing else is asked of the
server: the receipt's signature, the checkpoint's log signature, the entry's data
against the receipt, the form's hash, and the inclusion proof of the entry's leaf under
the checkpoint's root (RFC 9162 §2.1.3.2) are each checked here, in §8's order.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from cryptography import x509

from client.errors import AuctionReceiptInvalid
from signing.cms import verify_detached
from signing.errors import EtenderError
from signing.log import merkle
from signing.log.checkpoint import open_checkpoint
from signing.log.note import Ed25519Verifier
from signing.trust import TrustStore

RECEIPT_TYPE = "etender.auction-bid-receipt"
ENTRY_KIND = "auction.bid_placed"
# §8: the entry's data that must equal the receipt's.
SHARED = ("auction", "bid", "price_fen", "placed_at", "ends_at", "form_sha256")


def check_receipt(
    answer: Mapping[str, Any], *, form: bytes, platform_root: x509.Certificate, log_key: str,
    now: datetime,
) -> dict[str, Any]:  # fmt: skip
    """The receipt's fields once every check of §8 holds; else ``auction_receipt_invalid``
    naming the failed check."""
    body = base64.b64decode(answer["receipt"])
    try:
        verify_detached(body, base64.b64decode(answer["signature"]),
                        TrustStore(roots=(platform_root,)), now)  # fmt: skip
    except EtenderError as exc:
        raise _invalid("signature", f"the platform's signature does not verify: {exc}") from None
    fields: dict[str, Any] = json.loads(body)
    if fields.get("type") != RECEIPT_TYPE or fields.get("log_index") != answer["log_index"]:
        raise _invalid("receipt", "not an auction bid receipt of this log index")
    if answer.get("checkpoint") is None or answer.get("tree_size") is None:
        raise _invalid("checkpoint", "no checkpoint covers the entry yet")
    try:
        checkpoint, _ = open_checkpoint(answer["checkpoint"], Ed25519Verifier.from_vkey(log_key))
    except EtenderError as exc:
        raise _invalid("checkpoint", f"the checkpoint does not verify: {exc}") from None
    entry_bytes = base64.b64decode(answer["entry"])
    entry = json.loads(entry_bytes)
    if entry.get("kind") != ENTRY_KIND or any(entry["data"].get(k) != fields[k] for k in SHARED):
        raise _invalid("entry", "the log entry is not this bid")
    if hashlib.sha256(form).hexdigest() != fields["form_sha256"]:
        raise _invalid("form", "the receipt is not of your signed form")
    proof = [base64.b64decode(h) for h in answer["inclusion_proof"]]
    if checkpoint.size != answer["tree_size"] or not merkle.verify_inclusion(
        merkle.leaf_hash(entry_bytes), answer["log_index"], checkpoint.size, proof,
        checkpoint.root_hash,
    ):  # fmt: skip
        raise _invalid("inclusion", "the inclusion proof does not reach the checkpoint's root")
    return fields


def _invalid(check: str, message: str) -> AuctionReceiptInvalid:
    return AuctionReceiptInvalid(message, details={"check": check})
