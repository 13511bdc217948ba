"""docs/guide-bidder.md states the upload page's numbers and names as the page has them
(its pictures are checked with the other guides', tests/docs/test_guides.py)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).parents[2]
GUIDE = ROOT / "docs" / "guide-bidder.md"


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
