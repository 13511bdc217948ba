"""The contract work's records become the disclosure's facts, and their releases validate
(records shaped like tender/contracts/model.py's, built here: that work is not merged)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from uuid import UUID

from tender.disclosure.contract_facts import day_start, facts_from_contract_work
from tender.disclosure.ocds_packages import record_package, release_package
from tests.tender.disclosure import ocds_schema
from tests.tender.disclosure.story import BIDDERS, BIDS, CONTRACTED, MOMENTS, SITE, story
from tests.tender.kit import cst


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Contract:
    id: UUID
    lot: str
    bid_id: UUID
    supplier_id: UUID
    price_fen: int
    duration_days: int | None
    scope: str
    signed_on: dt.date
    recorded_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Change:
    contract_id: UUID
    what: str
    description: str
    reason: str
    recorded_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Performance:
    id: UUID
    contract_id: UUID
    kind: str
    title: str
    description: str
    amount_fen: int | None
    occurred_on: dt.date
    recorded_at: dt.datetime


K = UUID(int=0xCC)
CONTRACT = Contract(
    id=K,
    lot="1",
    bid_id=BIDS[0],
    supplier_id=BIDDERS[0].id,
    price_fen=450_000_000,
    duration_days=180,
    scope="城南道路改造",
    signed_on=dt.date(2026, 5, 9),
    recorded_at=CONTRACTED,
)
CHANGE = Change(
    contract_id=K,
    what="duration",
    description="工期顺延10天",
    reason="雨季",
    recorded_at=cst(2026, 6, 1, 9),
)
RECORDS = (
    Performance(
        id=UUID(int=1), contract_id=K, kind="acceptance", title="竣工验收", description="合格",
        amount_fen=None, occurred_on=dt.date(2026, 7, 1), recorded_at=cst(2026, 7, 2, 9),
    ),
    Performance(
        id=UUID(int=2), contract_id=K, kind="payment", title="进度款", description="第一期",
        amount_fen=90_000_000, occurred_on=dt.date(2026, 7, 5), recorded_at=cst(2026, 7, 6, 9),
    ),
    Performance(
        id=UUID(int=3), contract_id=K, kind="change", title="项目经理变更", description="经批准",
        amount_fen=None, occurred_on=dt.date(2026, 7, 7), recorded_at=cst(2026, 7, 8, 9),
    ),
)  # fmt: skip


def test_the_contract_work_s_records_become_facts() -> None:
    """Signing day → Beijing midnight; duration → period; changes numbered in order;
    an acceptance is a met milestone; a payment a transaction."""
    facts = facts_from_contract_work([CONTRACT], [CHANGE], RECORDS)
    (contract,) = facts.contracts
    assert contract.signed_at == day_start(dt.date(2026, 5, 9))
    assert contract.signed_at == cst(2026, 5, 9)
    assert contract.ends == contract.signed_at + dt.timedelta(days=180)
    assert [(c.number, c.rationale) for c in contract.changes] == [(1, "雨季"), (2, "经批准")]
    (milestone,) = facts.milestones
    assert (milestone.title, milestone.status) == ("竣工验收", "met")
    (payment,) = facts.transactions
    assert payment.amount_fen == 90_000_000


def test_their_releases_validate_and_come_after_the_award() -> None:
    """Contract, amendments, the milestone and the payment: valid OCDS, in date order."""
    d = story(contracts=facts_from_contract_work([CONTRACT], [CHANGE], RECORDS))
    d = d.as_of(MOMENTS[-1] + dt.timedelta(days=30))
    package = release_package(d, SITE)
    ocds_schema.assert_release_package(package)
    ocds_schema.assert_record_package(record_package(d, SITE))
    ids = [r["id"] for r in package["releases"]]
    awarded = next(n for n, i in enumerate(ids) if "-award-" in i)
    tags = [r["tag"][0] for r in package["releases"]]
    assert tags[awarded + 1 :] == [
        "contract",
        "contractAmendment",
        "implementation",
        "implementation",
        "contractAmendment",
    ]
