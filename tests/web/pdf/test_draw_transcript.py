"""The draw transcript as PDF: what the JSON says, readable, no names, deterministic."""

from __future__ import annotations

import subprocess
from pathlib import Path

from signing.draw.algorithm import (
    draw_first_round,
    draw_replacement_round,
    record_declines,
    reveal_round_seed,
    reveal_seed,
)
from tests.signing.draw.kit import POOLS, ROUND_E, SEED, SUPERVISOR_E, committed, supervisor
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


def test_the_pdf_shows_a_release_rounds_commitment_and_its_seed_once_revealed(
    tmp_path: Path,
) -> None:
    """A release round (docs/formats/draw.md §4.2) lists its seed commitment, and its
    own seed only once revealed."""
    round_seed = bytes(range(32, 64))
    t = draw_first_round(
        committed(), pools=POOLS, platform_seed=SEED, contributions=[supervisor(SUPERVISOR_E)]
    )
    t = record_declines(t, [t.rounds[0].picks[1].expert_id])
    t = draw_replacement_round(
        t,
        pools=POOLS,
        platform_seed=SEED,
        contribution=supervisor(ROUND_E[0]),
        round_seed=round_seed,
    )
    commitment = t.rounds[1].seed_commitment
    assert commitment is not None
    sealed = _text(render_transcript(reveal_seed(t, SEED)), tmp_path).replace("\n", " ")
    assert "本轮种子承诺" in sealed
    assert commitment[:32] in sealed.replace(" ", "")
    assert round_seed.hex()[:32] not in sealed.replace(" ", "")
    shown = reveal_round_seed(reveal_seed(t, SEED), 1, round_seed)
    revealed = _text(render_transcript(shown), tmp_path).replace("\n", " ")
    assert round_seed.hex()[:32] in revealed.replace(" ", "")
