"""Log entry kinds of monitoring (docs/monitoring.md "Log entries").

Alerts themselves are logged as ``tender.alert_raised`` by the alert writer
(tender/results/common.alert_once; supervision/alerts after the merge).
"""

from __future__ import annotations

import enum


class MonitoringEvent(enum.StrEnum):
    """Dotted kinds of monitoring's log entries."""

    RULE_CHANGED = "monitoring.rule_changed"  # a supervisor stored a new version of a rule
