"""Use cases of a committed draw's rounds: entropy in, experts drawn and seated.

DESIGN.md, "Verifiable expert draw", trust model 4 ("nobody steers the expert draw"):

- entropy is taken only after the commit is logged (`draw_not_committed`) and a signed
  checkpoint covers it (expert_pool.rounds.contribution);
- the server never generates entropy: round 0 runs at once when a supervisor's
  contribution arrives, and *closes* round 0 — any other required role (agency,
  centre) must contribute before it (`draw_entropy_out_of_order`). So the last input
  is always an honest supervisor's fresh value, and a party who learnt the platform
  seed cannot grind its own contribution after seeing everyone else's;
- a replacement round needs fresh supervisor entropy, is capped and counted; a complete
  evaluation draw has one only for members released for an approved replacement
  (expert_pool.requests.reopen), and stays complete meanwhile;
- a round of a draw whose platform seed is revealed is a release round: its own seed,
  committed when it opened, must be covered by the checkpoint too
  (expert_pool.rounds.release).

Every change runs under the draw's row lock (draws.queries.draw(lock=True)).
"""

from __future__ import annotations

from dataclasses import replace

import asyncpg

from accounts.model import Actor, Role
from accounts.permissions import Action, is_allowed, require
from expert_pool import journal
from expert_pool.alerting import raise_pool_alert
from expert_pool.answers import queries as queries_members
from expert_pool.draws import queries as queries_draws
from expert_pool.draws.access import get_draw, resource
from expert_pool.draws.model import (
    DrawStatus,
    EntropyRecord,
    StoredDraw,
    is_venue_label,
    missing_roles,
)
from expert_pool.errors import (
    DrawClosed,
    DrawEntropyOutOfOrder,
    DrawEntropyRoleInvalid,
    DrawNotCommitted,
    DrawRoundConflict,
)
from expert_pool.events import PoolEvent
from expert_pool.model import AlertKind
from expert_pool.notices import queries as queries_notices
from expert_pool.notices.channels import draw_notice, draw_params
from expert_pool.notices.service import dispatch_notifications
from expert_pool.pools import queries as queries_pools
from expert_pool.rounds import queries as queries_rounds

# FixedCommit and SignedStatement are part of contribute_entropy's signature: re-exported.
from expert_pool.rounds.contribution import FixedCommit as FixedCommit
from expert_pool.rounds.contribution import SignedStatement as SignedStatement
from expert_pool.rounds.contribution import fixed_commit, verified_statement
from expert_pool.rounds.queries import RoundSeed
from expert_pool.rounds.release import opens_release_round
from signing.canonical import canonical_json
from signing.draw.algorithm import draw_first_round, draw_replacement_round, refill_places
from signing.draw.entropy_statement import EntropyStatement
from signing.draw.errors import DrawEntropyMissing
from signing.draw.rules import ContributorRole, EntropyContribution, validate_entropy
from signing.draw.transcript import Transcript
from signing.log.entry import commit, new_salt


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
    if draw.status is DrawStatus.CANCELLED or draw.awarded_at is not None:
        raise DrawClosed(f"the draw is {draw.status}: it takes no more entropy")
    # A complete committee takes entropy only for the replacement round of members
    # released for an approved evaluation replacement (expert_pool.requests.reopen).
    if draw.status is DrawStatus.COMPLETE and not refill_places(
        draw.transcript.categories, draw.transcript.rounds
    ):
        raise DrawClosed("the draw is complete: no member waits to be replaced")
    open_round = len(draw.transcript.rounds)
    if r != open_round:
        raise DrawRoundConflict(f"round {open_round} is the open round, not round {r}")
    return draw.transcript


async def _release_seed(conn: asyncpg.Connection, draw: StoredDraw, r: int) -> RoundSeed | None:
    """A release round's own seed (docs/formats/draw.md §4.2); None for other rounds.

    The platform seed is revealed once the committee is complete, so every round of a
    complete draw is a release round; its seed was committed when the round opened.
    """
    if r == 0 or not opens_release_round(draw):
        return None
    found = (await queries_rounds.round_seeds(conn, draw.id)).get(r)
    if found is None:
        raise DrawNotCommitted(f"round {r}'s own seed is not committed: no entropy is taken")
    return found


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
        round_seed = await _release_seed(conn, draw, r)
        fixed = await fixed_commit(conn, draw, transcript, fixed, round_seed=round_seed)
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
            await _replacement(conn, actor, role, draw, transcript, record, fixed, round_seed)
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
    await queries_rounds.insert_entropy(
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
    earlier = [e for e in await queries_rounds.entropy(conn, draw.id) if e.round == 0]
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
    round_seed: RoundSeed | None,
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
        round_seed=None if round_seed is None else round_seed.seed,
        seed_log_index=None if round_seed is None else round_seed.log_index,
    )
    await _log_entropy(conn, actor, role, draw, record, fixed)
    await _after_round(conn, actor, role, draw, drawn)


async def _after_round(
    conn: asyncpg.Connection, actor: Actor, role: Role, draw: StoredDraw, drawn: Transcript
) -> None:
    """Log the round (picks as a commitment), seat and notify the experts, alert shortfalls."""
    indexes = tuple(
        e.log_index
        for e in await queries_rounds.entropy(conn, draw.id)
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
    await queries_rounds.insert_round(conn, draw.id, rd.r, salt, index)
    await _seat(conn, draw, drawn)
    # A complete draw's replacement round leaves it complete: the committee that is
    # seated keeps its access while the new pick answers (expert_pool.requests.reopen).
    status = DrawStatus.COMPLETE if draw.status is DrawStatus.COMPLETE else DrawStatus.DRAWING
    await queries_draws.save_transcript(conn, draw.id, drawn, status)
    for gap in gaps:
        # Never a crash, never a silently smaller committee: the agency and supervisors know.
        await raise_pool_alert(
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
    params = draw_params(
        draw_id=draw.id,
        session_start=draw.spec.session_start,
        session_end=draw.spec.session_end,
        deadline=member.deadline,
    )
    body = draw_notice(params)
    notices = [(p.expert_id, channel, body) for p in experts for channel in draw.policy.channels]
    await queries_notices.queue_notifications(conn, draw.id, notices, params)
