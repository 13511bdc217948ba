"""docs/open-data.md names every release the platform makes, with its tag, and the
feed's numbers as the code has them."""

from __future__ import annotations

import re
from pathlib import Path

from tender.disclosure import service
from tender.disclosure.facts import ClosureFact
from tender.disclosure.ocds import EXTENSIONS
from tender.disclosure.ocds_packages import release_package
from tests.tender.disclosure.story import CODE, MOMENTS, SITE, story
from web.disclosure.routes import FEED_LIMIT

DOC = (Path(__file__).parents[2] / "docs" / "open-data.md").read_text(encoding="utf-8")


def _kind(release_id: str) -> str:
    """The stage of a release id: its first word after the code."""
    return release_id.removeprefix(f"{CODE}-").split("-")[0]


def test_every_release_kind_and_tag_is_documented() -> None:
    """Each id scheme `<code>-<stage>` and each tag of a whole story is in the doc."""
    closure = ClosureFact(status="cancelled", at=MOMENTS[-1], reason="取消")
    releases = [
        *release_package(story().as_of(MOMENTS[-1]), SITE)["releases"],
        *release_package(story(closure=closure).as_of(MOMENTS[-1]), SITE)["releases"],
    ]
    for release in releases:
        assert f"`<code>-{_kind(release['id'])}" in DOC, release["id"]
        for tag in release["tag"]:
            assert f"`{tag}`" in DOC, tag
    assert "`<code>-failed`" in DOC


def test_the_feed_numbers_and_extensions_are_the_code_s() -> None:
    """The limit's range and default; the extensions' URLs in their order."""
    assert f"`limit`: 1–{service.FEED_MAX}, default {FEED_LIMIT}." in DOC
    found = re.findall(r"^\d\. (?:lots|bids): `(\S+)`$", DOC, re.MULTILINE)
    assert tuple(found) == EXTENSIONS
