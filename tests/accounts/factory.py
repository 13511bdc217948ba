"""Builders of organisations, users and actors for tests (through the real service)."""

from __future__ import annotations

import itertools
import random
from uuid import UUID

import asyncpg

from accounts import credit_code
from accounts.model import Actor, ConsoleOperator, Organisation, OrgKind, Role, User
from accounts.organisations import service as organisations
from accounts.users import service as users
from audit import service as audit

CONSOLE = ConsoleOperator(name="test")
PASSWORD = "Correct-horse-42"
ADDRESS = "192.0.2.10"

_codes = random.Random(4242)
_serial = itertools.count(1)


def new_credit_code(region: str = "341800") -> str:
    """A valid, fresh unified social credit code."""
    return credit_code.generate(_codes, region=region)


async def make_organisation(
    conn: asyncpg.Connection,
    kind: OrgKind,
    *,
    parent: Organisation | None = None,
    name: str | None = None,
    region: str = "",
) -> Organisation:
    """An organisation created by the console, its log entry integrated."""
    org = await organisations.create_organisation(
        conn,
        CONSOLE,
        credit_code=new_credit_code(),
        name=name or f"{kind} {next(_serial)}",
        kind=kind,
        parent_id=parent.id if parent else None,
        region=region,
    )
    await audit.integrate(conn)
    return org


async def make_user(
    conn: asyncpg.Connection,
    org: Organisation,
    *roles: Role,
    scope: Organisation | None = None,
    username: str | None = None,
    password: str | None = PASSWORD,
) -> User:
    """A user of ``org`` holding ``roles`` (scoped roles get ``scope``)."""
    user = await users.create_user(
        conn,
        CONSOLE,
        organisation_id=org.id,
        username=username or f"user{next(_serial)}",
        display_name="测试用户",
        password=password,
    )
    for role in roles:
        scope_id = scope.id if scope is not None and role is Role.SUPERVISOR else None
        await users.grant_role(conn, CONSOLE, user_id=user.id, role=role, scope_id=scope_id)
    # The accounts' entries are queued (docs/audit-log.md §2.2): integrate them, so a
    # test's log starts from its users in the order it made them, as the leader would.
    await audit.integrate(conn)
    return user


async def actor_for(conn: asyncpg.Connection, user: User, address: str = ADDRESS) -> Actor:
    """The actor a request by ``user`` would carry (grants read from the database)."""
    grants = await users.user_roles(conn, user.id)
    return Actor(
        user_id=user.id,
        organisation_id=user.organisation_id,
        username=user.username,
        display_name=user.display_name,
        grants=frozenset(grants),
        address=address,
    )


async def log_size(conn: asyncpg.Connection) -> int:
    """Entries in the transparency log, the queued ones integrated first (§2.2)."""
    await audit.integrate(conn)
    size: int = await conn.fetchval("SELECT count(*) FROM log_entries")
    return size


async def count_rows(conn: asyncpg.Connection, table: str) -> int:
    """Rows in one of the accounts tables."""
    assert table in {"organisations", "users", "role_grants", "sessions", "login_attempts"}
    count: int = await conn.fetchval(f"SELECT count(*) FROM {table}")
    return count


async def last_entry_kind(conn: asyncpg.Connection) -> str:
    """Kind of the newest log entry, the queued ones integrated first (§2.2)."""
    await audit.integrate(conn)
    kind: str = await conn.fetchval("SELECT kind FROM log_entries ORDER BY idx DESC LIMIT 1")
    return kind


def ids(items: list[Organisation] | tuple[Organisation, ...]) -> list[UUID]:
    """The ids of some organisations, in order."""
    return [item.id for item in items]


async def newest_entry(conn: asyncpg.Connection) -> bytes:
    """The newest log entry's bytes, the queued ones integrated first (§2.2)."""
    await audit.integrate(conn)
    raw: bytes = await conn.fetchval("SELECT entry FROM log_entries ORDER BY idx DESC LIMIT 1")
    return raw


# Entries committed to the log, integrated or still queued (docs/audit-log.md §2.2): an
# integration moves rows from log_queue to log_entries in one transaction and one
# statement sees one snapshot, so the leader integrating between two counts (a web
# test's app runs it) changes nothing — unlike a count of log_entries alone.
COMMITTED_LOG_ENTRIES = (
    "SELECT (SELECT count(*) FROM log_entries) + (SELECT count(*) FROM log_queue)"
)


def count_sql(table: str) -> str:
    """``SELECT count(*)`` of ``table``; for ``log_entries``, every committed entry."""
    return COMMITTED_LOG_ENTRIES if table == "log_entries" else f"SELECT count(*) FROM {table}"
