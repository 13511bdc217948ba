"""Who reads the log's entries is exactly what docs/audit-log.md §6 says (issue 9, item 20).

The audit administrator, supervisors and witnesses read ``/api/v1/log/entries``; the
system and security administrators and every other role get 403; no session, 401.
"""

from __future__ import annotations

import asyncpg
import httpx
import pytest

from accounts.model import Organisation, OrgKind, Role
from tests.accounts import factory

ENTRIES = "/api/v1/log/entries"
# role → (organisation kind it belongs to, the answer §6 promises)
READERS = {
    Role.AUDIT_ADMIN: (OrgKind.CITY_CENTRE, 200),
    Role.SUPERVISOR: (OrgKind.INDUSTRY_DEPARTMENT, 200),
    Role.WITNESS: (OrgKind.OTHER, 200),
    Role.SYSTEM_ADMIN: (OrgKind.CITY_CENTRE, 403),
    Role.SECURITY_ADMIN: (OrgKind.CITY_CENTRE, 403),
    Role.BIDDER: (OrgKind.BIDDER, 403),
}


@pytest.mark.parametrize("role", list(READERS), ids=[str(r) for r in READERS])
async def test_log_entries_are_read_by_exactly_the_roles_the_audit_log_doc_names(
    client: httpx.AsyncClient, pool: asyncpg.Pool, role: Role
) -> None:
    """Each role gets the answer docs/audit-log.md §6 gives it."""
    kind, expected = READERS[role]
    async with pool.acquire() as conn:
        org: Organisation = await factory.make_organisation(conn, kind)
        scope = org if role is Role.SUPERVISOR else None
        user = await factory.make_user(conn, org, role, scope=scope)
        await conn.execute("SELECT log_append($1::bytea[], $2::text[])", [b"entry"], ["test"])
    login = await client.post(
        "/api/v1/auth/login", json={"username": user.username, "password": factory.PASSWORD}
    )
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    answer = await client.get(ENTRIES, params={"start": 0, "end": 1}, headers=headers)
    assert answer.status_code == expected, answer.text
    if expected == 403:
        assert answer.json()["error"]["code"] == "permission_denied"


async def test_log_entries_without_a_session_are_401(client: httpx.AsyncClient) -> None:
    """No session: 401 ``unauthenticated``."""
    answer = await client.get(ENTRIES, params={"start": 0, "end": 1})
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthenticated"
