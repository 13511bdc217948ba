"""Who may see a draw's sealed data: supervisors, the entitled after the award, the committee.

DOMAIN.md: "The list stays confidential until the award"; issue 5: names are visible to
supervisors (of the draw's department) and, at sign-in, to the committee itself; after
the award to everyone entitled — everyone when the policy makes the list public, else
the agency and the committee. It lives with the records because the committee's right
to the names begins with its sign-in, which the attendance record holds; the parties'
views (expert_pool.views.service) and a session's attendance (records.service) use it.
"""

from __future__ import annotations

import asyncpg

from accounts.errors import Unauthenticated
from accounts.model import Actor, Role
from accounts.permissions import Action, is_allowed, require
from expert_pool.answers import queries as queries_members
from expert_pool.draws.access import resource
from expert_pool.draws.model import MemberStatus, StoredDraw
from expert_pool.experts import queries as queries_experts
from expert_pool.records import queries as queries_records
from expert_pool.requests import queries as queries_releases


async def _in_committee(conn: asyncpg.Connection, actor: Actor, draw: StoredDraw) -> bool:
    """A confirmed member, not released (docs/formats/draw.md §4.1), who has signed in to
    the session (names at sign-in)."""
    if not actor.has_role(Role.EXPERT):
        return False
    profile = await queries_experts.expert_of_user(conn, actor.user_id)
    if profile is None:
        return False
    member = await queries_members.member(conn, draw.id, profile.expert.id)
    if member is None or member.status is not MemberStatus.CONFIRMED:
        return False
    if member.expert_id in await queries_releases.released_experts(conn, draw.id):
        return False  # released for an evaluation replacement: no longer the committee (§4.1)
    return await queries_records.has_signed_in(conn, draw.id, profile.expert.id)


async def _entitled_after_award(
    conn: asyncpg.Connection, actor: Actor | None, draw: StoredDraw, public: bool
) -> bool:
    if draw.awarded_at is None:
        return False
    if public and draw.policy.public_after_award:
        return True
    if actor is None:
        return False
    return is_allowed(actor, Action.REQUEST_DRAW, resource(draw)) or await _in_committee(
        conn, actor, draw
    )


async def require_sealed(
    conn: asyncpg.Connection,
    actor: Actor | None,
    draw: StoredDraw,
    action: Action,
    *,
    committee_at_sign_in: bool = False,
    public_after_award: bool = False,
) -> None:
    """Let through supervisors, the entitled after the award, and (names) the committee.

    ``public_after_award``: the view is one the award publishes to everyone (the
    transcript) when the draw's policy says so. The sealed list with the names of
    those who declined, the attendance and the pools never are: the public reads the
    seated members' names in the draw's publication (expert_pool.publication; issue
    13, item 3: "the pools themselves go to supervisors only").
    """
    if actor is not None and is_allowed(actor, action, resource(draw)):
        return
    if await _entitled_after_award(conn, actor, draw, public_after_award):
        return
    if actor is None:
        raise Unauthenticated("sign in first: the committee list is sealed until the award")
    if committee_at_sign_in and await _in_committee(conn, actor, draw):
        return
    require(actor, action, resource(draw))  # raises PermissionDenied (and is counted)
