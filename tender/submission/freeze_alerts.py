"""Alerts the freeze raises: identical sealed parts (Reg. 40) and one organisation in
two bids of a lot (Reg. 37).

DOMAIN.md, "Monitoring and supervision": collusion signs go to the tender's alerts
(``supervision_alerts``, read by the centre and the supervising department) and the log.
Both are raised in the freeze's transaction, when who bid is revealed anyway, so the
alert may name the bidders. Identical part hashes are looked for across everything the
lot has seen — any upload, any version, replaced ones included — because a bidder who
copied another's sealed file may have replaced it before the deadline. Reg. 37 bids
are failed at the opening with ``organisation_in_two_bids`` (tender/opening/decrypt.py);
the rule is recomputed there from the freeze list, which names each bid's members.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg

from signing.canonical import sha256_hex
from tender.alerting import raise_tender_alert
from tender.bonds.model import Alert
from tender.events import AlertKind
from tender.submission import queries as bid_queries
from tender.submission.model import FreezeEntry, identical_hashes, organisations_in_two_bids

log = logging.getLogger(__name__)


async def _raise(
    conn: asyncpg.Connection,
    tender_id: UUID,
    kind: AlertKind,
    subject: str,
    data: dict[str, Any],
    logged: dict[str, Any],
) -> Alert | None:
    # The log names no bidder: an upload or a withdrawn version may belong to an
    # organisation the freeze list does not reveal (the alert itself, read by the centre
    # and the department, names them). None if raised before (two racing freezes).
    return await raise_tender_alert(conn, tender_id, kind, subject, data, logged=logged)


async def identical_part_alerts(
    conn: asyncpg.Connection, tender_id: UUID, lot: str, lot_id: UUID
) -> list[Alert]:
    """Reg. 40: one alert per part hash that two or more bidders of the lot hold."""
    named = await bid_queries.lot_part_hashes(conn, lot_id)
    codes = {bidder_id: code for _, bidder_id, code in named}
    raised = []
    for sha256, bidders in identical_hashes((h, b) for h, b, _ in named).items():
        data = {"lot": lot, "sha256": sha256, "bidders": sorted(codes[b] for b in bidders)}
        logged = {"lot": lot, "sha256": sha256, "bidder_count": len(bidders)}
        alert = await _raise(
            conn, tender_id, AlertKind.BID_PARTS_IDENTICAL, f"{lot}|{sha256}", data, logged
        )
        if alert is not None:
            raised.append(alert)
    return raised


async def shared_organisation_alerts(
    conn: asyncpg.Connection, tender_id: UUID, lot: str, entries: Sequence[FreezeEntry]
) -> list[Alert]:
    """Reg. 37: one alert per lot naming every bid that shares an organisation with another."""
    shared = organisations_in_two_bids(entries)
    if not shared:
        return []
    bids = [
        {"bid_id": str(e.bid_id), "bidder": e.bidder_credit_code, "shared": list(shared[e.bid_id])}
        for e in entries
        if e.bid_id in shared
    ]
    data = {"lot": lot, "bids": bids, "cause": "organisation_in_two_bids"}
    subject = f"{lot}|" + sha256_hex("|".join(sorted(str(b) for b in shared)).encode())
    logged = {"lot": lot, "bid_ids": sorted(str(b) for b in shared)}
    alert = await _raise(conn, tender_id, AlertKind.ORGANISATION_IN_TWO_BIDS, subject, data, logged)
    return [] if alert is None else [alert]
