"""Log entry kinds of credit supervision and the market-party registry (issue 14, item 2).

Each kind is appended in the same transaction as the change it records (DESIGN.md,
"Architecture"); a refusal of a blacklisted party is appended in a transaction of its own,
which commits though the refused act does not happen. People enter the log by the hash of
their ID number and their role only: never the number, never the name.
"""

from __future__ import annotations

import enum


class CreditEvent(enum.StrEnum):
    VIOLATION_RECORDED = "credit.violation_recorded"
    SANCTION_IMPOSED = "credit.sanction_imposed"
    LIST_ENTERED = "credit.list_entered"
    REFUSED = "credit.blacklisted_refused"
    APPEAL_FILED = "credit.appeal_filed"
    APPEAL_DECIDED = "credit.appeal_decided"
