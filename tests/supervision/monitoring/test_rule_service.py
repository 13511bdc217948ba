"""Rules are stored versioned by supervisors, each change logged; bad ones change nothing."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest

from accounts.model import Actor, OrgKind, Role
from supervision.monitoring import service
from supervision.monitoring.defaults import default_rules
from supervision.monitoring.errors import (
    MonitoringRuleForbidden,
    MonitoringRuleInvalid,
    MonitoringRuleVersionConflict,
)
from tests.accounts import factory

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


async def _actor(conn: asyncpg.Connection, role: Role) -> Actor:
    kind = OrgKind.INDUSTRY_DEPARTMENT if role is Role.SUPERVISOR else OrgKind.CITY_CENTRE
    org = await factory.make_organisation(conn, kind)
    user = await factory.make_user(conn, org, role, scope=org)
    return await factory.actor_for(conn, user)


def _address_rule(**params: Any) -> dict[str, Any]:
    raw = copy.deepcopy(default_rules()["bids_same_address"].definition())
    raw["params"] |= params
    return raw


async def test_a_supervisors_version_replaces_the_default_and_is_kept_and_logged(
    pool: asyncpg.Pool,
) -> None:
    async with pool.acquire() as conn:
        supervisor = await _actor(conn, Role.SUPERVISOR)
        before = await factory.log_size(conn)
        first = await service.set_rule(
            conn, supervisor, _address_rule(within_minutes=30), expected_version=0,
            note="shared networks in the new business park", now=NOW,
        )  # fmt: skip
        second = await service.set_rule(
            conn, supervisor, _address_rule(within_minutes=15), expected_version=1,
            note="too many office neighbours flagged", now=NOW,
        )  # fmt: skip
        assert (first.version, second.version) == (1, 2)
        in_force = await service.rules_in_force(conn)
        assert in_force["bids_same_address"].rule.params["within_minutes"] == 15
        assert in_force["bids_same_installation"].version == 0  # the default holds
        history = await service.rule_history(conn, supervisor, "bids_same_address")
        assert [h.definition["params"]["within_minutes"] for h in history] == [30, 15]
        assert await factory.log_size(conn) == before + 2
        assert await factory.last_entry_kind(conn) == "monitoring.rule_changed"


async def test_an_unknown_fact_or_operator_is_refused_and_nothing_changes(
    pool: asyncpg.Pool,
) -> None:
    async with pool.acquire() as conn:
        supervisor = await _actor(conn, Role.SUPERVISOR)
        before = await factory.log_size(conn)
        bad = _address_rule() | {"facts": ["mac_addresses"]}
        with pytest.raises(MonitoringRuleInvalid) as caught:
            await service.set_rule(conn, supervisor, bad, expected_version=0, note="x", now=NOW)
        assert caught.value.details["unknown"] == "mac_addresses"
        bad = _address_rule() | {"operator": "gut_feeling"}
        with pytest.raises(MonitoringRuleInvalid) as caught:
            await service.set_rule(conn, supervisor, bad, expected_version=0, note="x", now=NOW)
        assert caught.value.details["unknown"] == "gut_feeling"
        assert await conn.fetchval("SELECT count(*) FROM monitoring_rules") == 0
        assert await factory.log_size(conn) == before


async def test_a_stale_version_is_a_conflict_and_only_supervisors_change_rules(
    pool: asyncpg.Pool,
) -> None:
    async with pool.acquire() as conn:
        supervisor = await _actor(conn, Role.SUPERVISOR)
        staff = await _actor(conn, Role.CENTRE_STAFF)
        with pytest.raises(MonitoringRuleForbidden):
            await service.set_rule(
                conn, staff, _address_rule(), expected_version=0, note="x", now=NOW
            )
        await service.set_rule(
            conn, supervisor, _address_rule(), expected_version=0, note="x", now=NOW
        )
        with pytest.raises(MonitoringRuleVersionConflict):
            await service.set_rule(
                conn, supervisor, _address_rule(), expected_version=0, note="y", now=NOW
            )
        assert len(await service.list_rules(conn, staff)) == len(default_rules())


async def test_stored_versions_are_never_rewritten(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        supervisor = await _actor(conn, Role.SUPERVISOR)
        await service.set_rule(
            conn, supervisor, _address_rule(), expected_version=0, note="x", now=NOW
        )
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute(
                "UPDATE monitoring_rules SET definition = $1::jsonb", json.dumps({"name": "x"})
            )
