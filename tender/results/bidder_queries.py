"""SQL of the bidder's own results (tender/results/bidder.py): one row per bid of the
organisations a bidder acts for, with only the facts already public for its lot."""

from __future__ import annotations

from uuid import UUID

import asyncpg

# One row per submitted bid (a withdrawn bid is out of the procedure, Law 29). Every
# fact beside the bid itself is one the platform has published for the lot: the signed
# opening record (Reg. 44), the candidates' publicity (Reg. 54) with the bid's rank in
# it, the current award's announcement, the tender's failure or cancellation notice, and
# whether the lot's last decision was to tender it again (Reg. 55).
SELECT_BIDS = """
SELECT b.id AS bid_id, t.id AS tender_id, t.code, t.title, t.deadline, l.number AS lot,
       l.title AS lot_title,
       EXISTS (SELECT 1 FROM opening_records r WHERE r.lot_id = b.lot_id) AS opened,
       EXISTS (SELECT 1 FROM candidate_publicities p
               WHERE p.tender_id = t.id AND p.lot = l.number) AS publicised,
       (SELECT (c ->> 'rank')::int
          FROM candidate_publicities p, jsonb_array_elements(p.body -> 'candidates') c
         WHERE p.tender_id = t.id AND p.lot = l.number AND c ->> 'bid' = b.id::text
         LIMIT 1) AS rank,
       (SELECT d.bidder_id = b.bidder_id
          FROM award_decisions d JOIN result_announcements a ON a.decision_id = d.id
         WHERE d.tender_id = t.id AND d.lot = l.number AND d.current) AS won,
       (SELECT d.kind = 'retender' FROM award_decisions d
         WHERE d.tender_id = t.id AND d.lot = l.number
         ORDER BY d.step DESC LIMIT 1) AS retendered,
       (SELECT c.kind FROM tender_closures c WHERE c.tender_id = t.id) AS closure
  FROM bids b
  JOIN tenders t ON t.id = b.tender_id
  JOIN tender_lots l ON l.id = b.lot_id
 WHERE b.bidder_id = ANY($1::uuid[]) AND b.status = 'submitted' AND t.status <> 'draft'
 ORDER BY t.deadline DESC NULLS LAST, t.id, l.number::int
"""


async def bids(conn: asyncpg.Connection, organisations: list[UUID]) -> list[asyncpg.Record]:
    """The submitted bids of ``organisations`` with their lots' public facts."""
    return list(await conn.fetch(SELECT_BIDS, organisations))
