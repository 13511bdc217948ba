"""What every draw use case shares: finding a draw, its permission resource, checks.

The use cases themselves: expert_pool.requests.service (request, commit),
expert_pool.rounds.service (entropy and rounds), expert_pool.pools.service (exclusions
and pools), expert_pool.requests.close (cancel-and-redraw, publication after the award),
expert_pool.answers.service, expert_pool.views.service, expert_pool.records.service.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

import asyncpg

from accounts.permissions import Resource, ResourceKind
from expert_pool.draws import queries as queries_draws
from expert_pool.draws.model import StoredDraw
from expert_pool.errors import DrawCommitNotCheckpointed, DrawNotFound, DrawRequestInvalid
from signing.draw.rules import validate_draw_id


def new_draw_id() -> str:
    """An opaque draw id: it appears in notices, so it must not name the project."""
    return "D-" + secrets.token_hex(8)


def resource(draw: StoredDraw) -> Resource:
    """The draw as the permission matrix sees it."""
    return Resource(
        kind=ResourceKind.DRAW,
        id=draw.id,
        agency_id=draw.parties.agency_id,
        department_id=draw.parties.department_id,
    )


async def get_draw(conn: asyncpg.Connection, draw_id: str, *, lock: bool = False) -> StoredDraw:
    """A draw by id; DrawNotFound when there is none."""
    found = await queries_draws.draw(conn, validate_draw_id(draw_id), lock=lock)
    if found is None:
        raise DrawNotFound(f"no draw has the id {draw_id!r}")
    return found


def check_reason(reason: str) -> None:
    """A reason is 1 to 500 characters (it is kept with the approval or cancel)."""
    if not 1 <= len(reason.strip()) <= 500:
        raise DrawRequestInvalid("a reason is 1 to 500 characters")


def below_ratio(draw: StoredDraw, sizes: Mapping[str, int]) -> tuple[str, ...]:
    """Labels whose pool is smaller than min_pool_ratio × count (DESIGN.md)."""
    ratio = draw.policy.draw.min_pool_ratio
    return tuple(c.label for c in draw.spec.categories if sizes[c.label] < ratio * c.count)


def not_checkpointed(draw: StoredDraw) -> DrawCommitNotCheckpointed:
    """The refusal while no checkpoint fixes the commit (entropy and the proof alike)."""
    witnesses = ", ".join(draw.policy.commit_witnesses)
    cosigned = f", cosigned by {witnesses}," if witnesses else ""
    return DrawCommitNotCheckpointed(
        f"no signed checkpoint{cosigned} covers the commit (log index "
        f"{draw.commit_log_index}) yet: wait for the next checkpoint and try again"
    )
