"""docs/guide-bidder.md shows every view the bidder's browser tests photograph, in Chinese
and in English, and only pictures those tests take (issue 16: the guide's screenshots are
taken by the tests, like docs/guide-evaluation.md's)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.web.bids.kit import GUIDE_IMAGES, LANGS, SHOTS

ROOT = Path(__file__).parents[2]
GUIDE = ROOT / "docs" / "guide-bidder.md"


def _pictures() -> list[str]:
    return re.findall(r"!\[[^\]]+\]\(guide/bidder/([^)]+)\)", GUIDE.read_text("utf-8"))


def test_the_guide_shows_each_view_the_tests_photograph_once_per_language() -> None:
    pictures = _pictures()
    assert len(pictures) == len(set(pictures))
    assert sorted(pictures) == sorted(f"{n}-{lang}.jpg" for n in SHOTS for lang in LANGS)


def test_every_picture_of_the_guide_is_in_the_repository_and_no_other() -> None:
    stored = sorted(p.name for p in GUIDE_IMAGES.iterdir())
    assert stored == sorted(_pictures())
    for name in stored:
        assert (GUIDE_IMAGES / name).read_bytes()[:3] == b"\xff\xd8\xff", name  # JPEG


def test_each_language_half_shows_its_own_pictures() -> None:
    chinese, english = GUIDE.read_text("utf-8").split("\n# English\n")
    assert all(p.endswith("-zh-CN.jpg") for p in re.findall(r"guide/bidder/(\S+?)\)", chinese))
    assert all(p.endswith("-en.jpg") for p in re.findall(r"guide/bidder/(\S+?)\)", english))


def test_the_guide_names_the_pages_and_limits_the_code_has() -> None:
    """What the guide states as numbers and names is what the pages do."""
    text = GUIDE.read_text("utf-8")
    upload = (ROOT / "web" / "static" / "js" / "bids-upload.js").read_text("utf-8")
    assert "export const CHUNK = 4 * 1024 * 1024;" in upload
    assert "4 MiB" in text
    assert "const BACKOFF_MAX = 8000;" in upload
    assert "8 s" in text
    assert "const GIVE_UP_MS = 300000;" in upload
    assert "300 s" in text
    assert "etender.upload.${userId}.${tenderId}.${lot}.${part}.${sha256}" in upload
    assert "`etender.upload.<user>.<tender>.<lot>.<part>.<SHA-256>`" in text
