"""The expert pool's policy as data: every number of DOMAIN.md in one document.

DOMAIN.md: "Every number here is a policy default: the platform keeps policies as
data". The platform stores overrides (table ``expert_pool_policy``) and a draw
snapshots the merged policy when it is requested, so later changes never alter a draw
in flight. Tests shorten periods by overriding, never by faking clocks.

JSON shape (every member optional in an override; unknown members are refused)::

    {"draw": {"min_pool_ratio": 3, "round_cap": 3, "min_entropy_hex": 32},
     "exclusion": {"age_limit": 70, "min_years": 8, "cool_off_days": 30, "monthly_cap": 4},
     "committee": {"min_members": 5, "expert_share_num": 2, "expert_share_den": 3},
     "assessment": {"deductions": {"late": 10, …}, "late_grace_minutes": 15,
                    "report_points": 8, "suspend_late_count": 3, "suspend_absent_count": 2,
                    "min_attendance_num": 1, "min_attendance_den": 3},
     "confirm_seconds": 3600, "sign_in_opens_minutes": 60,
     "public_after_award": true, "channels": ["log"], "commit_witnesses": []}

``commit_witnesses`` names the log witnesses (as registered, ``etender witness``) whose
cosignature the checkpoint covering a draw's commit must carry before any entropy is
taken (issue 9, item 2); empty: the log's own signature suffices.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from expert_pool.errors import PolicyInvalid
from signing.draw.rules import DEFAULT_POLICY, DrawPolicy

# --- the policy types of the features (kept here, below them: every feature reads
# its numbers from the one policy document, and the core imports no feature) ---


@dataclass(frozen=True, kw_only=True, slots=True)
class CommitteePolicy:
    """Minimum size and expert share (as a fraction num/den) of a committee."""

    min_members: int = 5
    expert_share_num: int = 2
    expert_share_den: int = 3

    def __post_init__(self) -> None:
        if self.min_members < 1 or not 0 < self.expert_share_num <= self.expert_share_den:
            raise PolicyInvalid("min_members >= 1 and an expert share in (0, 1]")


DEFAULT_COMMITTEE_POLICY = CommitteePolicy()


@dataclass(frozen=True, kw_only=True, slots=True)
class ExclusionPolicy:
    """The numbers of the exclusion rules (DOMAIN.md: configurable policy data)."""

    age_limit: int = 70  # 65 or 70 by province; excluded from that birthday on
    min_years: int = 8  # years of practice in the field
    cool_off_days: int = 30  # N: no second service for the same tenderer within N days
    monthly_cap: int = 4  # M: at most M services in one calendar month

    def __post_init__(self) -> None:
        if not 18 <= self.age_limit <= 100 or self.min_years < 0:
            raise PolicyInvalid("age_limit must be 18..100 and min_years >= 0")
        if self.cool_off_days < 0 or self.monthly_cap < 1:
            raise PolicyInvalid("cool_off_days must be >= 0 and monthly_cap >= 1")


class Offence(enum.StrEnum):
    """An attendance or conduct incident that costs points."""

    LATE = "late"  # more than the grace period late
    UNABLE_TO_OPERATE = "unable_to_operate"  # cannot use electronic evaluation
    ABSENT = "absent"
    LEFT_EARLY = "left_early"
    HID_CONFLICT = "hid_conflict"  # did not declare a ground for recusal


def _default_points() -> Mapping[Offence, int]:
    return MappingProxyType(
        {
            Offence.LATE: 10,
            Offence.UNABLE_TO_OPERATE: 10,
            Offence.ABSENT: 20,
            Offence.LEFT_EARLY: 30,
            Offence.HID_CONFLICT: 50,
        }
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class DeductionTable:
    """Points deducted per offence, and how late counts as late."""

    points: Mapping[Offence, int] = field(default_factory=_default_points)
    late_grace_minutes: int = 15

    def __post_init__(self) -> None:
        if set(self.points) != set(Offence) or any(p < 0 for p in self.points.values()):
            raise PolicyInvalid("the deduction table gives every offence points >= 0")
        if self.late_grace_minutes < 0:
            raise PolicyInvalid("late_grace_minutes must be >= 0")


@dataclass(frozen=True, kw_only=True, slots=True)
class AssessmentPolicy:
    """Thresholds of the yearly sanctions (configurable, DOMAIN.md)."""

    deductions: DeductionTable = field(default_factory=DeductionTable)
    report_points: int = 8
    suspend_late_count: int = 3
    suspend_absent_count: int = 2
    min_attendance_num: int = 1  # attended / accepted must be >= num / den
    min_attendance_den: int = 3

    def __post_init__(self) -> None:
        if self.report_points < 1 or self.suspend_late_count < 1 or self.suspend_absent_count < 1:
            raise PolicyInvalid("sanction thresholds must be >= 1")
        if (
            self.min_attendance_den < 1
            or not 0 <= self.min_attendance_num <= self.min_attendance_den
        ):
            raise PolicyInvalid("the attendance ratio must be a fraction in [0, 1]")


_CHANNEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


@dataclass(frozen=True, kw_only=True, slots=True)
class PoolPolicy:
    """Every policy number of the expert pool (DOMAIN.md, configurable defaults)."""

    draw: DrawPolicy = DEFAULT_POLICY
    exclusion: ExclusionPolicy = field(default_factory=ExclusionPolicy)
    committee: CommitteePolicy = DEFAULT_COMMITTEE_POLICY
    assessment: AssessmentPolicy = field(default_factory=AssessmentPolicy)
    confirm_seconds: int = 3600  # "experts confirm (commonly within 60 min)"
    sign_in_opens_minutes: int = 60  # sign-in opens this long before the session
    public_after_award: bool = True  # the committee list is published after the award
    channels: tuple[str, ...] = ("log",)
    commit_witnesses: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 1 <= self.confirm_seconds <= 7 * 24 * 3600:
            raise PolicyInvalid("confirm_seconds must be 1 second to 7 days")
        if not 0 <= self.sign_in_opens_minutes <= 24 * 60:
            raise PolicyInvalid("sign_in_opens_minutes must be 0 to 1440")
        if not self.channels or any(not c or set(c) - _CHANNEL_CHARS for c in self.channels):
            raise PolicyInvalid("channels is a non-empty list of channel names")
        if any(not 1 <= len(w) <= 255 for w in self.commit_witnesses):
            raise PolicyInvalid("commit_witnesses is a list of witness names")

    def to_json(self) -> dict[str, Any]:
        """The whole policy as JSON-ready data."""
        assessment = self.assessment
        table = assessment.deductions
        return {
            "draw": dataclasses.asdict(self.draw),
            "exclusion": dataclasses.asdict(self.exclusion),
            "committee": dataclasses.asdict(self.committee),
            "assessment": {
                "deductions": {str(o): table.points[o] for o in Offence},
                "late_grace_minutes": table.late_grace_minutes,
                "report_points": assessment.report_points,
                "suspend_late_count": assessment.suspend_late_count,
                "suspend_absent_count": assessment.suspend_absent_count,
                "min_attendance_num": assessment.min_attendance_num,
                "min_attendance_den": assessment.min_attendance_den,
            },
            "confirm_seconds": self.confirm_seconds,
            "sign_in_opens_minutes": self.sign_in_opens_minutes,
            "public_after_award": self.public_after_award,
            "channels": list(self.channels),
            "commit_witnesses": list(self.commit_witnesses),
        }


DEFAULT_POOL_POLICY = PoolPolicy()


def _merge(base: Mapping[str, Any], override: Mapping[str, Any], where: str) -> dict[str, Any]:
    """Deep-merge an override onto the defaults; unknown members are refused."""
    merged = dict(base)
    for key, value in override.items():
        if key not in base:
            raise PolicyInvalid(f"unknown policy member {where}{key}")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise PolicyInvalid(f"policy member {where}{key} must be an object")
            merged[key] = _merge(base[key], value, f"{where}{key}.")
        else:
            merged[key] = value
    return merged


def _ints(section: Mapping[str, Any], where: str) -> dict[str, int]:
    for key, value in section.items():
        if type(value) is not int:
            raise PolicyInvalid(f"policy member {where}.{key} must be an integer")
    return dict(section)


def _assessment(doc: Mapping[str, Any]) -> AssessmentPolicy:
    points = _ints(doc["deductions"], "assessment.deductions")
    rest = _ints({k: v for k, v in doc.items() if k != "deductions"}, "assessment")
    table = DeductionTable(
        points=MappingProxyType({Offence(k): v for k, v in points.items()}),
        late_grace_minutes=rest.pop("late_grace_minutes"),
    )
    return AssessmentPolicy(deductions=table, **rest)


def _names(value: Any, member: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        raise PolicyInvalid(f"policy member {member} must be a list of names")
    return tuple(value)


def policy_from_json(override: Any) -> PoolPolicy:
    """The defaults with an override document merged in; PolicyInvalid if malformed."""
    if not isinstance(override, dict):
        raise PolicyInvalid("a policy document is a JSON object")
    doc = _merge(DEFAULT_POOL_POLICY.to_json(), override, "")
    public = doc["public_after_award"]
    if not isinstance(public, bool):
        raise PolicyInvalid("policy member public_after_award must be true or false")
    for key in ("confirm_seconds", "sign_in_opens_minutes"):
        _ints({key: doc[key]}, "policy")
    try:
        return PoolPolicy(
            draw=DrawPolicy(**_ints(doc["draw"], "draw")),
            exclusion=ExclusionPolicy(**_ints(doc["exclusion"], "exclusion")),
            committee=CommitteePolicy(**_ints(doc["committee"], "committee")),
            assessment=_assessment(doc["assessment"]),
            confirm_seconds=doc["confirm_seconds"],
            sign_in_opens_minutes=doc["sign_in_opens_minutes"],
            public_after_award=public,
            channels=_names(doc["channels"], "channels"),
            commit_witnesses=_names(doc["commit_witnesses"], "commit_witnesses"),
        )
    except (TypeError, ValueError) as exc:
        raise PolicyInvalid(f"policy document is invalid: {exc}") from None
