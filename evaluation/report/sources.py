"""What the report reads of the other features: revealed sheets and the deviation review,
the lot's latest session, the clarification minutes.

evaluation/sheets owns the members' sheets (migration 0058); its service gives the
current holders' versions and review notes, void findings left out (DOMAIN.md,
"Evaluation": a replaced or absent member's findings are void). This module turns them
into the report's plain inputs (evaluation/report/inputs.py), in the command's
transaction.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from evaluation.clarifications import queries as clarifications
from evaluation.model import SessionState, SheetPhase, sheet_phases
from evaluation.report.inputs import Clarification, Explanation, Flag, RevealedSheet
from evaluation.sessions import service as sessions
from evaluation.sheets import service as sheets


async def revealed_sheets(
    conn: asyncpg.Connection, state: SessionState
) -> tuple[RevealedSheet, ...]:
    """Every revealed version (the revealed sealed one and each revision) of every
    current holder's sheet, phase by phase."""
    found = []
    for phase in sheet_phases(state.method.method):
        for member in (await sheets.member_sheets(conn, state, str(phase))).values():
            for row in member.versions:
                if row.plaintext is None:  # sealed, never revealed (a resubmitted one)
                    continue
                found.append(
                    RevealedSheet(
                        phase=phase,
                        seat=row.seat,
                        generation=row.generation,
                        version=row.version,
                        sha256=row.commitment.hex(),
                        body=row.plaintext,
                        signature=row.signature,
                        revealed_at=row.revealed_at or row.submitted_at,
                        reasons=None if row.reasons is None else tuple(row.reasons),
                    )
                )
    return tuple(found)


async def review(
    conn: asyncpg.Connection, state: SessionState
) -> tuple[tuple[Flag, ...], tuple[Explanation, ...]]:
    """The flags the deviation review set on the value sheets and their explanations."""
    phase = sheet_phases(state.method.method)[1]
    if phase is not SheetPhase.SCORING:  # lowest evaluated price: no scores to review
        return (), ()
    notes = await sheets.review(conn, state, str(phase))
    flags = tuple(
        Flag(phase=phase, seat=n.seat, generation=n.generation, bid=n.bid, item=n.item)
        for n in notes.deviations
    )
    explanations = []
    for n in notes.explanations:
        assert n.text is not None  # evaluation_explanations.text is NOT NULL (0058)
        explanations.append(
            Explanation(
                phase=phase,
                seat=n.seat,
                generation=n.generation,
                bid=n.bid,
                item=n.item,
                text=n.text,
                at=n.at,
            )
        )
    return flags, tuple(explanations)


async def latest_session(
    conn: asyncpg.Connection, tender_id: UUID, lot: str
) -> SessionState | None:
    """The lot's session of the highest attempt (a sealed attempt is followed by a new
    committee's), if it has one."""
    found = [s for s in await sessions.sessions_of_tender(conn, tender_id) if s.lot == lot]
    if not found:
        return None
    latest = max(found, key=lambda s: s.attempt)
    return await sessions.load(conn, latest.id, lock=False)


async def clarification_minutes(
    conn: asyncpg.Connection, session_id: UUID
) -> tuple[Clarification, ...]:
    """Every clarification of the session, oldest first (the report lists them as
    docs/formats/evaluation-report.md §3 says; never the bidder's signature)."""
    return tuple(
        Clarification(
            bid=c.bid_id,
            question=c.question,
            answer=c.answer,
            asked_at=c.asked_at,
            answered_at=c.answered_at,
            refusal=c.refusal,
            refused_at=c.refused_at,
        )
        for c in sorted(await clarifications.of_session(conn, session_id), key=lambda c: c.asked_at)
    )
