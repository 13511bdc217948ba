"""Rendering of the administrators' pages (/admin/…, issue 15 item 3): templates under
web/templates/admin/, Chinese first, English through the switch, forms posted with the
session's CSRF token (web/auth.py), times through the ``beijing`` filter. A refused
operation renders its message and code with its status, nothing changed; a done one
redirects (303) to the page with a notice from a fixed list.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

import asyncpg
from starlette.requests import Request
from starlette.responses import Response

from accounts.model import Actor, Organisation, User
from accounts.organisations import service as organisations
from accounts.users import service as users
from signing.errors import EtenderError
from web import pages
from web.accounts import admin_i18n
from web.errormap import status_for

render = pages.feature_renderer("admin", admin_i18n, {})

# The notices a page shows after a redirect (?done=…): their message keys, nothing else.
NOTICES = frozenset({
    "registered", "created", "disabled", "enabled", "approved", "rejected", "granted",
    "revoked", "proposed", "witness",
})  # fmt: skip
MAX_ORGANISATIONS = 2000


def notice(request: Request) -> str | None:
    """The ``done`` notice of the query, if it is one of ours."""
    done = request.query_params.get("done")
    return done if done in NOTICES else None


def refused(request: Request, actor: Actor | None, error: EtenderError) -> Response:
    """The error page of a refused request: the code's text in the page's language (the
    catalogue), its code and status; back to the workspace (never a Referer a page
    elsewhere chose)."""
    return render(
        request, "error.html", status_for(error), actor=actor, code=error.code, back="/home",
    )  # fmt: skip


page = pages.signed_in_page(refused)


async def organisations_by_id(conn: asyncpg.Connection, actor: Actor) -> dict[UUID, Organisation]:
    """Every organisation (a few hundred on a city's platform), by id."""
    found: dict[UUID, Organisation] = {}
    cursor: str | None = None
    while len(found) < MAX_ORGANISATIONS:
        batch = await organisations.list_organisations(conn, actor, cursor=cursor, limit=200)
        found.update((org.id, org) for org in batch.items)
        cursor = batch.next_cursor
        if cursor is None:
            break
    return found


async def people_of(conn: asyncpg.Connection, ids: Iterable[object]) -> dict[str, User]:
    """The users these ids name, by the id's text (proposals and log entries name users
    by id; a page shows their usernames to the administrators reading them)."""
    found: dict[str, User] = {}
    for raw in {str(i) for i in ids if i is not None}:
        try:
            found[raw] = await users.get_user(conn, UUID(raw))
        except (ValueError, EtenderError):  # not a user's id: shown as it is
            continue
    return found
