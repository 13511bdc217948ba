"""The award publishes the tender's draws; anyone reads them afterwards.

The holes issue (issue 13, item 3): the award is the only way a draw becomes public.
``publish_draws`` runs in the award's transaction (the tender's result use case calls
it): for each complete draw of the tender it opens the sealed list as before
(``requests.close.publish_after_award``: the draw is marked awarded and the
``draw.published`` entry reveals the seed and the salts), and, where the draw's policy
publishes the list (``public_after_award``, the default), stores the public document
(model.py) and logs its SHA-256 (``draw.publication_stored``). The pools stay with the
supervisors (``GET /draws/{id}/pools``); nothing here reads them.
"""

from __future__ import annotations

import logging
from datetime import datetime
from uuid import UUID

import asyncpg

from expert_pool import journal
from expert_pool.answers import queries as queries_members
from expert_pool.draws import queries as queries_draws
from expert_pool.draws.model import StoredDraw
from expert_pool.errors import DrawNotFound
from expert_pool.events import PoolEvent
from expert_pool.model import require_aware
from expert_pool.publication import queries
from expert_pool.publication.model import (
    Publication,
    publication,
    publication_body,
    seated_members,
)
from expert_pool.requests.close import publish_after_award
from expert_pool.rounds.release import reveal_round_seeds
from signing.draw.algorithm import reveal_seed

log = logging.getLogger(__name__)


async def _document(conn: asyncpg.Connection, draw: StoredDraw, now: datetime) -> Publication:
    assert draw.transcript is not None  # a complete draw has one
    shown = reveal_seed(draw.transcript, await queries_draws.platform_seed(conn, draw.id))
    members = await queries_members.members(conn, draw.id)
    # An awarded draw shows every release round's seed (docs/formats/draw.md §4.2).
    shown = await reveal_round_seeds(conn, draw, members, shown)
    names = await queries_members.expert_names(conn, [m.expert_id for m in members])
    body = publication_body(
        draw_id=draw.id,
        tender_id=draw.parties.tender_id,
        lot=draw.parties.lot,
        purpose=str(draw.parties.purpose),
        transcript=shown,
        members=seated_members(shown, names),
        published_at=now,
    )
    return publication(
        draw_id=draw.id, tender_id=draw.parties.tender_id, body=body, published_at=now
    )


async def publish_draws(
    conn: asyncpg.Connection, tender_id: UUID | str, now: datetime
) -> list[str]:
    """Publish every complete draw of the tender, in the caller's transaction.

    Returns the ids of the draws made public now. Idempotent: a draw published before
    is left as it is (its document and SHA-256 never change).
    """
    now = require_aware(now, what="now")
    published = []
    async with conn.transaction():  # the award's, when it runs in one (a savepoint)
        for draw_id in await queries.complete_draws(conn, str(tender_id)):
            draw = await publish_after_award(conn, None, draw_id)
            if not draw.policy.public_after_award:
                continue  # the policy keeps the list to the entitled (DESIGN.md)
            found = await _document(conn, draw, now)
            if not await queries.insert(conn, found):
                continue
            await journal.append(
                conn,
                PoolEvent.DRAW_PUBLICATION_STORED,
                actor=None,
                role="platform",
                subject=("draw", draw.id),
                data={"draw_id": draw.id, "sha256": found.sha256},
            )
            log.info("draw.publication_stored draw=%s", draw.id)
            published.append(draw.id)
    return published


async def publications(conn: asyncpg.Connection, tender_id: str) -> list[Publication]:
    """The tender's published draws (anyone; an empty list before the award)."""
    return await queries.of_tender(conn, tender_id)


async def published_draw(conn: asyncpg.Connection, draw_id: str) -> Publication:
    """One published draw; ``draw_not_found`` before the award, as for no draw at all."""
    found = await queries.one(conn, draw_id)
    if found is None:
        raise DrawNotFound("no published draw has this id")
    return found
