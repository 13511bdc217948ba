"""JSON API of the monitoring rules (docs/monitoring.md "Storing rules"): read the rules
in force and a rule's versions, store a new version. Handlers are thin: parse, call one
use case, serialise."""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.requests import Request

from signing.log.entry import format_time
from supervision.monitoring import service
from supervision.monitoring.errors import MonitoringRuleNotFound
from supervision.monitoring.rule_queries import StoredRule
from supervision.monitoring.rules import NAME
from tender.queries import database_now
from web.auth import signed_in
from web.http import ApiRoute, read_json


class RuleBody(msgspec.Struct, frozen=True, kw_only=True):
    """A rule in force: its definition, version (0: the shipped default) and who set it."""

    name: str
    version: int
    definition: dict[str, Any]
    changed_by: str | None
    changed_at: str | None
    note: str | None


class RuleList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[RuleBody]


class RuleVersionList(msgspec.Struct, frozen=True, kw_only=True):
    """Every stored version of a rule, oldest first (empty: the default holds)."""

    items: list[RuleBody]


class SetRuleBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A new version of a rule: its whole definition, the version edited and why."""

    definition: dict[str, Any]
    expected_version: int
    note: str


def _in_force(found: service.RuleInForce) -> RuleBody:
    return RuleBody(
        name=found.rule.name, version=found.version, definition=found.rule.definition(),
        changed_by=found.changed_by, note=found.note,
        changed_at=None if found.changed_at is None else format_time(found.changed_at),
    )  # fmt: skip


def _stored(found: StoredRule) -> RuleBody:
    return RuleBody(
        name=found.name, version=found.version, definition=found.definition,
        changed_by=str(found.changed_by), changed_at=format_time(found.changed_at),
        note=found.note,
    )  # fmt: skip


def _name(request: Request) -> str:
    name = str(request.path_params["rule"])
    if not NAME.fullmatch(name):
        raise MonitoringRuleNotFound(f"no monitoring rule is named {name[:64]!r}")
    return name


async def list_rules(request: Request) -> RuleList:
    async with signed_in(request) as (conn, actor):
        found = await service.list_rules(conn, actor)
    return RuleList(items=[_in_force(r) for r in found])


async def rule_versions(request: Request) -> RuleVersionList:
    name = _name(request)
    async with signed_in(request) as (conn, actor):
        found = await service.rule_history(conn, actor, name)
    return RuleVersionList(items=[_stored(r) for r in found])


async def set_rule(request: Request) -> RuleBody:
    name = _name(request)
    body = await read_json(request, SetRuleBody)
    definition = {**body.definition, "name": name}  # the path names the rule
    async with signed_in(request) as (conn, actor):
        done = await service.set_rule(
            conn, actor, definition, expected_version=body.expected_version, note=body.note,
            now=await database_now(conn),
        )  # fmt: skip
    return _in_force(done)


def _route(method: str, path: str, handler: Any, summary: str, **extra: Any) -> ApiRoute:
    return ApiRoute(
        method=method, path=f"/api/v1{path}", handler=handler, summary=summary,
        tag="supervision", **extra,
    )  # fmt: skip


ROUTES = [
    _route(
        "GET",
        "/monitoring/rules",
        list_rules,
        "The monitoring rules in force (supervisors, centre staff)",
        response=RuleList,
    ),
    _route(
        "GET",
        "/monitoring/rules/{rule}/versions",
        rule_versions,
        "Every stored version of a monitoring rule",
        response=RuleVersionList,
    ),
    _route(
        "PUT",
        "/monitoring/rules/{rule}",
        set_rule,
        "Store a new version of a monitoring rule (supervisors)",
        body=SetRuleBody,
        response=RuleBody,
    ),
]
