"""What the committee found, as the report and the review read it.

Only the current holder of each seat counts: rows of another generation (a replaced or
absent member) and void rows are left out everywhere (DOMAIN.md, "Evaluation": a
replaced member's findings are void). The one exception is a finding of the committee
already announced: its qualification result is stored when the qualification reveal
completes (migration 0063) and read as stored — a member voided afterwards has its own
sheets void, not the committee's announced result (docs/formats/evaluation-sheet.md §5).
The commands (evaluation/sheets/commands.py) run in the session's transaction; these
reads take the same connection.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from evaluation.method.committee import BidQualification
from evaluation.model import SessionState, SheetPhase
from evaluation.sheets import findings, queries
from evaluation.sheets.errors import QualificationNotAnnounced
from evaluation.sheets.queries import ItemNote, QualificationResult, SheetRow
from signing.canonical import canonical_json, sha256_hex
from signing.sheets import Sheet, parse_sheet


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class MemberSheets:
    """One seat's current holder's sheet of a phase: every version, and the one that counts."""

    seat: int
    generation: int
    versions: tuple[SheetRow, ...]  # every version, sealed and revisions, oldest first
    current: SheetRow | None  # the latest revealed version (None: not revealed)

    @property
    def sheet(self) -> Sheet | None:
        """The current version's findings."""
        if self.current is None or self.current.plaintext is None:
            return None
        return parse_sheet(self.current.plaintext)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Review:
    """A phase's review: flagged items, explanations, factual errors (current holders)."""

    deviations: tuple[ItemNote, ...]
    explanations: tuple[ItemNote, ...]
    factual_errors: tuple[ItemNote, ...]


async def member_sheets(
    conn: asyncpg.Connection, state: SessionState, phase: str
) -> dict[int, MemberSheets]:
    """Each seated member's versions of the phase (seat → sheets); members without any
    version are absent from the mapping."""
    generation = {m.seat: m.generation for m in state.seated}
    found: dict[int, list[SheetRow]] = {}
    for row in await queries.sheets(conn, state.id, phase):
        if generation.get(row.seat) == row.generation:
            found.setdefault(row.seat, []).append(row)
    return {
        seat: MemberSheets(
            seat=seat,
            generation=generation[seat],
            versions=tuple(rows),
            current=_current(rows),
        )
        for seat, rows in sorted(found.items())
    }


def _current(rows: list[SheetRow]) -> SheetRow | None:
    # A sealed version submitted after the revealed one was never revealed; the current
    # one is the latest with known bytes (revealed sealed or a later revision).
    revealed = [r for r in rows if r.revealed]
    return revealed[-1] if revealed else None


async def current_sheets(
    conn: asyncpg.Connection, state: SessionState, phase: str
) -> dict[int, Sheet]:
    """The findings that count: each seated member's latest revealed version (seat → sheet)."""
    result: dict[int, Sheet] = {}
    for seat, sheets in (await member_sheets(conn, state, phase)).items():
        sheet = sheets.sheet
        if sheet is not None:
            result[seat] = sheet
    return result


async def void_sheets(conn: asyncpg.Connection, state: SessionState) -> tuple[SheetRow, ...]:
    """Every version of the sheets of each holder no longer seated (recused, absent,
    replaced): its findings are void and count nowhere; the report lists them as void."""
    gone = {(m.seat, m.generation) for m in state.members} - {
        (m.seat, m.generation) for m in state.seated
    }
    rows = await queries.session_sheets(conn, state.id)
    return tuple(r for r in rows if (r.seat, r.generation) in gone)


async def store_qualification_result(
    conn: asyncpg.Connection,
    session_id: UUID,
    data: Mapping[str, Any],
    *,
    at: datetime,
    log_index: int,
) -> QualificationResult:
    """Fix the announced result (``data``: the qualification.result event's) with the
    index of its log entry, in the announcing command's transaction."""
    found = QualificationResult(
        session_id=session_id,
        result=dict(data),
        sha256=sha256_hex(canonical_json(dict(data))),
        announced_at=at,
        log_index=log_index,
    )
    await queries.insert_qualification_result(conn, found)
    return found


async def qualification_result(
    conn: asyncpg.Connection, session_id: UUID
) -> QualificationResult | None:
    """The committee's qualification result as announced, or None before the announcement."""
    return await queries.qualification_result(conn, session_id)


async def announced_verdicts(
    conn: asyncpg.Connection, state: SessionState
) -> tuple[BidQualification, ...]:
    """The announced result's verdicts, one per bid (refused before the announcement)."""
    found = await queries.qualification_result(conn, state.id)
    if found is None:
        raise QualificationNotAnnounced(
            "the committee's qualification result is not announced yet",
            details={"phase": str(state.phase)},
        )
    return findings.parse_result(found.bids)


async def bids_evaluated(
    conn: asyncpg.Connection, state: SessionState, phase: SheetPhase
) -> frozenset[UUID]:
    """The bids a sheet of ``phase`` covers: every bid, or (scoring, adjustment) the bids
    the committee's announced qualification result passed."""
    bids = [b.bid_id for b in state.bids]
    if phase is SheetPhase.QUALIFICATION:
        return frozenset(bids)
    return findings.bids_evaluated(phase, bids, await announced_verdicts(conn, state))


async def review(conn: asyncpg.Connection, state: SessionState, phase: str) -> Review:
    """The phase's flagged items, explanations and factual errors of the current holders."""
    current = {(m.seat, m.generation) for m in state.seated}

    def mine(notes: list[ItemNote]) -> tuple[ItemNote, ...]:
        return tuple(n for n in notes if (n.seat, n.generation) in current)

    return Review(
        deviations=mine(await queries.deviations(conn, state.id, phase)),
        explanations=mine(await queries.explanations(conn, state.id, phase)),
        factual_errors=mine(await queries.factual_errors(conn, state.id, phase)),
    )


def open_items(review: Review, revised: set[tuple[int, UUID, str]]) -> list[ItemNote]:
    """Flagged items neither explained nor revised, and unresolved factual errors."""
    explained = {(n.seat, n.bid, n.item) for n in review.explanations}
    flagged = [n for n in review.deviations if (n.seat, n.bid, n.item) not in explained | revised]
    errors = [n for n in review.factual_errors if n.resolved_version is None]
    return flagged + errors


def revised_items(sheets: dict[int, MemberSheets]) -> set[tuple[int, UUID, str]]:
    """(seat, bid, item) of every entry a revision changed with a reason."""
    return {
        (seat, UUID(reason["bid"]), reason["item"])
        for seat, member in sheets.items()
        for row in member.versions
        for reason in row.reasons or ()
    }
