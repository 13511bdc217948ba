"""Competitive negotiation's rounds and award (no I/O; Decree 74 Art. 7, 31-35).

- The group (Art. 7): 3 or more members, an odd number, experts at least 2/3 (policy).
- Rounds (Art. 31-32): the group negotiates with each supplier in turn; each round's
  quotations are sealed until it closes: the log holds each one's salted commitment
  (docs/audit-log.md §1.2) when it is given and the price and salt when the round
  closes, so nobody — the agency included — reads another's price before then, and
  nobody changes one afterwards.
- The final round (Art. 33): final quotations; nothing is negotiated after it.
- The award (Art. 35): the lowest final quotation of a supplier not found
  non-compliant; equal prices go to the quotation committed first (the log's order).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from datetime import datetime
from uuid import UUID

from procurement.errors import GroupInvalid
from procurement.model import Group
from procurement.negotiation.errors import NoCompliantQuotation, TooFewCompliant
from procurement.policy import ProcurementPolicies


def check_group(group: Group | None, policies: ProcurementPolicies) -> GroupInvalid | None:
    """Art. 7: the group's make-up, or the rule it breaks."""
    if group is None:
        return GroupInvalid("competitive negotiation states its negotiating group")
    n, d = policies.group_expert_numerator, policies.group_expert_denominator
    if group.members < policies.group_min_members or group.members % 2 == 0:
        return GroupInvalid(
            f"a negotiating group has an odd number of members, at least "
            f"{policies.group_min_members}: {group.members}"
        )
    if group.experts * d < group.members * n:
        return GroupInvalid(f"experts are at least {n}/{d} of the group: {group.experts}")
    return None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Round:
    """A round of negotiation; ``final``: the round of final quotations."""

    number: int
    final: bool
    opened_at: datetime
    closed_at: datetime | None

    @property
    def is_open(self) -> bool:
        """Whether quotations are still taken."""
        return self.closed_at is None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Quotation:
    """One supplier's quotation in one round (sealed until the round closes)."""

    round: int
    supplier_id: UUID
    price_fen: int
    salt: bytes
    submitted_at: datetime


def lowest_compliant(finals: Sequence[Quotation], excluded: Collection[UUID]) -> Quotation:
    """Art. 35: the lowest final quotation of a compliant supplier; equal prices, the first."""
    compliant = [q for q in finals if q.supplier_id not in excluded]
    if not compliant:
        raise NoCompliantQuotation("no compliant supplier gave a final quotation")
    return min(compliant, key=lambda q: (q.price_fen, q.submitted_at))


def require_enough(count: int, least: int, *, what: str) -> None:
    """MOF Decree 74 Art. 37 (3): when fewer than 3 (the policy's ``min_suppliers``)
    suppliers meet the competition's requirements, or quote within the budget, the
    agency ends the negotiation and procures anew. Art. 27 para. 2 lets a failed
    public tender of goods or services negotiate with two, with the finance
    department's approval, and 财库〔2015〕124号 lets some projects go on with two: the
    platform records no such approval, so it takes the safer reading — never fewer."""
    if count < least:
        raise TooFewCompliant(
            f"{what}: {count}, fewer than {least} (Decree 74 Art. 37): end the "
            "negotiation (cancel the tender with the reason) and procure anew",
            details={"count": count, "least": least},
        )


def within_budget(
    finals: Sequence[Quotation], excluded: Collection[UUID], budget_fen: int
) -> list[Quotation]:
    """The final quotations of compliant suppliers at or under the budget (Art. 37 (3))."""
    return [q for q in finals if q.supplier_id not in excluded and q.price_fen <= budget_fen]


def visible(
    quotations: Sequence[Quotation],
    rounds: Sequence[Round],
    *,
    everything_closed: bool,
    own: Collection[UUID],
) -> list[Quotation]:
    """What a reader sees: its own suppliers' quotations, and — for the agency and the
    overseers (``everything_closed``) — every quotation of a closed round. An open
    round's quotations stay sealed to all but their supplier."""
    closed = {r.number for r in rounds if not r.is_open}
    return [
        q for q in quotations if q.supplier_id in own or (everything_closed and q.round in closed)
    ]
