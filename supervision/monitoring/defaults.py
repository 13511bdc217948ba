"""The shipped rule set (default_rules.json), parsed once: rules are data (issue 14)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from supervision.monitoring.rules import Rule, parse_rules

PATH = Path(__file__).with_name("default_rules.json")


@functools.cache
def default_rules() -> dict[str, Rule]:
    """The defaults by name, validated like any rule a supervisor stores."""
    return parse_rules(json.loads(PATH.read_text(encoding="utf-8")))
