"""SQL gathering the facts the monitoring rules read (supervision/monitoring/model.py).

Bid facts are read only for frozen lots: who bid is secret until the deadline (DESIGN.md,
"Transparency log"), and the freeze reveals it. Expert facts span tenders (a pattern is
seen over many evaluations). Party facts (``party_relations``, ``party_people``) are
the market-party registry's tables (supervision/parties, issue 14 CONTRACTS.md §3): read
only if the table exists, so this branch runs before that one is merged.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from supervision.monitoring.model import (
    BidPerson,
    BidPrice,
    BondAccount,
    ExpertScore,
    LotBidder,
    PartyPerson,
    PartyRelation,
    ProcedureException,
    Sitting,
    TenderParties,
    UploadOrigin,
)

FROZEN_LOTS = """
SELECT l.id, l.number, l.price_ceiling_fen FROM tender_lots l
JOIN bid_freeze_lists f ON f.lot_id = l.id
WHERE l.tender_id = $1 ORDER BY l.number
"""

LOT_BIDDERS = "SELECT bidder_id FROM bid_freeze_entries WHERE lot_id = $1 ORDER BY bidder_id"

# Every upload the lot has seen, any status: a part sent from a colluder's machine and
# replaced later still tells where it came from.
UPLOAD_ORIGINS = """
SELECT bidder_id, host(client_address) AS address, client_installation, created_at
FROM bid_uploads WHERE lot_id = $1 ORDER BY created_at, id
"""

BOND_ACCOUNTS = """
SELECT bidder_id, paying_account FROM tender_bonds
WHERE lot_id = $1 AND paying_account IS NOT NULL ORDER BY bidder_id
"""

# The fields read out at the opening (Law 36 唱标): the price and the project manager.
OPENED_FIELDS = """
SELECT b.bidder_id, r.fields FROM opening_results r JOIN bids b ON b.id = r.bid_id
WHERE b.lot_id = $1 AND r.outcome = 'opened' ORDER BY b.bidder_id, r.part
"""

# Each expert who sat (signed in) on an evaluation session since $1, with the tender's
# agency and tenderer.
SITTINGS = """
SELECT s.tender_id, m.user_id, t.agency_id, t.tenderer_id, t.category, s.starts_at
FROM evaluation_members m
JOIN evaluation_sessions s ON s.id = m.session_id
JOIN tenders t ON t.id = s.tender_id
WHERE m.kind = 'expert' AND m.signed_in_at IS NOT NULL AND s.starts_at >= $1
ORDER BY s.starts_at, s.tender_id, m.user_id
"""

# An expert's revealed scoring sheets and the bids the deviation review flagged for it
# (evaluation_deviations: a score at least the session's deviation_percent away from the
# others' mean). The platform keeps only the flag, so a flagged score's deviation is the
# session's threshold and an unflagged one's is 0 — what the rule's ``deviation`` compares.
EXPERT_SCORES = """
SELECT s.tender_id, s.lot, m.user_id, eb.bid_id, sh.revealed_at,
       coalesce((s.policy ->> 'deviation_percent')::numeric, 30) AS threshold,
       EXISTS (SELECT FROM evaluation_deviations d
               WHERE d.session_id = sh.session_id AND d.phase = 'scoring'
                 AND d.seat = sh.seat AND d.generation = sh.generation
                 AND d.bid = eb.bid_id) AS flagged
FROM evaluation_sheets sh
JOIN evaluation_sessions s ON s.id = sh.session_id
JOIN evaluation_members m ON m.session_id = sh.session_id AND m.seat = sh.seat
     AND m.generation = sh.generation
JOIN evaluation_bids eb ON eb.session_id = sh.session_id
WHERE sh.phase = 'scoring' AND sh.kind = 'sealed' AND sh.revealed_at IS NOT NULL
  AND m.kind = 'expert' AND s.starts_at >= $1
ORDER BY sh.revealed_at, m.user_id, eb.bid_id
"""

# The opened parts whose files monitoring reads metadata of (supervision/monitoring/file_meta.py).
OPENED_PARTS = """
SELECT b.id AS bid_id, b.bidder_id, r.part, r.manifest_sha256, p.sha256 AS ciphertext_sha256
FROM opening_results r JOIN bids b ON b.id = r.bid_id
JOIN bid_freeze_entries f ON f.bid_id = r.bid_id
JOIN bid_parts p ON (p.bid_id, p.version, p.part) = (f.bid_id, f.version, r.part)
WHERE b.lot_id = $1 AND r.outcome = 'opened' AND r.manifest_sha256 IS NOT NULL
ORDER BY b.bidder_id, r.part
"""

# Every public tender since $1 with its agency and tenderer: how many tenders an agency
# runs is what its exceptions are measured against.
TENDER_PARTIES = """
SELECT id, agency_id, tenderer_id FROM tenders
WHERE status <> 'draft' AND created_at >= $1 ORDER BY created_at, id
"""

# Approved exceptions since $1: draws from a small pool or redrawn (draw_approvals), and
# members replaced at the host's request (evaluation_replacements, cause 'host').
PROCEDURE_EXCEPTIONS = """
SELECT d.tender_id, a.kind, d.agency_id, a.approved_at
FROM draw_approvals a JOIN draws d ON d.id = a.draw_id
WHERE a.approved_at >= $1
UNION ALL
SELECT s.tender_id::text, 'replacement', t.agency_id, r.approved_at
FROM evaluation_replacements r
JOIN evaluation_sessions s ON s.id = r.session_id
JOIN tenders t ON t.id = s.tender_id
WHERE r.cause = 'host' AND r.approved_at >= $1
ORDER BY 4, 1
"""

# Tenders whose bids froze since $1, latest first, not archived or cancelled: what the
# monitoring job re-checks (a new opening, score or relation may change a finding).
RECENT_TENDERS = """
SELECT l.tender_id FROM bid_freeze_lists f
JOIN tender_lots l ON l.id = f.lot_id
JOIN tenders t ON t.id = l.tender_id
WHERE f.frozen_at >= $1 AND t.status NOT IN ('archived', 'cancelled')
GROUP BY l.tender_id ORDER BY max(f.frozen_at) DESC LIMIT $2
"""

# The tender's published documents (every version): the template bidders start from.
TENDER_DOCUMENTS = """
SELECT d.name, v.version, v.sha256 FROM tender_document_versions v
JOIN tender_documents d ON d.id = v.document_id
WHERE v.tender_id = $1 AND v.published_at IS NOT NULL ORDER BY d.name, v.version
"""

# The party registry of supervision/parties (migration 0079): relations between parties
# and their people by the hash of the ID number (Reg. 34).
PARTY_RELATIONS = """
SELECT from_org, to_org, kind FROM party_relations
WHERE from_org = ANY($1::uuid[]) OR to_org = ANY($1::uuid[])
"""

PARTY_PEOPLE = """
SELECT organisation_id, role, id_hash FROM party_people WHERE organisation_id = ANY($1::uuid[])
"""


def person_hash(role: str, name: str) -> str:
    """A person named at the opening, by hash of the NFKC, space-free name: the opening
    reads out a name, not an ID number, so two bids naming one name match."""
    cleaned = "".join(unicodedata.normalize("NFKC", name).split())
    return hashlib.sha256(f"{role}:{cleaned}".encode()).hexdigest()


async def frozen_lots(conn: asyncpg.Connection, tender_id: UUID) -> list[asyncpg.Record]:
    return list(await conn.fetch(FROZEN_LOTS, tender_id))


async def lot_bidders(
    conn: asyncpg.Connection, tender: str, lot: str, lot_id: UUID
) -> list[LotBidder]:
    return [
        LotBidder(tender, lot, str(r["bidder_id"])) for r in await conn.fetch(LOT_BIDDERS, lot_id)
    ]


async def upload_origins(
    conn: asyncpg.Connection, tender: str, lot: str, lot_id: UUID
) -> list[UploadOrigin]:
    rows = await conn.fetch(UPLOAD_ORIGINS, lot_id)
    return [
        UploadOrigin(
            tender,
            lot,
            str(r["bidder_id"]),
            r["address"],
            r["client_installation"],
            r["created_at"],
        )
        for r in rows
    ]


async def bond_accounts(
    conn: asyncpg.Connection, tender: str, lot: str, lot_id: UUID
) -> list[BondAccount]:
    rows = await conn.fetch(BOND_ACCOUNTS, lot_id)
    return [BondAccount(tender, lot, str(r["bidder_id"]), r["paying_account"]) for r in rows]


async def opened_fields(
    conn: asyncpg.Connection, tender: str, lot: str, lot_id: UUID, ceiling: int
) -> tuple[list[BidPrice], list[BidPerson]]:
    prices, people = [], []
    for row in await conn.fetch(OPENED_FIELDS, lot_id):
        fields, bidder = row["fields"], str(row["bidder_id"])
        if isinstance(fields, str):
            fields = json.loads(fields)
        price = fields.get("price")
        if isinstance(price, int) and not isinstance(price, bool) and price > 0:
            prices.append(BidPrice(tender, lot, bidder, price, ceiling or None))
        manager = fields.get("project_manager")
        if isinstance(manager, str) and manager.strip():
            role = "project_manager"
            people.append(BidPerson(tender, lot, bidder, role, person_hash(role, manager)))
    return prices, people


async def sittings(conn: asyncpg.Connection, since: datetime) -> list[Sitting]:
    return [
        Sitting(
            str(r["tender_id"]),
            str(r["user_id"]),
            str(r["agency_id"]),
            str(r["tenderer_id"]),
            r["category"],
            r["starts_at"],
        )
        for r in await conn.fetch(SITTINGS, since)
    ]


async def expert_scores(conn: asyncpg.Connection, since: datetime) -> list[ExpertScore]:
    return [
        ExpertScore(
            str(r["tender_id"]),
            r["lot"],
            str(r["user_id"]),
            str(r["bid_id"]),
            float(r["threshold"]) if r["flagged"] else 0.0,
            r["revealed_at"],
        )
        for r in await conn.fetch(EXPERT_SCORES, since)
    ]


async def recent_tenders(conn: asyncpg.Connection, since: datetime, limit: int) -> list[UUID]:
    return [row["tender_id"] for row in await conn.fetch(RECENT_TENDERS, since, limit)]


async def tender_parties(conn: asyncpg.Connection, since: datetime) -> list[TenderParties]:
    return [
        TenderParties(str(r["id"]), str(r["agency_id"]), str(r["tenderer_id"]))
        for r in await conn.fetch(TENDER_PARTIES, since)
    ]


async def procedure_exceptions(
    conn: asyncpg.Connection, since: datetime
) -> list[ProcedureException]:
    return [
        ProcedureException(r["tender_id"], r["kind"], str(r["agency_id"]), r["approved_at"])
        for r in await conn.fetch(PROCEDURE_EXCEPTIONS, since)
    ]


async def party_facts(
    conn: asyncpg.Connection, orgs: Sequence[str]
) -> tuple[list[PartyRelation], list[PartyPerson]]:
    """Relations and people of ``orgs`` from the party registry (supervision/parties)."""
    ids = [UUID(o) for o in orgs]
    relations = [
        PartyRelation(str(r["from_org"]), str(r["to_org"]), r["kind"])
        for r in await conn.fetch(PARTY_RELATIONS, ids)
    ]
    people = [
        PartyPerson(str(r["organisation_id"]), r["role"], r["id_hash"])
        for r in await conn.fetch(PARTY_PEOPLE, ids)
    ]
    return relations, people
