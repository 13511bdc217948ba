"""The log's witnesses kept by the security administrator, on a real PostgreSQL."""

from __future__ import annotations

import asyncpg
import pytest

from accounts import errors, witnesses
from accounts.model import Organisation, Role
from audit.errors import WitnessExists
from signing.log.checkpoint import Cosigner, generate_private_key
from signing.log.entry import LogEntry
from signing.log.errors import KeyMalformed
from tests.accounts.factory import actor_for, log_size, make_user


def _vkey(name: str = "witness.example/department") -> str:
    return Cosigner(name=name, private_key=generate_private_key()).verifier().to_vkey()


async def test_the_security_administrator_registers_a_witness_logged_in_its_name(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """log.witness_added names the administrator; a second of the name is refused."""
    admin = await actor_for(conn, await make_user(conn, centre, Role.SECURITY_ADMIN))
    vkey = _vkey()
    assert await witnesses.register_witness(conn, admin, vkey) == "witness.example/department"
    raw = await conn.fetchval("SELECT entry FROM log_entries ORDER BY idx DESC LIMIT 1")
    entry = LogEntry.from_bytes(bytes(raw))
    assert entry.kind == "log.witness_added"
    assert (entry.actor.user_id, entry.actor.role) == (str(admin.user_id), "security_admin")
    assert entry.address == admin.address
    assert await witnesses.list_witnesses(conn, admin) == [("witness.example/department", vkey)]
    size = await log_size(conn)
    with pytest.raises(WitnessExists):
        await witnesses.register_witness(conn, admin, _vkey())
    with pytest.raises(KeyMalformed):
        await witnesses.register_witness(conn, admin, "not a key")
    assert await log_size(conn) == size


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN, Role.CENTRE_STAFF])
async def test_nobody_else_registers_or_lists_witnesses_here(
    conn: asyncpg.Connection, centre: Organisation, role: Role
) -> None:
    other = await actor_for(conn, await make_user(conn, centre, role))
    with pytest.raises(errors.PermissionDenied):
        await witnesses.register_witness(conn, other, _vkey())
    with pytest.raises(errors.PermissionDenied):
        await witnesses.list_witnesses(conn, other)
