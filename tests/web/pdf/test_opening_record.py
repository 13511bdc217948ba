"""The opening record PDF: what the signed JSON says, in Chinese with English."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from tender.opening.model import Cause, Outcome
from tender.opening.record import OpeningRecord, RecordEntry, parse_record
from web.pdf.opening_record import render_record, yuan

AT = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _record(entries: tuple[RecordEntry, ...], reason: str | None = None) -> OpeningRecord:
    return OpeningRecord(
        tender_id="t-1",
        tender_code="GC-2026-0007",
        title="示例道路工程",
        lot="1",
        part="main",
        deadline=AT,
        settled_at=AT + dt.timedelta(minutes=40),
        policy="strict",
        committee_fingerprint="ab" * 32,
        freeze_list_sha256="cd" * 32,
        officials_released=(1, 3),
        entries=entries,
        not_opened_reason=reason,
    )


def _entry(bidder: str, name: str, **changes: object) -> RecordEntry:
    values: dict[str, object] = {
        "bidder": bidder,
        "bidder_name": name,
        "version": 1,
        "received_at": AT - dt.timedelta(hours=2),
        "parts": {"main": "ef" * 32},
        "outcome": Outcome.OPENED,
        "opened_by": "officials",
        "fields": {"price": 1_234_567_89, "duration": 180},
    }
    values.update(changes)
    return RecordEntry(**values)  # type: ignore[arg-type]


def test_prices_failures_and_parties_appear_in_the_pdf(tmp_path: Path) -> None:
    """Every bidder, its price in yuan, the revoked one with its cause and party."""
    record = _record(
        (
            _entry("91350100M000100Y43", "甲建设有限公司"),
            _entry("91110000802100433B", "乙工程有限公司", consortium=("9144030071526726XG",)),
            _entry(
                "91110108551385082Q",
                "丙公司",
                outcome=Outcome.REVOKED,
                cause=Cause.KEY_FAILS_MAC,
                fields={},
            ),
        )
    )
    body = parse_record(record.to_bytes())
    text = _text(render_record(body), tmp_path)
    assert "开标记录" in text
    assert "甲建设有限公司" in text
    assert yuan(1_234_567_89) == "¥1,234,567.89"
    assert "¥1,234,567.89" in text
    assert "key_fails_mac" in text
    assert "撤销" in text
    assert "9144030071526726XG" in text
    assert render_record(body) == render_record(body)


def test_a_lot_that_does_not_open_says_why(tmp_path: Path) -> None:
    """Reg. 44: the reason is printed and no bid table appears."""
    body = parse_record(_record((), reason="opening_too_few_bids").to_bytes())
    text = _text(render_record(body), tmp_path)
    assert "opening_too_few_bids" in text
    assert "唱标" not in text
