"""Documents of a tender and their downloads, as records (no I/O).

Every version of every document is kept (DOMAIN.md, "Records"); a download records
who, when, which version and its hash (EBM).
"""

from __future__ import annotations

import dataclasses
import unicodedata
from datetime import datetime
from uuid import UUID

from tender.errors import DocumentNameInvalid


def check_document_name(name: str) -> str:
    """A file name: NFC, 1–200 characters, no path separators, controls or dot names."""
    if (
        not name
        or len(name) > 200
        or name != unicodedata.normalize("NFC", name)
        or name != name.strip()
        or name in (".", "..")
        or any(ch in '/\\:*?"<>|' or unicodedata.category(ch)[0] == "C" for ch in name)
    ):
        raise DocumentNameInvalid(
            'a document name is 1–200 characters (NFC) without / \\ : * ? " < > | or controls'
        )
    return name


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class DocumentVersion:
    """One uploaded version of a tender document (content in the blob store)."""

    id: UUID
    document_id: UUID
    name: str
    version: int
    sha256: str
    size: int
    media_type: str
    uploaded_at: datetime
    published_at: datetime | None
    clarification_id: UUID | None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Download:
    """One download: who, when, which version and hash."""

    id: UUID
    version_id: UUID
    name: str
    version: int
    sha256: str
    user_id: UUID
    username: str
    organisation_id: UUID
    organisation_name: str
    downloaded_at: datetime
