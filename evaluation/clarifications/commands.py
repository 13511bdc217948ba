"""The session's commands of the clarifications: the chair asks, the chair refuses.

Reg. 52 (evaluation/clarifications/model.py). ``ask_clarification`` {bid, question}
puts a written question to the bidder of one bid while the committee reviews and
scores; ``refuse_clarification`` {id, reason} records that an answer would change the
substance of the bid, which takes the answer out of the evaluation. Both are the
chair's and both are logged (the texts by their hashes). The answer itself comes over
HTTP (evaluation/clarifications/service.py).

Audience: ``role:panel``, the committee and staff alike (docs/formats/evaluation-session.md
§6). A question names a bid and says what the committee doubts in it — a finding, and
nothing before the result carries one to ``all``, which holds the tender's agency and
tenderer and carries seats only (§3). The bidder asked reads its own questions over
HTTP; the chair appears by its seat, never by name.
"""

from __future__ import annotations

import uuid
from uuid import UUID

from evaluation import guards
from evaluation.clarifications import queries
from evaluation.clarifications.errors import (
    ClarificationBidUnknown,
    ClarificationNotFound,
    ClarificationRefused,
    ClarificationUnanswered,
)
from evaluation.clarifications.model import (
    ANSWERING,
    ASKING,
    QUESTION_MAX,
    REASON_MAX,
    Clarification,
    question_sha256,
)
from evaluation.errors import EvaluationCommandInvalid
from evaluation.events import EvaluationEvent
from evaluation.handlers import Ctx, Handlers
from evaluation.sessions.views import PANEL
from live.model import Emit
from signing.canonical import sha256_hex

ASKED = "clarification.asked"
ANSWERED = "clarification.answered"
REFUSED = "clarification.refused"
# Every event of the feature and its audience (the room declares them).
EVENTS = {ASKED: PANEL, ANSWERED: PANEL, REFUSED: PANEL}


def _uuid(ctx: Ctx, name: str) -> UUID:
    raw = guards.field(ctx.data, name, str)
    try:
        return UUID(raw)
    except ValueError:
        raise EvaluationCommandInvalid(
            f"'{name}' must be a UUID", details={"field": name}
        ) from None


async def ask_clarification(ctx: Ctx) -> list[Emit]:
    """The chair asks the bidder of one bid a written question (Reg. 52)."""
    guards.require_phase(ctx, *ASKING)
    chair = guards.require_chair(ctx)
    bid_id = _uuid(ctx, "bid")
    question = guards.text(ctx.data, "question", limit=QUESTION_MAX)
    assert question is not None
    bid = ctx.state.bid(bid_id)
    if bid is None:
        raise ClarificationBidUnknown(
            "the session evaluates no bid with this id", details={"bid": str(bid_id)}
        )
    asked = Clarification(
        id=uuid.uuid4(),
        session_id=ctx.state.id,
        bid_id=bid_id,
        bidder=bid.bidder,
        question=question,
        question_sha256=question_sha256(question),
        asked_seat=chair.seat,
        asked_at=ctx.now,
    )
    # The log holds the question's hash: the text is in the session and the report.
    index = await ctx.ops.log(
        ctx,
        EvaluationEvent.CLARIFICATION_ASKED,
        {"clarification": str(asked.id), "bid": str(bid_id),
         "question_sha256": asked.question_sha256},
    )  # fmt: skip
    await queries.insert(ctx.conn, asked, index)
    data = {"id": str(asked.id), "bid": str(bid_id), "question": question}
    return [Emit(kind=ASKED, data=data, audience=EVENTS[ASKED])]


async def refuse_clarification(ctx: Ctx) -> list[Emit]:
    """The chair records that an answer would change the substance (Reg. 52): the answer
    stays on record but is no part of the evaluation."""
    guards.require_phase(ctx, *ANSWERING)
    chair = guards.require_chair(ctx)
    clarification_id = _uuid(ctx, "id")
    reason = guards.text(ctx.data, "reason", limit=REASON_MAX)
    assert reason is not None
    found = await queries.clarification(ctx.conn, ctx.state.id, clarification_id, lock=True)
    if found is None:
        raise ClarificationNotFound("the session has no clarification with this id")
    if found.refusal is not None:
        raise ClarificationRefused("this answer was refused already")
    if found.answer is None:
        raise ClarificationUnanswered("only an answer can be refused: the bidder has not answered")
    index = await ctx.ops.log(
        ctx,
        EvaluationEvent.CLARIFICATION_REFUSED,
        {"clarification": str(found.id), "bid": str(found.bid_id),
         "reason_sha256": sha256_hex(reason.encode("utf-8"))},
    )  # fmt: skip
    await queries.record_refusal(
        ctx.conn, found, reason=reason, seat=chair.seat, at=ctx.now, log_index=index
    )
    data = {"id": str(found.id), "bid": str(found.bid_id), "reason": reason}
    return [Emit(kind=REFUSED, data=data, audience=EVENTS[REFUSED])]


HANDLERS: Handlers = {
    "ask_clarification": ask_clarification,
    "refuse_clarification": refuse_clarification,
}
