"""Which committee members read a lot's opened bids now (issue 11; DESIGN.md, "Live
sessions": the committee learns the project only at the start).

The draw decides who may ever read (``expert_pool.views.service.evaluation_committee``:
the experts who confirmed a seat in the lot's completed evaluation draw and were not
released from it). The lot's latest evaluation session narrows that to the experts
holding a seat in it *now* (status ``seated``: not recused, absent
or replaced — a supervisor's approval of a replacement unseats the holder, its
successor is seated by the host), and only once the session has started: before the
``start`` a member must not be able to tie its anonymous session to the project, and a
sealed session's committee is dissolved (a new committee is formed, DOMAIN.md).
Before any session is scheduled nobody reads either: a confirmed expert could otherwise
learn the project from its bids long before the start (两随机、四不知, DOMAIN.md
"Remote cross-city evaluation": neither side knows the other before the start).
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from evaluation.model import MemberStatus
from evaluation.sessions import member_queries
from evaluation.sessions import queries as session_queries
from evaluation.sessions.views import started


async def seated_readers(
    conn: asyncpg.Connection, tender_id: UUID, lot: str, drawn: frozenset[UUID]
) -> frozenset[UUID]:
    """The accounts of ``drawn`` (the draw's committee) that may read the lot's bids."""
    sessions = [
        s for s in await session_queries.sessions_of_tender(conn, tender_id) if s.lot == lot
    ]
    if not sessions:
        return frozenset()  # no session, no start: the committee knows nothing yet
    latest = sessions[-1]  # by attempt: an earlier attempt was sealed
    if not started(latest.phase):
        return frozenset()
    holders = await member_queries.members(conn, latest.id)
    return drawn & frozenset(m.user_id for m in holders if m.status is MemberStatus.SEATED)
