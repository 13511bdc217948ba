"""After the deadline, the commitments kept secret until then are opened in one entry.

Downloads, objections and bonds are logged with salted commitments to who made them
(DESIGN.md, "Transparency log"), so no one learns the likely bidders before the
deadline; once it has passed, this reveals every value and salt together, and anyone
can check each commitment against the entry that carried it.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from audit import service as audit
from tender.bonds import queries as bond_queries
from tender.documents import queries as document_queries
from tender.errors import TenderNotOpenForBids
from tender.events import TenderEvent
from tender.lifecycle import PLATFORM, append, lock_tender
from tender.notices import queries as notice_queries


async def reveal_commitments(conn: asyncpg.Connection, tender_id: UUID) -> int | None:
    """After the deadline, open the download, objection and bond commitments in one entry.

    The opening work calls this once the deadline has passed (its own transaction or
    this one); returns the entry's index, or None if there was nothing to reveal.
    """
    async with conn.transaction():
        locked = await lock_tender(conn, tender_id)
        deadline = locked.tender.deadline
        if deadline is None or locked.now < deadline:
            raise TenderNotOpenForBids("commitments are revealed only after the deadline")
        # Download entries are queued (tender/documents/service.py): those committed
        # before this lock get their indexes first, so the reveal follows every entry
        # whose commitment it opens (docs/audit-log.md §2.2), as the freeze does.
        await audit.integrate(conn)
        downloads = await document_queries.download_salts(conn, tender_id)
        objections = await notice_queries.objection_salts(conn, tender_id)
        bonds = await bond_queries.bond_salts(conn, tender_id)
        if not downloads and not objections and not bonds:
            return None
        data = {
            "downloads": [
                {"value": f"{r['organisation_id']}/{r['user_id']}", "salt": r["salt"].hex()}
                for r in downloads
            ],
            "objections": [
                {
                    "objection_id": str(r["id"]),
                    "value": str(r["organisation_id"]),
                    "salt": r["salt"].hex(),
                }
                for r in objections
            ],
            "bonds": [
                {
                    "bond_id": str(r["id"]),
                    "value": str(r["bidder_id"]),
                    "salt": r["bidder_salt"].hex(),
                }
                for r in bonds
            ],
        }
        return await append(
            conn, TenderEvent.COMMITMENTS_REVEALED, tender_id, actor=PLATFORM, data=data
        )
