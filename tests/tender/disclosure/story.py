"""One tender's public facts from notice to performance, at fixed moments (no database).

The moments follow the rules' order: notice (NOW), an amendment, the opening record,
the candidates' publicity with the qualification results, the award, the contract, a
milestone and a payment. ``STORY.as_of(t)`` is what was public at ``t``.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from tender.disclosure.facts import (
    AwardFact,
    CandidatesFact,
    ContractChangeFact,
    ContractFact,
    ContractFacts,
    Disclosure,
    MilestoneFact,
    OpenedBid,
    OpeningFact,
    Organisation,
    QualificationFact,
    TransactionFact,
)
from tender.disclosure.ocds import Site
from tender.documents.model import DocumentVersion
from tender.model import TenderStatus
from tender.notices.model import Clarification, ClarificationKind
from tests.tender.kit import AGENCY_ID, DEPARTMENT_ID, NOW, TENDERER_ID, a_tender, cst

CODE = "XC-2026-GC-000007"
SITE = Site(base_url="https://ggzy.example", publisher="宣城市公共资源交易中心")

AMENDED = cst(2026, 3, 20, 10)
OPENED = cst(2026, 4, 7, 11)
PUBLICISED = cst(2026, 4, 20, 9)
AWARDED = cst(2026, 4, 24, 9)
CONTRACTED = cst(2026, 5, 10, 9)
MILESTONE = cst(2026, 7, 1, 9)
PAID = cst(2026, 7, 5, 9)
MOMENTS = (NOW, AMENDED, OPENED, PUBLICISED, AWARDED, CONTRACTED, MILESTONE, PAID)


def _org(n: int, name: str) -> Organisation:
    return Organisation(id=UUID(int=0xE000 + n), name=name, credit_code=f"91341800MA2TE000{n}X")


BIDDERS = (_org(1, "甲建设有限公司"), _org(2, "乙建设有限公司"), _org(3, "丙建设有限公司"))
BIDS = tuple(UUID(int=0xB000 + n) for n in (1, 2, 3, 4))
LATE = _org(4, "丁建设有限公司")  # its bid failed to decrypt
CONTRACT = UUID(int=0xC0)

DOCUMENT = DocumentVersion(
    id=UUID(int=0xD1),
    document_id=UUID(int=0xD0),
    name="招标文件.pdf",
    version=1,
    sha256="a" * 64,
    size=10,
    media_type="application/pdf",
    uploaded_at=NOW,
    published_at=NOW,
    clarification_id=None,
)
AMENDMENT = Clarification(
    id=UUID(int=0xA1),
    tender_id=UUID(int=1),
    number=1,
    kind=ClarificationKind.AMENDMENT,
    title="第1号修改",
    body="截止时间顺延",
    issued_at=AMENDED,
    issued_by=UUID(int=0xA2),
    deadline_before=cst(2026, 3, 31, 9, 30),
    deadline_after=cst(2026, 4, 7, 9, 30),
)


def _bid(n: int, price: int | None) -> OpenedBid:
    bidder = BIDDERS[n] if n < 3 else LATE
    return OpenedBid(
        bid_id=BIDS[n],
        bidder=bidder,
        received_at=cst(2026, 4, 1, 10 + n),
        opened=price is not None,
        price_fen=price,
    )


OPENING = OpeningFact(
    lot="1",
    part="main",
    published_at=OPENED,
    bids=(_bid(0, 450_000_000), _bid(1, 455_000_000), _bid(2, 470_000_000), _bid(3, None)),
)
CANDIDATES = CandidatesFact(
    lot="1",
    published_at=PUBLICISED,
    ends_at=PUBLICISED + dt.timedelta(days=3),
    candidates=BIDS[:3],
    qualification=QualificationFact(
        lot="1", passed=frozenset(BIDS[:3]), rejected={BIDS[3]: ("no_signature",)}
    ),
)
AWARD = AwardFact(
    lot="1",
    step=1,
    kind="award",
    bid_id=BIDS[0],
    bidder_id=BIDDERS[0].id,
    rank=1,
    price_fen=450_000_000,
    reason="排名第一的中标候选人",
    decided_at=AWARDED,
)
CONTRACTS = ContractFacts(
    contracts=(
        ContractFact(
            id=CONTRACT,
            lot="1",
            bid_id=BIDS[0],
            supplier_id=BIDDERS[0].id,
            title="城南道路改造工程施工合同",
            value_fen=450_000_000,
            signed_at=CONTRACTED - dt.timedelta(days=1),
            starts=cst(2026, 5, 15),
            ends=cst(2026, 12, 31),
            recorded_at=CONTRACTED,
            changes=(
                ContractChangeFact(
                    number=1, description="工期节点调整", rationale="雨季", recorded_at=MILESTONE
                ),
            ),
        ),
    ),
    milestones=(
        MilestoneFact(
            id=UUID(int=0xF1),
            contract_id=CONTRACT,
            title="路基完成",
            due=cst(2026, 7, 1),
            status="met",
            met_at=MILESTONE,
            recorded_at=MILESTONE,
        ),
    ),
    transactions=(
        TransactionFact(
            id=UUID(int=0xF2),
            contract_id=CONTRACT,
            amount_fen=90_000_000,
            paid_at=PAID,
            recorded_at=PAID,
        ),
    ),
)
PARTIES = {AGENCY_ID: "代理", TENDERER_ID: "招标人", DEPARTMENT_ID: "住建局"}


def story(**changes: object) -> Disclosure:
    """The whole story as facts (change a stage with keyword arguments)."""
    tender = a_tender(code=CODE, status=TenderStatus.PERFORMANCE, published_at=NOW)
    values: dict[str, object] = {
        "tender": tender,
        "parties": PARTIES,
        "documents": [DOCUMENT],
        "clarifications": [AMENDMENT],
        "openings": [OPENING],
        "candidates": [CANDIDATES],
        "awards": [AWARD],
        "contracts": CONTRACTS,
    }
    return Disclosure(**(values | changes))  # type: ignore[arg-type]
