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
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg

from accounts import journal
from accounts.model import Actor, Role
from signing.canonical import canonical_json, sha256_hex
from signing.log.entry import Actor as LogActor
from signing.log.entry import Subject
from supervision.monitoring import file_meta, queries, rule_queries
from supervision.monitoring.defaults import default_rules, policy
from supervision.monitoring.detectors import evaluate
from supervision.monitoring.errors import (
    MonitoringRuleForbidden,
    MonitoringRuleInvalid,
    MonitoringRuleNotFound,
    MonitoringRuleVersionConflict,
)
from supervision.monitoring.events import MonitoringEvent
from supervision.monitoring.model import Facts, Finding, PartHash, TenderParties
from supervision.monitoring.rules import Rule, parse_rule
from tender.alerting import raise_tender_alert
from tender.blobs.store import LocalBlobStore
from tender.events import AlertKind
from tender.lifecycle import load
from tender.submission import queries as bid_queries

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


# --- the runner -------------------------------------------------------------------------


async def gather(
    conn: asyncpg.Connection,
    tender_id: UUID,
    *,
    output_root: Path,
    history_since: datetime,
    blobs: LocalBlobStore | None = None,
    history: bool = True,
) -> Facts:
    """The facts of a tender's frozen lots and its parties; with ``history``, the
    patterns' history across tenders since ``history_since`` too (:func:`history_facts`);
    with ``blobs``, the metadata of its published documents (the template)."""
    tender = await load(conn, tender_id)
    tid = str(tender_id)
    bidders, origins, hashes, bonds, prices, people, metas = [], [], [], [], [], [], []
    for lot in await queries.frozen_lots(conn, tender_id):
        number, lot_id = lot["number"], lot["id"]
        bidders += await queries.lot_bidders(conn, tid, number, lot_id)
        origins += await queries.upload_origins(conn, tid, number, lot_id)
        hashes += [
            PartHash(tid, number, str(bidder), sha256)
            for sha256, bidder, _ in await bid_queries.lot_part_hashes(conn, lot_id)
        ]
        bonds += await queries.bond_accounts(conn, tid, number, lot_id)
        lot_prices, lot_people = await queries.opened_fields(
            conn, tid, number, lot_id, lot["price_ceiling_fen"]
        )
        prices += lot_prices
        people += lot_people
        metas += await file_meta.file_metas(conn, output_root, tender_id, number, lot_id, blobs)
    if blobs is not None and metas:
        metas += await file_meta.template_metas(conn, blobs, tender_id)
    parties = TenderParties(tid, str(tender.agency_id), str(tender.content.tenderer_id))
    past = await history_facts(conn, history_since) if history else Facts()
    others = [t for t in past.tender_parties if t.tender != tid]
    orgs = sorted({b.bidder for b in bidders} | {parties.agency, parties.tenderer})
    relations, party_people = await queries.party_facts(conn, orgs)
    return Facts(
        lot_bidders=bidders, upload_origins=origins, part_hashes=hashes, file_metas=metas,
        bid_people=people, bid_prices=prices, bond_accounts=bonds,
        expert_scores=past.expert_scores, sittings=past.sittings,
        party_relations=relations, party_people=party_people,
        tender_parties=(parties, *others), procedure_exceptions=past.procedure_exceptions,
    )  # fmt: skip


async def history_facts(conn: asyncpg.Connection, since: datetime) -> Facts:
    """What patterns across tenders read: experts' scores and sittings, approved
    exceptions, and every public tender's parties since ``since``."""
    return Facts(
        expert_scores=await queries.expert_scores(conn, since),
        sittings=await queries.sittings(conn, since),
        tender_parties=await queries.tender_parties(conn, since),
        procedure_exceptions=await queries.procedure_exceptions(conn, since),
    )


async def run_tender(
    conn: asyncpg.Connection,
    tender_id: UUID,
    *,
    output_root: Path,
    history_since: datetime,
    blobs: LocalBlobStore | None = None,
    history: bool = True,
) -> list[Finding]:
    """Evaluate the rules in force over a tender's facts; raise each new finding once as
    an alert with its evidence (once per tender, kind and subject, logged). Returns the
    findings that raised a new alert."""
    async with conn.transaction():
        facts = await gather(
            conn, tender_id, output_root=output_root, history_since=history_since,
            blobs=blobs, history=history,
        )  # fmt: skip
        return await _raise_findings(conn, facts)


async def run_history(conn: asyncpg.Connection, since: datetime) -> list[Finding]:
    """The patterns across tenders alone (experts, exceptions), evaluated once."""
    async with conn.transaction():
        return await _raise_findings(conn, await history_facts(conn, since))


async def _raise_findings(conn: asyncpg.Connection, facts: Facts) -> list[Finding]:
    rules = [found.rule for found in (await rules_in_force(conn)).values()]
    raised = []
    for finding in evaluate(rules, facts):
        evidence = {"rule": finding.rule, "parties": list(finding.parties)}
        evidence |= dict(finding.evidence)
        filed = _tender_uuid(finding.tender)
        if filed is None:  # a draw names its tender in text: not a tender of ours
            log.warning("monitoring.finding_unfiled", extra={"rule": finding.rule})
            continue
        if await _raise(conn, filed, AlertKind(finding.alert), finding, evidence):
            raised.append(finding)
    return raised


def _tender_uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None


async def _raise(
    conn: asyncpg.Connection, tender_id: UUID, kind: AlertKind, finding: Finding,
    evidence: dict[str, Any],
) -> bool:  # fmt: skip
    """The alert, once per (tender, kind, subject), holds the evidence; its log entry —
    read by witnesses too — names no bidder, expert or address: the rule, the subject's
    hash and how many parties (DESIGN.md "Transparency log": experts are seats until the
    result; tender/submission/freeze_alerts.py does the same for identical parts).
    The evidence stays in the alert (supervision/alerts), never in the log."""
    logged = {
        "rule": finding.rule, "subject_sha256": sha256_hex(finding.subject.encode()),
        "parties": len(finding.parties),
    }  # fmt: skip
    alert = await raise_tender_alert(
        conn, tender_id, kind, finding.subject, evidence, logged=logged,
        parties=[party for party in map(_tender_uuid, finding.parties) if party is not None],
    )  # fmt: skip
    return alert is not None


async def run_recent(
    conn: asyncpg.Connection,
    *,
    output_root: Path,
    now: datetime,
    blobs: LocalBlobStore | None = None,
) -> int:
    """One monitoring pass: the tenders frozen within the history window (policy.json),
    latest first, each over its own facts, then the patterns across tenders once; how
    many new alerts it raised. Safe in several processes: an alert is raised once per
    (tender, kind, subject)."""
    since = now - timedelta(days=policy().history_days)
    raised = 0
    for tender_id in await queries.recent_tenders(conn, since, policy().tenders_per_run):
        found = await run_tender(
            conn, tender_id, output_root=output_root, history_since=since, blobs=blobs,
            history=False,
        )  # fmt: skip
        raised += len(found)
    return raised + len(await run_history(conn, since))
