"""What every results use case shares: who may act, the lot's candidates as the
evaluation handed them over, signature checks, alerts and the canonical hash."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from accounts.model import Actor
from accounts.permissions import Action
from signing.canonical import canonical_json, sha256_hex
from signing.certs import cert_sha256
from signing.cms import verify_detached
from signing.errors import SigningError
from signing.log.entry import Actor as LogActor
from signing.trust import TrustStore
from tender import access
from tender.alerting import raise_tender_alert
from tender.errors import LotNotFound, TenderError, TenderNotFound
from tender.events import AlertKind
from tender.model import Tender
from tender.opening.record import parse_record
from tender.results import source_queries as sources
from tender.results.errors import (
    EvaluationResultMissing,
    ObjectionSignatureInvalid,
    ObjectionSignerNotRegistered,
)
from tender.results.model import Candidate, EvaluationSummary
from tender.setup import Context, Setup
from tender.submission.signers import check_registered, require_trust


def body_sha256(body: Mapping[str, Any]) -> str:
    """SHA-256 of a body's canonical JSON (RFC 8785): what is logged and served."""
    return sha256_hex(canonical_json(body))


def context(setup: Setup, tender: Tender, now: datetime) -> Context:
    """The rules' context of a published tender: its policy snapshot (DESIGN.md, "Time")
    over the platform's policies — a tender published before the results' periods
    existed has none of them in its snapshot and takes the platform's values."""
    snapshot = {key: str(value) for key, value in (tender.policies or {}).items()}
    return Context(
        policies=setup.policies.with_values(snapshot), calendar=setup.calendar,
        trust=setup.trust, now=now,
    )  # fmt: skip


def tender_ref(tender: Tender) -> dict[str, str]:
    """How a public body names its tender."""
    return {"id": str(tender.id), "code": tender.code or "", "title": tender.content.title}


def require_lot(tender: Tender, lot: str) -> None:
    if tender.lot_id(lot) is None:
        raise LotNotFound(f"the tender has no lot {lot!r}")


def require_agency(actor: Actor, tender: Tender) -> LogActor:
    """The tender's agency acts on its results (it publishes the tender: Reg. 54)."""
    return access.authorise(actor, Action.PUBLISH_TENDER, tender)


def require_public(tender: Tender) -> None:
    """A draft has no results: the 404 an unknown id gets."""
    if not tender.is_public:
        raise TenderNotFound("no tender has this id")


def may_oversee_results(actor: Actor | None, tender: Tender) -> bool:
    """The agency, the tenderer, centre staff and the department's supervisors."""
    return actor is not None and access.may_read_draft(actor, tender)


async def handed_over(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> sources.HandedOver:
    """The lot's evaluation result, or ``evaluation_result_missing_conflict``."""
    found = next((r for r in await sources.handed_over(conn, tender_id) if r.lot == lot), None)
    if found is None:
        raise EvaluationResultMissing("the lot's evaluation has not closed: no candidates yet")
    return found


async def opened_fields(
    conn: asyncpg.Connection, tender_id: UUID, lot: str
) -> dict[str, dict[str, Any]]:
    """Each opened bidder's (credit code's) opening-form fields over the lot's records
    (a two-envelope lot's commercial record adds the price to the technical one's)."""
    fields: dict[str, dict[str, Any]] = {}
    for body in await sources.opening_records(conn, tender_id, lot):
        for entry in parse_record(body)["entries"]:
            if entry["outcome"] == "opened":
                fields.setdefault(entry["bidder"], {}).update(entry["fields"])
    return fields


async def lot_candidates(
    conn: asyncpg.Connection, result: sources.HandedOver
) -> tuple[list[Candidate], EvaluationSummary]:
    """The candidates as the evaluation handed them over, with what the opening record
    and the signed report say of each."""
    report = await sources.report(conn, result)
    bidders = await sources.bidders(conn, list(result.candidates))
    tender_id = UUID(report["tender"]["id"])
    fields = await opened_fields(conn, tender_id, result.lot)
    ranked = {r["bid"]: r for r in report["outcome"]["ranking"]}
    candidates = []
    for rank, bid in enumerate(result.candidates, start=1):
        who, ranking = bidders[bid], ranked.get(str(bid), {})
        candidates.append(
            Candidate(
                rank=rank,
                bid_id=bid,
                bidder_id=who["bidder_id"],
                credit_code=who["credit_code"],
                name=who["name"],
                fields=fields.get(who["credit_code"], {}),
                total=ranking.get("total"),
                evaluated_price_fen=ranking.get("evaluated_price_fen"),
            )
        )
    summary = EvaluationSummary(
        report_sha256=result.report_sha256, report_version=result.version,
        method=report["method"]["method"], bids_evaluated=len(report["bids"]),
        bids_rejected=len(report["rejected"]), closed_at=result.closed_at,
    )  # fmt: skip
    return candidates, summary


def publicised_candidates(body: Mapping[str, Any], bidders: Mapping[str, UUID]) -> list[Candidate]:
    """The candidates a publicity names (its text is what may be awarded)."""
    return [
        Candidate(
            rank=c["rank"],
            bid_id=UUID(c["bid"]),
            bidder_id=bidders[c["bidder"]],
            credit_code=c["bidder"],
            name=c["name"],
            fields={"price": c["price_fen"]},
            total=c["total_hundredths"],
            evaluated_price_fen=c["evaluated_price_fen"],
        )
        for c in body["candidates"]
    ]


async def verify_signed(
    conn: asyncpg.Connection,
    body: bytes,
    signature: bytes,
    trust: TrustStore | None,
    now: datetime,
    credit_code: str,
) -> str:
    """The CMS signature verifies over ``body`` now, by a certificate that carries
    ``credit_code`` and that its organisation registered on the platform (the rules of
    submit statements: tender/submission/signers.py); the certificate's SHA-256."""
    try:
        signer = verify_detached(body, signature, require_trust(trust), now)
    except SigningError as exc:
        raise ObjectionSignatureInvalid(
            f"the signature does not verify: {exc}", details={"cause": exc.code}
        ) from None
    try:
        await check_registered(conn, signer.certificate, credit_code, now)
    except TenderError as exc:
        raise ObjectionSignerNotRegistered(f"{exc.message}", details={"cause": exc.code}) from None
    return cert_sha256(signer.certificate)


async def alert_once(
    conn: asyncpg.Connection,
    tender_id: UUID,
    kind: AlertKind,
    subject: str,
    data: Mapping[str, Any],
) -> int:
    """Raise an alert once per (tender, kind, subject), logged; 1 if it is new."""
    alert = await raise_tender_alert(conn, tender_id, kind, subject, data, logged=data)
    return 0 if alert is None else 1


def lots_of(tender: Tender) -> Sequence[str]:
    return sorted((lot.number for lot in tender.content.lots), key=int)
