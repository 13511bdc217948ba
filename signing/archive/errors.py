"""Errors of the project archive (一项一档, docs/formats/archive.md), each with a stable code.

    ArchiveError                    archive_error
    ├── ArchiveUnreadable           archive_unreadable        not a package at all
    └── ArchiveInvalid              archive_invalid           a check failed, naming the file

Codes are part of the public interface (docs/formats/archive.md lists them): never
change one, add new ones instead.
"""

from __future__ import annotations

from signing.errors import SigningError


class ArchiveError(SigningError):
    """Root of the errors of an archive package and its supplements."""

    code = "archive_error"


class ArchiveUnreadable(ArchiveError):
    """The bytes are not an etender archive package (not a ustar file of our layout)."""

    code = "archive_unreadable"


class ArchiveInvalid(ArchiveError):
    """A check of the package failed; ``details`` lists each file and what failed."""

    code = "archive_invalid"
