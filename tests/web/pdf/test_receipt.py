"""The bid receipt PDF: its receipt time in Beijing time with its label (issue 15 item 4)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from web.pdf.receipt import render_receipt


def test_the_receipt_time_is_beijing_time_not_the_signed_jsons_utc(tmp_path: Path) -> None:
    fields = {
        "tender": "GC-2026-0007",
        "lot": "1",
        "bidder": "91350100M000100Y43",
        "version": 2,
        "kind": "submit",
        "received_at": "2026-03-01T17:30:05.123456Z",
        "log_index": 7,
        "statement_sha256": "ab" * 32,
        "parts": [{"label": "main", "sha256": "cd" * 32, "size": 10}],
    }
    (tmp_path / "r.pdf").write_bytes(render_receipt(fields, "c2ln", None))
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "2026-03-02 01:30:05（北京时间）" in text
    assert "17:30" not in text
    assert "投标文件" in text  # the part by its name, not its label key
