"""What the committee found, as the report and the review read it.

Only the current holder of each seat counts: rows of another generation (a replaced or
absent member) and void rows are left out everywhere (DOMAIN.md, "Evaluation": a
replaced member's findings are void). The commands (evaluation/sheets/commands.py) run
in the session's transaction; these reads take the same connection.
"""

from __future__ import annotations

import dataclasses
from uuid import UUID

import asyncpg

from evaluation.model import SessionState, SheetPhase
from evaluation.sheets import findings, queries
from evaluation.sheets.queries import ItemNote, SheetRow
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


async def current_entries(
    conn: asyncpg.Connection, state: SessionState, phase: str
) -> dict[int, object]:
    """The ``entries`` of each current sheet (seat → the sheet's JSON entries, unchecked):
    what evaluation/sheets/findings.py hands the method."""
    return {
        seat: findings.entries_of(member.current.plaintext)
        for seat, member in (await member_sheets(conn, state, phase)).items()
        if member.current is not None and member.current.plaintext is not None
    }


async def bids_evaluated(
    conn: asyncpg.Connection, state: SessionState, phase: SheetPhase
) -> frozenset[UUID]:
    """The bids a sheet of ``phase`` covers: every bid, or (scoring, adjustment) the bids
    the committee's majority passed on the current qualification sheets."""
    bids = [b.bid_id for b in state.bids]
    qualified: dict[int, object] = {}
    if phase is not SheetPhase.QUALIFICATION:
        qualified = await current_entries(conn, state, SheetPhase.QUALIFICATION)
    return findings.bids_evaluated(state.method, phase, bids, qualified)


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
