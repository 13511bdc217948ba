"""What each party may see of a draw: counts, the sealed list, transcript, pools, proof.

DOMAIN.md: "The list stays confidential until the award"; issue 5: the agency sees
counts and confirmation status only; names are visible to supervisors (of the draw's
department) and, at sign-in, to the committee itself; the transcript and pools to
supervisors, and after the award to everyone entitled — everyone when the policy makes
the list public, else the agency and the committee. The platform seed is in the
transcript only once the committee is complete, and never before that for anyone.
Who may see the sealed parts is decided by expert_pool.records.sealed_access.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from accounts.errors import Unauthenticated
from accounts.model import Actor, Role
from accounts.permissions import Action, is_allowed, require
from audit import service as audit
from expert_pool.answers import queries as queries_members
from expert_pool.draws import queries as queries_draws
from expert_pool.draws.access import get_draw, not_checkpointed, resource
from expert_pool.draws.model import (
    DrawStatus,
    Member,
    MemberStatus,
    Purpose,
    StoredDraw,
    expert_categories,
    seated_experts,
)
from expert_pool.errors import DrawNotCommitted
from expert_pool.pools import queries as queries_pools
from expert_pool.records.sealed_access import require_sealed
from expert_pool.requests import queries as queries_releases
from expert_pool.rounds import queries as queries_rounds
from expert_pool.rounds.release import reveal_round_seeds
from signing.draw.algorithm import reveal_seed
from signing.draw.rules import ContributorRole
from signing.draw.transcript import Category, Transcript
from signing.log.checkpoint import open_checkpoint
from signing.log.note import Note, NoteVerifier, parse_note, parse_signature_line

_DRAW_ROLES = (Action.VIEW_DRAW_NAMES, Action.REQUEST_DRAW, Action.OPERATE_DRAW)


@dataclass(frozen=True, kw_only=True, slots=True)
class SeatCount:
    """One expert category: places, and how its seats stand (no names)."""

    label: str
    places: int
    confirmed: int
    waiting: int
    declined: int
    missing: int  # places the pool could not fill (shortfall)


@dataclass(frozen=True, kw_only=True, slots=True)
class DrawSummary:
    """A draw as the agency, centre staff and supervisors all may see it."""

    id: str
    tender_id: str
    lot: str
    purpose: str
    status: DrawStatus
    attempt: int
    session_start: datetime
    session_end: datetime
    categories: tuple[Category, ...]
    representatives: int
    entropy_roles: tuple[ContributorRole, ...]
    entropy_in: tuple[ContributorRole, ...]  # roles that contributed to the open round
    rounds: int
    seats: tuple[SeatCount, ...]
    commit_hash: str | None
    commit_log_index: int | None
    seed_revealed: bool
    awarded: bool
    cancel_reason: str | None


def _seats(draw: StoredDraw, members: list[Member]) -> tuple[SeatCount, ...]:
    t = draw.transcript
    seated = set(seated_experts(t)) if t is not None else set()
    result = []
    for c in expert_categories(draw.spec.categories):
        mine = [m for m in members if m.label == c.label]
        result.append(
            SeatCount(
                label=c.label,
                places=c.count,
                # A member released for an evaluation replacement (requests.reopen) is
                # confirmed but no longer seated: its place is counted once, refilled.
                confirmed=sum(
                    m.status is MemberStatus.CONFIRMED and m.expert_id in seated for m in mine
                ),
                waiting=sum(
                    m.status is MemberStatus.NOTIFIED and m.expert_id in seated for m in mine
                ),
                declined=sum(
                    m.status in (MemberStatus.DECLINED, MemberStatus.TIMED_OUT) for m in mine
                ),
                missing=sum(s.missing for s in (t.shortfalls if t else ()) if s.label == c.label),
            )
        )
    return tuple(result)


async def summary(conn: asyncpg.Connection, draw: StoredDraw) -> DrawSummary:
    """Counts and statuses of a draw — nothing that names an expert."""
    members = await queries_members.members(conn, draw.id)
    t = draw.transcript
    open_round = len(t.rounds) if t is not None else 0
    entropy = await queries_rounds.entropy(conn, draw.id)
    return DrawSummary(
        id=draw.id,
        tender_id=draw.parties.tender_id,
        lot=draw.parties.lot,
        purpose=str(draw.parties.purpose),
        status=draw.status,
        attempt=draw.attempt,
        session_start=draw.spec.session_start,
        session_end=draw.spec.session_end,
        categories=draw.spec.categories,
        representatives=draw.spec.representatives,
        entropy_roles=draw.spec.entropy_roles,
        entropy_in=tuple(dict.fromkeys(e.role for e in entropy if e.round == open_round)),
        rounds=open_round,
        seats=_seats(draw, members),
        commit_hash=None if t is None else t.commit_hash,
        commit_log_index=draw.commit_log_index,
        seed_revealed=draw.seed_revealed_at is not None,
        awarded=draw.awarded_at is not None,
        cancel_reason=draw.cancel_reason,
    )


def _party(actor: Actor, draw: StoredDraw) -> bool:
    return any(is_allowed(actor, action, resource(draw)) for action in _DRAW_ROLES)


async def draw_status(conn: asyncpg.Connection, actor: Actor, draw_id: str) -> DrawSummary:
    """The counts view, for the draw's agency, centre staff and its supervisors."""
    draw = await get_draw(conn, draw_id)
    if not _party(actor, draw):
        require(actor, Action.VIEW_DRAW_NAMES, resource(draw))
    return await summary(conn, draw)


async def list_draws(conn: asyncpg.Connection, actor: Actor) -> list[DrawSummary]:
    """Draws the caller takes part in: centre staff all, agencies and departments theirs."""
    draws = await queries_draws.list_draws(
        conn,
        every=actor.has_role(Role.CENTRE_STAFF),
        agencies=sorted(actor.acting_for(Role.AGENCY)) if actor.has_role(Role.AGENCY) else [],
        departments=(
            sorted(actor.acting_for(Role.SUPERVISOR)) if actor.has_role(Role.SUPERVISOR) else []
        ),
    )
    return [await summary(conn, d) for d in draws]


# --- the sealed list -----------------------------------------------------------------


async def transcript(conn: asyncpg.Connection, actor: Actor | None, draw_id: str) -> Transcript:
    """The transcript; its platform_seed is set once the committee is complete."""
    draw = await get_draw(conn, draw_id)
    await require_sealed(conn, actor, draw, Action.VIEW_DRAW_NAMES, public_after_award=True)
    if draw.transcript is None:
        raise DrawNotCommitted("the draw is not committed yet: there is no transcript")
    if draw.seed_revealed_at is None:
        return draw.transcript
    shown = reveal_seed(draw.transcript, await queries_draws.platform_seed(conn, draw.id))
    # A release round's own seed is shown with its result (docs/formats/draw.md §4.2).
    members = await queries_members.members(conn, draw.id)
    return await reveal_round_seeds(conn, draw, members, shown)


async def pools(
    conn: asyncpg.Connection, actor: Actor | None, draw_id: str
) -> dict[str, tuple[str, ...]]:
    """The committed pools, label → ids: supervisors of the draw's department only, also
    after the award (issue 13, item 3: the pools go to supervisors only)."""
    draw = await get_draw(conn, draw_id)
    if actor is None:
        raise Unauthenticated("sign in first: the pools are a supervisor's read")
    require(actor, Action.VIEW_DRAW_POOLS, resource(draw))
    if draw.transcript is None:
        raise DrawNotCommitted("the draw is not committed yet: its pools are not fixed")
    return await queries_pools.pools(conn, draw.id)


# A confirmed expert the replacement round released from the complete committee: listed
# so, never as confirmed, though its signed answer stays a confirmation (draw.md §4.1).
RELEASED = "released"


@dataclass(frozen=True, kw_only=True, slots=True)
class NamedMember:
    """A drawn expert with its name (the sealed list)."""

    expert_id: str
    name: str
    label: str
    r: int
    status: str  # a MemberStatus, or RELEASED
    seated: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class SealedList:
    """Who was drawn, and which assisting venues."""

    draw_id: str
    members: tuple[NamedMember, ...]
    venues: tuple[tuple[str, str, str, str], ...]  # (id, name, region, label)


async def sealed_list(conn: asyncpg.Connection, actor: Actor | None, draw_id: str) -> SealedList:
    """Names of the drawn experts and the drawn venues."""
    draw = await get_draw(conn, draw_id)
    await require_sealed(conn, actor, draw, Action.VIEW_DRAW_NAMES, committee_at_sign_in=True)
    members = await queries_members.members(conn, draw.id)
    names = await queries_members.expert_names(conn, [m.expert_id for m in members])
    seated = set(seated_experts(draw.transcript)) if draw.transcript else set()
    released = await queries_releases.released_experts(conn, draw.id)
    return SealedList(
        draw_id=draw.id,
        members=tuple(
            NamedMember(
                expert_id=m.expert_id,
                name=names.get(m.expert_id, ""),
                label=m.label,
                r=m.r,
                status=RELEASED if m.expert_id in released else str(m.status),
                seated=m.expert_id in seated,
            )
            for m in members
        ),
        venues=tuple(await queries_members.venue_picks(conn, draw.id)),
    )


async def exclusions(
    conn: asyncpg.Connection, actor: Actor, draw_id: str
) -> tuple[dict[str, tuple[str, ...]], list[tuple[str, str, list[str]]]]:
    """The pools and every excluded candidate with reasons, for supervisors to review."""
    draw = await get_draw(conn, draw_id)
    require(actor, Action.VIEW_DRAW_POOLS, resource(draw))
    return await queries_pools.pools(conn, draw.id), await queries_pools.exclusions(conn, draw.id)


# --- the commit and its checkpoint --------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class CommitProof:
    """The commit entry, and the signed checkpoint that covers it with its inclusion proof."""

    draw_id: str
    log_index: int
    commit_hash: str
    entry: bytes
    checkpoint: str  # the signed note with every cosignature gathered
    checkpoint_size: int
    inclusion: tuple[bytes, ...]  # RFC 9162 path of the entry in that checkpoint's tree
    cosigners: tuple[str, ...]


def _with_cosignatures(note_text: str, lines: list[str]) -> Note:
    note = parse_note(note_text)
    return Note(
        text=note.text,
        signatures=(*note.signatures, *(parse_signature_line(x) for x in lines)),
    )


async def commit_proof(
    conn: asyncpg.Connection, actor: Actor, draw_id: str, log_verifier: NoteVerifier
) -> CommitProof:
    """What a contributor checks before contributing: the entry is in a witnessed tree.

    Issue 9, item 2: the checkpoint is the newest signed one that covers the commit
    and carries the cosignature of every witness the draw's policy names; until one
    exists the answer is `draw_commit_not_checkpointed` (wait for the next checkpoint),
    never a checkpoint without an inclusion proof.
    """
    draw = await get_draw(conn, draw_id)
    if not _party(actor, draw):
        require(actor, Action.VIEW_DRAW_NAMES, resource(draw))
    if draw.transcript is None or draw.commit_log_index is None:
        raise DrawNotCommitted("the draw is not committed yet")
    index = draw.commit_log_index
    [(_, entry)] = await audit.entries(conn, index, index + 1)
    found = await queries_rounds.covering_checkpoint(conn, index, draw.policy.commit_witnesses)
    if found is None:
        raise not_checkpointed(draw)
    size, _, note_text, lines = found
    note = _with_cosignatures(note_text, lines)
    checkpoint, _ = open_checkpoint(note.to_text(), log_verifier)
    return CommitProof(
        draw_id=draw.id,
        log_index=index,
        commit_hash=draw.transcript.commit_hash,
        entry=entry,
        checkpoint=note.to_text(),
        checkpoint_size=size,
        inclusion=tuple(await audit.inclusion_proof(conn, index, size)),
        cosigners=tuple(s.name for s in note.signatures if s.name != checkpoint.origin),
    )


async def evaluation_committee(
    conn: asyncpg.Connection, tender_id: str, lot: str
) -> frozenset[UUID]:
    """User ids of a lot's evaluation committee: confirmed seats of its completed draw.

    Empty until the draw completes; a declined, timed-out or cancelled seat never counts.
    For packages that grant the committee access (evaluation: the opened bid files).
    """
    return await queries_members.committee_users(conn, tender_id, lot, Purpose.EVALUATION)


async def committee_member_salt(
    conn: asyncpg.Connection, tender_id: str, lot: str, user_id: UUID
) -> bytes | None:
    """The salt that names a seated committee member in the log while the list is sealed.

    For packages that log a committee member's actions (evaluation: bid-file reads):
    pass it to ``expert_pool.journal.hidden_actor`` (docs/audit-log.md §1.3).
    """
    return await queries_members.committee_member_salt(
        conn, tender_id, lot, Purpose.EVALUATION, user_id
    )


async def replacement_candidates(
    conn: asyncpg.Connection, session_id: UUID, seat: int, generation: int
) -> frozenset[UUID]:
    """Accounts the draw's replacement round confirmed for a session's replacement of
    the seat's holder of ``generation`` (expert_pool.requests.reopen); empty until the
    round is opened, drawn and answered."""
    return await queries_releases.replacement_candidates(conn, session_id, seat, generation)
