"""Policies as data: every period, ratio and threshold of DOMAIN.md, with its default.

The platform's policies are these defaults, overridden by settings
(``ETENDER_POLICY_TENDER_*``, i.e. ``settings.policy_overrides`` keys starting with
``tender_``). A tender snapshots the policies in force when it is published and logs
them (DESIGN.md, "Time"); every later check of that tender uses its snapshot. Tests
shorten periods here (``tender_bid_period=30s``), never by faking clocks.

A period is written ``<count><unit>``: ``d`` calendar days (Civil Code Art. 201/203:
the day of the event is not counted, a period ends at 24:00, and one whose last day
is a rest day ends with the next working day), ``wd`` working days by the holiday
calendar, and ``h``/``m``/``s`` exact durations (for drills and tests).
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from tender.errors import PolicyInvalid

OVERRIDE_PREFIX = "tender_"
# Settings under the prefix that are not policies (read by the composition root).
JOB_INTERVAL_KEY = "tender_alerts_job_seconds"
_PERIOD = re.compile(r"(0|[1-9][0-9]{0,5})(d|wd|h|m|s)")
_CENTRE = re.compile(r"[A-Z]{2,8}")


class PeriodUnit(enum.StrEnum):
    """How a period is counted."""

    CALENDAR_DAYS = "d"
    WORKING_DAYS = "wd"
    HOURS = "h"
    MINUTES = "m"
    SECONDS = "s"


_EXACT = {PeriodUnit.HOURS: 3600, PeriodUnit.MINUTES: 60, PeriodUnit.SECONDS: 1}


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Period:
    """A count of days, working days or exact time units."""

    count: int
    unit: PeriodUnit

    @classmethod
    def parse(cls, text: str) -> Period:
        """``20d``, ``5wd``, ``90s`` …; anything else is refused."""
        match = _PERIOD.fullmatch(text.strip())
        if match is None:
            raise PolicyInvalid(f"{text!r} is not a period like 20d, 5wd, 2h, 30m or 45s")
        return cls(count=int(match[1]), unit=PeriodUnit(match[2]))

    @property
    def exact(self) -> timedelta | None:
        """The duration of an exact period (h/m/s); None for day counts."""
        seconds = _EXACT.get(self.unit)
        return None if seconds is None else timedelta(seconds=self.count * seconds)

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"


_DAYS = PeriodUnit.CALENDAR_DAYS
_3D, _5D, _10D = (
    Period(count=3, unit=_DAYS),
    Period(count=5, unit=_DAYS),
    Period(count=10, unit=_DAYS),
)
_15D, _20D = Period(count=15, unit=_DAYS), Period(count=20, unit=_DAYS)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Policies:
    """The rules' numbers (DOMAIN.md, "Tender period"; each field cites its source)."""

    documents_window: Period = _5D  # Reg. 16
    bid_period: Period = _20D  # Law 24: documents issued → deadline
    clarification_notice: Period = _15D  # Reg. 21; otherwise the deadline moves
    objection_notice: Period = _10D  # Reg. 22: objections until 10 days before
    objection_answer: Period = _3D  # Reg. 22: answered within 3 days
    bond_refund: Period = _5D  # Reg. 57: bonds refunded within 5 days
    bond_max_basis_points: int = 200  # Reg. 26: at most 2 % of the estimated price
    threshold_works_fen: int = 400_000_000  # 4,000,000 CNY (configurable)
    threshold_goods_fen: int = 200_000_000  # 2,000,000 CNY
    threshold_services_fen: int = 100_000_000  # 1,000,000 CNY
    decryption_minutes_min: int = 30  # DOMAIN.md: commonly 30–60 min (configurable)
    decryption_minutes_max: int = 60
    opening_on_working_day: bool = True  # local practice: no openings on rest days
    extend_over_rest_days: bool = True  # Civil Code Art. 203
    committee_min_organisations: int = 2  # DESIGN.md, "Opening committee"
    document_max_bytes: int = 200 * 1024 * 1024
    centre_code: str = "XC"  # first part of the transaction code
    candidates_publicity_within: Period = _3D  # Reg. 54: publicised within 3 days of the report
    candidates_publicity_days: Period = _3D  # Reg. 54: publicised for at least 3 days
    candidate_objection_answer: Period = _3D  # Reg. 54: objections answered within 3 days
    procedure_report_within: Period = _15D  # Law 47: written report within 15 days of the award
    contract_period: Period = Period(count=30, unit=_DAYS)  # Law 46: contract within 30 days
    # Reg. 57: bonds refunded "with the bank's deposit interest of the same period": the
    # annual rate in basis points (35 = 0.35 %, the PBoC demand-deposit benchmark rate).
    bond_interest_basis_points: int = 35
    # DOMAIN.md "Records": one file per project within 30 days of the end; it is made
    # once the complaint window has passed (Reg. 60: 10 days of knowing), so a
    # complaint's records are in it. Calendar days or exact units only.
    archive_after: Period = _15D
    archive_within: Period = Period(count=30, unit=_DAYS)

    def threshold_fen(self, category: str) -> int:
        """The mandatory-tender threshold of a category (works, goods, services), in fen."""
        threshold: int = getattr(self, f"threshold_{category}_fen")
        return threshold

    def to_json(self) -> dict[str, Any]:
        """The snapshot logged at publication: periods as text, the rest as is."""
        return {
            f.name: str(value) if isinstance(value := getattr(self, f.name), Period) else value
            for f in dataclasses.fields(self)
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Policies:
        """A snapshot back into policies (unknown keys are refused)."""
        return cls().with_values({key: str(value) for key, value in data.items()})

    def with_values(self, values: Mapping[str, str]) -> Policies:
        """These policies with some values replaced, each parsed by its field's type."""
        fields = {f.name: f for f in dataclasses.fields(self)}
        changes: dict[str, object] = {}
        for name, raw in values.items():
            if name not in fields:
                raise PolicyInvalid(f"unknown tender policy {name!r}")
            changes[name] = _parse_value(name, getattr(self, name), raw)
        return _checked(dataclasses.replace(self, **changes))  # type: ignore[arg-type]


def _parse_value(name: str, current: object, raw: str) -> object:
    if isinstance(current, Period):
        return Period.parse(raw)
    if isinstance(current, bool):
        if raw.lower() not in ("true", "false", "1", "0"):
            raise PolicyInvalid(f"policy {name} is true or false, got {raw!r}")
        return raw.lower() in ("true", "1")
    if isinstance(current, int):
        if not raw.isdigit():
            raise PolicyInvalid(f"policy {name} is a whole number, got {raw!r}")
        return int(raw)
    if not _CENTRE.fullmatch(raw):
        raise PolicyInvalid(f"policy {name} is 2–8 capital letters, got {raw!r}")
    return raw


def _checked(policies: Policies) -> Policies:
    if policies.decryption_minutes_min > policies.decryption_minutes_max:
        raise PolicyInvalid("decryption_minutes_min is above decryption_minutes_max")
    if PeriodUnit.WORKING_DAYS in (policies.archive_after.unit, policies.archive_within.unit):
        raise PolicyInvalid("archive_after and archive_within are calendar days or exact")
    if policies.committee_min_organisations < 1 or policies.bond_max_basis_points > 10_000:
        raise PolicyInvalid("committee_min_organisations ≥ 1 and bond_max_basis_points ≤ 10000")
    if policies.bond_interest_basis_points > 10_000:
        raise PolicyInvalid("bond_interest_basis_points ≤ 10000 (100 % a year)")
    return policies


def platform_policies(overrides: Mapping[str, str]) -> Policies:
    """The defaults with the ``tender_*`` settings overrides applied (others ignored)."""
    mine = {
        key.removeprefix(OVERRIDE_PREFIX): value
        for key, value in overrides.items()
        if key.startswith(OVERRIDE_PREFIX) and key != JOB_INTERVAL_KEY
    }
    return Policies().with_values(mine)


# --- upload caps (issue 9, item 9; docs/formats/upload.md §2.5) --------------------------
# Platform limits against one bidder filling the disk, not rules of a tender: they are
# not part of a tender's snapshot. Settings ``ETENDER_POLICY_UPLOAD_OPEN_PER_LOT`` and
# ``ETENDER_POLICY_UPLOAD_STAGED_BYTES`` override the defaults.
UPLOAD_OPEN_PER_LOT_KEY = "upload_open_per_lot"
UPLOAD_STAGED_BYTES_KEY = "upload_staged_bytes"
# Two envelopes (technical, commercial), each with one retry open beside it.
DEFAULT_OPEN_UPLOADS_PER_LOT = 4
# An honest two-envelope bidder stages at most two parts at once (four with a retry of
# each): four largest parts never block it, whatever ETENDER_MAX_PART_BYTES is.
STAGED_PARTS_ALLOWANCE = 4


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class UploadLimits:
    """How much one bidding organisation may hold in uploads not (yet) in a bid."""

    open_per_lot: int = DEFAULT_OPEN_UPLOADS_PER_LOT  # open uploads per organisation and lot
    staged_bytes: int = STAGED_PARTS_ALLOWANCE << 30  # per organisation, every tender


DEFAULT_UPLOAD_LIMITS = UploadLimits()


def upload_limits(overrides: Mapping[str, str], *, max_part_bytes: int) -> UploadLimits:
    """The caps from the settings' policy overrides (defaults scale with the part limit)."""
    limits = UploadLimits(staged_bytes=STAGED_PARTS_ALLOWANCE * max_part_bytes)
    values: dict[str, int] = {}
    for key, field in ((UPLOAD_OPEN_PER_LOT_KEY, "open_per_lot"),
                       (UPLOAD_STAGED_BYTES_KEY, "staged_bytes")):  # fmt: skip
        raw = overrides.get(key, "")
        if not raw:
            continue
        if not raw.isdigit() or int(raw) < 1:
            raise PolicyInvalid(f"policy {key} is a whole number ≥ 1, got {raw!r}")
        values[field] = int(raw)
    return dataclasses.replace(limits, **values)
