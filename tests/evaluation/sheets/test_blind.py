"""Blind, even to the operator (issue 11 item 4, Must show "Blind"; DESIGN.md, trust
model 6): until the reveal no row, event or log entry holds a score; the database
keeps what it holds as it was submitted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest

from evaluation.model import Phase
from signing import sheets
from tests.evaluation.sheets.kit import TABLES, Session

# Every score distinct, and none a number any event carries for another reason.
BLIND_SCORES = {
    seat: {
        (0, "1.1"): 1000 + 111 * seat,
        (0, "2.1"): 1500 + 113 * seat,
        (1, "1.1"): 2000 + 127 * seat,
        (1, "2.1"): 2500 + 131 * seat,
    }
    for seat in (1, 2, 3)
}
SCORE_VALUES = {v for scores in BLIND_SCORES.values() for v in scores.values()}


def _walk(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _walk(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _walk(v)
    else:
        yield value


def _fragments(data: bytes) -> list[bytes]:
    """What a sheet's score looks like inside any stored byte string."""
    return [b'"points"', *(b":%d" % v for v in SCORE_VALUES)]


async def test_after_every_member_submitted_no_row_event_or_log_holds_a_score(
    ev: Session,
) -> None:
    """Every column of every sheets row, every event to every audience, every log entry:
    no score value, no plaintext, no key — only commitments and ciphertext."""
    submitted = {seat: ev.sheet(seat, BLIND_SCORES[seat]) for seat in (1, 2, 3)}
    for seat, data in submitted.items():
        await ev.submit(seat, data)
    assert ev.state.phase is Phase.SCORING_REVEAL
    for table in TABLES:
        for row in await ev.conn.fetch(f"SELECT * FROM {table}"):
            for column, value in row.items():
                if isinstance(value, bytes | str):
                    raw = value if isinstance(value, bytes) else value.encode()
                    for fragment in _fragments(raw):
                        assert fragment not in raw, (table, column)
                    assert not any(data in raw for data in submitted.values()), (table, column)
                else:
                    assert value not in SCORE_VALUES, (table, column)
    stored = await ev.conn.fetch(
        "SELECT plaintext, revealed_key FROM evaluation_sheets WHERE phase = 'scoring'"
    )
    assert len(stored) == 3
    assert all(r["plaintext"] is None and r["revealed_key"] is None for r in stored)
    seen = [*(e.data for e in ev.emitted), *(data for _, data in ev.ops.logs)]
    assert {e.audience for e in ev.emitted} == {"all"}
    for value in _walk(seen):
        assert value not in SCORE_VALUES
        assert value != "points"
        if isinstance(value, str):
            assert value not in {sheets.b64url_encode(bytes([s]) * 32) for s in (1, 2, 3)}


# --- what the database itself refuses (0058) ---


async def _one_sealed(ev: Session) -> bytes:
    data = ev.sheet(1, BLIND_SCORES[1])
    await ev.submit(1, data)
    return data


async def test_the_database_refuses_a_plaintext_that_is_not_the_committed_sheet(
    ev: Session,
) -> None:
    """CHECK sha256(plaintext) = commitment: a bug cannot store another sheet."""
    await _one_sealed(ev)
    other = ev.sheet(1, BLIND_SCORES[2])
    with pytest.raises(asyncpg.CheckViolationError):
        await ev.conn.execute(
            "UPDATE evaluation_sheets SET plaintext = $1, revealed_key = $2, revealed_at = now()"
            " WHERE phase = 'scoring'",
            other, bytes(32),
        )  # fmt: skip


async def test_a_revealed_sheet_is_never_revealed_again_nor_un_voided(ev: Session) -> None:
    """The trigger: revealed once, void stays void, the sealed columns never change."""
    data = await _one_sealed(ev)
    reveal = (
        "UPDATE evaluation_sheets SET plaintext = $1, revealed_key = $2, revealed_at = now()"
        " WHERE phase = 'scoring'"
    )
    await ev.conn.execute(reveal, data, bytes(32))
    with pytest.raises(asyncpg.CheckViolationError, match="revealed once"):
        await ev.conn.execute(reveal, data, bytes([1]) * 32)
    await ev.conn.execute("UPDATE evaluation_sheets SET void = true WHERE phase = 'scoring'")
    with pytest.raises(asyncpg.CheckViolationError, match="stay void"):
        await ev.conn.execute("UPDATE evaluation_sheets SET void = false WHERE phase = 'scoring'")


async def test_the_application_role_can_neither_delete_nor_rewrite_a_sheet(ev: Session) -> None:
    """Every version is kept: no DELETE, no UPDATE of what was submitted."""
    await _one_sealed(ev)
    assert await ev.conn.fetchval("SELECT current_user") == "etender_app"
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await ev.conn.execute("DELETE FROM evaluation_sheets")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await ev.conn.execute("UPDATE evaluation_sheets SET ciphertext = '\\x00'")
