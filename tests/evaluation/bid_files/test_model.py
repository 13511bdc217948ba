"""Opened bid files' pure rules: which paths may name a file, where a part lives."""

from __future__ import annotations

import uuid

import pytest

from evaluation.bid_files.model import PartLocation, check_file_path
from evaluation.errors import BidFilePathInvalid

TENDER, BID = uuid.uuid4(), uuid.uuid4()


@pytest.mark.parametrize(
    "path",
    [
        "",
        "/etc/passwd",
        "../manifest.json",
        "a/../../b",
        "./技术标.txt",
        "a//b",
        "a/",
        "..",
        "a\\..\\b",
        "a\x00b",
        "e\u0301.txt",  # not NFC
        "x" * 1025,
    ],
)
def test_a_path_that_could_escape_or_alias_is_refused(path: str) -> None:
    """Absolute, traversing, empty-component, control-character and non-NFC paths."""
    with pytest.raises(BidFilePathInvalid) as refused:
        check_file_path(path)
    assert refused.value.code == "bid_file_path_invalid"


def test_a_plain_relative_path_is_split_into_its_components() -> None:
    """Names the manifest may list pass unchanged, split at slashes."""
    assert check_file_path("技术标.txt") == ("技术标.txt",)
    assert check_file_path("图纸/总平面图.pdf") == ("图纸", "总平面图.pdf")
    assert check_file_path("..a/b..") == ("..a", "b..")


def test_a_part_lives_under_tender_lot_bid_and_part() -> None:
    """The opening's layout: <tender>/<lot>/<bid>/<part>/files/<name> and the manifest."""
    where = PartLocation(tender_id=TENDER, lot="1", bid_id=BID, part="technical")
    assert where.manifest() == (str(TENDER), "1", str(BID), "technical", "manifest.json")
    assert where.file("a/b.pdf") == (str(TENDER), "1", str(BID), "technical", "files", "a", "b.pdf")
    with pytest.raises(BidFilePathInvalid):
        where.file("../manifest.json")
