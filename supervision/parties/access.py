"""Who may read and keep the registry and the credit record (issue 14, item 2).

Supervisors act for their department (CONTRACTS.md): what a supervisor records carries
that department, and only a supervisor of that department decides on it. Centre staff
read everything supervisors read. A party reads its own record.
"""

from __future__ import annotations

from uuid import UUID

from accounts.errors import PermissionDenied
from accounts.model import Actor, Role


def department_of(actor: Actor, action: str) -> UUID:
    """The department a supervisor acts for (the first by id when it has several)."""
    departments = actor.acting_for(Role.SUPERVISOR)
    if not departments:
        raise PermissionDenied(
            "only a supervisor of an industry department does this",
            details={"action": action, "resource": "credit"},
        )
    return min(departments)


def require_department(actor: Actor, department_id: UUID, action: str) -> None:
    """A supervisor of ``department_id``, else 403 naming the department."""
    if department_id not in actor.acting_for(Role.SUPERVISOR):
        raise PermissionDenied(
            "only a supervisor of the department that made this record decides on it",
            details={"action": action, "resource": "credit", "department_id": str(department_id)},
        )


def is_reader(actor: Actor) -> bool:
    """Supervisors and centre staff read the whole registry and every credit record."""
    return actor.has_role(Role.SUPERVISOR) or actor.has_role(Role.CENTRE_STAFF)


def require_reader(actor: Actor, organisation_id: UUID | None = None) -> str:
    """A reader, or the party itself for its own record; the role it reads in."""
    if actor.has_role(Role.SUPERVISOR):
        return str(Role.SUPERVISOR)
    if actor.has_role(Role.CENTRE_STAFF):
        return str(Role.CENTRE_STAFF)
    if organisation_id is not None and actor.organisation_id == organisation_id:
        return "party"
    raise PermissionDenied(
        "the registry is read by supervisors and the centre; a party reads its own record",
        details={"action": "read_credit_record", "resource": "party"},
    )


def require_keeper(actor: Actor, action: str) -> str:
    """Supervisors and centre staff keep the registry (qualifications, people, relations)."""
    for role in (Role.SUPERVISOR, Role.CENTRE_STAFF):
        if actor.has_role(role):
            return str(role)
    raise PermissionDenied(
        "supervisors and centre staff keep the market-party registry",
        details={"action": action, "resource": "party"},
    )
