"""The public document of a draw, as pure rules (docs/formats/draw.md §13)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from expert_pool.publication.model import publication_body, seated_members
from signing.canonical import canonical_json
from signing.draw.transcript import Transcript

DOC = Path(__file__).resolve().parents[3] / "docs" / "formats" / "draw.md"
NAMES = {f"E{n}": f"专家甲{n}" for n in range(1001, 1013)} | {
    f"R{n}": f"专家乙{n}" for n in range(2001, 2008)
}


def _worked_example() -> Transcript:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- worked-example-transcript -->\n```json\n", 1)[1].split("```", 1)[0]
    return Transcript.from_json(block)


def test_only_the_seated_experts_are_named() -> None:
    """Declined picks (E1006, R2004, R2001) are not named; the seated are, in pick order."""
    members = seated_members(_worked_example(), NAMES)
    assert [(m.expert_id, m.label) for m in members] == [
        ("E1012", "A08@local"),
        ("E1001", "A08@local"),
        ("R2005", "C01@remote"),
        ("E1010", "A08@local"),
        ("R2007", "C01@remote"),
    ]
    assert members[0].name == "专家甲1012"


def test_the_document_is_canonical_and_carries_the_whole_transcript() -> None:
    """RFC 8785 bytes; the transcript member reads back as the same transcript."""
    t = _worked_example()
    body = publication_body(
        draw_id=t.draw_id, tender_id="T1", lot="1", purpose="evaluation", transcript=t,
        members=seated_members(t, NAMES), published_at=dt.datetime(2026, 12, 7, tzinfo=dt.UTC),
    )  # fmt: skip
    doc = json.loads(body)
    assert canonical_json(doc) == body
    assert Transcript.from_json(json.dumps(doc["transcript"])) == t
    assert doc["published_at"] == "2026-12-07T00:00:00.000000Z"
    assert set(doc) == {"type", "format", "draw_id", "tender_id", "lot", "purpose",
                        "published_at", "transcript", "members"}  # fmt: skip


def test_a_draw_without_its_seed_is_not_published() -> None:
    """The seed is what makes the picks recomputable: no document without it."""
    t = _worked_example()
    sealed = dataclasses.replace(t, platform_seed=None)
    with pytest.raises(ValueError, match="seed"):
        publication_body(
            draw_id=t.draw_id, tender_id="T1", lot="1", purpose="evaluation",
            transcript=sealed, members=[], published_at=dt.datetime(2026, 12, 7, tzinfo=dt.UTC),
        )  # fmt: skip
