"""The system administrator's pages (issue 15, item 3): organisations registered, user
accounts — open, disable, enable — and the approval of administrator role changes (the
two-person rule).

三员分立 (DESIGN.md, "Who uses it"; docs/api-auth.md, "Administrator role changes"):
the system administrator opens and disables accounts but grants no role; a change of an
administrator role, proposed by the security administrator, takes effect only when the
system or the audit administrator approves it, never its proposer nor the user it
concerns. Every rule is the accounts services'; these handlers parse a form, call one
use case and redirect. The audit administrator approves on the same page.
"""

from __future__ import annotations

import asyncpg
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from accounts.model import ADMIN_ROLES, Actor, OrgKind, Role, UserStatus
from accounts.organisations import service as organisations
from accounts.permissions import PLATFORM, Action, is_allowed, require
from accounts.role_changes import service as role_changes
from accounts.users import service as users
from web.accounts.admin_render import notice, organisations_by_id, page, people_of, render
from web.errors import RequestInvalid
from web.supervision.agencies.render import (
    form_of,
    optional_uuid,
    path_id,
    redirect,
    required_uuid,
    text,
)
from web.supervision.credit.gate import refuse_blacklisted_registration

MAX_CHANGES = 100


def _matches(query: str, *values: str) -> bool:
    return not query or any(query.casefold() in value.casefold() for value in values)


def _kind(raw: str) -> OrgKind:
    try:
        return OrgKind(raw)
    except ValueError:
        raise RequestInvalid(
            "'kind' is not a kind of organisation", details={"field": "kind"}
        ) from None


async def organisations_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    require(actor, Action.MANAGE_ORGANISATIONS, PLATFORM)
    orgs = await organisations_by_id(conn, actor)
    return render(
        request, "organisations.html", actor=actor, orgs=orgs, kinds=list(OrgKind),
        listed=sorted(orgs.values(), key=lambda org: (org.created_at, str(org.id))),
        done=notice(request),
    )  # fmt: skip


async def register_organisation_page(
    request: Request, conn: asyncpg.Connection, actor: Actor
) -> Response:
    require(actor, Action.MANAGE_ORGANISATIONS, PLATFORM)  # before the black list is read
    form = await form_of(request)
    code, kind = text(form, "credit_code"), _kind(text(form, "kind"))
    await refuse_blacklisted_registration(conn, code, actor)  # issue 14, as the API does
    await organisations.create_organisation(
        conn, actor, credit_code=code, name=text(form, "name"), kind=kind,
        parent_id=optional_uuid(form, "parent_id"), region=text(form, "region"),
    )  # fmt: skip
    return redirect("/admin/organisations?done=registered")


async def users_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    require(actor, Action.MANAGE_USERS, PLATFORM)
    query = request.query_params.get("q", "").strip()[:64]
    everyone = await users.list_users(conn, actor)
    shown = [(u, grants) for u, grants in everyone if _matches(query, u.username, u.display_name)]
    orgs = await organisations_by_id(conn, actor)
    return render(
        request, "users.html", actor=actor, users=shown, orgs=orgs, query=query,
        choices=sorted(orgs.values(), key=lambda org: org.name), done=notice(request),
        admin_roles={str(role) for role in ADMIN_ROLES},
    )  # fmt: skip


async def create_user_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    form = await form_of(request)
    password = form.get("password", "")
    await users.create_user(
        conn, actor, organisation_id=required_uuid(form, "organisation_id"),
        username=text(form, "username"), display_name=text(form, "display_name"),
        password=password if isinstance(password, str) and password else None,
    )  # fmt: skip
    return redirect("/admin/users?done=created")


async def disable_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = path_id(request, "user_id")
    await users.set_user_status(conn, actor, user_id=which, status=UserStatus.DISABLED)
    return redirect("/admin/users?done=disabled")


async def enable_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    which = path_id(request, "user_id")
    await users.set_user_status(conn, actor, user_id=which, status=UserStatus.ACTIVE)
    return redirect("/admin/users?done=enabled")


async def role_changes_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    changes = await role_changes.list_role_changes(conn, actor, status=None, limit=MAX_CHANGES)
    return render(
        request, "role_changes.html", actor=actor, changes=changes,
        people=await people_of(
            conn, [i for c in changes for i in (c.user_id, c.proposed_by, c.decided_by)]
        ),
        done=notice(request),
        approver=is_allowed(actor, Action.APPROVE_ROLE_CHANGE, PLATFORM),
    )  # fmt: skip


async def approve_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    await role_changes.approve_role_change(conn, actor, path_id(request, "change_id"))
    return redirect("/admin/role-changes?done=approved")


async def reject_page(request: Request, conn: asyncpg.Connection, actor: Actor) -> Response:
    """An approver rejects; the security administrator withdraws its own proposal."""
    await role_changes.reject_role_change(conn, actor, path_id(request, "change_id"))
    back = "/admin/roles" if actor.has_role(Role.SECURITY_ADMIN) else "/admin/role-changes"
    return redirect(f"{back}?done=rejected")


def routes() -> list[BaseRoute]:
    """The system administrator's pages, for the one route list."""
    return [
        Route("/admin/organisations", page(organisations_page), methods=["GET"]),
        Route("/admin/organisations", page(register_organisation_page), methods=["POST"]),
        Route("/admin/users", page(users_page), methods=["GET"]),
        Route("/admin/users", page(create_user_page), methods=["POST"]),
        Route("/admin/users/{user_id}/disable", page(disable_page), methods=["POST"]),
        Route("/admin/users/{user_id}/enable", page(enable_page), methods=["POST"]),
        Route("/admin/role-changes", page(role_changes_page), methods=["GET"]),
        Route("/admin/role-changes/{change_id}/approve", page(approve_page), methods=["POST"]),
        Route("/admin/role-changes/{change_id}/reject", page(reject_page), methods=["POST"]),
    ]
