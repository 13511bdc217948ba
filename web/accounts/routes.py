"""JSON API of accounts: login, logout, me, organisations, users, role grants, and the
proposed administrator role changes a second administrator approves (三员分立)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import asyncpg
import msgspec
from starlette.requests import Request
from starlette.responses import Response

from accounts import role_changes, service
from accounts.model import (
    Actor,
    Organisation,
    OrganisationPage,
    OrgKind,
    Role,
    RoleChange,
    RoleChangeKind,
    RoleChangeStatus,
    RoleGrant,
    SessionKind,
    User,
    UserStatus,
)
from web.auth import (
    clear_session_cookie,
    client_address,
    csrf_token_for,
    login_policy,
    session_token,
    signed_in,
)
from web.db.database import acquire
from web.errors import RequestInvalid
from web.http import ApiRoute, json_response, read_json
from web.services import services

Username = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


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


AdminRole = Literal["system_admin", "security_admin", "audit_admin"]


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


def path_uuid(request: Request, name: str) -> UUID:
    """A UUID path parameter; anything else is request_invalid."""
    raw = request.path_params[name]
    try:
        return UUID(raw)
    except ValueError:
        raise RequestInvalid(f"'{name}' must be a UUID", details={"param": name}) from None


def _limit(request: Request) -> int:
    raw = request.query_params.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise RequestInvalid(
            f"'limit' must be a whole number from 1 to {MAX_LIMIT}", details={"param": "limit"}
        )
    return int(raw)


async def login(request: Request) -> TokenResponse:
    body = await read_json(request, LoginRequest)
    # A slot before a connection: logins never hold the whole pool (issue 9, item 14).
    async with services(request).password_checks, acquire(services(request).pools.main) as conn:
        issued = await service.login(
            conn,
            username=body.username,
            password=body.password,
            address=client_address(request),
            kind=SessionKind.BEARER,
            policy=login_policy(services(request).settings),
        )
    return TokenResponse(token=issued.token, expires_at=issued.session.expires_at)


async def logout(request: Request) -> Response:
    async with signed_in(request) as (conn, actor):
        await service.logout(conn, actor)
    response = json_response(StatusResponse(status="logged_out"))
    clear_session_cookie(response, services(request).settings)
    return response


async def _me(conn: asyncpg.Connection, actor: Actor, request: Request) -> MeResponse:
    org = await service.get_organisation(conn, actor.organisation_id)
    cookie = session_token(request) if request.state.session_kind is SessionKind.COOKIE else None
    return MeResponse(
        user_id=actor.user_id,
        username=actor.username,
        display_name=actor.display_name,
        organisation=organisation_body(org),
        roles=[grant_body(actor.user_id, g) for g in sorted(actor.grants, key=str)],
        csrf_token=csrf_token_for(cookie) if cookie else None,
    )


async def me(request: Request) -> MeResponse:
    async with signed_in(request) as (conn, actor):
        return await _me(conn, actor, request)


async def create_organisation(request: Request) -> Response:
    body = await read_json(request, OrganisationCreate)
    async with signed_in(request) as (conn, actor):
        org = await service.create_organisation(
            conn,
            actor,
            credit_code=body.credit_code,
            name=body.name,
            kind=body.kind,
            parent_id=body.parent_id,
            region=body.region,
        )
    return json_response(organisation_body(org), 201)


async def list_organisations(request: Request) -> OrganisationList:
    limit = _limit(request)
    cursor = request.query_params.get("cursor") or None
    async with signed_in(request) as (conn, actor):
        page = await service.list_organisations(conn, actor, cursor=cursor, limit=limit)
    return page_body(page)


async def create_user(request: Request) -> Response:
    body = await read_json(request, UserCreate)
    async with signed_in(request) as (conn, actor):
        user = await service.create_user(
            conn,
            actor,
            organisation_id=body.organisation_id,
            username=body.username,
            display_name=body.display_name,
            password=body.password,
        )
    return json_response(user_body(user), 201)


async def grant_role(request: Request) -> Response:
    user_id = path_uuid(request, "id")
    body = await read_json(request, RoleGrantCreate)
    async with signed_in(request) as (conn, actor):
        grant = await service.grant_role(
            conn, actor, user_id=user_id, role=body.role, scope_id=body.scope_id
        )
    return json_response(grant_body(user_id, grant), 201)


async def revoke_role(request: Request) -> StatusResponse:
    user_id = path_uuid(request, "id")
    try:
        role = Role(request.path_params["role"])
    except ValueError:
        raise RequestInvalid("unknown role", details={"param": "role"}) from None
    scope = request.query_params.get("scope_id")
    scope_id = None
    if scope:
        try:
            scope_id = UUID(scope)
        except ValueError:
            raise RequestInvalid(
                "'scope_id' must be a UUID", details={"param": "scope_id"}
            ) from None
    async with signed_in(request) as (conn, actor):
        await service.revoke_role(conn, actor, user_id=user_id, role=role, scope_id=scope_id)
    return StatusResponse(status="revoked")


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


async def propose_role_change(request: Request) -> Response:
    body = await read_json(request, RoleChangeCreate)
    async with signed_in(request) as (conn, actor):
        proposed = await role_changes.propose_role_change(
            conn, actor, change=body.change, user_id=body.user_id, role=Role(body.role)
        )
    return json_response(role_change_body(proposed), 201)


async def approve_role_change(request: Request) -> RoleChangeBody:
    change_id = path_uuid(request, "id")
    async with signed_in(request) as (conn, actor):
        return role_change_body(await role_changes.approve_role_change(conn, actor, change_id))


async def reject_role_change(request: Request) -> RoleChangeBody:
    change_id = path_uuid(request, "id")
    async with signed_in(request) as (conn, actor):
        return role_change_body(await role_changes.reject_role_change(conn, actor, change_id))


async def list_role_changes(request: Request) -> RoleChangeList:
    raw = request.query_params.get("status")
    try:
        status = RoleChangeStatus(raw) if raw else None
    except ValueError:
        raise RequestInvalid(
            "'status' is pending, approved or rejected", details={"param": "status"}
        ) from None
    limit = _limit(request)
    async with signed_in(request) as (conn, actor):
        found = await role_changes.list_role_changes(conn, actor, status=status, limit=limit)
    return RoleChangeList(items=[role_change_body(change) for change in found])


ROUTES = [
    ApiRoute(
        method="POST",
        path="/api/v1/auth/login",
        handler=login,
        tag="auth",
        auth=False,
        summary="Log in with username and password; returns a bearer token",
        body=LoginRequest,
        response=TokenResponse,
    ),
    ApiRoute(
        method="POST",
        path="/api/v1/auth/logout",
        handler=logout,
        tag="auth",
        summary="End the presented session or token for good",
        response=StatusResponse,
    ),
    ApiRoute(
        method="GET",
        path="/api/v1/me",
        handler=me,
        tag="auth",
        summary="The signed-in user, organisation and roles",
        response=MeResponse,
    ),
    ApiRoute(
        method="POST",
        path="/api/v1/organisations",
        handler=create_organisation,
        tag="accounts",
        summary="Register an organisation (system administrator)",
        body=OrganisationCreate,
        response=OrganisationBody,
        status=201,
    ),
    ApiRoute(
        method="GET",
        path="/api/v1/organisations",
        handler=list_organisations,
        tag="accounts",
        summary="Organisations in creation order, a page at a time",
        response=OrganisationList,
        query=(
            ("cursor", str, "next_cursor of the previous page; omit for the first", False),
            ("limit", int, "page size, 1–200 (default 50)", False),
        ),
    ),
    ApiRoute(
        method="POST",
        path="/api/v1/users",
        handler=create_user,
        tag="accounts",
        summary="Open a user account (system administrator)",
        body=UserCreate,
        response=UserBody,
        status=201,
    ),
    ApiRoute(
        method="POST",
        path="/api/v1/users/{id}/roles",
        handler=grant_role,
        tag="accounts",
        summary="Grant a role (security administrator)",
        body=RoleGrantCreate,
        response=RoleGrantBody,
        status=201,
    ),
    ApiRoute(
        method="DELETE",
        path="/api/v1/users/{id}/roles/{role}",
        handler=revoke_role,
        tag="accounts",
        summary="Revoke a role (security administrator)",
        response=StatusResponse,
        query=(("scope_id", str, "the grant's scope, for scoped roles such as supervisor", False),),
    ),
    ApiRoute(
        method="POST",
        path="/api/v1/role-changes",
        handler=propose_role_change,
        tag="accounts",
        summary="Propose granting or removing an administrator role (security administrator)",
        body=RoleChangeCreate,
        response=RoleChangeBody,
        status=201,
    ),
    ApiRoute(
        method="GET",
        path="/api/v1/role-changes",
        handler=list_role_changes,
        tag="accounts",
        summary="Proposed administrator role changes, newest first (administrators)",
        response=RoleChangeList,
        query=(
            ("status", str, "pending, approved or rejected; omit for all", False),
            ("limit", int, "how many, 1–200 (default 50)", False),
        ),
    ),
    ApiRoute(
        method="POST",
        path="/api/v1/role-changes/{id}/approve",
        handler=approve_role_change,
        tag="accounts",
        summary="Approve and apply a proposed role change (system or audit administrator)",
        response=RoleChangeBody,
    ),
    ApiRoute(
        method="POST",
        path="/api/v1/role-changes/{id}/reject",
        handler=reject_role_change,
        tag="accounts",
        summary="Reject a proposed role change, or withdraw one's own proposal",
        response=RoleChangeBody,
    ),
]
