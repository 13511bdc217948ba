"""The opening record PDF: what the signed JSON says, in Chinese with English."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from tender.model import DEFAULT_OPENING_FIELDS, FieldKind, OpeningField
from tender.opening.model import Cause, Outcome
from tender.opening.record import OpeningRecord, RecordEntry, parse_record
from web.pdf.base import yuan
from web.pdf.opening_record import render_record

FORM = DEFAULT_OPENING_FIELDS

AT = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _flat(pdf: bytes, tmp_path: Path) -> str:
    """The text without the line breaks a narrow table column puts inside a word."""
    return "".join(_text(pdf, tmp_path).split())


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
    text = _text(render_record(body, FORM), tmp_path)
    assert "开标记录" in text
    assert "甲建设有限公司" in text
    assert yuan(1_234_567_89) == "¥1,234,567.89"
    assert "¥1,234,567.89" in text
    assert "合成密钥无法打开文件" in text  # the cause in words, not its key
    assert "key_fails_mac" not in text
    assert "撤销" in text
    assert "9144030071526726XG" in text
    assert render_record(body, FORM) == render_record(body, FORM)


def test_a_lot_that_does_not_open_says_why(tmp_path: Path) -> None:
    """Reg. 44: the reason is printed and no bid table appears."""
    body = parse_record(_record((), reason="opening_too_few_bids").to_bytes())
    text = _text(render_record(body, FORM), tmp_path)
    assert "投标人少于3个" in text
    assert "opening_too_few_bids" not in text
    assert "唱标" not in text


def test_the_bid_table_is_headed_by_the_forms_labels_not_the_records_keys(
    tmp_path: Path,
) -> None:
    """Issue 15 item 4: a reader sees 投标报价 and 工期（日历天）, never price or duration;
    a tender's own field keeps its own label and kind."""
    form = (*FORM, OpeningField(name="warranty_years", label="质保期（年）", kind=FieldKind.TEXT))
    fields = {"price": 1_234_567_89, "duration": 180, "warranty_years": "5"}
    body = parse_record(
        _record((_entry("91350100M000100Y43", "甲公司", fields=fields),)).to_bytes()
    )
    text = _flat(render_record(body, form), tmp_path)
    for label in ("投标报价", "工期（日历天）", "质量标准", "项目经理", "质保期（年）"):
        assert label in text
    for key in ("price", "duration", "warranty_years", "project_manager"):
        assert key not in text
    assert "180日历天" in text
    assert "严格：须由开标官员份额解密" in text  # the policy in words


def test_every_time_is_beijing_time_with_its_label_never_utc(tmp_path: Path) -> None:
    """The deadline 02:00Z is 10:00 in Beijing; settled 40 minutes later; received 08:00."""
    body = parse_record(_record((_entry("91350100M000100Y43", "甲公司"),)).to_bytes())
    text = _flat(render_record(body, FORM), tmp_path)
    assert "2026-03-0210:00:00（北京时间）" in text
    assert "2026-03-0210:40:00（北京时间）" in text
    assert "08:00:00（北京时间）" in text  # received, in the bidder cell
    assert "T02:00" not in text
    assert "00.000000Z" not in text


def test_a_bidi_control_in_a_sealed_value_is_shown_escaped_and_reorders_nothing(
    tmp_path: Path,
) -> None:
    """docs/formats/sealed-bid.md §7: a v1 part sealed with a bidirectional control still
    opens (no bid is revoked for it); the PDF shows the control as \\u202e, never acting."""
    fields = {"price": 1_00, "duration": 90, "project_manager": "王工\u202e321"}
    body = parse_record(
        _record((_entry("91350100M000100Y43", "甲公司", fields=fields),)).to_bytes()
    )
    text = _flat(render_record(body, FORM), tmp_path)
    assert "王工\\u202e321" in text
    assert "\u202e" not in _text(render_record(body, FORM), tmp_path)
