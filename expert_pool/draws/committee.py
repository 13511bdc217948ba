"""Composition of an evaluation committee (评标委员会).

Law 37 (招标投标法第三十七条), DOMAIN.md "Expert pool and draws": the committee has at
least five members, an odd number of them, and drawn experts make up at least two
thirds; the tenderer may seat its own representatives in the rest. The numbers are
policy data (`CommitteePolicy`), the defaults are the statutory ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from expert_pool.errors import CommitteeCompositionInvalid
from expert_pool.policy import DEFAULT_COMMITTEE_POLICY, CommitteePolicy


@dataclass(frozen=True, kw_only=True, slots=True)
class Composition:
    """How many drawn experts and tenderer representatives sit on a committee."""

    experts: int
    representatives: int = 0

    @property
    def members(self) -> int:
        """Total number of members."""
        return self.experts + self.representatives


def composition_problems(
    composition: Composition, policy: CommitteePolicy = DEFAULT_COMMITTEE_POLICY
) -> list[str]:
    """Every rule the composition breaks, as sentences; empty when it is valid."""
    problems: list[str] = []
    experts, members = composition.experts, composition.members
    if experts < 0 or composition.representatives < 0:
        return ["member counts cannot be negative"]
    if members < policy.min_members:
        problems.append(f"{members} members; at least {policy.min_members} are required")
    if members % 2 == 0:
        problems.append(f"{members} members; the number of members must be odd")
    # Integer arithmetic: experts / members >= num / den, without rounding.
    if experts * policy.expert_share_den < members * policy.expert_share_num:
        share = f"{policy.expert_share_num}/{policy.expert_share_den}"
        problems.append(f"{experts} experts of {members} members; experts must be >= {share}")
    return problems


def check_committee(
    composition: Composition, policy: CommitteePolicy = DEFAULT_COMMITTEE_POLICY
) -> Composition:
    """Return the composition if valid, else raise CommitteeCompositionInvalid."""
    problems = composition_problems(composition, policy)
    if problems:
        raise CommitteeCompositionInvalid("; ".join(problems))
    return composition


def max_representatives(members: int, policy: CommitteePolicy = DEFAULT_COMMITTEE_POLICY) -> int:
    """The most tenderer representatives a committee of `members` may seat."""
    min_experts = -(-members * policy.expert_share_num // policy.expert_share_den)
    return max(0, members - min_experts)
