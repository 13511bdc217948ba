"""The listing rules' numbers as data (DOMAIN.md, "Other transaction types").

Defaults, overridden by settings ``ETENDER_POLICY_LISTING_*`` (``settings.policy_overrides``
keys starting with ``listing_``), exactly as tender/policy.py does for tenders; periods are
written and counted the same way (tender.policy.Period, tender.calendar.period_end). A
listing snapshots these at publication; later checks of it use its snapshot. Tests shorten
periods here (``notice_period=1s``), never by faking clocks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from listing.errors import ListingInputInvalid
from tender.policy import Period, PeriodUnit

OVERRIDE_PREFIX = "listing_"
_DAYS, _WD = PeriodUnit.CALENDAR_DAYS, PeriodUnit.WORKING_DAYS
_20D, _10WD, _20WD = (
    Period(count=20, unit=_DAYS),
    Period(count=10, unit=_WD),
    Period(count=20, unit=_WD),
)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ListingPolicies:
    """The numbers of MLR Decree 39 and SASAC/MOF Decree 32 (each field cites its rule)."""

    # MLR Decree 39 (DOMAIN.md): the notice at least 20 days before the listing starts.
    notice_period: Period = _20D
    # MLR Decree 39 (DOMAIN.md): a listing runs at least 10 working days.
    listing_period: Period = _10WD
    # SASAC/MOF Decree 32 (DOMAIN.md): a state-owned property is listed ≥ 20 working days.
    state_property_period: Period = _20WD
    # DOMAIN.md: "each new bid restarts a short countdown (commonly a few minutes)".
    countdown_seconds_min: int = 60
    countdown_seconds_max: int = 600
    # DESIGN.md, "Opening committee": officials from at least two organisations.
    committee_min_organisations: int = 2

    def to_json(self) -> dict[str, Any]:
        """The snapshot stored and logged at publication."""
        return {
            f.name: str(value) if isinstance(value := getattr(self, f.name), Period) else value
            for f in dataclasses.fields(self)
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ListingPolicies:
        """A snapshot back into policies."""
        return cls().with_values({key: str(value) for key, value in data.items()})

    def with_values(self, values: Mapping[str, str]) -> ListingPolicies:
        """These policies with some values replaced, each parsed by its field's type."""
        fields = {f.name for f in dataclasses.fields(self)}
        changes: dict[str, object] = {}
        for name, raw in values.items():
            if name not in fields:
                raise ListingInputInvalid(f"unknown listing policy {name!r}")
            current = getattr(self, name)
            if isinstance(current, Period):
                changes[name] = Period.parse(raw)
            elif raw.isdigit():
                changes[name] = int(raw)
            else:
                raise ListingInputInvalid(f"listing policy {name} is a whole number")
        out = dataclasses.replace(self, **changes)  # type: ignore[arg-type]
        if out.countdown_seconds_min > out.countdown_seconds_max:
            raise ListingInputInvalid("countdown_seconds_min is above countdown_seconds_max")
        return out


def platform_listing_policies(overrides: Mapping[str, str]) -> ListingPolicies:
    """The defaults with the ``listing_*`` settings overrides applied (others ignored)."""
    mine = {
        key.removeprefix(OVERRIDE_PREFIX): value
        for key, value in overrides.items()
        if key.startswith(OVERRIDE_PREFIX)
    }
    return ListingPolicies().with_values(mine)
