"""Request and response bodies of the opening's JSON API (docs/formats/opening.md),
with the conversions from the domain's values; the handlers are in web/opening/routes.py.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any
from uuid import UUID

import msgspec

from signing.committee import dump_committee
from tender.opening import queries as opening_queries
from tender.opening.progress import LotProgress
from tender.opening.release import ReleaseBatch
from web.errors import RequestInvalid


class ReleaseItem(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One part's release: the share (base64, 16 bytes) or, in a dispute, the secret."""

    part_id: str
    x: int | None = None
    share: str | None = None
    revealed_secret: str | None = None


class ReleaseBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """An official's releases for one lot."""

    lot: str
    releases: list[ReleaseItem]


class SelfKeyBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A bidder's own file key for one part (base64, 16 bytes)."""

    part: str
    file_key: str


class PartStatusBody(msgspec.Struct, frozen=True, kw_only=True):
    bid_id: str
    bidder: str
    part: str
    outcome: str
    cause: str | None


class ProgressBody(msgspec.Struct, frozen=True, kw_only=True):
    """A lot's statuses; the record (and so any price) only once every bid settled."""

    statuses: list[PartStatusBody]
    record: dict[str, Any] | None


def b64_field(value: str | None, name: str) -> bytes | None:
    """A base64 field's bytes (None stays None); malformed → ``request_invalid``."""
    if value is None:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise RequestInvalid(f"'{name}' must be base64", details={"field": name}) from None


def parse_part_id(value: str) -> tuple[str, UUID, str]:
    """``<lot>.<bid id>.<label>`` → its three parts; malformed → ``request_invalid``."""
    lot, _, rest = value.partition(".")
    bid, _, label = rest.partition(".")
    try:
        return lot, UUID(bid), label
    except ValueError:
        raise RequestInvalid(
            "'part_id' is <lot>.<bid id>.<label>", details={"field": "part_id"}
        ) from None


def progress_body(progress: LotProgress) -> ProgressBody:
    """The JSON of a lot's progress."""
    statuses = [
        PartStatusBody(
            bid_id=str(s.bid_id),
            bidder=s.bidder,
            part=s.part,
            outcome=str(s.outcome),
            cause=None if s.cause is None else str(s.cause),
        )
        for s in progress.statuses
    ]
    record = None if progress.record is None else json.loads(progress.record.body)
    return ProgressBody(statuses=statuses, record=record)


def batch_json(batch: ReleaseBatch) -> dict[str, Any]:
    """One lot of the release batch (the client re-checks all of it)."""
    return {
        "lot": batch.lot,
        "committee": json.loads(dump_committee(batch.committee)),
        "freeze_list": {
            "entries": [
                {
                    "bidder": e.bidder_credit_code,
                    "parts": [{"label": p.label, "sha256": p.sha256} for p in e.parts],
                }
                for e in batch.entries
            ]
        },
        "parts": [
            {
                "part_id": f"{batch.lot}.{e.bid_id}.{p.label}",
                "tender": batch.tender_code,
                "lot": batch.lot,
                "bidder": e.bidder_credit_code,
                "label": p.label,
                "sha256": p.sha256,
            }
            for e in batch.entries
            for p in e.parts
            # Opened later, on request, and only for the bids that passed (issue 11, item 6).
            if p.label != "commercial"
            or (
                batch.commercial_open
                and (batch.commercial_bids is None or e.bid_id in batch.commercial_bids)
            )
        ],
    }


class ConfirmBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A bidder's detached CMS signature (DER, base64) over the record bytes."""

    signature: str


class ObjectionBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A bidder's objection to the record (1–4000 characters)."""

    text: str


class AnswerBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The host's answer to an objection."""

    answer: str


class ResponseBody(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    stage: str  # the record responded to: main (one envelope), technical or commercial
    bidder_id: str
    kind: str
    objection: str | None
    answer: str | None
    created_at: str
    answered_at: str | None


class ResponseList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[ResponseBody]


def response_body(found: opening_queries.Response) -> ResponseBody:
    """The JSON of a confirmation or objection."""
    return ResponseBody(
        id=str(found.id),
        stage=found.part,
        bidder_id=str(found.bidder_id),
        kind=found.kind,
        objection=found.objection,
        answer=found.answer,
        created_at=found.created_at.isoformat(),
        answered_at=None if found.answered_at is None else found.answered_at.isoformat(),
    )


class HallBody(msgspec.Struct, frozen=True, kw_only=True):
    """The opening hall's live session: connect to /api/v1/live/{session_id}."""

    session_id: str
