"""Who may do what with the pool, for actions the platform matrix does not list yet.

The draw's actions (request, operate, contribute entropy, see names and pools, assess)
are rows of `accounts.permissions.RULES` and are checked there. The pool's own actions
below follow the same shape — a role and a relation — and raise the same
`PermissionDenied`, so the HTTP status and the refusal count are the same; they are
meant to move into `accounts.permissions.Action` as they are (docs/api-expert-pool.md).

DOMAIN.md: "the draw operator sets conditions but cannot browse the pool" — centre
staff have no search right here.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from uuid import UUID

from accounts.errors import PermissionDenied
from accounts.model import Actor, Role


class PoolAction(enum.StrEnum):
    """Actions on the pool itself."""

    SEARCH_EXPERTS = "search_experts"
    MANAGE_EXPERTS = "manage_experts"
    MANAGE_VENUES = "manage_venues"
    VIEW_VENUES = "view_venues"
    RECORD_ATTENDANCE = "record_attendance"
    READ_EXPERT_RECORDS = "read_expert_records"
    SET_POOL_POLICY = "set_pool_policy"


class Scope(enum.StrEnum):
    """How the actor must stand to the object, beyond holding the role."""

    ANY = "any"
    DEPARTMENT = "department"  # acts for the draw's supervising department


@dataclass(frozen=True, kw_only=True, slots=True)
class PoolRule:
    """One way to be allowed."""

    role: Role
    scope: Scope = Scope.ANY


_S, _ADMIN, _CENTRE = Role.SUPERVISOR, Role.SYSTEM_ADMIN, Role.CENTRE_STAFF
RULES: Mapping[PoolAction, tuple[PoolRule, ...]] = {
    PoolAction.SEARCH_EXPERTS: (PoolRule(role=_S), PoolRule(role=_ADMIN)),
    PoolAction.MANAGE_EXPERTS: (PoolRule(role=_S), PoolRule(role=_ADMIN)),
    PoolAction.MANAGE_VENUES: (PoolRule(role=_CENTRE), PoolRule(role=_ADMIN)),
    PoolAction.VIEW_VENUES: (PoolRule(role=_CENTRE), PoolRule(role=_S), PoolRule(role=_ADMIN)),
    PoolAction.RECORD_ATTENDANCE: (
        PoolRule(role=_CENTRE),
        PoolRule(role=_S, scope=Scope.DEPARTMENT),
    ),
    PoolAction.READ_EXPERT_RECORDS: (PoolRule(role=_S),),
    PoolAction.SET_POOL_POLICY: (PoolRule(role=_ADMIN),),
}


def _holds(actor: Actor, rule: PoolRule, department_id: UUID | None) -> bool:
    if not actor.has_role(rule.role):
        return False
    return rule.scope is Scope.ANY or department_id in actor.acting_for(rule.role)


def allows(actor: Actor, action: PoolAction, *, department_id: UUID | None = None) -> bool:
    """Whether the actor may perform a pool action."""
    return any(_holds(actor, rule, department_id) for rule in RULES[action])


def require_pool(actor: Actor, action: PoolAction, *, department_id: UUID | None = None) -> Role:
    """The role that allows the action; PermissionDenied when none does."""
    for rule in RULES[action]:
        if _holds(actor, rule, department_id):
            return rule.role
    raise PermissionDenied(
        f"your roles do not allow {action} on the expert pool",
        details={"action": str(action), "resource": "expert_pool"},
    )
