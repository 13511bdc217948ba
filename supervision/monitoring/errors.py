"""Errors of monitoring and early warning (issue 14, item 5).

    EtenderError (signing/errors.py)
    └── MonitoringError                     monitoring_error                    422
        ├── MonitoringRuleInvalid           monitoring_rule_invalid             422
        ├── MonitoringRuleNotFound          monitoring_rule_not_found           404
        ├── MonitoringRuleVersionConflict   monitoring_rule_version_conflict    409
        └── MonitoringRuleForbidden         monitoring_rule_forbidden           403

Codes are part of the public interface (docs/monitoring.md lists them).
"""

from __future__ import annotations

from supervision.errors import SupervisionError


class MonitoringError(SupervisionError):
    """Root of every error raised by supervision/monitoring/."""

    code = "monitoring_error"


class MonitoringRuleInvalid(MonitoringError):
    """A rule names a fact, operator or parameter outside the catalogue, or a bad value;
    ``details`` names it (``{"rule", "path", "unknown"|"expected"}``)."""

    code = "monitoring_rule_invalid"


class MonitoringRuleNotFound(MonitoringError):
    """No rule has this name (neither shipped nor stored)."""

    code = "monitoring_rule_not_found"
    status = 404


class MonitoringRuleVersionConflict(MonitoringError):
    """The rule changed since the version the supervisor edited (no lost update)."""

    code = "monitoring_rule_version_conflict"
    status = 409


class MonitoringRuleForbidden(MonitoringError):
    """Only supervisors change the monitoring rules."""

    code = "monitoring_rule_forbidden"
    status = 403
