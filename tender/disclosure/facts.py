"""The facts a tender discloses, stage by stage, and when each becomes public.

DOMAIN.md, "Results and disclosure": notice → clarifications and changes → opening
record → qualification results → candidates → result → contract → performance. Each
fact carries the time it became public; :meth:`Disclosure.as_of` keeps what was public
at a moment, so every page, the API and the OCDS data are built from one filtered set
and nothing can show earlier than its rule allows. Pure: no I/O.

When each stage is public (docs/open-data.md, "Stages"):

- the notice at publication; each clarification or change when issued (Reg. 21);
- a lot's bids, tenderers and prices when its opening record is published (Reg. 44);
- the committee's qualification results (which bids were rejected, and why) with the
  lot's candidates, when their publicity opens (Reg. 54; the publication measures,
  art. 6: the publicity names the rejected bidders and the reasons);
- each award decision (award, drop-out, re-tender) when it is made (Reg. 55);
- a failure or cancellation when the tender's status changes;
- a contract, its changes, milestones and payments when recorded.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime
from uuid import UUID

from tender.documents.model import DocumentVersion
from tender.model import Tender
from tender.notices.model import Clarification


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Organisation:
    """An organisation named in public facts (id, name, unified social credit code)."""

    id: UUID
    name: str
    credit_code: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class OpenedBid:
    """One bid of a published opening record: who, when received, its outcome and price."""

    bid_id: UUID
    bidder: Organisation
    members: tuple[Organisation, ...] = ()  # the other consortium members
    received_at: datetime
    opened: bool  # False: decryption failed (the record names the cause)
    price_fen: int | None = None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class OpeningFact:
    """A lot's published opening record (one per part for two-envelope tenders)."""

    lot: str
    part: str  # main, technical or commercial
    published_at: datetime
    bids: tuple[OpenedBid, ...] = ()
    not_opened_reason: str | None = None  # Reg. 44: too few bids, the lot did not open


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class QualificationFact:
    """The committee's announced qualification verdicts of a lot (Reg. 51)."""

    lot: str
    passed: frozenset[UUID]
    rejected: Mapping[UUID, tuple[str, ...]]  # bid id → the reasons


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class CandidatesFact:
    """A lot's candidates publicity (Reg. 54): bids best first, the period."""

    lot: str
    published_at: datetime
    ends_at: datetime
    candidates: tuple[UUID, ...]  # bid ids, rank 1 first
    qualification: QualificationFact | None = None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class AwardFact:
    """One award decision of a lot (0071 award_decisions; Reg. 55)."""

    lot: str
    step: int
    kind: str  # award, drop_out, retender
    bid_id: UUID | None
    bidder_id: UUID | None
    rank: int | None
    price_fen: int | None
    reason: str
    decided_at: datetime


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ClosureFact:
    """The tender failed or was cancelled, when and why."""

    status: str  # failed or cancelled
    at: datetime
    reason: str


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ContractChangeFact:
    """A recorded change to a contract (Reg. 57: main terms cannot change)."""

    number: int
    description: str
    rationale: str
    recorded_at: datetime


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ContractFact:
    """A signed contract's key terms as recorded and published (Law 46, Reg. 57)."""

    id: UUID
    lot: str
    bid_id: UUID  # the award it implements
    supplier_id: UUID
    title: str
    value_fen: int
    signed_at: datetime
    starts: datetime | None = None
    ends: datetime | None = None
    recorded_at: datetime
    changes: tuple[ContractChangeFact, ...] = ()


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class MilestoneFact:
    """A performance milestone of a contract (acceptance included) and its status."""

    id: UUID
    contract_id: UUID
    title: str
    due: datetime | None
    status: str  # scheduled, met, notMet, partiallyMet (OCDS milestoneStatus)
    met_at: datetime | None
    recorded_at: datetime


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class TransactionFact:
    """A payment made under a contract."""

    id: UUID
    contract_id: UUID
    amount_fen: int
    paid_at: datetime
    recorded_at: datetime


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class MethodFact:
    """How the tender's buyer procures, when not by tendering (issue 18: a procurement
    project's method, handed in by the composition root): the OCDS method code, its
    details and, for a direct award, the rationale."""

    code: str  # OCDS codelist "method": open, selective, limited, direct
    details: str
    rationale: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ContractFacts:
    """What the contract work records for a tender (its loader: service.load_contracts)."""

    contracts: tuple[ContractFact, ...] = ()
    milestones: tuple[MilestoneFact, ...] = ()
    transactions: tuple[TransactionFact, ...] = ()


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Disclosure:
    """Every fact of one published tender, each with the time it became public."""

    tender: Tender
    parties: Mapping[UUID, str]  # agency, tenderer, department (and bidders) → name
    documents: Sequence[DocumentVersion] = ()
    clarifications: Sequence[Clarification] = ()
    openings: Sequence[OpeningFact] = ()
    candidates: Sequence[CandidatesFact] = ()
    awards: Sequence[AwardFact] = ()
    closure: ClosureFact | None = None
    contracts: ContractFacts = ContractFacts()
    method: MethodFact | None = None  # None: tendering, stated by the tender's procedure

    def as_of(self, at: datetime) -> Disclosure:
        """What was public at ``at`` (every stage's rule, in one place)."""
        c = self.contracts
        contracts = tuple(
            dataclasses.replace(x, changes=tuple(y for y in x.changes if y.recorded_at <= at))
            for x in c.contracts
            if x.recorded_at <= at
        )
        return dataclasses.replace(
            self,
            documents=[v for v in self.documents if v.published_at and v.published_at <= at],
            clarifications=[x for x in self.clarifications if x.issued_at <= at],
            openings=[x for x in self.openings if x.published_at <= at],
            candidates=[x for x in self.candidates if x.published_at <= at],
            awards=[x for x in self.awards if x.decided_at <= at],
            closure=self.closure if self.closure and self.closure.at <= at else None,
            contracts=ContractFacts(
                contracts=contracts,
                milestones=tuple(x for x in c.milestones if x.recorded_at <= at),
                transactions=tuple(x for x in c.transactions if x.recorded_at <= at),
            ),
        )

    def lots_opened(self) -> frozenset[str]:
        """The lots whose opening record is public."""
        return frozenset(x.lot for x in self.openings)

    def bids(self) -> dict[UUID, OpenedBid]:
        """Every disclosed bid by id (a commercial record's price completes a technical one)."""
        found: dict[UUID, OpenedBid] = {}
        for opening in self.openings:
            for bid in opening.bids:
                known = found.get(bid.bid_id)
                if known is None or (known.price_fen is None and bid.price_fen is not None):
                    found[bid.bid_id] = bid
        return found


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Listed:
    """A tender on the public home page: a current notice or a recent result."""

    id: UUID
    code: str
    title: str
    at: datetime  # published (a notice), or the result's latest public fact
    stage: str  # notice, candidates, result, failed, cancelled
    deadline: datetime | None = None
