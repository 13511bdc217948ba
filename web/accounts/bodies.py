"""Request and response bodies of the accounts API, and their conversions from the model."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from accounts.model import (
    Organisation,
    OrganisationPage,
    OrgKind,
    Role,
    RoleGrant,
    User,
    UserStatus,
)
from accounts.role_changes.model import RoleChange, RoleChangeKind, RoleChangeStatus

Username = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=256)]


AdminRole = Literal["system_admin", "security_admin", "audit_admin"]


class Model(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Base of request and response bodies: unknown fields are refused."""


class LoginRequest(Model, frozen=True, kw_only=True):
    username: Username
    password: Password


class TokenResponse(Model, frozen=True, kw_only=True):
    token: str
    token_type: str = "Bearer"  # noqa: S105 (RFC 6750 scheme name)
    expires_at: datetime


class StatusResponse(Model, frozen=True, kw_only=True):
    status: str


class OrganisationCreate(Model, frozen=True, kw_only=True):
    credit_code: Annotated[str, msgspec.Meta(max_length=32)]
    name: Annotated[str, msgspec.Meta(max_length=200)]
    kind: OrgKind
    parent_id: UUID | None = None
    region: Annotated[str, msgspec.Meta(max_length=6)] = ""


class OrganisationBody(Model, frozen=True, kw_only=True):
    id: UUID
    credit_code: str
    name: str
    kind: OrgKind
    parent_id: UUID | None
    region: str
    created_at: datetime


class OrganisationList(Model, frozen=True, kw_only=True):
    items: list[OrganisationBody]
    next_cursor: str | None


class UserCreate(Model, frozen=True, kw_only=True):
    organisation_id: UUID
    username: Username
    display_name: Annotated[str, msgspec.Meta(max_length=100)]
    password: Password


class UserBody(Model, frozen=True, kw_only=True):
    id: UUID
    organisation_id: UUID
    username: str
    display_name: str
    status: UserStatus
    created_at: datetime


class RoleGrantCreate(Model, frozen=True, kw_only=True):
    role: Role
    scope_id: UUID | None = None


class RoleGrantBody(Model, frozen=True, kw_only=True):
    user_id: UUID
    role: Role
    scope_id: UUID | None


class RoleChangeCreate(Model, frozen=True, kw_only=True):
    change: RoleChangeKind
    user_id: UUID
    role: AdminRole


class RoleChangeBody(Model, frozen=True, kw_only=True):
    id: UUID
    change: RoleChangeKind
    user_id: UUID
    role: Role
    status: RoleChangeStatus
    proposed_by: UUID
    proposed_at: datetime
    decided_by: UUID | None
    decided_at: datetime | None


class RoleChangeList(Model, frozen=True, kw_only=True):
    items: list[RoleChangeBody]


class MeResponse(Model, frozen=True, kw_only=True):
    user_id: UUID
    username: str
    display_name: str
    organisation: OrganisationBody
    roles: list[RoleGrantBody]
    csrf_token: str | None = None


def organisation_body(org: Organisation) -> OrganisationBody:
    return OrganisationBody(
        id=org.id,
        credit_code=org.credit_code,
        name=org.name,
        kind=org.kind,
        parent_id=org.parent_id,
        region=org.region,
        created_at=org.created_at,
    )


def user_body(user: User) -> UserBody:
    return UserBody(
        id=user.id,
        organisation_id=user.organisation_id,
        username=user.username,
        display_name=user.display_name,
        status=user.status,
        created_at=user.created_at,
    )


def grant_body(user_id: UUID, grant: RoleGrant) -> RoleGrantBody:
    return RoleGrantBody(user_id=user_id, role=grant.role, scope_id=grant.scope_id)


def page_body(page: OrganisationPage) -> OrganisationList:
    return OrganisationList(
        items=[organisation_body(org) for org in page.items], next_cursor=page.next_cursor
    )


def role_change_body(change: RoleChange) -> RoleChangeBody:
    return RoleChangeBody(
        id=change.id,
        change=change.change,
        user_id=change.user_id,
        role=change.role,
        status=change.status,
        proposed_by=change.proposed_by,
        proposed_at=change.proposed_at,
        decided_by=change.decided_by,
        decided_at=change.decided_at,
    )
