"""What the composition root hands every tender use case, and what the rules are checked in.

- :class:`Setup` — the platform's policies, the holiday calendar and the trust store,
  built once by the composition root;
- :class:`Context` — what a rule needs besides the tender: the policies in force, the
  calendar, the trust store and the database time (rules.py, committee/rules.py).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from signing.trust import TrustStore
from tender.calendar import HolidayCalendar, period_end
from tender.model import Tender
from tender.policy import Period, Policies


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Context:
    """What the checks need besides the tender: policies, calendar, trust, now."""

    policies: Policies
    calendar: HolidayCalendar
    trust: TrustStore | None
    now: datetime

    def end(self, start: datetime, period: Period) -> datetime:
        """The end of ``period`` counted from ``start``."""
        extend = self.policies.extend_over_rest_days
        return period_end(start, period, self.calendar, extend=extend)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Setup:
    """What the composition root hands every tender use case: policies, calendar, trust."""

    policies: Policies
    calendar: HolidayCalendar
    trust: TrustStore | None = None

    def policies_of(self, tender: Tender) -> Policies:
        """A published tender's snapshot; the platform's policies for a draft."""
        if tender.policies is not None:
            return Policies.from_json(tender.policies)
        return self.policies

    def context(self, tender: Tender, now: datetime) -> Context:
        """The rules' context for ``tender`` at ``now``."""
        return Context(
            policies=self.policies_of(tender), calendar=self.calendar, trust=self.trust, now=now
        )
