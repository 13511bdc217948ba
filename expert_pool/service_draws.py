"""Use cases of a draw: request, commit, entropy and rounds.

DESIGN.md, "Verifiable expert draw", trust model 4 ("nobody steers the expert draw"):

- the commit (pools after exclusions, seed commitment) is logged before any entropy
  exists; entropy offered before it is refused (`draw_not_committed`);
- the server never generates entropy: round 0 runs at once when a supervisor's
  contribution arrives, and *closes* round 0 — any other required role (agency,
  centre) must contribute before it (`draw_entropy_out_of_order`). So the last input
  is always an honest supervisor's fresh value, and a party who learnt the platform
  seed cannot grind its own contribution after seeing everyone else's;
- a replacement round needs fresh supervisor entropy, is capped and counted;
- a pool below the minimum ratio needs a supervisor's approval before the commit
  (expert_pool.service_pools); cancelling needs one too (expert_pool.service_close).

Every change runs under the draw's row lock (queries_draws.draw(lock=True)).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from uuid import UUID

import asyncpg

from accounts import service as accounts
from accounts.model import Actor, OrgKind, Role
from accounts.permissions import Action, Resource, ResourceKind, is_allowed, require
from expert_pool import (
    journal,
    queries,
    queries_draws,
    queries_members,
    queries_notices,
    queries_pools,
)
from expert_pool.csv_import import credit_code_valid
from expert_pool.dispatch import dispatch_notifications
from expert_pool.errors import (
    DrawClosed,
    DrawEntropyOutOfOrder,
    DrawEntropyRoleInvalid,
    DrawNotCommitted,
    DrawRequestInvalid,
    DrawRoundConflict,
    DrawStateInvalid,
    DrawTenderNotFound,
)
from expert_pool.events import PoolEvent
from expert_pool.lifecycle import (
    DrawParties,
    DrawSpec,
    DrawStatus,
    EntropyRecord,
    Purpose,
    StoredDraw,
    check_spec,
    is_venue_label,
    missing_roles,
)
from expert_pool.notify import draw_notice
from expert_pool.profiles import AlertKind
from expert_pool.service import load_policy
from expert_pool.service_common import below_ratio, get_draw, new_draw_id, resource

# FixedCommit and SignedStatement are part of contribute_entropy's signature: re-exported.
from expert_pool.service_entropy import FixedCommit as FixedCommit
from expert_pool.service_entropy import SignedStatement as SignedStatement
from expert_pool.service_entropy import fixed_commit, verified_statement
from expert_pool.specialties import default_specialties
from signing.canonical import canonical_json
from signing.draw.algorithm import (
    draw_first_round,
    draw_replacement_round,
    prepare_commit,
    start_transcript,
)
from signing.draw.derive import SEED_BYTES, leaf_hash
from signing.draw.entropy_statement import EntropyStatement
from signing.draw.errors import DrawEntropyMissing
from signing.draw.rules import ContributorRole, EntropyContribution, validate_entropy
from signing.draw.transcript import Transcript
from signing.log.entry import commit, new_salt

# --- request ------------------------------------------------------------------------

log = logging.getLogger(__name__)


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
    org = await accounts.get_organisation(conn, org_id)
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


# --- entropy and rounds ----------------------------------------------------------------


def contributor_role(actor: Actor, draw: StoredDraw) -> tuple[ContributorRole, Role]:
    """In which capacity the actor contributes: supervisor first, then agency, centre."""
    res = resource(draw)
    for action, contributor, role in (
        (Action.CONTRIBUTE_ENTROPY, ContributorRole.SUPERVISOR, Role.SUPERVISOR),
        (Action.REQUEST_DRAW, ContributorRole.AGENCY, Role.AGENCY),
        (Action.OPERATE_DRAW, ContributorRole.CENTRE, Role.CENTRE_STAFF),
    ):
        if is_allowed(actor, action, res):
            return contributor, role
    require(actor, Action.CONTRIBUTE_ENTROPY, res)  # raises PermissionDenied
    raise AssertionError("unreachable")


def _check_open(draw: StoredDraw, r: int) -> Transcript:
    if draw.status in (DrawStatus.REQUESTED, DrawStatus.PREPARED) or draw.transcript is None:
        raise DrawNotCommitted("entropy is taken only after the commit is logged")
    if draw.status in (DrawStatus.COMPLETE, DrawStatus.CANCELLED):
        raise DrawClosed(f"the draw is {draw.status}: it takes no more entropy")
    open_round = len(draw.transcript.rounds)
    if r != open_round:
        raise DrawRoundConflict(f"round {open_round} is the open round, not round {r}")
    return draw.transcript


async def contribute_entropy(
    conn: asyncpg.Connection,
    actor: Actor,
    draw_id: str,
    r: int,
    entropy: str,
    *,
    fixed: FixedCommit,
    signed: SignedStatement | None = None,
) -> StoredDraw:
    """Take one contribution; a supervisor's closes round 0 or draws a replacement round.

    Refused before a signed checkpoint covers the commit (`draw_commit_not_checkpointed`)
    and when it names another commit (`draw_commit_hash_mismatch`).
    """
    draw = await get_draw(conn, draw_id)
    contributor, role = contributor_role(actor, draw)
    validate_entropy(entropy, minimum_hex=draw.policy.draw.min_entropy_hex)
    async with conn.transaction():
        draw = await get_draw(conn, draw_id, lock=True)
        transcript = _check_open(draw, r)
        fixed = await fixed_commit(conn, draw, transcript, fixed)
        if signed is not None:
            expected = EntropyStatement(
                draw_id=draw.id,
                round=r,
                entropy=entropy,
                commit_hash=fixed.commit_hash,
                checkpoint_size=fixed.checkpoint_size,
            )
            fixed = replace(fixed, verified=await verified_statement(conn, actor, expected, signed))
        record = EntropyRecord(
            round=r, role=contributor, entropy=entropy, contributor=actor.user_id
        )
        if r == 0:
            await _round_zero(conn, actor, role, draw, transcript, record, fixed)
        else:
            await _replacement(conn, actor, role, draw, transcript, record, fixed)
        draw = await get_draw(conn, draw_id)
    await dispatch_notifications(conn)
    return draw


async def _log_entropy(
    conn: asyncpg.Connection,
    actor: Actor,
    role: Role,
    draw: StoredDraw,
    record: EntropyRecord,
    fixed: FixedCommit,
) -> None:
    signed = fixed.verified
    # The entry is the contribution's statement: the value, the commit it builds on and
    # the checkpoint that fixed that commit before the value was known.
    _, index = await journal.append(
        conn,
        PoolEvent.DRAW_ENTROPY,
        actor=actor,
        role=role,
        subject=("draw", draw.id),
        data={
            "draw_id": draw.id,
            "round": record.round,
            "role": str(record.role),
            "entropy": record.entropy,
            "commit_hash": fixed.commit_hash,
            "checkpoint_size": fixed.checkpoint_size,
            "checkpoint_root": fixed.checkpoint_root,
            "statement_sha256": signed.sha256 if signed else None,
            "signer_cert_sha256": signed.signer_cert_sha256 if signed else None,
        },
    )
    # Stored with its log index: the round's transcript lists where each value was logged.
    await queries_draws.insert_entropy(
        conn,
        draw.id,
        replace(record, log_index=index),
        signature=signed.signature if signed else None,
    )


async def _round_zero(
    conn: asyncpg.Connection,
    actor: Actor,
    role: Role,
    draw: StoredDraw,
    transcript: Transcript,
    record: EntropyRecord,
    fixed: FixedCommit,
) -> None:
    if record.role not in draw.spec.entropy_roles:
        raise DrawEntropyRoleInvalid(f"this draw takes no entropy from the {record.role}")
    earlier = [e for e in await queries_draws.entropy(conn, draw.id) if e.round == 0]
    if record.role is ContributorRole.SUPERVISOR:
        others = [x for x in draw.spec.entropy_roles if x is not ContributorRole.SUPERVISOR]
        waiting = missing_roles(others, [e.role for e in earlier])
        if waiting:
            names = ", ".join(str(x) for x in waiting)
            raise DrawEntropyOutOfOrder(
                f"a supervisor's entropy closes round 0: {names} must contribute first"
            )
    await _log_entropy(conn, actor, role, draw, record, fixed)
    if record.role is not ContributorRole.SUPERVISOR:
        return
    contributions = [
        EntropyContribution(role=e.role, entropy=e.entropy) for e in (*earlier, record)
    ]
    drawn = draw_first_round(
        transcript,
        pools=await queries_pools.pools(conn, draw.id),
        platform_seed=await queries_draws.platform_seed(conn, draw.id),
        contributions=contributions,
        policy=draw.policy.draw,
    )
    await _after_round(conn, actor, role, draw, drawn)


async def _replacement(
    conn: asyncpg.Connection,
    actor: Actor,
    role: Role,
    draw: StoredDraw,
    transcript: Transcript,
    record: EntropyRecord,
    fixed: FixedCommit,
) -> None:
    # DESIGN.md: a replacement round needs fresh supervisor entropy e_r.
    if record.role is not ContributorRole.SUPERVISOR:
        raise DrawEntropyMissing("a replacement round needs fresh entropy from a supervisor")
    drawn = draw_replacement_round(
        transcript,
        pools=await queries_pools.pools(conn, draw.id),
        platform_seed=await queries_draws.platform_seed(conn, draw.id),
        contribution=EntropyContribution(role=record.role, entropy=record.entropy),
        policy=draw.policy.draw,
    )
    await _log_entropy(conn, actor, role, draw, record, fixed)
    await _after_round(conn, actor, role, draw, drawn)


async def _after_round(
    conn: asyncpg.Connection, actor: Actor, role: Role, draw: StoredDraw, drawn: Transcript
) -> None:
    """Log the round (picks as a commitment), seat and notify the experts, alert shortfalls."""
    indexes = tuple(
        e.log_index
        for e in await queries_draws.entropy(conn, draw.id)
        if e.round == drawn.rounds[-1].r and e.log_index is not None
    )
    rd = replace(drawn.rounds[-1], entropy_log_indexes=indexes)
    drawn = replace(drawn, rounds=(*drawn.rounds[:-1], rd))
    salt = new_salt()
    picks = canonical_json([[p.i, p.label, p.expert_id] for p in rd.picks])
    gaps = [s for s in drawn.shortfalls if s.r == rd.r]
    _, index = await journal.append(
        conn,
        PoolEvent.DRAW_ROUND,
        actor=actor,
        role=role,
        subject=("draw", draw.id),
        data={
            "draw_id": draw.id,
            "r": rd.r,
            "entropy": list(rd.entropy),
            "places": len(rd.picks) + sum(s.missing for s in gaps),
            "picks": commit(picks, salt),
            "shortfalls": [{"label": s.label, "missing": s.missing} for s in gaps],
        },
        commitments=("picks",),
    )
    await queries_draws.insert_round(conn, draw.id, rd.r, salt, index)
    await _seat(conn, draw, drawn)
    await queries_draws.save_transcript(conn, draw.id, drawn, DrawStatus.DRAWING)
    for gap in gaps:
        # Never a crash, never a silently smaller committee: the agency and supervisors know.
        await queries.insert_alert(
            conn,
            AlertKind.SHORTFALL,
            draw_id=draw.id,
            for_agency=True,
            data={"r": gap.r, "label": gap.label, "missing": gap.missing},
        )


async def _seat(conn: asyncpg.Connection, draw: StoredDraw, drawn: Transcript) -> None:
    rd = drawn.rounds[-1]
    experts = [p for p in rd.picks if not is_venue_label(p.label)]
    venues = [(p.expert_id, p.label, p.i) for p in rd.picks if is_venue_label(p.label)]
    confirm = draw.policy.confirm_seconds
    members = [(p.expert_id, p.label, p.i, new_salt()) for p in experts]
    await queries_members.insert_members(conn, draw.id, rd.r, members, confirm)
    if venues:
        await queries_members.insert_venue_picks(conn, draw.id, rd.r, venues)
    if not experts:
        return
    member = await queries_members.member(conn, draw.id, experts[0].expert_id)
    assert member is not None
    body = draw_notice(
        draw_id=draw.id,
        session_start=draw.spec.session_start,
        session_end=draw.spec.session_end,
        deadline=member.deadline,
    )
    notices = [(p.expert_id, channel, body) for p in experts for channel in draw.policy.channels]
    await queries_notices.queue_notifications(conn, draw.id, notices)
