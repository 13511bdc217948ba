"""A procurement project's tender takes bids from its invited suppliers only
(tender/submission/invited.py; issue 18, item 4): refused at the start of an upload and
of a submission with ``bid_supplier_not_invited``, nothing stored; an invited supplier
uploads as any bidder does; every other role is refused as before."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from procurement.model import Method
from tender.lifecycle import load
from tender.submission import service, uploads
from tender.submission.invited import BidderNotInvited
from tests.procurement.kit import QUICK, published_project, suppliers
from tests.tender.submission.kit import bidder, make_submission, sign_submit
from tests.tender.world import World

# Two of the world's three bidder organisations invited: the third is not.
TWO = QUICK.with_values({"min_suppliers": "2"})
SHA = "ab" * 32


async def uploads_of(conn: asyncpg.Connection) -> int:
    count: int = await conn.fetchval("SELECT count(*) FROM bid_uploads")
    return count


@pytest.mark.parametrize("method", [Method.QUOTATION, Method.CONSULTATION])
async def test_only_invited_suppliers_upload_and_submit(
    conn: asyncpg.Connection, world: World, tmp_path: Path, method: Method
) -> None:
    """Decree 74 Art. 12, 214号 Art. 6: the project's suppliers respond, no one else."""
    tender_id = await published_project(
        conn, world, method, policies=TWO, suppliers=suppliers(world, 2)
    )
    sub = make_submission(world, tmp_path)
    outsider = bidder(world, 2)
    with pytest.raises(BidderNotInvited):
        await uploads.create_upload(
            conn, outsider.actor, tender_id, "1", part="main", size=10, sha256=SHA, sub=sub
        )
    tender = await load(conn, tender_id)
    with pytest.raises(BidderNotInvited):
        await service.submit_bid(
            conn, outsider.actor, tender_id, "1", sign_submit(tender, outsider, {"main": SHA}),
            sub=sub,
        )  # fmt: skip
    assert await uploads_of(conn) == 0
    # Not a bidder at all: refused as before, whatever the project.
    for other in (world.agency, world.staff):
        with pytest.raises(PermissionDenied):
            await uploads.create_upload(
                conn, other, tender_id, "1", part="main", size=10, sha256=SHA, sub=sub
            )
    invited = await uploads.create_upload(
        conn, world.bidders[0], tender_id, "1", part="main", size=10, sha256=SHA, sub=sub
    )
    assert invited.tender_id == tender_id
    assert await uploads_of(conn) == 1
