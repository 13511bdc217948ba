"""``etender demo``: the demo organisations and accounts, loaded once."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import asyncpg
import pytest

from accounts import credit_code
from accounts.model import ConsoleOperator, Role
from accounts.sessions import service as sessions
from accounts.sessions.model import LoginPolicy, SessionKind
from expert_pool.regions import DEFAULT_REGIONS
from tests.accounts.factory import count_rows, log_size
from tests.conftest import TEMPLATE, PgServer, clone
from web.accounts.demo import DemoResult, load_demo
from web.db.database import open_pool

CONSOLE = ConsoleOperator(name="test")


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Loaded:
    """The demo's first load, in a database of its own, and what it returned."""

    name: str
    result: DemoResult


@pytest.fixture(scope="module", name="loaded")
async def fixture_loaded(pg_server: PgServer) -> AsyncIterator[Loaded]:
    """The demo loaded once for the module: its ~50 scrypt hashes are most of a load's
    time, and the tests below only read the first load or act on their own clone."""
    async with clone(pg_server, TEMPLATE) as first:
        pool = await open_pool(first.app_dsn, min_size=1, max_size=1)
        try:
            async with pool.acquire() as conn:
                result = await load_demo(conn, CONSOLE)
        finally:
            await pool.close()  # a database to clone has no connection
        yield Loaded(name=first.name, result=result)


@pytest.fixture(name="demo_pool")
async def fixture_demo_pool(pg_server: PgServer, loaded: Loaded) -> AsyncIterator[asyncpg.Pool]:
    """The application's pool on the test's own clone of the loaded demo."""
    async with clone(pg_server, loaded.name) as database:
        pool = await open_pool(database.app_dsn, min_size=1, max_size=10)
        try:
            yield pool
        finally:
            await pool.close()


async def role_holders(conn: asyncpg.Connection, role: Role) -> list[asyncpg.Record]:
    return list(
        await conn.fetch(
            "SELECT u.username, u.organisation_id, o.region, o.kind, g.scope_id "
            "FROM role_grants g JOIN users u ON u.id = g.user_id "
            "JOIN organisations o ON o.id = u.organisation_id "
            "WHERE g.role = $1 AND g.revoked_at IS NULL ORDER BY u.username",
            role,
        )
    )


async def test_the_demo_has_every_party_the_design_names(
    loaded: Loaded, demo_pool: asyncpg.Pool
) -> None:
    """1+6 centres, officials from two organisations, scoped supervisors, 30 experts."""
    assert loaded.result.created
    async with demo_pool.acquire() as conn:
        counties = await conn.fetch(
            "SELECT c.region, p.kind AS parent_kind FROM organisations c "
            "JOIN organisations p ON p.id = c.parent_id WHERE c.kind = 'county_centre'"
        )
        assert len(counties) == 6
        assert {row["parent_kind"] for row in counties} == {"city_centre"}
        officials = await role_holders(conn, Role.OPENING_OFFICIAL)
        assert len(officials) == 3
        assert len({row["organisation_id"] for row in officials}) == 2
        supervisors = await role_holders(conn, Role.SUPERVISOR)
        assert len(supervisors) == 2
        assert {row["kind"] for row in supervisors} == {"industry_department"}
        assert {row["scope_id"] for row in supervisors} == {supervisors[0]["organisation_id"]}
        bidders = await role_holders(conn, Role.BIDDER)
        assert len({row["organisation_id"] for row in bidders}) == 5
        experts = await role_holders(conn, Role.EXPERT)
        assert len(experts) == 30
        local = {unit.code for unit in DEFAULT_REGIONS.local_units()}
        assert {row["region"] for row in experts} == local
        for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.WITNESS):
            assert len(await role_holders(conn, role)) == 1
        assert len(await role_holders(conn, Role.CENTRE_STAFF)) >= 1
        assert len(await role_holders(conn, Role.AGENCY)) == 1
        assert len(await role_holders(conn, Role.TENDERER)) == 1
        codes = [
            row["credit_code"] for row in await conn.fetch("SELECT credit_code FROM organisations")
        ]
        assert all(credit_code.is_valid(code) for code in codes)


async def test_the_printed_passwords_work_and_are_stored_only_hashed(
    loaded: Loaded, demo_pool: asyncpg.Pool
) -> None:
    """Every printed password logs in; none appears in the database."""
    result = loaded.result
    async with demo_pool.acquire() as conn:
        assert len(result.logins) == await count_rows(conn, "users")
        dump = str(await conn.fetch("SELECT * FROM users")) + str(
            await conn.fetch("SELECT entry FROM log_entries")
        )
        for login in result.logins:
            assert login.password not in dump
            assert login.password not in repr(login)
        for login in (result.logins[0], result.logins[-1]):
            issued = await sessions.login(
                conn,
                username=login.username,
                password=login.password,
                address="192.0.2.10",
                kind=SessionKind.BEARER,
                policy=LoginPolicy(),
            )
            actor = await sessions.authenticate(conn, issued.token, address=None)
            assert actor.roles == set(login.roles)


async def test_a_second_load_changes_nothing(loaded: Loaded, demo_pool: asyncpg.Pool) -> None:
    """Idempotent: same rows, same log size, and it says so."""
    assert loaded.result.created  # the first load, in the database this one cloned
    async with demo_pool.acquire() as conn:
        before = [await count_rows(conn, t) for t in ("organisations", "users", "role_grants")]
        size = await log_size(conn)
        again = await load_demo(conn, CONSOLE)
        assert not again.created
        assert again.logins == ()
        after = [await count_rows(conn, t) for t in ("organisations", "users", "role_grants")]
        assert after == before
        assert await log_size(conn) == size


async def test_reset_passwords_replaces_every_demo_password(
    loaded: Loaded, demo_pool: asyncpg.Pool
) -> None:
    """A lost printout is recovered by new passwords; the old ones stop working."""
    from accounts.errors import CredentialsInvalid
    from web.accounts.demo import reset_passwords

    first = loaded.result
    async with demo_pool.acquire() as conn:
        again = await reset_passwords(conn, CONSOLE)
        assert [x.username for x in again.logins] == [x.username for x in first.logins]
        old, new = first.logins[0], again.logins[0]
        assert old.password != new.password
        how = {"address": "192.0.2.11", "kind": SessionKind.BEARER, "policy": LoginPolicy()}
        with pytest.raises(CredentialsInvalid):
            await sessions.login(conn, username=old.username, password=old.password, **how)
        await sessions.login(conn, username=new.username, password=new.password, **how)
