"""The shipped rule set (default_rules.json), parsed once: rules are data (issue 14)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from supervision.monitoring.rules import Rule, parse_rules

PATH = Path(__file__).with_name("default_rules.json")
POLICY = Path(__file__).with_name("policy.json")


@dataclass(frozen=True, slots=True)
class MonitoringPolicy:
    """How far back patterns across tenders look, and how many tenders one run checks."""

    history_days: int
    tenders_per_run: int


@functools.cache
def policy() -> MonitoringPolicy:
    """policy.json: the runner's numbers as data (CONTRACTS.md: never literals in code)."""
    raw = json.loads(POLICY.read_text(encoding="utf-8"))
    return MonitoringPolicy(int(raw["history_days"]), int(raw["tenders_per_run"]))


@functools.cache
def default_rules() -> dict[str, Rule]:
    """The defaults by name, validated like any rule a supervisor stores."""
    return parse_rules(json.loads(PATH.read_text(encoding="utf-8")))
