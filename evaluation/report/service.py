"""The report's use cases, inside the command's transaction (the room holds the session lock).

Issue 11, items 5–7; DOMAIN.md, "Evaluation" (Reg. 51–53). The chair announces the
ranking computed from the revealed sheets, then drafts the report; a member's dissent
redrafts it (signatures of the earlier version no longer count); each member signs the
current version's exact bytes with its own registered certificate or refuses (without a
written reason a refusal counts as agreement); once every seated member has answered, the
session's result is handed to the tender, which moves on once every lot has one.

The qualification is the committee's result as announced at the end of the qualification
reveal and stored then (evaluation/sheets, migration 0063): the ranking, the report and
``passed_bids`` read it, never recompute it, so a member voided after the announcement
cannot change it. ``passed_bids`` is what a two-envelope lot's opening needs (issue 11,
item 6): the bids whose commercial parts may be opened. Reading the report
(``report_json``, ``report_body``, ``report_pdf``, ``verify_report``) is
evaluation/report/reading.py, re-exported here: the web's routes call this module only.
"""

from __future__ import annotations

import json
import secrets
from uuid import UUID

import asyncpg

from accounts.keys import queries as key_queries
from evaluation.handlers import Ctx
from evaluation.method.committee import BidQualification
from evaluation.model import Member, Phase, SessionState
from evaluation.report import queries, sources
from evaluation.report.errors import (
    MemberCertificateMissing,
    QualificationPending,
    RankingChanged,
    RankingDone,
    RankingNotDone,
    ReportAnswered,
    ReportCertificateChanged,
    ReportNotFound,
    ReportSignatureInvalid,
    ReportSignerMismatch,
    ReportStale,
)
from evaluation.report.model import Dissent, ReportInputs, SealedMember, report_bytes
from evaluation.report.queries import Answer, Result, StoredReport
from evaluation.report.ranking import LotFacts, Outcome, outcome_json, outcome_of
from evaluation.report.ranking import passed_bids as passed_of
from evaluation.report.reading import report_body, report_json, report_pdf, verify_report
from evaluation.sheets import findings
from evaluation.sheets import service as sheets_service
from evaluation.signing_keys import require_allowed_key
from signing.canonical import canonical_json, sha256_hex
from signing.certs import cert_sha256
from signing.cms import verify_detached
from signing.errors import SigningError
from tender.errors import LotNotFound
from tender.lifecycle import PLATFORM, change_status, load
from tender.model import TenderStatus
from tender.opening import queries as opening_queries
from tender.submission import queries as bid_queries

PARTS = ("main", "technical", "commercial")  # the opening's record parts (record.py)


async def announce_ranking(ctx: Ctx) -> Outcome:
    """Compute the outcome from the announced qualification and the revealed value sheets,
    and store it (once)."""
    if await queries.ranking(ctx.conn, ctx.state.id) is not None:
        raise RankingDone("the ranking is already announced")
    sheets = await sources.revealed_sheets(ctx.conn, ctx.state)
    announced = await sheets_service.announced_verdicts(ctx.conn, ctx.state)
    facts = await lot_facts(ctx.conn, ctx.state)
    outcome = outcome_of(ctx.state, sheets, announced, ctx.policy, facts)
    body = canonical_json(outcome_json(ctx.state, outcome))
    await queries.insert_ranking(ctx.conn, ctx.state.id, body, sha256_hex(body), ctx.now)
    return outcome


async def lot_facts(conn: asyncpg.Connection, state: SessionState) -> LotFacts:
    """The lot's price ceiling and each frozen bid's receipt time (the tie rule's)."""
    tender = await load(conn, state.tender_id)
    lot, lot_id = tender.content.lot(state.lot), tender.lot_id(state.lot)
    if lot is None or lot_id is None:
        raise LotNotFound(f"the tender has no lot {state.lot!r}")
    _, frozen = await bid_queries.freeze_list(conn, lot_id)
    submitted_at = {}
    for entry in frozen:
        versions = await bid_queries.versions(conn, entry.bid_id)
        submitted_at[entry.bid_id] = next(
            v.received_at for v in versions if v.version == entry.version
        )
    return LotFacts(ceiling_fen=lot.price_ceiling_fen, submitted_at=submitted_at)


async def draft(ctx: Ctx) -> StoredReport:
    """Build the next version of the report from the announced ranking and store it."""
    conn, state = ctx.conn, ctx.state
    announced = await queries.ranking(conn, state.id)
    if announced is None:
        raise RankingNotDone("announce the ranking before drafting the report")
    sheets = await sources.revealed_sheets(conn, state)
    verdicts = await sheets_service.announced_verdicts(conn, state)
    outcome = outcome_of(state, sheets, verdicts, ctx.policy, await lot_facts(conn, state))
    if canonical_json(outcome_json(state, outcome)) != announced:
        raise RankingChanged("the sheets no longer give the announced ranking")
    current = await queries.current_report(conn, state.id)
    members = {m.seat: await _sealed(conn, m) for m in state.seated}
    tender = await load(conn, state.tender_id)
    flags, explanations = await sources.review(conn, state)
    inputs = ReportInputs(
        state=state,
        outcome=outcome,
        version=1 if current is None else current.version + 1,
        drafted_at=ctx.now,
        tender_code=tender.code or "",
        tender_title=tender.content.title,
        opening_records=await _opening_records(conn, state.tender_id, tender.lot_id(state.lot)),
        members=members,
        sheets=tuple(sheets),
        void_sheets=await sources.void_sheets(conn, state),
        flags=flags,
        explanations=explanations,
        clarifications=await sources.clarification_minutes(conn, state.id),
        dissents=tuple(await queries.dissents(conn, state.id)),
        policy=ctx.policy,
    )
    body = report_bytes(inputs)
    stored = StoredReport(
        session_id=state.id,
        version=inputs.version,
        body=body,
        sha256=sha256_hex(body),
        drafted_at=ctx.now,
        current=True,
    )
    await queries.insert_report(conn, stored, list(members.values()))
    return stored


async def _current_certificate(conn: asyncpg.Connection, user_id: UUID) -> str | None:
    """The SHA-256 of the user's current registered signing certificate, if any."""
    found = [c for c in await key_queries.certificates(conn, user_id) if c.retired_at is None]
    return found[-1].cert_sha256 if found else None


async def _sealed(conn: asyncpg.Connection, member: Member) -> SealedMember:
    digest = await _current_certificate(conn, member.user_id)
    if digest is None:
        raise MemberCertificateMissing(
            f"{member.label} has no registered signing certificate: the report names each "
            "member's, so it cannot be drafted until one is registered",
            details={"seat": member.seat},
        )
    return SealedMember(
        seat=member.seat,
        generation=member.generation,
        user_id=member.user_id,
        cert_sha256=digest,
        salt=secrets.token_bytes(32),
    )


async def _opening_records(
    conn: asyncpg.Connection, tender_id: UUID, lot_id: UUID | None
) -> dict[str, str]:
    """part → SHA-256 of each published opening record of the lot."""
    found = {}
    for part in PARTS if lot_id is not None else ():
        assert lot_id is not None
        record = await opening_queries.record(conn, tender_id, lot_id, part)
        if record is not None:
            found[part] = sha256_hex(bytes(record[0]))
    return found


async def current(ctx: Ctx) -> StoredReport:
    """The current version of the session's report (refused before the first draft)."""
    found = await queries.current_report(ctx.conn, ctx.state.id)
    if found is None:
        raise ReportNotFound("the chair has not drafted the report yet")
    return found


async def record_dissent(ctx: Ctx, member: Member, text: str) -> StoredReport:
    """Store a member's dissent and redraft the report with it."""
    dissent = Dissent(seat=member.seat, generation=member.generation, text=text, at=ctx.now)
    await current(ctx)  # a dissent is written into a report: there must be one
    await queries.insert_dissent(ctx.conn, ctx.state.id, dissent)
    return await draft(ctx)


async def _unanswered(ctx: Ctx, member: Member, sha256: str | None) -> StoredReport:
    report = await current(ctx)
    if sha256 is not None and sha256 != report.sha256:
        raise ReportStale(
            "this is not the current version of the report: read it again and sign that",
            details={"current": report.sha256, "version": report.version},
        )
    answered = await queries.answers(ctx.conn, ctx.state.id, report.version)
    if any(a.seat == member.seat for a in answered):
        raise ReportAnswered(f"{member.label} already answered version {report.version}")
    return report


async def sign(ctx: Ctx, member: Member, sha256: str, signature: bytes) -> StoredReport:
    """Verify the member's CMS signature over the current bytes and store it."""
    report = await _unanswered(ctx, member, sha256)
    try:
        info = verify_detached(report.body, signature, ctx.trust, ctx.now)
    except SigningError as exc:
        raise ReportSignatureInvalid(
            f"the signature does not verify over the report ({exc.code}): {exc.message}",
            details={"cause": exc.code},
        ) from None
    registered = await _current_certificate(ctx.conn, member.user_id)
    if cert_sha256(info.certificate) != registered:
        raise ReportSignerMismatch(
            f"the report must be signed with {member.label}'s own current registered certificate"
        )
    await require_allowed_key(ctx, registered)  # the tender's signing_keys (issue 12)
    sealed = {
        m.seat: m for m in await queries.sealed_members(ctx.conn, ctx.state.id, report.version)
    }
    if sealed[member.seat].cert_sha256 != registered:
        raise ReportCertificateChanged(
            "your certificate changed after the report was drafted: the chair redrafts it"
        )
    answer = Answer(
        seat=member.seat,
        generation=member.generation,
        signature=signature,
        reason=None,
        counted_as_agreement=True,
        at=ctx.now,
    )
    await queries.insert_answer(ctx.conn, ctx.state.id, report.version, answer)
    return report


async def refuse(ctx: Ctx, member: Member, reason: str | None) -> tuple[StoredReport, Answer]:
    """Record a refusal; Reg. 53: without a written reason it counts as agreement."""
    report = await _unanswered(ctx, member, None)
    answer = Answer(
        seat=member.seat,
        generation=member.generation,
        signature=None,
        reason=reason,
        counted_as_agreement=reason is None,
        at=ctx.now,
    )
    await queries.insert_answer(ctx.conn, ctx.state.id, report.version, answer)
    return report, answer


async def everyone_answered(ctx: Ctx, report: StoredReport) -> bool:
    """Every seated member has signed or refused this version."""
    answered = {a.seat for a in await queries.answers(ctx.conn, ctx.state.id, report.version)}
    return {m.seat for m in ctx.state.seated} <= answered


async def close(ctx: Ctx, report: StoredReport) -> Result:
    """Hand the session's result to the tender; the tender moves on once every lot has one."""
    announced = await queries.ranking(ctx.conn, ctx.state.id)
    assert announced is not None  # a report is drafted only after the ranking
    candidates = tuple(UUID(c["bid"]) for c in json.loads(announced)["candidates"])
    result = Result(
        session_id=ctx.state.id,
        tender_id=ctx.state.tender_id,
        lot=ctx.state.lot,
        version=report.version,
        report_sha256=report.sha256,
        candidates=candidates,
        closed_at=ctx.now,
    )
    await queries.insert_result(ctx.conn, result)
    await hand_over(ctx.conn, ctx.state.tender_id)
    return result


async def hand_over(conn: asyncpg.Connection, tender_id: UUID) -> bool:
    """Move the tender to "candidates" once every lot has a closed session's result."""
    tender = await load(conn, tender_id)
    done = {r.lot for r in await queries.tender_results(conn, tender_id)}
    if not {lot.number for lot in tender.content.lots} <= done:
        return False
    reason = "every lot's evaluation closed: the candidates are handed over"
    await change_status(conn, tender_id, TenderStatus.CANDIDATES, actor=PLATFORM, reason=reason)
    return True


async def passed_bids(
    conn: asyncpg.Connection, tender_id: UUID, lot: str
) -> frozenset[UUID] | None:
    """The bids of the lot that passed qualification; None while there is no result yet.

    Issue 11, item 6: a two-envelope lot's opening opens only these bids' commercial parts
    (the failed ones stay sealed). The result is the committee's as announced (stored).
    The opening must not import evaluation (layers), so the caller that composes both —
    the commercial_opening phase's command — passes it on
    (docs/formats/evaluation-report.md §9).
    """
    state = await sources.latest_session(conn, tender_id, lot)
    if state is None:
        return None
    return passed_of(state, await _announced(conn, state.id))


async def _announced(
    conn: asyncpg.Connection, session_id: UUID
) -> tuple[BidQualification, ...] | None:
    found = await sheets_service.qualification_result(conn, session_id)
    return None if found is None else findings.parse_result(found.bids)


async def commercial_bids(conn: asyncpg.Connection, tender_id: UUID, lot: str) -> frozenset[UUID]:
    """The bids whose commercial parts the opening may open now (issue 11, item 6).

    Only in the session's commercial_opening phase, and only those the committee's
    announced qualification result passed: what the opening's commercial stage receives
    (§9 of the format).
    """
    state = await sources.latest_session(conn, tender_id, lot)
    passed = None if state is None else passed_of(state, await _announced(conn, state.id))
    if state is None or state.phase is not Phase.COMMERCIAL_OPENING or passed is None:
        raise QualificationPending(
            "the commercial parts open in the evaluation's commercial_opening phase, once the "
            "committee's qualification result is announced",
            details={"phase": None if state is None else str(state.phase)},
        )
    return passed


__all__ = [
    "announce_ranking",
    "close",
    "commercial_bids",
    "current",
    "draft",
    "everyone_answered",
    "hand_over",
    "passed_bids",
    "record_dissent",
    "refuse",
    "report_body",
    "report_json",
    "report_pdf",
    "sign",
    "verify_report",
]
