"""Use cases of early warning: the rules in force, a supervisor's new version of a rule,
and the runner that raises each finding as an alert.

Rules are data (issue 14, item 5): the shipped defaults (default_rules.json) hold until a
supervisor stores a version; every version is kept (0082 ``monitoring_rules``) and each
change is logged. A definition is parsed and validated in full before anything is
written: an unknown fact or operator is ``monitoring_rule_invalid`` and nothing changes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from accounts import journal
from accounts.model import Actor, Role
from signing.canonical import canonical_json, sha256_hex
from signing.log.entry import Actor as LogActor
from signing.log.entry import Subject
from supervision.monitoring import rule_queries
from supervision.monitoring.defaults import default_rules
from supervision.monitoring.errors import (
    MonitoringRuleForbidden,
    MonitoringRuleInvalid,
    MonitoringRuleNotFound,
    MonitoringRuleVersionConflict,
)
from supervision.monitoring.events import MonitoringEvent
from supervision.monitoring.rules import Rule, parse_rule

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RuleInForce:
    """A rule as it applies now: its version (0 = the shipped default) and who set it."""

    rule: Rule
    version: int
    changed_by: str | None
    changed_at: datetime | None
    note: str | None


def _require_reader(actor: Actor) -> None:
    # DOMAIN.md "Monitoring and supervision": supervisors and the centre's staff read rules.
    if not (actor.has_role(Role.SUPERVISOR) or actor.has_role(Role.CENTRE_STAFF)):
        raise MonitoringRuleForbidden(
            "only supervisors and centre staff read the monitoring rules",
            details={"required": ["supervisor", "centre_staff"]},
        )


def _require_supervisor(actor: Actor) -> LogActor:
    if not actor.has_role(Role.SUPERVISOR):
        raise MonitoringRuleForbidden(
            "only supervisors change the monitoring rules", details={"required": ["supervisor"]}
        )
    return LogActor(user_id=str(actor.user_id), role=str(Role.SUPERVISOR))


async def rules_in_force(conn: asyncpg.Connection) -> dict[str, RuleInForce]:
    """The defaults overlaid by each rule's latest stored version (new names included)."""
    found = {name: RuleInForce(rule, 0, None, None, None) for name, rule in default_rules().items()}
    for stored in await rule_queries.latest(conn):
        try:
            rule = parse_rule(stored.definition)
        except MonitoringRuleInvalid:
            # Stored versions were valid when written; a catalogue that dropped an
            # operator since leaves the default in force (and says so in the logs).
            log.warning("monitoring.rule_unreadable", extra={"rule": stored.name})
            continue
        found[stored.name] = RuleInForce(
            rule, stored.version, str(stored.changed_by), stored.changed_at, stored.note
        )
    return dict(sorted(found.items()))


async def list_rules(conn: asyncpg.Connection, actor: Actor) -> list[RuleInForce]:
    _require_reader(actor)
    return list((await rules_in_force(conn)).values())


async def rule_history(
    conn: asyncpg.Connection, actor: Actor, name: str
) -> list[rule_queries.StoredRule]:
    """Every stored version of a rule, oldest first (empty: the default holds)."""
    _require_reader(actor)
    if name not in await rules_in_force(conn):
        raise MonitoringRuleNotFound(f"no monitoring rule is named {name!r}")
    return await rule_queries.history(conn, name)


async def set_rule(
    conn: asyncpg.Connection,
    actor: Actor,
    definition: object,
    *,
    expected_version: int,
    note: str,
    now: datetime,
) -> RuleInForce:
    """Store a new version of a rule (a new name starts at version 1), logged.

    ``expected_version`` is the version the supervisor edited (0 for a default or a new
    rule): a rule changed meanwhile is a conflict, not a lost update.
    """
    log_actor = _require_supervisor(actor)
    rule = parse_rule(definition)  # refused here, before any write
    if not isinstance(note, str) or not 1 <= len(note.strip()) <= 500:
        raise MonitoringRuleInvalid(
            "say why the rule changes (a note of 1 to 500 characters)",
            details={"rule": rule.name, "path": "note"},
        )
    stored_definition: dict[str, Any] = rule.definition()
    async with conn.transaction():
        current = await rule_queries.lock_and_version(conn, rule.name)
        if current != expected_version:
            raise MonitoringRuleVersionConflict(
                f"rule {rule.name} is at version {current}, not {expected_version}",
                details={"rule": rule.name, "version": current},
            )
        stored = await rule_queries.insert(
            conn, rule.name, current + 1, stored_definition, actor.user_id, now, note.strip()
        )
        await journal.append(
            conn, MonitoringEvent.RULE_CHANGED, actor=log_actor, by=actor,
            subject=Subject(type="monitoring_rule", id=rule.name),
            data={
                "name": rule.name, "version": stored.version, "note": stored.note,
                "definition_sha256": sha256_hex(canonical_json(stored_definition)),
                "definition": stored_definition,
            },
        )  # fmt: skip
    return RuleInForce(rule, stored.version, str(actor.user_id), stored.changed_at, stored.note)
