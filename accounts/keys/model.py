"""A user's registered signing certificate and the device holding its key, as stored (no I/O)."""

from __future__ import annotations

import dataclasses
import enum
from datetime import datetime
from uuid import UUID


class DeviceKind(enum.StrEnum):
    """Where a certificate's key lives, when the registration binds it to a device."""

    BROWSER = "browser"  # WebCrypto, not extractable: the key never leaves that browser


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Device:
    """The one device a certificate's key is bound to (issue 12), as its member named it."""

    kind: DeviceKind
    label: str


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class StoredCertificate:
    """A registered signing certificate (DER) of a user."""

    user_id: UUID
    cert_sha256: str
    certificate: bytes
    subject: str
    registered_at: datetime
    retired_at: datetime | None
    device: Device | None = None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class SignatureRecord:
    """One signature the platform holds, made with one of a member's certificates."""

    at: datetime
    purpose: str  # evaluation.sheet, bid.submit, … (docs/api-auth.md, "Signatures")
    cert_sha256: str
    device: Device | None
    content_sha256: str
    subject_type: str
    subject_id: str
    key: str  # unique across every purpose: the page's tiebreak


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class SignaturePage:
    """One page of a member's signatures, newest first, and the cursor of the next."""

    items: tuple[SignatureRecord, ...]
    next_cursor: str | None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class RegisteredOfficial:
    """An active opening official's current keys, as the official registered them: the
    signing certificate (DER), the age recipient and the signed recipient statement
    binding the two (what the centre appoints to a committee, DESIGN.md "Opening
    committee")."""

    user_id: UUID
    username: str
    display_name: str
    organisation_id: UUID
    organisation_name: str
    recipient: str
    certificate: bytes
    cert_sha256: str
    statement: bytes
    signature: bytes
