"""Who bids for a procurement project's tender: its invited suppliers only (issue 18,
item 4; docs/api-procurement.md, "Bids").

Request for quotations and competitive consultation invite their suppliers (MOF Decree
74 Art. 12, 财库〔2014〕214号 Art. 6), as negotiation does, and single source names its
one (Decree 74 Art. 38): the project's supplier list, fixed at publication, is who may
respond. A tender without a project (public tendering) takes anyone's bid. Checked at
the start of an upload and of a submission, before anything else of the bid is looked
at, so an organisation not invited learns nothing more of the lot.

procurement/ sits above tender in the layers (tests/test_layering.py), so its two
tables of 0115 are read here by name, never through its modules — as
tender/results/source_queries.py reads the evaluation's. Both are fixed once the
project is published (the plan is edited only in a draft), so the check needs no lock.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from tender.submission.model import SubmissionError

NOT_INVITED = """
SELECT EXISTS (SELECT FROM procurement_projects WHERE tender_id = $1)
   AND NOT EXISTS (SELECT FROM procurement_suppliers WHERE tender_id = $1 AND supplier_id = $2)
"""


class BidderNotInvited(SubmissionError):
    """The tender is a procurement project that did not invite this supplier."""

    code = "bid_supplier_not_invited"
    status = 403


async def require_invited(conn: asyncpg.Connection, tender_id: UUID, bidder_id: UUID) -> None:
    """Refuse a bidder a procurement project did not invite (any other tender: pass)."""
    if await conn.fetchval(NOT_INVITED, tender_id, bidder_id):
        raise BidderNotInvited(
            "this procurement project takes responses from its invited suppliers only"
        )
