"""SQL of the opening officials' registered keys: who the centre may appoint.

An official is appointable when the account is active, holds an unrevoked
``opening_official`` grant and has a current age recipient bound to a current signing
certificate by the recipient statement it signed (accounts/keys/service.py registers
both; migration 0041 keeps them). Read-only.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg

from accounts.keys.model import RegisteredOfficial

REGISTERED_OFFICIALS = """
SELECT u.id AS user_id, u.username, u.display_name, u.organisation_id,
       o.name AS organisation_name, r.recipient, c.certificate, c.cert_sha256,
       r.statement, r.signature
FROM users u
JOIN organisations o ON o.id = u.organisation_id
JOIN user_recipients r ON r.user_id = u.id AND r.retired_at IS NULL
JOIN user_certificates c ON c.cert_sha256 = r.cert_sha256 AND c.retired_at IS NULL
WHERE u.status = 'active'
  AND EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = u.id
              AND g.role = 'opening_official' AND g.revoked_at IS NULL)
  AND ($1::uuid[] IS NULL OR u.id = ANY($1::uuid[]))
ORDER BY o.name, u.username
"""


async def registered_officials(
    conn: asyncpg.Connection, user_ids: Sequence[UUID] | None = None
) -> list[RegisteredOfficial]:
    """Every appointable official (or those of ``user_ids``), by organisation and name."""
    wanted = None if user_ids is None else list(user_ids)
    return [
        RegisteredOfficial(
            user_id=row["user_id"],
            username=row["username"],
            display_name=row["display_name"],
            organisation_id=row["organisation_id"],
            organisation_name=row["organisation_name"],
            recipient=row["recipient"],
            certificate=bytes(row["certificate"]),
            cert_sha256=row["cert_sha256"],
            statement=bytes(row["statement"]),
            signature=bytes(row["signature"]),
        )
        for row in await conn.fetch(REGISTERED_OFFICIALS, wanted)
    ]
