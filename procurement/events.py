"""Log entry kinds of the procurement methods (docs/api-procurement.md, "Log entries";
docs/audit-log.md §9). Each is appended to the tender's log (subject: the tender) in
the transaction of the change it records."""

from __future__ import annotations

import enum


class ProcurementEvent(enum.StrEnum):
    PROJECT_CREATED = "procurement.project_created"
    PLAN_UPDATED = "procurement.plan_updated"
    PUBLISHED = "procurement.published"
    AWARDED = "procurement.awarded"
    SUPPLIERS_REVEALED = "procurement.suppliers_revealed"
    ROUND_OPENED = "negotiation.round_opened"
    QUOTATION_COMMITTED = "negotiation.quotation_committed"
    ROUND_CLOSED = "negotiation.round_closed"
    SUPPLIER_EXCLUDED = "negotiation.supplier_excluded"
    OBJECTION_FILED = "single_source.objection_filed"
    OBJECTION_ANSWERED = "single_source.objection_answered"
