"""Kinds of the transparency-log entries of alerts (audit data, not logs).

A tender's alert keeps the kind it always had, ``tender.alert_raised`` with the tender
as subject (docs/api-tenders.md, api-evaluation.md, formats/upload.md); any other alert
is logged as ``alert.raised`` about the alert itself. The lifecycle steps are about the
alert (docs/api-alerts.md, "Log").
"""

from __future__ import annotations

import enum


class AlertEvent(enum.StrEnum):
    """Log entry kinds of supervision/alerts."""

    TENDER_ALERT_RAISED = "tender.alert_raised"
    RAISED = "alert.raised"
    ACKNOWLEDGED = "alert.acknowledged"
    ESCALATED = "alert.escalated"
    RESOLVED = "alert.resolved"
