"""The sheets commands of the evaluation session: submit, close, reveal (+ review's).

DESIGN.md, "Blind scoring"; issue 11, item 4. Exact data shapes and the order of the
checks: docs/formats/evaluation-sheet.md. Every handler checks first (a refusal writes
nothing), then writes its rows, its log entry and returns its events; no event before
the reveal carries a score, a finding or an adjustment.
"""

from __future__ import annotations

from evaluation.events import EvaluationEvent
from evaluation.guards import require_chair, require_member, require_phase
from evaluation.handlers import Ctx, Handlers
from evaluation.model import REVEALING, SEALING, Member, Phase, SheetPhase
from evaluation.sheets import findings, progress, queries, review, service
from evaluation.sheets.checks import (
    EVERYONE,
    announce,
    binary,
    check_place,
    opened,
    panel,
    require_current_certificate,
    sheet_phase,
)
from evaluation.sheets.errors import (
    SheetAlreadyRevealed,
    SheetDeadlineNotReached,
    SheetNoneCounted,
    SheetNotSubmitted,
    SheetPhaseClosed,
    SheetReviewOpen,
    SheetSignerMismatch,
)
from evaluation.sheets.queries import SheetRow
from live.model import Emit
from signing import sheets as fmt
from signing.certs import cert_sha256
from signing.cms import verify_detached
from signing.sheets.errors import SheetEncodingInvalid


async def submit_sheet(ctx: Ctx) -> list[Emit]:
    """{phase, commitment, ciphertext, nonce, signature}: a member seals its sheet."""
    member = require_member(ctx)
    phase = sheet_phase(ctx)
    require_phase(ctx, SEALING[phase])
    if ctx.state.phase_deadline is not None and ctx.now >= ctx.state.phase_deadline:
        raise SheetPhaseClosed(f"the {phase} phase closed at {ctx.state.phase_deadline:%H:%M:%S}")
    committed = binary(ctx, "commitment", size=fmt.COMMITMENT_SIZE, limit=fmt.COMMITMENT_SIZE)
    nonce = binary(ctx, "nonce", size=fmt.NONCE_SIZE, limit=fmt.NONCE_SIZE)
    ciphertext = binary(ctx, "ciphertext", limit=fmt.MAX_CIPHERTEXT)
    signature = binary(ctx, "signature", limit=fmt.MAX_SIGNATURE)
    if len(ciphertext) <= fmt.TAG_SIZE:
        raise SheetEncodingInvalid(
            "'ciphertext' is shorter than its tag", details={"field": "ciphertext"}
        )
    signer = fmt.verify_commitment_signature(committed, signature, ctx.trust, ctx.now)
    signer_sha256 = await require_current_certificate(ctx, member, signer.certificate)
    earlier = await queries.member_sheets(
        ctx.conn, ctx.state.id, phase, member.seat, member.generation
    )
    row = SheetRow(
        session_id=ctx.state.id, phase=str(phase), seat=member.seat, generation=member.generation,
        version=earlier[-1].version + 1 if earlier else 1, kind="sealed", commitment=committed,
        nonce=nonce, ciphertext=ciphertext, signature=signature, signer_cert_sha256=signer_sha256,
        submitted_at=ctx.now, revealed_key=None, plaintext=None, revealed_at=None, void=False,
        reasons=None,
    )  # fmt: skip
    await queries.insert_sealed(ctx.conn, row)
    data = announce(row)
    await ctx.ops.log(ctx, EvaluationEvent.SHEET_SUBMITTED, {**data, "generation": row.generation})
    emits = [Emit(kind="sheet.submitted", data=data, audience=EVERYONE)]
    if await progress.all_submitted(ctx, phase):
        emits += await ctx.ops.advance(ctx)
    return emits


async def close_phase(ctx: Ctx) -> list[Emit]:
    """{}: the chair, after the deadline: members without a sheet (or without a reveal)
    are handled as absent (their findings void), and the phase moves on — unless no
    member's sheet would be left to count (sheet_none_counted_conflict)."""
    require_chair(ctx)
    require_phase(ctx, *SEALING.values(), *REVEALING.values())
    deadline = ctx.state.phase_deadline
    if deadline is None or ctx.now < deadline:
        raise SheetDeadlineNotReached("the phase is closed only after its deadline")
    sealing = ctx.state.phase in SEALING.values()
    phase = _sheet_phase_of(ctx.state.phase)
    found = await _member_rows(ctx, phase)
    missing = [m for m in ctx.state.seated if not _holds(found.get(m.seat, []), sealing)]
    if len(missing) == len(ctx.state.seated):
        # The committee decides on the sheets that count; with none it has found nothing,
        # and marking everyone absent would leave a phase nobody can finish. The host
        # pauses instead (docs/formats/evaluation-session.md §2: resume, or the seal).
        raise SheetNoneCounted(
            f"no member has {'submitted' if sealing else 'revealed'} a {phase} sheet: "
            "closing would leave none to count",
            details={"phase": str(phase)},
        )
    emits: list[Emit] = []
    for member in missing:
        await queries.void_member(ctx.conn, ctx.state.id, member.seat, member.generation)
        reason = "no sheet" if sealing else "sheet not revealed"
        emits += await ctx.ops.mark_absent(ctx, member.seat, reason)
    if sealing:
        return emits + await ctx.ops.advance(ctx)
    gone = frozenset(m.seat for m in missing)
    emits += await progress.settle(ctx, phase, gone=gone, flag=bool(gone))
    if not emits:
        # Everyone revealed; what holds the phase is its review, which only the members
        # (explain, revise) can finish: say what is open rather than ack a no-op.
        raise SheetReviewOpen(
            f"the {phase} review is not done: the items listed wait for an explanation "
            "or a revision",
            details={"phase": str(phase), "items": await _open_items(ctx, phase)},
        )
    return emits


async def _open_items(ctx: Ctx, phase: SheetPhase) -> list[dict[str, object]]:
    """(seat, bid, item) of each flagged item or factual error the review still waits for."""
    sheets = await service.member_sheets(ctx.conn, ctx.state, phase)
    review = await service.review(ctx.conn, ctx.state, phase)
    open_notes = service.open_items(review, service.revised_items(sheets))
    return [{"seat": n.seat, "bid": str(n.bid), "item": n.item} for n in open_notes]


def _holds(rows: list[SheetRow], sealing: bool) -> bool:
    """The member has what the phase needs: a sealed sheet, or (reveal) a revealed one."""
    return bool(rows) if sealing else any(r.revealed for r in rows)


def _sheet_phase_of(phase: Phase) -> SheetPhase:
    for sheet, session in (*SEALING.items(), *REVEALING.items()):
        if session is phase:
            return sheet
    raise ValueError(f"{phase} is no sheet phase")  # require_phase ruled this out


async def _member_rows(ctx: Ctx, phase: SheetPhase) -> dict[int, list[SheetRow]]:
    found: dict[int, list[SheetRow]] = {}
    for member in ctx.state.seated:
        found[member.seat] = await queries.member_sheets(
            ctx.conn, ctx.state.id, phase, member.seat, member.generation
        )
    return found


async def reveal(ctx: Ctx) -> list[Emit]:
    """{phase, key}: a member releases its key; the sheet is checked and opened."""
    member = require_member(ctx)
    phase = sheet_phase(ctx)
    require_phase(ctx, REVEALING[phase])
    key = binary(ctx, "key", size=fmt.KEY_SIZE, limit=fmt.KEY_SIZE)
    rows = await queries.member_sheets(
        ctx.conn, ctx.state.id, phase, member.seat, member.generation
    )
    sealed = [r for r in rows if r.kind == "sealed"]
    if not sealed:
        raise SheetNotSubmitted(f"there is no sealed {phase} sheet of this member to reveal")
    if any(r.revealed for r in rows):
        raise SheetAlreadyRevealed(f"this member's {phase} sheet is already revealed")
    row = sealed[-1]  # the latest version submitted is the one that counts
    data = _check_reveal(ctx, member, phase, row, key)
    # §6 step 11: the method's entries, on the bids this sheet evaluates — in scoring and
    # adjustment those the committee's announced qualification result passed.
    bids = await service.bids_evaluated(ctx.conn, ctx.state, phase)
    findings.check_entries(ctx.state.method, phase, bids, findings.entries_of(data))
    await queries.reveal(ctx.conn, row, key, data, ctx.now)
    await ctx.ops.log(
        ctx, EvaluationEvent.SHEET_REVEALED, {**announce(row), "generation": row.generation}
    )
    emits = [
        Emit(
            kind="sheet.revealed",
            data={"phase": str(phase), "seat": member.seat},
            audience=EVERYONE,
        )
    ]
    emits += panel("sheet.opened", opened(row, data))
    return emits + await progress.settle(ctx, phase, flag=True)


def _check_reveal(ctx: Ctx, member: Member, phase: SheetPhase, row: SheetRow, key: bytes) -> bytes:
    """docs/formats/evaluation-sheet.md §6, steps 5–10: open, hash, signature, format,
    place; the sheet's bytes."""
    # A sealed row has both (0058's CHECK).
    assert row.ciphertext is not None
    assert row.nonce is not None
    data = fmt.open_sheet(row.ciphertext, key, row.nonce, row.commitment)
    # The validation time is the submission: a certificate revoked since does not undo
    # a sheet signed before (docs/formats/signatures.md §2).
    signer = verify_detached(data, row.signature, ctx.trust, row.submitted_at)
    if cert_sha256(signer.certificate) != row.signer_cert_sha256:
        raise SheetSignerMismatch(
            "the sheet is not signed by the certificate checked at submission"
        )
    sheet = fmt.parse_sheet(data)
    check_place(ctx, sheet, phase, member, row.version)
    return data


HANDLERS: Handlers = {
    "submit_sheet": submit_sheet,
    "close_phase": close_phase,
    "reveal": reveal,
    "explain": review.explain,
    "revise": review.revise,
    "record_error": review.record_error,
}

# Every event kind the handlers emit (the room declares them: live/kinds.py).
EVENTS = frozenset(
    {
        "sheet.submitted",
        "sheet.revealed",
        "sheet.opened",
        "sheet.revised",
        "qualification.result",
        "deviation.flagged",
        "deviation.explained",
        "factual_error.recorded",
    }
)
