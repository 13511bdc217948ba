"""Each user guide shows every view its browser tests photograph, in Chinese and in
English, and only pictures those tests take (issue 12, "Must show": the guide's
screenshots are taken by the tests; issue 16 for the bidder's)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.evaluation.e2e import browser as evaluation
from tests.web.bids import kit as bidder

ROOT = Path(__file__).parents[2]


@dataclass(frozen=True)
class Guide:
    name: str  # docs/guide-<name>.md, its pictures in docs/guide/<name>/
    images: Path
    shots: Sequence[str]
    langs: Sequence[str]

    @property
    def text(self) -> str:
        return (ROOT / "docs" / f"guide-{self.name}.md").read_text("utf-8")

    def pictures(self, text: str | None = None) -> list[str]:
        return re.findall(rf"!\[[^\]]+\]\(guide/{self.name}/([^)]+)\)", text or self.text)


GUIDES = [
    Guide("evaluation", evaluation.GUIDE_IMAGES, evaluation.SHOTS, evaluation.LANGS),
    Guide("bidder", bidder.GUIDE_IMAGES, bidder.SHOTS, bidder.LANGS),
]
by_name = pytest.mark.parametrize("guide", GUIDES, ids=[g.name for g in GUIDES])


@by_name
def test_the_guide_shows_each_view_the_tests_photograph_once_per_language(guide: Guide) -> None:
    pictures = guide.pictures()
    assert len(pictures) == len(set(pictures))
    assert sorted(pictures) == sorted(
        f"{n}-{lang}.jpg" for n in guide.shots for lang in guide.langs
    )


@by_name
def test_every_picture_of_the_guide_is_in_the_repository_and_no_other(guide: Guide) -> None:
    stored = sorted(p.name for p in guide.images.iterdir())
    assert stored == sorted(guide.pictures())
    for name in stored:
        assert (guide.images / name).read_bytes()[:3] == b"\xff\xd8\xff", name  # JPEG


@by_name
def test_each_language_half_shows_its_own_pictures(guide: Guide) -> None:
    """The Chinese half shows the zh-CN pictures, the English half the English ones."""
    chinese, english = guide.text.split("\n# English\n")
    assert guide.pictures(chinese)
    assert all(p.endswith("-zh-CN.jpg") for p in guide.pictures(chinese))
    assert all(p.endswith("-en.jpg") for p in guide.pictures(english))
