"""PDF rendering: Chinese text embedded and readable, deterministic bytes."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

from web.pdf.base import Document, Field, Section, render

DOC = Document(
    title="开标记录 Opening record",
    subtitle="宣城市公共资源交易中心",
    sections=[
        Section(heading="项目 Project", fields=[Field(label="项目名称", value="道路改造工程")]),
        Section(heading="投标人", table=[["投标人", "报价（元）"], ["甲公司", "1,234,000.00"]]),
    ],
    footer="etender",
    generated_at=datetime(2026, 11, 26, tzinfo=UTC),
)


def _pdftotext(tmp_path: Path, document: bytes) -> str:
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(document)
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_chinese_text_is_embedded_and_extractable(tmp_path: Path) -> None:
    """pdftotext reads the Chinese text back; the font is embedded."""
    text = _pdftotext(tmp_path, render(DOC))
    pdf = tmp_path / "doc.pdf"
    assert "开标记录" in text
    assert "道路改造工程" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    cjk = [line for line in fonts.stdout.splitlines() if "WenQuanYi" in line]
    assert cjk
    assert all(line.split()[-5] == "yes" for line in cjk)  # the "emb" column


def test_same_document_gives_same_bytes() -> None:
    """Rendering is deterministic, so a PDF can be hashed and signed."""
    assert render(DOC) == render(DOC)


def test_the_footers_moment_is_beijing_time_not_an_iso_string(tmp_path: Path) -> None:
    """Issue 15 item 4: 2026-11-26 00:00 UTC is 08:00 in Beijing, labelled."""
    text = _pdftotext(tmp_path, render(DOC))
    assert "2026-11-26 08:00:00（北京时间）" in text
    assert "+00:00" not in text
