"""Venue fault reports: ``report_fault`` {venue, text} (issue 12, the venue staff view).

Centre staff record what goes wrong at a venue — a PC, the network, the room — while
the session is open, paused or not (a fault is what a pause is for, DOMAIN.md "Remote
cross-city evaluation": everything is recorded). Who may: as for confirm_identity, the
host at the main venue and, at an assisting venue (副场), only staff assigned to that
venue (expert_pool/venues/staff.py) — the ones who are there. The report is stored
(insert-only), told to staff and supervisors (``role:staff``) with the reporter's name,
and logged with the staff member named and the venue by commit(venue id, a fresh salt)
only (四不知: the log is public; which venues the draw picked is not), the text by its
hash (evaluation.sessions.ops.text_sha256).
"""

from __future__ import annotations

import secrets
import uuid

from evaluation.events import EvaluationEvent
from evaluation.guards import require_centre_staff, require_open, text
from evaluation.handlers import Ctx
from evaluation.sessions import attendance, fault_queries
from evaluation.sessions.errors import EvaluationVenueInvalid
from evaluation.sessions.model import FAULT_TEXT_MAX, Fault
from evaluation.sessions.ops import Ops, text_sha256
from evaluation.sessions.views import STAFF
from live.model import Emit
from signing.log.entry import commit

REPORTED = "fault.reported"
VENUE_LIMIT = 64


async def report_fault(ctx: Ctx) -> list[Emit]:
    """Centre staff at the venue report a fault there: stored, logged, told to staff."""
    require_open(ctx, paused_ok=True)
    require_centre_staff(ctx)
    venue = text(ctx.data, "venue", limit=VENUE_LIMIT)
    said = text(ctx.data, "text", limit=FAULT_TEXT_MAX)
    assert venue is not None
    assert said is not None
    if venue not in await attendance.session_venues(ctx):
        raise EvaluationVenueInvalid(
            "report a fault at the main venue or an assisting venue of the draw",
            details={"venue": venue},
        )
    await attendance.require_staff_at(
        ctx, venue, "only staff assigned to this assisting venue report its faults",
        details={"venue": venue},
    )  # fmt: skip
    fault = Fault(
        id=uuid.uuid4(), session_id=ctx.state.id, venue_id=venue, text=said,
        text_sha256=text_sha256(said), reported_by=ctx.actor.user_id,
        reporter_name=ctx.actor.display_name, reported_at=ctx.now,
    )  # fmt: skip
    salt = secrets.token_bytes(32)
    # The core's own Ops (as sign_in): the SessionOps contract takes no commitments.
    index = await Ops().log(
        ctx, EvaluationEvent.FAULT_REPORTED,
        {"venue": commit(venue, salt), "text_sha256": fault.text_sha256},
        commitments=("venue",),
    )  # fmt: skip
    await fault_queries.insert(ctx.conn, fault, salt, index)
    return [Emit(kind=REPORTED, data=fault.to_json(), audience=STAFF)]
