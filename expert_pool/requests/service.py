"""Use cases of a draw: request and commit.

DESIGN.md, "Verifiable expert draw", trust model 4 ("nobody steers the expert draw"):
the commit (pools after exclusions, seed commitment) is logged before any entropy
exists; entropy offered before it is refused (`draw_not_committed`, in
expert_pool.rounds.service, which takes the contributions and draws the rounds). A pool
below the minimum ratio needs a supervisor's approval before the commit
(expert_pool.pools.service); cancelling needs one too (expert_pool.requests.close).

Every change runs under the draw's row lock (draws.queries.draw(lock=True)).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from uuid import UUID

import asyncpg

from accounts.model import Actor, OrgKind
from accounts.organisations import service as organisations
from accounts.permissions import Action, Resource, ResourceKind, require
from expert_pool import journal, queries
from expert_pool.draws import queries as queries_draws
from expert_pool.draws.access import below_ratio, get_draw, new_draw_id, resource
from expert_pool.draws.model import (
    DrawParties,
    DrawSpec,
    DrawStatus,
    Purpose,
    StoredDraw,
    check_spec,
)
from expert_pool.errors import DrawRequestInvalid, DrawStateInvalid, DrawTenderNotFound
from expert_pool.events import PoolEvent
from expert_pool.experts.csv_import import credit_code_valid
from expert_pool.pools import queries as queries_pools
from expert_pool.service import load_policy
from expert_pool.specialties import default_specialties
from signing.draw.algorithm import prepare_commit, start_transcript
from signing.draw.derive import SEED_BYTES, leaf_hash

log = logging.getLogger(__name__)


# --- request ------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class DrawRequestInput:
    """What an agency asks for (the tender package will supply the parties later)."""

    tender_id: str
    lot: str
    purpose: Purpose
    project_id: str
    agency_id: UUID
    department_id: UUID
    tenderer: str
    bidders: tuple[str, ...] = ()
    bidder_principals: tuple[str, ...] = ()
    spec: DrawSpec


async def _organisation(conn: asyncpg.Connection, org_id: UUID, kind: OrgKind) -> str:
    org = await organisations.get_organisation(conn, org_id)
    if org.kind is not kind:
        raise DrawRequestInvalid(f"organisation {org_id} is not an {kind}")
    return org.credit_code


def _check_codes(request: DrawRequestInput) -> None:
    for code in (request.tenderer, *request.bidders):
        if not credit_code_valid(code):
            raise DrawRequestInvalid(f"{code!r} is not a unified social credit code")
    if any(not 1 <= len(p) <= 64 for p in request.bidder_principals):
        raise DrawRequestInvalid("a principal's name is 1 to 64 characters")


async def request_draw(
    conn: asyncpg.Connection, actor: Actor, request: DrawRequestInput
) -> StoredDraw:
    """An agency requests a draw for one committee (at most one live draw per committee)."""
    role = require(
        actor, Action.REQUEST_DRAW, Resource(kind=ResourceKind.DRAW, agency_id=request.agency_id)
    )
    _check_codes(request)
    policy = await load_policy(conn)
    check_spec(request.spec, policy, specialties=default_specialties())
    parties = DrawParties(
        tender_id=request.tender_id,
        lot=request.lot,
        purpose=request.purpose,
        project_id=request.project_id,
        agency_id=request.agency_id,
        department_id=request.department_id,
        tenderer=request.tenderer,
        agency_code=await _organisation(conn, request.agency_id, OrgKind.AGENCY),
        department_code=await _organisation(
            conn, request.department_id, OrgKind.INDUSTRY_DEPARTMENT
        ),
        bidders=request.bidders,
        bidder_principals=request.bidder_principals,
    )
    async with conn.transaction():
        # A draw belongs to a real tender lot of the requesting agency (issue 9, item 4).
        found = await queries_draws.tender_lot_parties(
            conn, request.tender_id, request.lot, request.agency_id
        )
        if found is None:
            raise DrawTenderNotFound(
                f"your agency has no tender {request.tender_id[:64]!r} with lot {request.lot[:8]!r}"
            )
        department, tenderer = found
        if department != request.department_id:
            raise DrawRequestInvalid("the department is not the one supervising the tender")
        # The tenderer's experts are excluded by its credit code (Reg. 46 exclusions): a
        # draw naming another tenderer would keep them in the pool.
        if request.tenderer != tenderer:
            raise DrawRequestInvalid("the tenderer is not the tender's tenderer")
        if request.spec.session_start <= await queries.database_now(conn):
            raise DrawRequestInvalid("the session must start in the future")
        attempt = await queries_draws.previous_attempts(conn, parties) + 1
        draw = await queries_draws.insert_draw(
            conn,
            new_draw_id(),
            parties,
            request.spec,
            policy=policy,
            attempt=attempt,
            requested_by=actor.user_id,
        )
        await journal.append(
            conn,
            PoolEvent.DRAW_REQUESTED,
            actor=actor,
            role=role,
            subject=("draw", draw.id),
            data={
                "draw_id": draw.id,
                "tender_id": parties.tender_id,
                "lot": parties.lot,
                "purpose": str(parties.purpose),
                "attempt": attempt,
                "categories": [[c.label, c.count] for c in request.spec.categories],
                "entropy_roles": [str(r) for r in request.spec.entropy_roles],
            },
        )
    log.info("expert_pool.draw_requested", extra={"draw_id": draw.id})
    return draw


# --- commit -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class CommitInfo:
    """What the commit logged: where, and the values every later check relies on."""

    draw_id: str
    commit_hash: str
    log_index: int
    seed_commitment: str
    pool_sizes: Mapping[str, int]


async def _small_pool_approval(
    conn: asyncpg.Connection, draw: StoredDraw, pools: Mapping[str, Sequence[str]]
) -> UUID | None:
    below = below_ratio(draw, {label: len(ids) for label, ids in pools.items()})
    if not below:
        return None
    return await queries_draws.unused_approval(conn, draw.id, "small_pool")


async def commit_draw(conn: asyncpg.Connection, actor: Actor, draw_id: str) -> CommitInfo:
    """Log the commit entry (pools, seed commitment) before any entropy exists."""
    draw = await get_draw(conn, draw_id)
    role = require(actor, Action.OPERATE_DRAW, resource(draw))
    async with conn.transaction():
        draw = await get_draw(conn, draw_id, lock=True)
        if draw.status is not DrawStatus.PREPARED:
            raise DrawStateInvalid(f"the draw is {draw.status}; only a prepared draw commits")
        pools = await queries_pools.pools(conn, draw.id)
        approval = await _small_pool_approval(conn, draw, pools)
        # The platform's own secret, committed now and revealed when the committee is
        # complete; never entropy of a round (DESIGN.md: the server generates none).
        seed = secrets.token_bytes(SEED_BYTES)
        commit = prepare_commit(
            draw_id=draw.id,
            categories=draw.spec.categories,
            pools=pools,
            platform_seed=seed,
            policy=draw.policy.draw,
            supervisor_approved=approval is not None,
        )
        if approval is not None:
            await queries_draws.use_approval(conn, approval)
        entry, index = await journal.append(
            conn,
            PoolEvent.DRAW_COMMITTED,
            actor=actor,
            role=role,
            subject=("draw", draw.id),
            data=commit.entry_fields(),
        )
        commit_hash = leaf_hash(entry.to_bytes())
        transcript = replace(start_transcript(commit, commit_hash), commit_log_index=index)
        await queries_draws.set_committed(conn, draw.id, seed, transcript, index)
    log.info("expert_pool.draw_committed", extra={"draw_id": draw.id, "log_index": index})
    return CommitInfo(
        draw_id=draw.id,
        commit_hash=commit_hash,
        log_index=index,
        seed_commitment=commit.seed_commitment,
        pool_sizes=commit.pool_sizes,
    )
