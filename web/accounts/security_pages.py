"""The security administrator's pages (issue 15, item 3): role grants, the log's
witnesses, the permission matrix, and the security events — refusals and account
changes — with filters.

三员分立 (DESIGN.md, "Who uses it"): the security administrator grants and removes
roles, but an administrator role only by proposing it: the system or the audit
administrator approves (web/accounts/admin_pages.py; docs/api-auth.md, "Administrator
role changes"). The grant form therefore proposes when the role is an administrator's,
and says so. Every rule is the accounts services'; these handlers parse and call.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

import asyncpg
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from accounts import security_events, witnesses
from accounts.model import ADMIN_ROLES, Actor, OrgKind, Role
from accounts.permissions import PLATFORM, RULES, Action, require
from accounts.role_changes import service as role_changes
from accounts.role_changes.model import RoleChangeKind, RoleChangeStatus
from accounts.security_report import ACCOUNT_CHANGE_KINDS, REFUSAL_KINDS, SecurityFilter
from accounts.users import service as users
from web.accounts.admin_render import notice, organisations_by_id, page, people_of, render
from web.errors import RequestInvalid
from web.pages import SHANGHAI
from web.supervision.agencies.render import (
    form_of,
    optional_uuid,
    redirect,
    required_uuid,
    text,
)

MAX_PENDING = 100
FIRST_YEAR, LAST_YEAR = 1970, 9998


def _role(raw: str) -> Role:
    try:
        return Role(raw)
    except ValueError:
        raise RequestInvalid("'role' is not a role", details={"field": "role"}) from None


async def roles_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    require(actor, Action.GRANT_ROLES, PLATFORM)
    everyone = await users.list_users(conn, actor)
    orgs = await organisations_by_id(conn, actor)
    pending = await role_changes.list_role_changes(
        conn, actor, status=RoleChangeStatus.PENDING, limit=MAX_PENDING
    )
    departments = [o for o in orgs.values() if o.kind is OrgKind.INDUSTRY_DEPARTMENT]
    return render(
        request, "roles.html", actor=actor, users=everyone, orgs=orgs, all_roles=list(Role),
        admin_roles={str(role) for role in ADMIN_ROLES}, departments=departments,
        changes=pending, approver=False, done=notice(request),
        people=await people_of(conn, [i for c in pending for i in (c.user_id, c.proposed_by)]),
    )  # fmt: skip


async def _change_role(request: Request, conn: asyncpg.Connection, actor: Actor,
                       change: RoleChangeKind) -> Response:  # fmt: skip
    """Grant or remove a role; an administrator role is proposed instead (two-person rule)."""
    form = await form_of(request)
    user_id, role = required_uuid(form, "user_id"), _role(text(form, "role"))
    if role in ADMIN_ROLES:
        await role_changes.propose_role_change(
            conn, actor, change=change, user_id=user_id, role=role
        )
        return redirect("/admin/roles?done=proposed")
    scope = optional_uuid(form, "scope_id")
    if change is RoleChangeKind.GRANT:
        await users.grant_role(conn, actor, user_id=user_id, role=role, scope_id=scope)
        return redirect("/admin/roles?done=granted")
    await users.revoke_role(conn, actor, user_id=user_id, role=role, scope_id=scope)
    return redirect("/admin/roles?done=revoked")


async def grant_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    return await _change_role(request, conn, actor, RoleChangeKind.GRANT)


async def revoke_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    return await _change_role(request, conn, actor, RoleChangeKind.REVOKE)


async def witnesses_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    found = await witnesses.list_witnesses(conn, actor)
    return render(
        request, "witnesses.html", actor=actor, witnesses=found, done=notice(request),
    )  # fmt: skip


async def register_witness_page(
    request: Request, conn: asyncpg.Connection, actor: Actor
) -> Response:
    form = await form_of(request)
    await witnesses.register_witness(conn, actor, text(form, "vkey"))
    return redirect("/admin/witnesses?done=witness")


async def permissions_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    require(actor, Action.GRANT_ROLES, PLATFORM)
    return render(request, "permissions.html", actor=actor, rules=RULES, done=None)


def _day(raw: str, name: str) -> date | None:
    """A Beijing calendar day; years the platform never saw (and whose day after, or
    whose midnight in UTC, no datetime holds) are refused too."""
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise RequestInvalid(
            f"'{name}' is a date, YYYY-MM-DD, from {FIRST_YEAR} to {LAST_YEAR}",
            details={"param": name},
        )
    return day


def _beijing_midnight(day: date | None, *, after: bool = False) -> datetime | None:
    """The start of a Beijing day (or of the day after: the ``until`` day counts)."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1 if after else 0), time(), SHANGHAI)


def security_filter(params: Any) -> SecurityFilter:
    """The page's filter from its query parameters; unknown kinds are refused."""
    kind = str(params.get("kind", "")).strip()
    if kind and kind not in REFUSAL_KINDS + ACCOUNT_CHANGE_KINDS:
        raise RequestInvalid("'kind' is not a security event kind", details={"param": "kind"})
    address = str(params.get("address", "")).strip()
    if len(address) > 64:
        raise RequestInvalid("'address' is at most 64 characters", details={"param": "address"})
    since = _beijing_midnight(_day(str(params.get("since", "")).strip(), "since"))
    until = _beijing_midnight(_day(str(params.get("until", "")).strip(), "until"), after=True)
    return SecurityFilter(kind=kind or None, address=address or None, since=since, until=until)


async def events_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    wanted = security_filter(request.query_params)
    refusals, totals = await security_events.read_refusals(conn, actor, wanted)
    changes = await security_events.read_account_changes(conn, actor, wanted)
    sign_ins = await security_events.read_sign_ins(conn, actor, wanted)
    named: list[object] = []
    for change in changes:
        named += [change.actor_user_id, change.subject_id, *change.data.values()]
    return render(
        request, "security_events.html", actor=actor, wanted=wanted, refusals=refusals,
        totals=totals, changes=changes, sign_ins=sign_ins, refusal_kinds=REFUSAL_KINDS,
        change_kinds=ACCOUNT_CHANGE_KINDS, params=request.query_params, done=None,
        people=await people_of(conn, [n for n in named if isinstance(n, str)]),
        as_json=lambda data: json.dumps(data, ensure_ascii=False, sort_keys=True),
    )  # fmt: skip


def routes() -> list[BaseRoute]:
    """The security administrator's pages, for the one route list."""
    return [
        Route("/admin/roles", page(roles_page), methods=["GET"]),
        Route("/admin/roles/grant", page(grant_page), methods=["POST"]),
        Route("/admin/roles/revoke", page(revoke_page), methods=["POST"]),
        Route("/admin/witnesses", page(witnesses_page), methods=["GET"]),
        Route("/admin/witnesses", page(register_witness_page), methods=["POST"]),
        Route("/admin/permissions", page(permissions_page), methods=["GET"]),
        Route("/admin/security-events", page(events_page), methods=["GET"]),
    ]
