"""Opened bid files as the evaluation sees them (pure rules, no I/O).

The opening decrypts each part into ``<output root>/<tender>/<lot>/<bid>/<part>/``:
the bidder's files under ``files/``, then ``manifest.json`` and ``manifest.p7s``
(signing/sealed_bid.py, docs/formats/sealed-bid.md). Only the files the signed
manifest lists are ever served, by the name the manifest gives them.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from uuid import UUID

from evaluation.errors import BidFilePathInvalid

FILES_DIR = "files"
MANIFEST_FILE = "manifest.json"
MAX_PATH_CHARS = 1024


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class BidFileEntry:
    """One file of an opened part: whose, which part, its manifest name, size and hash."""

    bid_id: UUID
    bidder: str  # the bidder's unified social credit code
    part: str
    path: str  # the name under files/, as the manifest lists it
    size: int
    sha256: str


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class PartLocation:
    """Where the opening put one part: path components below the output root."""

    tender_id: UUID
    lot: str
    bid_id: UUID
    part: str

    def components(self, *below: str) -> tuple[str, ...]:
        """The components of ``below`` inside this part's directory."""
        return (str(self.tender_id), self.lot, str(self.bid_id), self.part, *below)

    def manifest(self) -> tuple[str, ...]:
        """The components of the part's manifest.json."""
        return self.components(MANIFEST_FILE)

    def file(self, path: str) -> tuple[str, ...]:
        """The components of a file the manifest lists (``path`` checked first)."""
        return self.components(FILES_DIR, *check_file_path(path))


def check_file_path(path: str) -> tuple[str, ...]:
    """Refuse anything but a plain relative path; its components.

    No absolute paths, no empty, ``.`` or ``..`` components, no backslashes or control
    characters, NFC only — the rules the bid archive's own names obey
    (signing/bidtar.py, ``check_entry_name``), so a traversal is refused by name before
    any manifest or disk is consulted.
    """
    if not path or len(path) > MAX_PATH_CHARS:
        raise BidFilePathInvalid("the path is empty or too long", details={"path": path[:80]})
    if path.startswith("/") or unicodedata.normalize("NFC", path) != path:
        raise BidFilePathInvalid("the path must be relative and NFC", details={"path": path[:80]})
    if any(ord(c) < 0x20 or ord(c) == 0x7F or c == "\\" for c in path):
        raise BidFilePathInvalid(
            "the path has control characters or backslashes", details={"path": path[:80]}
        )
    components = tuple(path.split("/"))
    if any(c in ("", ".", "..") for c in components):
        raise BidFilePathInvalid(
            "the path has empty, '.' or '..' components", details={"path": path[:80]}
        )
    return components
