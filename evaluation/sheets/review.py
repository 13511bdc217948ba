"""The review after the reveal: explanations, revisions and factual errors.

DESIGN.md, "Blind scoring": after the reveal only items the deviation review flags,
or factual errors the chair records, may change — each with a written reason and a
new signature; every version is kept. DOMAIN.md, "Evaluation": a flagged score is
explained in writing (or revised), and the explanation appears in the report.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from evaluation.errors import EvaluationCommandInvalid
from evaluation.events import EvaluationEvent
from evaluation.guards import field, require_chair, require_member, require_phase, text
from evaluation.handlers import Ctx
from evaluation.model import REVEALING, Member, SheetPhase
from evaluation.sheets import findings, progress, queries, service
from evaluation.sheets.checks import (
    EVERYONE,
    announce,
    bid_field,
    binary,
    check_place,
    item_field,
    opened,
    panel,
    require_current_certificate,
    sheet_phase,
)
from evaluation.sheets.errors import (
    SheetItemNotFlagged,
    SheetItemUnknown,
    SheetNotRevealed,
    SheetRevisionInvalid,
)
from evaluation.sheets.queries import ItemNote, SheetRow
from live.model import Emit
from signing import sheets as fmt
from signing.cms import verify_detached

TEXT_LIMIT = 2000
Key = tuple[UUID, str]  # (bid, item)


async def explain(ctx: Ctx) -> list[Emit]:
    """{phase, bid, item, text}: a member explains an item flagged for it."""
    member = require_member(ctx)
    phase = sheet_phase(ctx)
    require_phase(ctx, REVEALING[phase])
    bid, item = bid_field(ctx.data), item_field(ctx.data)
    words = str(text(ctx.data, "text", limit=TEXT_LIMIT))
    flagged = await queries.deviations(ctx.conn, ctx.state.id, phase)
    if not any(_same(n, member, bid, item) for n in flagged):
        raise SheetItemNotFlagged(
            "only an item the deviation review flagged for you is explained",
            details={"bid": str(bid), "item": item},
        )
    note = _note(ctx, phase, member, bid, item, text=words)
    await queries.insert_explanation(ctx.conn, ctx.state.id, note)
    where = {"phase": str(phase), "seat": member.seat, "bid": str(bid), "item": item}
    await ctx.ops.log(ctx, EvaluationEvent.DEVIATION_EXPLAINED, where)
    emits = panel("deviation.explained", {**where, "text": words})
    return emits + await progress.settle(ctx, phase)


def _same(note: ItemNote, member: Member, bid: UUID, item: str) -> bool:
    return (note.seat, note.generation, note.bid, note.item) == (
        member.seat,
        member.generation,
        bid,
        item,
    )


def _note(
    ctx: Ctx, phase: SheetPhase, member: Member, bid: UUID, item: str, **more: Any
) -> ItemNote:
    return ItemNote(
        phase=str(phase), seat=member.seat, generation=member.generation, bid=bid, item=item,
        at=ctx.now, **more,
    )  # fmt: skip


async def revise(ctx: Ctx) -> list[Emit]:
    """{phase, sheet, signature, reasons}: a new signed version, changed only where allowed."""
    member = require_member(ctx)
    phase = sheet_phase(ctx)
    require_phase(ctx, REVEALING[phase])
    data = binary(ctx, "sheet", limit=fmt.MAX_SHEET)
    signature = binary(ctx, "signature", limit=fmt.MAX_SIGNATURE)
    reasons = _reasons(ctx.data)
    latest = await _revealed(ctx, phase, member)
    assert latest.plaintext is not None
    sheet = fmt.parse_sheet(data)
    check_place(ctx, sheet, phase, member, latest.version + 1)
    signer = verify_detached(data, signature, ctx.trust, ctx.now)
    signer_sha256 = await require_current_certificate(ctx, member, signer.certificate)
    changed = _changes(fmt.parse_sheet(latest.plaintext), sheet)
    errors = await _check_allowed(ctx, phase, member, changed, reasons)
    bids = await service.bids_evaluated(ctx.conn, ctx.state, phase)
    findings.check_entries(ctx.state.method, phase, bids, findings.entries_of(data))
    row = SheetRow(
        session_id=ctx.state.id, phase=str(phase), seat=member.seat, generation=member.generation,
        version=latest.version + 1, kind="revision", commitment=fmt.commitment(data), nonce=None,
        ciphertext=None, signature=signature, signer_cert_sha256=signer_sha256,
        submitted_at=ctx.now, revealed_key=None, plaintext=data, revealed_at=ctx.now, void=False,
        reasons=[{"bid": str(b), "item": i, "reason": reasons[(b, i)]} for b, i in sorted(
            changed, key=lambda k: (str(k[0]), k[1]))],
    )  # fmt: skip
    await queries.insert_revision(ctx.conn, row)
    for note in errors:
        await queries.resolve_factual_error(ctx.conn, ctx.state.id, note, row.version)
    items = [{"bid": r["bid"], "item": r["item"]} for r in row.reasons or ()]
    logged = {**announce(row), "generation": row.generation, "items": items}
    await ctx.ops.log(ctx, EvaluationEvent.SHEET_REVISED, logged)
    emits = [Emit(kind="sheet.revised", data=announce(row), audience=EVERYONE)]
    emits += panel("sheet.opened", opened(row, data))
    return emits + await progress.settle(ctx, phase)


def _reasons(data: Mapping[str, Any]) -> dict[Key, str]:
    """``reasons``: [{bid, item, reason}], one per changed entry, each item once."""
    raw = field(data, "reasons", list)
    found: dict[Key, str] = {}
    for entry in raw:
        if not isinstance(entry, dict) or set(entry) != {"bid", "item", "reason"}:
            raise EvaluationCommandInvalid(
                "each reason is {bid, item, reason}", details={"field": "reasons"}
            )
        key = (bid_field(entry), item_field(entry))
        if key in found:
            raise EvaluationCommandInvalid(
                "each item has one reason", details={"field": "reasons", "item": key[1]}
            )
        found[key] = str(text(entry, "reason", limit=TEXT_LIMIT))
    return found


async def _revealed(ctx: Ctx, phase: SheetPhase, member: Member) -> SheetRow:
    rows = await queries.member_sheets(
        ctx.conn, ctx.state.id, phase, member.seat, member.generation
    )
    if not rows or not rows[-1].revealed:
        raise SheetNotRevealed(f"this member's {phase} sheet is not revealed yet")
    return rows[-1]


def _changes(previous: fmt.Sheet, sheet: fmt.Sheet) -> set[Key]:
    """The (bid, item) whose values differ; a revision neither adds nor drops an entry."""
    before = {(e.bid, e.item): e for e in previous.entries}
    after = {(e.bid, e.item): e for e in sheet.entries}
    if set(before) != set(after):
        raise SheetRevisionInvalid(
            "a revision keeps every entry and adds none; it changes values only",
            details={"added": _keys(set(after) - set(before)),
                     "removed": _keys(set(before) - set(after))},
        )  # fmt: skip
    changed = {k for k in after if after[k] != before[k]}
    if not changed:
        raise SheetRevisionInvalid("the revision changes nothing")
    return changed


def _keys(keys: set[Key]) -> list[dict[str, str]]:
    return [{"bid": str(b), "item": i} for b, i in sorted(keys, key=lambda k: (str(k[0]), k[1]))]


async def _check_allowed(
    ctx: Ctx, phase: SheetPhase, member: Member, changed: set[Key], reasons: dict[Key, str]
) -> list[ItemNote]:
    """Each change is a flagged item or a recorded factual error, with its reason; the
    factual errors the revision resolves."""
    review = await service.review(ctx.conn, ctx.state, phase)
    mine = (member.seat, member.generation)
    flagged = {(n.bid, n.item) for n in review.deviations if (n.seat, n.generation) == mine}
    errors = [n for n in review.factual_errors if (n.seat, n.generation) == mine]
    allowed = flagged | {(n.bid, n.item) for n in errors}
    if changed - allowed:
        raise SheetRevisionInvalid(
            "only items the deviation review flagged or recorded factual errors may change",
            details={"items": _keys(changed - allowed)},
        )
    if set(reasons) != changed:
        raise SheetRevisionInvalid(
            "each changed entry has a written reason, and only changed entries",
            details={"missing": _keys(changed - set(reasons)),
                     "unchanged": _keys(set(reasons) - changed)},
        )  # fmt: skip
    return [n for n in errors if (n.bid, n.item) in changed and n.resolved_version is None]


async def record_error(ctx: Ctx) -> list[Emit]:
    """{phase, seat, bid, item, text}: the chair records a factual error in a member's
    revealed entry, which lets that member revise it."""
    chair = require_chair(ctx)
    phase = sheet_phase(ctx)
    require_phase(ctx, REVEALING[phase])
    seat = field(ctx.data, "seat", int)
    member = next((m for m in ctx.state.seated if m.seat == seat), None)
    if member is None:
        raise EvaluationCommandInvalid(
            "no seated member holds this seat", details={"field": "seat"}
        )
    bid, item = bid_field(ctx.data), item_field(ctx.data)
    words = str(text(ctx.data, "text", limit=TEXT_LIMIT))
    latest = await _revealed(ctx, phase, member)
    assert latest.plaintext is not None
    if fmt.parse_sheet(latest.plaintext).entry(bid, item) is None:
        raise SheetItemUnknown(
            "the member's sheet has no such entry", details={"bid": str(bid), "item": item}
        )
    note = _note(ctx, phase, member, bid, item, text=words, recorded_by_seat=chair.seat)
    await queries.insert_factual_error(ctx.conn, ctx.state.id, note)
    # TODO(integrator): log it once evaluation/events.py has FACTUAL_ERROR_RECORDED
    # ("evaluation.factual_error_recorded"); the report lists it from the table meanwhile.
    where = {"phase": str(phase), "seat": seat, "bid": str(bid), "item": item}
    return panel("factual_error.recorded", {**where, "text": words, "recorded_by": chair.seat})
