"""The report PDF names items as the method does and shows times in Beijing time
(issue 15 item 4), while the signed JSON keeps its ids and UTC times."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

from evaluation.report.model import parse_report, report_bytes
from evaluation.report.pdf import SeatAnswer, render_report
from signing.canonical import sha256_hex
from tender.calendar import SHANGHAI
from tests.evaluation.report.example import inputs


def _flat_text(tmp_path: Path, pdf: bytes) -> str:
    (tmp_path / "report.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(tmp_path / "report.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return "".join(text.split())  # narrow columns break words over lines


def test_report_times_are_beijing_time_and_items_and_reasons_have_their_names(
    tmp_path: Path,
) -> None:
    body = report_bytes(inputs())
    report = parse_report(body)
    answers = [SeatAnswer(seat=1, status="signed", at="2026-04-01T03:04:05.000000Z")]
    text = _flat_text(tmp_path, render_report(report, sha256_hex(body), answers))
    assert "2026-04-0111:04:05（北京时间）" in text  # 03:04Z signed, read in Beijing
    assert "T03:04:05" not in text
    drafted = datetime.fromisoformat(report["drafted_at"]).astimezone(SHANGHAI)
    assert drafted.strftime("%Y-%m-%d%H:%M:%S（北京时间）") in text
    assert ".000000Z" not in text  # no raw UTC time anywhere
    assert "未实质性响应招标文件" in text  # Reg. 51's reason in words, not its code
    assert "not_responsive" not in text
    method = report["method"]
    for q in method["qualification"]:
        assert f"{q['name']}（{q['id']}）" in text
    for c in method["criteria"]:
        for s in c["items"]:
            if any(x["item"] == f"{c['id']}.{s['id']}" for x in report["scores"]):
                assert f"{c['name']}·{s['name']}（{c['id']}.{s['id']}）" in text
