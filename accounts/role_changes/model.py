"""A proposed change of an administrator role and who may decide it (no I/O).

三员分立 (issue 9, item 16): one administrator proposes, a second approves
(accounts/role_changes/service.py).
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import datetime
from uuid import UUID

from accounts.errors import RoleChangeDecided, RoleChangeSelfApproval
from accounts.model import Role


class RoleChangeKind(enum.StrEnum):
    """What a proposed administrator role change does."""

    GRANT = "grant"
    REVOKE = "revoke"


class RoleChangeStatus(enum.StrEnum):
    """Where a proposed role change stands (0050)."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class RoleChange:
    """A proposed grant or removal of an administrator role, and its decision."""

    id: UUID
    change: RoleChangeKind
    user_id: UUID
    role: Role
    status: RoleChangeStatus
    proposed_by: UUID
    proposed_at: datetime
    decided_by: UUID | None = None
    decided_at: datetime | None = None

    def check_approver(self, approver: UUID) -> None:
        """三员分立: a second person approves — neither the proposer nor the user concerned."""
        if self.status is not RoleChangeStatus.PENDING:
            raise RoleChangeDecided(f"this role change was already {self.status}")
        if approver in (self.proposed_by, self.user_id):
            raise RoleChangeSelfApproval(
                "a role change is approved by a second administrator, "
                "neither its proposer nor the user it concerns"
            )

    def check_rejecter(self, rejecter: UUID) -> None:
        """Anyone entitled but the user concerned rejects (the proposer withdraws)."""
        if self.status is not RoleChangeStatus.PENDING:
            raise RoleChangeDecided(f"this role change was already {self.status}")
        if rejecter == self.user_id:
            raise RoleChangeSelfApproval("the user a role change concerns cannot decide it")
