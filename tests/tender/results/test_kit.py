"""The kit's closed tender is what the results start from."""

from __future__ import annotations

import asyncpg

from signing.certs import cert_sha256
from tender.lifecycle import load
from tender.model import TenderStatus
from tests.tender.results.kit import Closed


async def test_the_kit_is_a_tender_whose_evaluation_closed_with_three_ranked_candidates(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Status candidates; three candidates best first, each with a bond and its price."""
    assert (await load(conn, closed.tender_id)).status is TenderStatus.CANDIDATES
    assert [c.rank for c in closed.candidates] == [1, 2, 3]
    assert len({c.bidder_id for c in closed.candidates}) == 3
    for rank, candidate in enumerate(closed.candidates, start=1):
        assert candidate.price_fen == candidate.fields["price"]
        assert closed.bidder(rank).organisation_id == candidate.bidder_id
    bonds = await conn.fetchval(
        "SELECT count(*) FROM tender_bonds WHERE tender_id = $1", closed.tender_id
    )
    assert bonds == 3


async def test_the_kits_agency_signs_with_a_registered_certificate(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """The agency user's certificate is registered (it signs what the agency answers)."""
    found = await conn.fetchval(
        "SELECT user_id FROM user_certificates WHERE cert_sha256 = $1",
        cert_sha256(closed.agency_identity.certificate),
    )
    assert found == closed.agency.user_id
