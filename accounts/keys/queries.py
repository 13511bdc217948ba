"""All SQL of users' certificates, age recipients and login challenges."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from accounts.errors import CertificateAlreadyRegistered
from accounts.keys.model import Device, DeviceKind, StoredCertificate


def _certificate(row: asyncpg.Record) -> StoredCertificate:
    kind, label = row["device_kind"], row["device_label"]
    return StoredCertificate(
        user_id=row["user_id"],
        cert_sha256=row["cert_sha256"],
        certificate=bytes(row["certificate"]),
        subject=row["subject"],
        registered_at=row["registered_at"],
        retired_at=row["retired_at"],
        device=None if kind is None else Device(kind=DeviceKind(kind), label=label),
    )


RETIRE_CERTIFICATES = """
UPDATE user_certificates SET retired_at = clock_timestamp()
WHERE user_id = $1 AND retired_at IS NULL
"""

INSERT_CERTIFICATE = """
INSERT INTO user_certificates
    (user_id, cert_sha256, certificate, subject, device_kind, device_label)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING user_id, cert_sha256, certificate, subject, registered_at, retired_at,
          device_kind, device_label
"""


async def replace_certificate(
    conn: asyncpg.Connection,
    user_id: UUID,
    cert_sha256: str,
    der: bytes,
    subject: str,
    device: Device | None = None,
) -> StoredCertificate:
    """Retire the user's current certificate (kept) and register a new one."""
    await conn.execute(RETIRE_CERTIFICATES, user_id)
    kind, label = (None, None) if device is None else (device.kind.value, device.label)
    try:
        row = await conn.fetchrow(
            INSERT_CERTIFICATE, user_id, cert_sha256, der, subject, kind, label
        )
    except asyncpg.UniqueViolationError:  # registered meanwhile by a concurrent request
        raise CertificateAlreadyRegistered("this certificate is already registered") from None
    assert row is not None
    return _certificate(row)


SELECT_CERTIFICATES = """
SELECT user_id, cert_sha256, certificate, subject, registered_at, retired_at,
       device_kind, device_label
FROM user_certificates WHERE user_id = $1 ORDER BY registered_at
"""


async def certificates(conn: asyncpg.Connection, user_id: UUID) -> list[StoredCertificate]:
    """Every certificate a user registered, oldest first."""
    return [_certificate(r) for r in await conn.fetch(SELECT_CERTIFICATES, user_id)]


SELECT_CERTIFICATE = """
SELECT user_id, cert_sha256, certificate, subject, registered_at, retired_at,
       device_kind, device_label
FROM user_certificates WHERE cert_sha256 = $1
"""


async def certificate_by_hash(conn: asyncpg.Connection, sha256: str) -> StoredCertificate | None:
    """A registered certificate by its SHA-256 (hex of DER)."""
    row = await conn.fetchrow(SELECT_CERTIFICATE, sha256)
    return _certificate(row) if row else None


RETIRE_RECIPIENTS = """
UPDATE user_recipients SET retired_at = clock_timestamp()
WHERE user_id = $1 AND retired_at IS NULL
"""

INSERT_RECIPIENT = """
INSERT INTO user_recipients (user_id, recipient, cert_sha256, statement, signature)
VALUES ($1, $2, $3, $4, $5)
"""


async def replace_recipient(
    conn: asyncpg.Connection,
    user_id: UUID,
    *,
    recipient: str,
    cert_sha256: str,
    statement: bytes,
    signature: bytes,
) -> None:
    """Retire the current recipient (kept, still listed) and register a new one."""
    await conn.execute(RETIRE_RECIPIENTS, user_id)
    await conn.execute(INSERT_RECIPIENT, user_id, recipient, cert_sha256, statement, signature)


SELECT_RECIPIENTS = """
SELECT recipient, retired_at IS NULL AS current FROM user_recipients
WHERE user_id = $1 ORDER BY registered_at
"""


async def recipients(conn: asyncpg.Connection, user_id: UUID) -> list[tuple[str, bool]]:
    """Every recipient a user registered (recipient, is current), oldest first."""
    return [(r["recipient"], r["current"]) for r in await conn.fetch(SELECT_RECIPIENTS, user_id)]


INSERT_CHALLENGE = """
INSERT INTO login_challenges (nonce_sha256, origin, issued_at, expires_at)
VALUES ($1, $2, $3::timestamptz, $3::timestamptz + make_interval(secs => $4::float8))
"""


async def insert_challenge(
    conn: asyncpg.Connection, nonce_sha256: bytes, origin: str, issued_at: datetime, ttl: float
) -> None:
    """Remember an issued challenge (by the nonce's hash) until it expires."""
    await conn.execute(INSERT_CHALLENGE, nonce_sha256, origin, issued_at, ttl)


# Single use, decided by the database: a replay finds used_at set and gets nothing.
CONSUME_CHALLENGE = """
UPDATE login_challenges SET used_at = clock_timestamp()
WHERE nonce_sha256 = $1 AND used_at IS NULL AND expires_at > clock_timestamp()
RETURNING origin, issued_at
"""


async def consume_challenge(
    conn: asyncpg.Connection, nonce_sha256: bytes
) -> tuple[str, datetime] | None:
    """Use a challenge once: (origin, issued_at), or None if unknown, used or expired."""
    row = await conn.fetchrow(CONSUME_CHALLENGE, nonce_sha256)
    return (row["origin"], row["issued_at"]) if row else None


DELETE_EXPIRED_CHALLENGES = "DELETE FROM login_challenges WHERE expires_at < clock_timestamp()"


async def delete_expired_challenges(conn: asyncpg.Connection) -> None:
    """Forget challenges nobody can use any more."""
    await conn.execute(DELETE_EXPIRED_CHALLENGES)
