"""What an award runs in its own transaction (CONTRACTS.md, "award → everyone").

The award (tender/results/award.py) may not import expert_pool or web's PDF renderer,
so the app composes its follow-ups here: the award notice to the winner and the result
notices to the others (Law 45; tender/award_notices), and the tender's draws made public
(the only way they become public: docs/formats/draw.md §13), and a procurement
project's invited suppliers (docs/api-procurement.md "Log entries"). An error in either rolls
the award back: nothing half-written.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from expert_pool.publication.service import publish_draws
from procurement import invitees
from tender.award_notices import service as award_notices
from tender.award_notices.service import NoticeSigner
from tender.results.award import AfterAward
from web.services import Services
from web.tender.award_notices.signer import notice_signer


def after_award(services: Services) -> AfterAward:
    """The follow-ups of an award, with the platform's notice signer."""
    return after_award_signed_by(notice_signer(services))


def after_award_signed_by(signer: NoticeSigner) -> AfterAward:
    """The follow-ups of an award with ``signer`` (``etender demo`` builds its own: it
    runs without the app's services)."""

    async def run(
        conn: asyncpg.Connection, tender_id: UUID, lot: str, decided_at: datetime
    ) -> None:
        await award_notices.issue(
            conn, tender_id=tender_id, lot=lot, decided_at=decided_at, signer=signer
        )
        await publish_draws(conn, tender_id, decided_at)
        # A procurement project's invited suppliers, sealed in the log until the award.
        await invitees.reveal_at_award(conn, tender_id)

    return run
