"""All SQL of a member's signatures list (GET /api/v1/me/signatures, issue 12).

Every signature the platform holds made with one of the user's registered certificates,
newest first: sealed sheets and revisions (evaluation_sheets), report signatures
(evaluation_report_signatures, by the certificate the version commits the seat to),
supervisors' notes (evaluation_notes), clarification answers (evaluation_clarifications),
bids' submit and withdraw statements (bid_versions), timed-auction bids (auction_bids)
and recipient statements (user_recipients). Read-only over those packages' tables: one
UNION, keyset-paged by (at, key) where ``key`` is unique across the union.
Certificate-registration proofs are not stored (the challenge is consumed, its signature
dropped): nothing to list.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

# Each branch: at, purpose, cert_sha256, content_sha256 (hex), subject type and id, key.
SIGNATURES = """
WITH mine AS (
    SELECT cert_sha256, device_kind, device_label FROM user_certificates WHERE user_id = $1
), found AS (
    SELECT s.submitted_at AS at,
           CASE s.kind WHEN 'sealed' THEN 'evaluation.sheet'
                ELSE 'evaluation.sheet_revision' END AS purpose,
           s.signer_cert_sha256 AS cert_sha256, encode(s.commitment, 'hex') AS content_sha256,
           'evaluation' AS subject_type, s.session_id::text AS subject_id,
           concat_ws('/', 'sheet', s.session_id, s.phase, s.seat, s.generation, s.version) AS key
    FROM evaluation_sheets s JOIN mine m ON m.cert_sha256 = s.signer_cert_sha256
  UNION ALL
    SELECT g.signed_at, 'evaluation.report_signature', rm.cert_sha256, r.sha256,
           'evaluation', g.session_id::text,
           concat_ws('/', 'report', g.session_id, g.version, g.seat)
    FROM evaluation_report_signatures g
    JOIN evaluation_report_members rm USING (session_id, version, seat)
    JOIN evaluation_reports r USING (session_id, version)
    JOIN mine m ON m.cert_sha256 = rm.cert_sha256
    WHERE rm.user_id = $1
  UNION ALL
    SELECT n.noted_at, 'evaluation.supervisor_note', n.signer_cert_sha256, n.sha256,
           'evaluation', n.session_id::text, concat_ws('/', 'note', n.id)
    FROM evaluation_notes n JOIN mine m ON m.cert_sha256 = n.signer_cert_sha256
  UNION ALL
    SELECT c.answered_at, 'evaluation.clarification_answer', c.signer_cert_sha256,
           encode(sha256(convert_to(c.answer, 'UTF8')), 'hex'),
           'evaluation', c.session_id::text, concat_ws('/', 'clarification', c.id)
    FROM evaluation_clarifications c JOIN mine m ON m.cert_sha256 = c.signer_cert_sha256
    WHERE c.answer IS NOT NULL
  UNION ALL
    SELECT b.received_at, 'bid.' || b.kind, b.signer_cert_sha256, b.statement_sha256,
           'bid', b.bid_id::text, concat_ws('/', 'bid', b.bid_id, b.version)
    FROM bid_versions b JOIN mine m ON m.cert_sha256 = b.signer_cert_sha256
  UNION ALL
    SELECT a.placed_at, 'auction.bid', a.signer_cert_sha256, encode(sha256(a.form), 'hex'),
           'auction', a.auction_id::text, concat_ws('/', 'auction', a.auction_id, a.n)
    FROM auction_bids a JOIN mine m ON m.cert_sha256 = a.signer_cert_sha256
  UNION ALL
    SELECT u.registered_at, 'account.recipient_statement', u.cert_sha256,
           encode(sha256(u.statement), 'hex'), 'user', u.user_id::text,
           concat_ws('/', 'recipient', u.id)
    FROM user_recipients u JOIN mine m ON m.cert_sha256 = u.cert_sha256
)
SELECT f.*, m.device_kind, m.device_label
FROM found f JOIN mine m USING (cert_sha256)
WHERE $2::timestamptz IS NULL OR (f.at, f.key) < ($2::timestamptz, $3::text)
ORDER BY f.at DESC, f.key DESC
LIMIT $4
"""


async def signatures(
    conn: asyncpg.Connection,
    user_id: UUID,
    *,
    before: tuple[datetime, str] | None,
    limit: int,
) -> list[asyncpg.Record]:
    """Up to ``limit`` of the user's signatures, newest first, older than ``before``."""
    at, key = before if before is not None else (None, "")
    return list(await conn.fetch(SIGNATURES, user_id, at, key, limit))
