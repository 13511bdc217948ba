"""The draw transcript as PDF: what the JSON says, readable, no names, deterministic."""

from __future__ import annotations

import subprocess
from pathlib import Path

from signing.draw.algorithm import draw_first_round, record_declines, reveal_seed
from tests.signing.draw.kit import POOLS, SEED, SUPERVISOR_E, committed, supervisor
from web.pdf.draw_transcript import render_transcript


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "t.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_pdf_shows_rounds_picks_and_whether_the_seed_is_revealed(tmp_path: Path) -> None:
    """Draw id, commit hash, every pick and decline; the seed only once revealed."""
    t = draw_first_round(
        committed(), pools=POOLS, platform_seed=SEED, contributions=[supervisor(SUPERVISOR_E)]
    )
    t = record_declines(t, [t.rounds[0].picks[1].expert_id])
    sealed = _text(render_transcript(t), tmp_path)
    assert "专家抽取记录" in sealed
    assert "XC-2025-0042" in sealed
    assert "未公开" in sealed
    assert t.commit_hash[:32] in sealed.replace("\n", " ")
    for pick in t.rounds[0].picks:
        assert pick.expert_id in sealed
    revealed = _text(render_transcript(reveal_seed(t, SEED)), tmp_path)
    assert SEED.hex()[:32] in revealed.replace("\n", " ")
    assert render_transcript(t) == render_transcript(t)
