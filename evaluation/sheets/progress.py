"""When a sheet phase is done: every sheet in, every sheet revealed and reviewed.

Issue 11, items 4–5: sealing closes when every seated member has submitted (or the
chair closes it after the deadline); the reveal phase ends when every seated member's
sheet is revealed and, for scoring, every item the deviation review flagged is
explained or revised and no recorded factual error is open. The qualification's
result is the committee's majority, announced to the committee and staff.
"""

from __future__ import annotations

from evaluation.events import EvaluationEvent
from evaluation.handlers import Ctx
from evaluation.model import SheetPhase
from evaluation.sheets import findings, queries, service
from evaluation.sheets.checks import panel
from evaluation.sheets.findings import RawSheets
from evaluation.sheets.queries import ItemNote
from live.model import Emit


async def all_submitted(ctx: Ctx, phase: SheetPhase) -> bool:
    """Every seated member has a sheet of the phase (its current generation)."""
    sheets = await service.member_sheets(ctx.conn, ctx.state, phase)
    return all(m.seat in sheets for m in ctx.state.seated)


async def settle(
    ctx: Ctx, phase: SheetPhase, *, gone: frozenset[int] = frozenset(), flag: bool = False
) -> list[Emit]:
    """The review's next step once every remaining member revealed: flag deviations
    (``flag``: this command completed the reveal), then advance when nothing is open.

    ``gone``: seats this command just marked absent (the state read at its start still
    shows them seated).
    """
    seated = [m for m in ctx.state.seated if m.seat not in gone]
    sheets = {
        seat: member
        for seat, member in (await service.member_sheets(ctx.conn, ctx.state, phase)).items()
        if seat not in gone
    }
    if not seated or any(
        sheets.get(m.seat) is None or sheets[m.seat].current is None for m in seated
    ):
        return []
    current = {
        seat: findings.entries_of(member.current.plaintext)
        for seat, member in sheets.items()
        if member.current is not None and member.current.plaintext is not None
    }
    emits: list[Emit] = []
    if flag and phase is SheetPhase.SCORING:
        emits += await _flag_deviations(ctx, phase, current)
    review = await service.review(ctx.conn, ctx.state, phase)
    still_open = [
        n for n in service.open_items(review, service.revised_items(sheets)) if n.seat not in gone
    ]
    if still_open:
        return emits
    if phase is SheetPhase.QUALIFICATION:
        # Reg. 51 / evaluation-method.md §3.2: the committee decides by majority; the
        # report states this same result (findings.py is the one place it is computed).
        bids = [b.bid_id for b in ctx.state.bids]
        result = findings.qualification(ctx.state.method, bids, current)
        data = {"phase": str(phase), "bids": findings.result_json(result)}
        await ctx.ops.log(ctx, EvaluationEvent.QUALIFICATION_RESULT, data)
        emits += panel("qualification.result", data)
    return emits + await ctx.ops.advance(ctx)


async def _flag_deviations(ctx: Ctx, phase: SheetPhase, current: RawSheets) -> list[Emit]:
    # DOMAIN.md, "Evaluation": a score more than the policy's percentage from the mean
    # of the others for the same item is explained in writing (or revised).
    bids = await service.bids_evaluated(ctx.conn, ctx.state, phase)
    flagged = findings.deviations(ctx.state.method, bids, current, ctx.policy.deviation_percent)
    if not flagged:
        return []
    generation = {m.seat: m.generation for m in ctx.state.seated}
    notes = [
        ItemNote(phase=str(phase), seat=d.seat, generation=generation[d.seat], bid=d.bid,
                 item=d.item, at=ctx.now)
        for d in sorted(flagged, key=lambda d: (d.seat, str(d.bid), d.item))
    ]  # fmt: skip
    await queries.insert_deviations(ctx.conn, ctx.state.id, notes)
    items = [{"seat": n.seat, "bid": str(n.bid), "item": n.item} for n in notes]
    return panel("deviation.flagged", {"phase": str(phase), "items": items})
