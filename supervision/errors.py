"""The root of every supervision error (issue 14): each feature's root derives from it.

    SupervisionError                      supervision_error
    ├── AlertError                        alert_error           (supervision/alerts/)
    ├── AgencyError                       agency_error          (supervision/agencies/)
    ├── ComplaintError                    complaint_error       (supervision/complaints/)
    ├── CreditError                       credit_error          (supervision/credit/)
    ├── MonitoringError                   monitoring_error      (supervision/monitoring/)
    ├── PartiesError                      parties_error         (supervision/parties/)
    ├── StatisticsError                   statistics_error      (supervision/statistics/)
    └── SupervisionRecordError            supervision_record_error (supervision/records/)

docs/api-errors.md lists every class with its code and status.
"""

from __future__ import annotations

from signing.errors import EtenderError


class SupervisionError(EtenderError):
    """A supervision rule was broken (a request that breaks a rule: 422 unless a class
    says otherwise)."""

    code = "supervision_error"
