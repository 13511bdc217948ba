"""Pieces every evaluation route shares: the session of the path, read through the core.

A session's id is its live session's id (EVAL_PLAN.md, "The session"): a malformed id,
an id of no live session, or of a live session of another kind are one and the same
``live_session_not_found`` (404) — as a malformed tender id is an unknown tender.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg
from starlette.requests import Request

from evaluation.model import KIND, SessionState
from live import queries as live
from live.errors import LiveSessionNotFound
from web.evaluation import core

TAG = "evaluation"


def session_id(request: Request) -> UUID:
    """The session of the path; a malformed id is an unknown session."""
    raw: str = request.path_params["session_id"]
    try:
        return UUID(raw)
    except ValueError:
        raise LiveSessionNotFound(f"no evaluation session has the id {raw[:40]!r}") from None


async def load_session(
    conn: asyncpg.Connection, which: UUID, *, lock: bool = False
) -> SessionState:
    """The evaluation session with this id (404 unless one is)."""
    found = await live.get_session(conn, which)
    if found is None or found.kind != KIND:
        raise LiveSessionNotFound("no evaluation session has this id")
    return await core.load(conn, which, lock=lock)


def path_uuid(request: Request, name: str, missing: Exception) -> UUID:
    """A UUID of the path; a malformed one is ``missing`` (a 404 like an unknown one)."""
    try:
        return UUID(request.path_params[name])
    except ValueError:
        raise missing from None
