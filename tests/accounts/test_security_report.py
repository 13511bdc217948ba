"""The security administrator's reading: the filter (pure), and the service on a real
PostgreSQL — refusals counted per minute, account changes decoded from the log."""

from __future__ import annotations

import datetime as dt

import asyncpg
import pytest

from accounts import errors, security_events
from accounts.model import Organisation, OrgKind, Role
from accounts.security_report import ACCOUNT_CHANGE_KINDS, REFUSAL_KINDS, SecurityFilter
from tests.accounts.factory import actor_for, make_organisation, make_user


def test_the_refusal_kinds_are_those_the_platform_counts() -> None:
    """Every kind accounts/security_events.py records, and only those."""
    counted = {
        security_events.LOGIN_FAILED, security_events.LOGIN_THROTTLED,
        security_events.LOGIN_RATE_LIMITED, security_events.FORGED_SESSION,
        security_events.PERMISSION_DENIED, security_events.CSRF_REFUSED,
    }  # fmt: skip
    assert set(REFUSAL_KINDS) == counted
    assert not set(REFUSAL_KINDS) & set(ACCOUNT_CHANGE_KINDS)


def test_a_filter_refuses_an_unknown_kind_and_naive_times() -> None:
    with pytest.raises(ValueError, match="unknown"):
        SecurityFilter(kind="auth.nothing")
    with pytest.raises(ValueError, match="timezone"):
        SecurityFilter(since=dt.datetime(2026, 1, 1))


def test_a_filter_of_one_kind_asks_one_family_only() -> None:
    wanted = SecurityFilter(kind="auth.login_failed")
    assert wanted.kinds(REFUSAL_KINDS) == ["auth.login_failed"]
    assert wanted.kinds(ACCOUNT_CHANGE_KINDS) == []
    assert SecurityFilter().kinds(ACCOUNT_CHANGE_KINDS) == list(ACCOUNT_CHANGE_KINDS)


async def test_refusals_are_read_filtered_and_totalled(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """By kind and address; the totals count every refusal the filter covers."""
    reader = await actor_for(conn, await make_user(conn, centre, Role.SECURITY_ADMIN))
    for address in ("203.0.113.7", "203.0.113.7", "198.51.100.1"):
        await security_events.record_refusal(
            conn, kind=security_events.LOGIN_FAILED, address=address, subject="u"
        )
    await security_events.record_refusal(conn, kind=security_events.CSRF_REFUSED, address="x")
    rows, totals = await security_events.read_refusals(
        conn, reader, SecurityFilter(kind="auth.login_failed")
    )
    assert totals == {"auth.login_failed": 3}
    assert sorted((r.address, r.count) for r in rows) == [("198.51.100.1", 1), ("203.0.113.7", 2)]
    rows, totals = await security_events.read_refusals(
        conn, reader, SecurityFilter(address="203.0.113.7")
    )
    assert totals == {"auth.login_failed": 2}
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    rows, totals = await security_events.read_refusals(conn, reader, SecurityFilter(since=tomorrow))
    assert (rows, totals) == ([], {})


async def test_account_changes_come_decoded_from_the_log(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """A console grant is an auth.role_granted entry: actor, subject and data as logged."""
    reader = await actor_for(conn, await make_user(conn, centre, Role.AUDIT_ADMIN))
    bidder = await make_user(conn, await make_organisation(conn, OrgKind.BIDDER), Role.BIDDER)
    changes = await security_events.read_account_changes(
        conn, reader, SecurityFilter(kind="auth.role_granted")
    )
    newest = changes[0]
    assert newest.subject_id == str(bidder.id)
    assert newest.actor_role == "console"
    assert newest.data == {"role": "bidder", "scope_id": None}
    assert [c.index for c in changes] == sorted((c.index for c in changes), reverse=True)
    assert (
        await security_events.read_account_changes(
            conn, reader, SecurityFilter(address="203.0.113.9")
        )
        == []
    )


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.CENTRE_STAFF])
async def test_only_the_security_and_audit_administrators_read_them(
    conn: asyncpg.Connection, centre: Organisation, role: Role
) -> None:
    other = await actor_for(conn, await make_user(conn, centre, role))
    with pytest.raises(errors.PermissionDenied):
        await security_events.read_refusals(conn, other, SecurityFilter())
    with pytest.raises(errors.PermissionDenied):
        await security_events.read_account_changes(conn, other, SecurityFilter())
