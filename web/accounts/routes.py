"""JSON API of accounts: login, logout, me, organisations, users, role grants, and the
proposed administrator role changes a second administrator approves (三员分立)."""

from __future__ import annotations

from uuid import UUID

import asyncpg
from starlette.requests import Request
from starlette.responses import Response

from accounts.model import Actor, Role, UserStatus
from accounts.organisations import service as organisations
from accounts.role_changes import service as role_changes
from accounts.role_changes.model import RoleChangeStatus
from accounts.sessions import service as sessions
from accounts.sessions.model import SessionKind
from accounts.users import service as users
from web.accounts.bodies import (
    LoginRequest,
    MeResponse,
    OrganisationBody,
    OrganisationCreate,
    OrganisationList,
    RoleChangeBody,
    RoleChangeCreate,
    RoleChangeList,
    RoleGrantBody,
    RoleGrantCreate,
    StatusResponse,
    TokenResponse,
    UserBody,
    UserCreate,
    grant_body,
    organisation_body,
    page_body,
    role_change_body,
    user_body,
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
from web.supervision.credit.gate import refuse_blacklisted_registration

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


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
        issued = await sessions.login(
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
        await sessions.logout(conn, actor)
    services(request).read_caches.sessions.drop_session(actor.session_id)  # ended here at once
    response = json_response(StatusResponse(status="logged_out"))
    clear_session_cookie(response, services(request).settings)
    return response


async def _me(conn: asyncpg.Connection, actor: Actor, request: Request) -> MeResponse:
    org = await organisations.get_organisation(conn, actor.organisation_id)
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
        await refuse_blacklisted_registration(conn, body.credit_code, actor)  # issue 14
        org = await organisations.create_organisation(
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
        page = await organisations.list_organisations(conn, actor, cursor=cursor, limit=limit)
    return page_body(page)


async def create_user(request: Request) -> Response:
    body = await read_json(request, UserCreate)
    async with signed_in(request) as (conn, actor):
        user = await users.create_user(
            conn,
            actor,
            organisation_id=body.organisation_id,
            username=body.username,
            display_name=body.display_name,
            password=body.password,
        )
    return json_response(user_body(user), 201)


async def disable_user(request: Request) -> UserBody:
    user_id = path_uuid(request, "id")
    async with signed_in(request) as (conn, actor):
        user = await users.set_user_status(conn, actor, user_id=user_id, status=UserStatus.DISABLED)
    return user_body(user)


async def enable_user(request: Request) -> UserBody:
    user_id = path_uuid(request, "id")
    async with signed_in(request) as (conn, actor):
        user = await users.set_user_status(conn, actor, user_id=user_id, status=UserStatus.ACTIVE)
    return user_body(user)


async def grant_role(request: Request) -> Response:
    user_id = path_uuid(request, "id")
    body = await read_json(request, RoleGrantCreate)
    async with signed_in(request) as (conn, actor):
        grant = await users.grant_role(
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
        await users.revoke_role(conn, actor, user_id=user_id, role=role, scope_id=scope_id)
    return StatusResponse(status="revoked")


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
        path="/api/v1/users/{id}/disable",
        handler=disable_user,
        tag="accounts",
        summary="Disable an account: its sessions end (system administrator)",
        response=UserBody,
    ),
    ApiRoute(
        method="POST",
        path="/api/v1/users/{id}/enable",
        handler=enable_user,
        tag="accounts",
        summary="Enable a disabled account again (system administrator)",
        response=UserBody,
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
