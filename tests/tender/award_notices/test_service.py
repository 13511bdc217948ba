"""Issuing the award and result notices (Law 45; Reg. 55) on a tender whose evaluation
closed for real: who gets which notice, the platform's signature checked by openssl,
the SHA-256s logged, a later award superseding the first set."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import subprocess
from pathlib import Path

import asyncpg
import pytest

from signing.certs import dump_pem_certificate
from tender.award_notices import service
from tender.award_notices.errors import AwardNoticeNoCurrentAward
from tender.award_notices.model import NoticeKind
from tender.award_notices.service import NoticeSigner
from tender.submission.receipts import load_or_create
from tests.tender.award_notices.factory import award, drop_out
from tests.tender.results.kit import Closed
from tests.tender.world import entries
from web.pdf.award_notice import render_award_notice

DECIDED = dt.datetime(2026, 12, 7, 1, 30, tzinfo=dt.UTC)
CENTRE = "宣城市公共资源交易中心"


def _signer(closed: Closed) -> NoticeSigner:
    return NoticeSigner(identity=closed.signer, render=render_award_notice, issuer=CENTRE)


async def _opened_orgs(conn: asyncpg.Connection, closed: Closed) -> set[object]:
    rows = await conn.fetch(
        """SELECT DISTINCT b.bidder_id FROM bids b
           JOIN tender_lots l ON l.id = b.lot_id AND l.number = $2
           JOIN opening_results r ON r.bid_id = b.id AND r.outcome = 'opened'
           WHERE b.tender_id = $1""",
        closed.tender_id, closed.lot,
    )  # fmt: skip
    return {r["bidder_id"] for r in rows}


def _openssl_verifies(pdf: bytes, signature: bytes, root: bytes, where: Path) -> bool:
    (where / "n.pdf").write_bytes(pdf)
    (where / "n.p7s").write_bytes(signature)
    (where / "root.pem").write_bytes(root)
    run = subprocess.run(
        ["/usr/bin/openssl", "cms", "-verify", "-binary", "-inform", "DER",
         "-in", str(where / "n.p7s"), "-content", str(where / "n.pdf"),
         "-CAfile", str(where / "root.pem"), "-purpose", "any", "-out", "/dev/null"],
        capture_output=True, check=False,
    )  # fmt: skip
    return run.returncode == 0


async def test_the_winner_gets_the_award_notice_every_other_opened_bidder_the_result(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """One award notice to the current award's bidder, a result notice to each other
    bidder whose bid was opened (Law 45), all logged in one entry by SHA-256."""
    async with conn.transaction():  # the award's transaction
        await award(conn, closed, 1, 1, DECIDED)
        notices = await service.issue(
            conn, tender_id=closed.tender_id, lot=closed.lot, decided_at=DECIDED,
            signer=_signer(closed),
        )  # fmt: skip
    winner = closed.candidates[0].bidder_id
    assert [n.organisation_id for n in notices if n.kind is NoticeKind.AWARD] == [winner]
    assert {n.organisation_id for n in notices} == await _opened_orgs(conn, closed)
    assert len(notices) >= 3
    [logged] = await entries(conn, "tender.award_notices_issued")
    rows = await conn.fetch(
        "SELECT id, pdf FROM award_notices WHERE tender_id = $1", closed.tender_id
    )
    stored = {str(r["id"]): hashlib.sha256(r["pdf"]).hexdigest() for r in rows}
    assert {i["id"]: i["pdf_sha256"] for i in logged.data["notices"]} == stored
    assert {n.log_index for n in notices} == {notices[0].log_index}


async def test_each_notice_verifies_with_openssl_under_the_platform_root(
    conn: asyncpg.Connection, closed: Closed, tmp_path: Path
) -> None:
    """The stored PDF and its .p7s pass ``openssl cms -verify``; a changed byte fails."""
    await award(conn, closed, 1, 1, DECIDED)
    notices = await service.issue(
        conn, tender_id=closed.tender_id, lot=closed.lot, decided_at=DECIDED,
        signer=_signer(closed),
    )  # fmt: skip
    root = load_or_create(closed.template.data_dir / "platform").root
    pem = dump_pem_certificate(root)
    for notice in notices:
        pdf, signature = await conn.fetchrow(
            "SELECT pdf, signature FROM award_notices WHERE id = $1", notice.id
        )
        assert _openssl_verifies(pdf, signature, pem, tmp_path)
        assert not _openssl_verifies(pdf + b"\n", signature, pem, tmp_path)


async def test_issuing_again_for_the_same_award_changes_nothing(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Issuing twice for the same award returns the notices already issued, unchanged."""
    await award(conn, closed, 1, 1, DECIDED)
    first, again = [
        await service.issue(
            conn,
            tender_id=closed.tender_id,
            lot=closed.lot,
            decided_at=DECIDED,
            signer=_signer(closed),
        )
        for _ in range(2)
    ]
    assert sorted(n.id for n in first) == sorted(n.id for n in again)
    assert len(await entries(conn, "tender.award_notices_issued")) == 1


async def test_a_drop_out_and_the_next_award_supersede_the_first_set(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Reg. 55: the second candidate's award issues a new set; the old is superseded."""
    first_award = await award(conn, closed, 1, 1, DECIDED)
    first = await service.issue(
        conn, tender_id=closed.tender_id, lot=closed.lot, decided_at=DECIDED,
        signer=_signer(closed),
    )  # fmt: skip
    later = DECIDED + dt.timedelta(days=2)
    await drop_out(conn, closed, first_award, 1, 2, later)
    await award(conn, closed, 2, 3, later)
    second = await service.issue(
        conn, tender_id=closed.tender_id, lot=closed.lot, decided_at=later,
        signer=_signer(closed),
    )  # fmt: skip
    winner = closed.candidates[1].bidder_id
    assert [n.organisation_id for n in second if n.kind is NoticeKind.AWARD] == [winner]
    rows = await conn.fetch(
        "SELECT id, superseded_at FROM award_notices WHERE tender_id = $1", closed.tender_id
    )
    superseded = {r["id"] for r in rows if r["superseded_at"] is not None}
    assert superseded == {n.id for n in first}
    [_, logged] = await entries(conn, "tender.award_notices_issued")
    assert sorted(logged.data["superseded"]) == sorted(str(n.id) for n in first)


async def test_no_notice_without_a_current_award(conn: asyncpg.Connection, closed: Closed) -> None:
    """Before the award (or after a drop-out with no new award) nothing is issued."""
    with pytest.raises(AwardNoticeNoCurrentAward) as caught:
        await service.issue(
            conn, tender_id=closed.tender_id, lot=closed.lot, decided_at=DECIDED,
            signer=_signer(closed),
        )  # fmt: skip
    assert caught.value.code == "award_notice_no_current_award"
    assert await conn.fetchval("SELECT count(*) FROM award_notices") == 0


async def test_a_stored_notice_is_never_changed_or_deleted(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """EBM 49: the database refuses to rewrite or delete a notice (the app role too)."""
    await award(conn, closed, 1, 1, DECIDED)
    [notice, *_] = await service.issue(
        conn, tender_id=closed.tender_id, lot=closed.lot, decided_at=DECIDED,
        signer=_signer(closed),
    )  # fmt: skip
    for sql in ("UPDATE award_notices SET pdf = '\\x00' WHERE id = $1",
                "DELETE FROM award_notices WHERE id = $1"):  # fmt: skip
        with pytest.raises(asyncpg.PostgresError):
            async with conn.transaction():
                await conn.execute(sql, notice.id)


async def test_two_issues_of_one_award_at_once_give_one_set(
    pool: asyncpg.Pool, conn: asyncpg.Connection, closed: Closed
) -> None:
    """Two connections racing to issue the same award's notices: one set, one log entry."""
    await award(conn, closed, 1, 1, DECIDED)

    async def issue_once() -> list[object]:
        async with pool.acquire() as mine, mine.transaction():
            found = await service.issue(
                mine, tender_id=closed.tender_id, lot=closed.lot, decided_at=DECIDED,
                signer=_signer(closed),
            )  # fmt: skip
            return sorted(n.id for n in found)

    first, second = await asyncio.gather(issue_once(), issue_once())
    assert first == second
    assert await conn.fetchval("SELECT count(*) FROM award_notices") == len(first)
    assert len(await entries(conn, "tender.award_notices_issued")) == 1
