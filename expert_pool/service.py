"""Use cases shared by the whole pool: the policy in force and the alerts.

Each use case checks permission, owns its transaction and appends its log entry in it
(DESIGN.md, "Architecture"). Personal data (names, phones, identity cards) never enters
the log: entries name experts by id. The experts' use cases are in
`expert_pool.experts.service`, the venues' in `expert_pool.venues.service`, the draw's in
`expert_pool.requests.service` (its entropy and rounds in `expert_pool.rounds.service`),
attendance and assessment in `expert_pool.records.service`; the demo data is loaded by
`web.expert_pool.demo.load_demo`.

The identity-card matching key is the caller's (`id_card_key`): the web layer keeps it
in the data directory beside the log key (``keys/id_card.key``, created when the app is
built, mode 0600; every node of a deployment must share it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import asyncpg

from accounts.model import Actor
from accounts.permissions import EXPERT_POOL, Action, require_role
from expert_pool import journal, queries
from expert_pool.alerting import list_pool_alerts
from expert_pool.events import PoolEvent
from expert_pool.model import Alert
from expert_pool.policy import PoolPolicy, policy_from_json

# --- policy -----------------------------------------------------------------------------


async def load_policy(conn: asyncpg.Connection) -> PoolPolicy:
    """The policy in force: the defaults with the stored override merged in."""
    return policy_from_json(await queries.policy_override(conn))


async def set_policy(
    conn: asyncpg.Connection, actor: Actor, override: Mapping[str, Any]
) -> PoolPolicy:
    """Replace the stored override (system administrator: configuration)."""
    role = require_role(actor, Action.SET_POOL_POLICY, EXPERT_POOL)
    policy = policy_from_json(dict(override))  # refuse a bad document before storing it
    async with conn.transaction():
        await queries.set_policy_override(conn, dict(override))
        await journal.append(
            conn,
            PoolEvent.POLICY_CHANGED,
            actor=actor,
            role=role,
            subject=("expert_pool", "policy"),
            data={"policy": policy.to_json()},
        )
    return policy


# --- alerts ----------------------------------------------------------------------------


async def list_alerts(conn: asyncpg.Connection, actor: Actor) -> list[Alert]:
    """Alerts for the caller: a supervisor's departments' draws, an agency's own draws."""
    return await list_pool_alerts(conn, actor)
