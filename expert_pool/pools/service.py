"""Use cases of a draw's pools: exclusions computed and recorded, supervisors' approval.

DESIGN.md: the pools are the eligible ids per label after every exclusion, sorted by
bytes, fixed before the commit; issue 5: exclusions are recorded per draw with a reason
for each excluded candidate, and supervisors review them before the commit; a pool
below min_pool_ratio × count needs a supervisor's approval. The draw operator sees
only sizes (it cannot browse the pool).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import asyncpg

from accounts.model import Actor
from accounts.permissions import Action, require
from expert_pool import journal
from expert_pool.draws import queries as queries_draws
from expert_pool.draws.access import below_ratio, check_reason, get_draw, resource
from expert_pool.draws.model import (
    VENUE_PREFIX,
    DrawStatus,
    StoredDraw,
    expert_categories,
    is_venue_label,
)
from expert_pool.errors import (
    DrawStateInvalid,
)
from expert_pool.events import PoolEvent
from expert_pool.pools import queries as queries_pools
from expert_pool.regions import DEFAULT_REGIONS, parse_category_label, parse_region_rule
from expert_pool.specialties import default_specialties

# --- exclusions and pools -------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class PoolSummary:
    """What preparing a draw found: sizes per label, how many were excluded."""

    draw_id: str
    pool_sizes: Mapping[str, int]
    excluded: int
    below_ratio: tuple[str, ...]  # labels needing a supervisor's approval


def regions_for(rule_text: str) -> tuple[str, ...]:
    """Every region code of the catalogue a region rule allows."""
    rule = parse_region_rule(rule_text, DEFAULT_REGIONS)
    return tuple(code for code in DEFAULT_REGIONS.regions if DEFAULT_REGIONS.matches(rule, code))


def expert_labels(
    draw: StoredDraw,
) -> tuple[list[tuple[str, str]], dict[str, tuple[str, ...]]]:
    """The draw's expert labels with their specialty codes, and each label's regions."""
    tree = default_specialties()
    experts = expert_categories(draw.spec.categories)
    parsed = {c.label: parse_category_label(c.label, specialties=tree) for c in experts}
    labels = [(label, p.specialty) for label, p in parsed.items()]
    return labels, {label: regions_for(str(p.rule)) for label, p in parsed.items()}


async def compute_pools(
    conn: asyncpg.Connection, draw: StoredDraw
) -> tuple[dict[str, tuple[str, ...]], queries_pools.Exclusions]:
    """The eligible ids per label (category order) and every excluded candidate."""
    eligible, excluded = await queries_pools.candidates(conn, draw, *expert_labels(draw))
    pools: dict[str, tuple[str, ...]] = {}
    for c in draw.spec.categories:
        if is_venue_label(c.label):
            regions = regions_for(c.label.removeprefix(VENUE_PREFIX))
            pools[c.label] = await queries_pools.venue_pool(conn, regions)
        else:
            pools[c.label] = eligible[c.label]
    return pools, excluded


async def prepare_draw(conn: asyncpg.Connection, actor: Actor, draw_id: str) -> PoolSummary:
    """Compute and record the exclusions and pools (centre staff; names stay hidden)."""
    draw = await get_draw(conn, draw_id)
    role = require(actor, Action.OPERATE_DRAW, resource(draw))
    async with conn.transaction():
        draw = await get_draw(conn, draw_id, lock=True)
        if draw.status not in (DrawStatus.REQUESTED, DrawStatus.PREPARED):
            raise DrawStateInvalid(f"the draw is {draw.status}: its pools are fixed")
        pools, excluded = await compute_pools(conn, draw)
        await queries_pools.store_pools(conn, draw.id, pools, excluded)
        # An approval was given for the pools as they were; recomputing voids it.
        await queries_draws.drop_unused_approvals(conn, draw.id, "small_pool")
        await queries_draws.set_prepared(conn, draw.id)
        sizes = {label: len(ids) for label, ids in pools.items()}
        below = below_ratio(draw, sizes)
        await journal.append(
            conn,
            PoolEvent.DRAW_PREPARED,
            actor=actor,
            role=role,
            subject=("draw", draw.id),
            data={
                "pool_sizes": sizes,
                "excluded": len(excluded.expert_ids),
                "below_ratio": list(below),
            },
        )
    return PoolSummary(
        draw_id=draw.id,
        pool_sizes=MappingProxyType(sizes),
        excluded=len(excluded.expert_ids),
        below_ratio=below,
    )


async def approve_small_pool(
    conn: asyncpg.Connection, actor: Actor, draw_id: str, reason: str
) -> None:
    """A supervisor allows pools below min_pool_ratio × count for this commit."""
    draw = await get_draw(conn, draw_id)
    role = require(actor, Action.CONTRIBUTE_ENTROPY, resource(draw))
    check_reason(reason)
    async with conn.transaction():
        draw = await get_draw(conn, draw_id, lock=True)
        if draw.status is not DrawStatus.PREPARED:
            raise DrawStateInvalid("pools are approved after preparing and before the commit")
        await queries_draws.insert_approval(conn, draw.id, "small_pool", reason, actor.user_id)
        await journal.append(
            conn,
            PoolEvent.DRAW_POOL_APPROVED,
            actor=actor,
            role=role,
            subject=("draw", draw.id),
            data={"draw_id": draw.id},
        )
