"""What every submission use case shares: its composition, who bids, where and when.

DESIGN.md, "Submission, receipt, freeze": a bidder acts for exactly one bidder
organisation; bids are taken while the tender is published and before its deadline,
decided by the database clock. Used by uploads.py (uploads) and service.py (submit,
withdraw, receipts) of this package.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import cast
from uuid import UUID

import asyncpg

from accounts.errors import PermissionDenied
from accounts.model import Actor, Role
from accounts.permissions import Action, Resource, ResourceKind, require
from audit import service as audit
from tender.blobs.store import LocalBlobStore
from tender.errors import LotNotFound, PolicyInvalid, TenderNotOpenForBids, TenderSuspended
from tender.model import Tender, TenderStatus
from tender.policy import DEFAULT_UPLOAD_LIMITS, Period, UploadLimits
from tender.setup import Setup
from tender.submission.model import DEFAULT_MAX_PART_BYTES, BidDeadlinePassed, BidVersion
from tender.submission.receipts import ReceiptSigner

# docs/formats/upload.md §2.2: a writer's lease lasts this long past its last renewal; a
# crashed process's lease lapses after it and the next writer takes the upload over.
DEFAULT_LEASE_SECONDS = 30.0
LEASE_KEY = "upload_lease_period"  # ETENDER_POLICY_UPLOAD_LEASE_PERIOD, an exact period


def lease_seconds(overrides: Mapping[str, str]) -> float:
    """The writer lease period: how long a killed writer blocks its upload (docs/faults.md).

    An exact period (``30s``, ``2m``) of 3 s to 10 min; a writer renews at a third of it.
    """
    raw = overrides.get(LEASE_KEY, "")
    if not raw:
        return DEFAULT_LEASE_SECONDS
    exact = Period.parse(raw).exact
    if exact is None or not 3 <= exact.total_seconds() <= 600:
        raise PolicyInvalid(f"{LEASE_KEY} is an exact period of 3s to 10m, got {raw!r}")
    return exact.total_seconds()


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Submission:
    """What the composition root hands the submission use cases."""

    setup: Setup
    store: LocalBlobStore
    signer: ReceiptSigner
    log_identity: audit.LogIdentity
    max_part_bytes: int = DEFAULT_MAX_PART_BYTES
    lease_seconds: float = DEFAULT_LEASE_SECONDS
    upload_limits: UploadLimits = DEFAULT_UPLOAD_LIMITS  # per bidder (issue 9, item 9)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Receipt:
    """A version's signed receipt with the checkpoint covering its log entry and proof."""

    version: BidVersion
    checkpoint: str | None
    tree_size: int | None
    inclusion_proof: tuple[bytes, ...]
    entry: bytes  # the log entry's exact bytes (the leaf is SHA-256(0x00 ‖ entry))


@contextlib.asynccontextmanager
async def acquire(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection, typed as the connection it proxies."""
    async with pool.acquire() as proxy:
        yield cast(asyncpg.Connection, proxy)


def bidder_of(actor: Actor) -> UUID:
    """The one bidder organisation the actor acts for (its bids are that organisation's)."""
    orgs = actor.acting_for(Role.BIDDER)
    if len(orgs) != 1:
        raise PermissionDenied(
            "only a user acting for exactly one bidder organisation submits bids",
            details={"action": str(Action.SUBMIT_BID), "resource": "bid"},
        )
    org = next(iter(orgs))
    require(actor, Action.SUBMIT_BID, Resource(kind=ResourceKind.BID, owner_organisation_id=org))
    return org


def lot_id_of(tender: Tender, lot: str) -> UUID:
    """The lot's id, or ``tender_lot_not_found``."""
    lot_id = tender.lot_id(lot)
    if lot_id is None:
        raise LotNotFound(f"the tender has no lot {lot!r}")
    return lot_id


def require_open(tender: Tender, now: datetime) -> None:
    """Bids are taken while the tender is published, before its deadline (database clock)."""
    if tender.is_public and tender.deadline is not None and now >= tender.deadline:
        raise BidDeadlinePassed("the bid deadline has passed")
    if tender.status is TenderStatus.SUSPENDED:
        raise TenderSuspended("the tender is paused until its objections are answered")
    if tender.status is not TenderStatus.PUBLISHED or tender.deadline is None:
        raise TenderNotOpenForBids("the tender does not take bids")
