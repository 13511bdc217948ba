"""docs/guide-evaluation.md shows every view the end-to-end browser test photographs, in
Chinese and in English, and only pictures that test takes (issue 12, "Must show": the
guide's screenshots are taken by the tests)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.evaluation.e2e.browser import GUIDE_IMAGES, LANGS, SHOTS

ROOT = Path(__file__).parents[2]
GUIDE = ROOT / "docs" / "guide-evaluation.md"


def _pictures() -> list[str]:
    return re.findall(r"!\[[^\]]+\]\(guide/evaluation/([^)]+)\)", GUIDE.read_text("utf-8"))


def test_the_guide_shows_each_view_the_test_photographs_once_per_language() -> None:
    pictures = _pictures()
    assert len(pictures) == len(set(pictures))
    assert sorted(pictures) == sorted(f"{n}-{lang}.jpg" for n in SHOTS for lang in LANGS)


def test_every_picture_of_the_guide_is_in_the_repository_and_no_other() -> None:
    stored = sorted(p.name for p in GUIDE_IMAGES.iterdir())
    assert stored == sorted(_pictures())
    for name in stored:
        assert (GUIDE_IMAGES / name).read_bytes()[:3] == b"\xff\xd8\xff", name  # JPEG


def test_each_language_half_shows_its_own_pictures() -> None:
    """The Chinese half shows the zh-CN pictures, the English half the English ones."""
    text = GUIDE.read_text("utf-8")
    chinese, english = text.split("\n# English\n")
    assert all(p.endswith("-zh-CN.jpg") for p in re.findall(r"guide/evaluation/(\S+?)\)", chinese))
    assert all(p.endswith("-en.jpg") for p in re.findall(r"guide/evaluation/(\S+?)\)", english))
