"""Pieces the draw routes and the pool's pages share: the trust store answers are checked
against, the draw's body, base64 fields."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from accounts.model import Actor
from expert_pool.views import service as service_views
from expert_pool.views.service import DrawSummary
from web.draws.bodies import (
    DrawBody,
    SeatBody,
)
from web.errors import RequestInvalid
from web.http import struct_from


def draw_body(s: DrawSummary) -> DrawBody:
    return DrawBody(
        id=s.id,
        tender_id=s.tender_id,
        lot=s.lot,
        purpose=s.purpose,
        status=str(s.status),
        attempt=s.attempt,
        session_start=s.session_start,
        session_end=s.session_end,
        categories=[(c.label, c.count) for c in s.categories],
        representatives=s.representatives,
        entropy_roles=[str(r) for r in s.entropy_roles],
        entropy_in=[str(r) for r in s.entropy_in],
        rounds=s.rounds,
        seats=[struct_from(SeatBody, x) for x in s.seats],
        commit_hash=s.commit_hash,
        commit_log_index=s.commit_log_index,
        seed_revealed=s.seed_revealed,
        awarded=s.awarded,
        cancel_reason=s.cancel_reason,
    )


async def draw_summary(conn: Any, actor: Actor, draw_id: str) -> DrawBody:
    return draw_body(await service_views.draw_status(conn, actor, draw_id))


def decode_b64(value: str, what: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise RequestInvalid(f"'{what}' is not base64", details={"field": what}) from None
