"""The award and result notices as PDFs: labelled fields, Beijing time, same bytes for
the same data, and a platform signature that openssl verifies (Law 45, 46)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
from pathlib import Path
from uuid import UUID

from signing.certs import dump_pem_certificate
from signing.cms import sign_detached
from signing.demo_ca import create_demo_ca, issue_identity
from tender.award_notices.model import (
    AwardNoticeData,
    FailureKind,
    FailureNoticeData,
    NoticeKind,
    Party,
)
from tender.model import DEFAULT_OPENING_FIELDS
from web.pdf.award_notice import render_award_notice, render_failure_notice

WINNER = Party(name="宣城市建工集团有限公司", credit_code="91341800MA2N0WIN01")
OTHER = Party(name="安徽路桥有限公司", credit_code="91341800MA2N0OTH02")
DATA = AwardNoticeData(
    notice_id=str(UUID(int=7)),
    kind=NoticeKind.AWARD,
    tender_code="XC-2026-0042",
    tender_title="宣城市道路改造工程",
    lot="1",
    lot_title="土建",
    tenderer="宣城市城建投资有限公司",
    agency="宣城招标代理有限公司",
    centre="宣城市公共资源交易中心",
    addressee=WINNER,
    winner=WINNER,
    award_step=1,
    winner_rank=1,
    opening_fields=DEFAULT_OPENING_FIELDS,
    winning_fields={
        "price": 123_456_700,
        "duration": 180,
        "quality": "合格",
        "project_manager": "张三",
    },
    # 01:30 UTC is 09:30 in Beijing.
    decided_at=dt.datetime(2026, 12, 7, 1, 30, tzinfo=dt.UTC),
    reason="第一中标候选人（国有资金占控股地位，条例第五十五条）",
)


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    run = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return run.stdout.replace("\n", "")  # a wrapped line reads as one


def test_the_award_notice_shows_its_facts_under_their_labels(tmp_path: Path) -> None:
    """The winner, the price in yuan, the tender's own field labels, never the keys."""
    text = _text(render_award_notice(DATA), tmp_path)
    for shown in ("中标通知书", "宣城市建工集团有限公司", "¥1,234,567.00", "投标报价",
                  "工期（日历天）", "180 日历天", "项目经理", "张三", "质量标准", "合格",
                  "XC-2026-0042", str(UUID(int=7)), "30日内"):  # fmt: skip
        assert shown in text, shown
    for key in ("project_manager", "price_fen", "duration:"):
        assert key not in text


def test_times_are_shown_in_beijing_time_with_the_label(tmp_path: Path) -> None:
    """2026-12-07 01:30 UTC reads 09:30:00 北京时间."""
    text = _text(render_award_notice(DATA), tmp_path)
    assert "2026-12-07 09:30:00（北京时间）" in text
    assert "01:30" not in text


def test_the_result_notice_names_the_winner_to_another_bidder(tmp_path: Path) -> None:
    """Law 45: the others are told the result, under another title."""
    result = dataclasses.replace(DATA, kind=NoticeKind.RESULT, addressee=OTHER)
    text = _text(render_award_notice(result), tmp_path)
    assert "中标结果通知书" in text
    assert "安徽路桥有限公司" in text
    assert "宣城市建工集团有限公司" in text
    assert "中标人为" in text
    assert "30日内" not in text


def test_the_same_notice_renders_the_same_bytes() -> None:
    """Deterministic: the stored PDF can be rendered again and its SHA-256 matches."""
    assert render_award_notice(DATA) == render_award_notice(DATA)
    assert render_award_notice(DATA) != render_award_notice(
        dataclasses.replace(DATA, addressee=OTHER, kind=NoticeKind.RESULT)
    )


def test_the_signed_notice_verifies_with_openssl(tmp_path: Path) -> None:
    """A detached CMS signature over the PDF passes ``openssl cms -verify``."""
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    ca = create_demo_ca(now=now)
    platform = issue_identity(ca, name="etender 平台", now=now)
    pdf = render_award_notice(DATA)
    (tmp_path / "n.pdf").write_bytes(pdf)
    (tmp_path / "n.p7s").write_bytes(
        sign_detached(pdf, platform.certificate, platform.key, chain=platform.chain)
    )
    (tmp_path / "ca.pem").write_bytes(dump_pem_certificate(ca.root_cert))
    args = ["/usr/bin/openssl", "cms", "-verify", "-binary", "-inform", "DER",
            "-in", str(tmp_path / "n.p7s"), "-content", str(tmp_path / "n.pdf"),
            "-CAfile", str(tmp_path / "ca.pem"), "-purpose", "any",
            "-out", "/dev/null"]  # fmt: skip
    assert subprocess.run(args, capture_output=True, check=False).returncode == 0
    (tmp_path / "n.pdf").write_bytes(pdf[:-1] + b" ")
    assert subprocess.run(args, capture_output=True, check=False).returncode != 0


FAILURE = FailureNoticeData(
    notice_id=str(UUID(int=9)),
    kind=FailureKind.FAILED,
    tender_code="XC-2026-0042",
    tender_title="宣城市道路改造工程",
    lots=["1", "2"],
    tenderer="宣城市城建投资有限公司",
    agency="宣城招标代理有限公司",
    centre="宣城市公共资源交易中心",
    addressee=OTHER,
    reason="投标人少于3个（条例第四十四条）",
    decided_at=dt.datetime(2026, 12, 7, 1, 30, tzinfo=dt.UTC),
)


def test_a_failed_tenders_notice_says_why_and_when(tmp_path: Path) -> None:
    """Item 6: the reason, the lots and Beijing time, under their labels; deterministic."""
    text = _text(render_failure_notice(FAILURE), tmp_path)
    for shown in ("招标失败通知书", "投标人少于3个", "安徽路桥有限公司", "1、2",
                  "2026-12-07 09:30:00（北京时间）", "原因 Reason"):  # fmt: skip
        assert shown in text, shown
    assert render_failure_notice(FAILURE) == render_failure_notice(FAILURE)


def test_a_cancelled_tenders_public_notice_is_addressed_to_all_bidders(tmp_path: Path) -> None:
    """Without an addressee the notice goes to every bidder, under the cancellation title."""
    public = dataclasses.replace(FAILURE, kind=FailureKind.CANCELLED, addressee=None)
    text = _text(render_failure_notice(public), tmp_path)
    assert "终止招标通知书" in text
    assert "各投标人" in text
