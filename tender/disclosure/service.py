"""Disclosure use cases: a published tender's public facts as of now, its OCDS release
and record packages, and the feed of every release of every tender.

Everything is read-only and built from the facts as public at ``now`` (the web layer
passes the database clock): the pages, the JSON API and the OCDS data all come from
:func:`load_disclosure`, so they cannot disagree about what is public (DOMAIN.md,
"Results and disclosure": the same text everywhere).
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from accounts.organisations import service as organisations
from tender.contracts import performance as work
from tender.disclosure import queries
from tender.disclosure.contract_facts import facts_from_contract_work
from tender.disclosure.cursor import decode_cursor, encode_cursor, release_code
from tender.disclosure.errors import FeedCursorInvalid
from tender.disclosure.facts import (
    CandidatesFact,
    ContractFacts,
    Disclosure,
    Listed,
    MethodFact,
    OpenedBid,
    OpeningFact,
    Organisation,
    QualificationFact,
)
from tender.disclosure.ocds import Site
from tender.disclosure.ocds_packages import package, release, release_id, stages
from tender.documents import queries as document_queries
from tender.errors import TenderNotFound
from tender.lifecycle import load
from tender.notices import service as notices

ContractLoader = Callable[[asyncpg.Connection, UUID], Awaitable[ContractFacts]]
# Issue 18: a procurement project's method (procurement/ sits above tender/, so the
# composition root hands its lookup in: web/services.py, Services.method_facts).
MethodLoader = Callable[[asyncpg.Connection, UUID], Awaitable[MethodFact | None]]


async def tendering(conn: asyncpg.Connection, tender_id: UUID) -> MethodFact | None:
    """No method fact: the tender's procedure states how it buys."""
    return None


FEED_MAX = 100


async def load_contracts(conn: asyncpg.Connection, tender_id: UUID) -> ContractFacts:
    """The tender's contracts, their changes, milestones and payments: the contract
    work's records (tender/contracts/performance.py) as the disclosure's facts."""
    return facts_from_contract_work(
        await work.contracts(conn, tender_id),
        await work.changes(conn, tender_id),
        await work.performance(conn, tender_id),
    )


def _opened_bid(
    entry: dict[str, Any],
    lot: str,
    frozen: dict[tuple[str, str], tuple[UUID, UUID, str]],
    members: dict[str, tuple[UUID, str]],
) -> OpenedBid:
    bid_id, bidder_id, name = frozen[(lot, entry["bidder"])]
    price = entry["fields"].get("price")
    return OpenedBid(
        bid_id=bid_id,
        bidder=Organisation(id=bidder_id, name=name, credit_code=entry["bidder"]),
        members=tuple(
            Organisation(id=members[c][0], name=members[c][1], credit_code=c)
            for c in entry["consortium"]
            if c in members
        ),
        received_at=datetime.fromisoformat(entry["received_at"]),
        opened=entry["outcome"] == "opened",
        price_fen=price if isinstance(price, int) else None,
    )


async def _openings(conn: asyncpg.Connection, tender_id: UUID, now: datetime) -> list[OpeningFact]:
    records = await queries.opening_records(conn, tender_id, now)
    if not records:
        return []
    frozen = await queries.frozen_bids(conn, tender_id)
    codes = sorted({c for _, _, r, _ in records for e in r["entries"] for c in e["consortium"]})
    members = await queries.organisations_by_code(conn, codes) if codes else {}
    return [
        OpeningFact(
            lot=lot,
            part=part,
            published_at=at,
            bids=tuple(_opened_bid(e, lot, frozen, members) for e in record["entries"]),
            not_opened_reason=record.get("not_opened_reason"),
        )
        for lot, part, record, at in records
    ]


def _qualification(lot: str, text: str | None) -> QualificationFact | None:
    if text is None:
        return None
    verdicts = json.loads(text)["bids"]
    return QualificationFact(
        lot=lot,
        passed=frozenset(UUID(v["bid"]) for v in verdicts if v["passed"]),
        rejected={UUID(v["bid"]): tuple(v["reasons"]) for v in verdicts if not v["passed"]},
    )


async def _candidates(
    conn: asyncpg.Connection, tender_id: UUID, now: datetime
) -> list[CandidatesFact]:
    return [
        CandidatesFact(
            lot=r["lot"],
            published_at=r["published_at"],
            ends_at=r["ends_at"],
            candidates=tuple(UUID(b) for b in json.loads(r["candidates"] or "[]")),
            qualification=_qualification(r["lot"], r["qualification"]),
        )
        for r in await queries.publicities(conn, tender_id, now)
    ]


async def load_disclosure(
    conn: asyncpg.Connection,
    tender_id: UUID,
    now: datetime,
    *,
    contracts: ContractLoader = load_contracts,
    methods: MethodLoader = tendering,
) -> Disclosure:
    """Every fact of the tender that is public at ``now`` (a draft: tender_not_found)."""
    tender = await load(conn, tender_id)
    if not tender.is_public or tender.published_at is None or tender.published_at > now:
        raise TenderNotFound("no tender has this id")
    ids = {tender.agency_id, tender.content.tenderer_id, tender.content.department_id}
    names = {i: (await organisations.get_organisation(conn, i)).name for i in ids}
    found = Disclosure(
        tender=tender,
        parties=names,
        documents=await document_queries.versions(conn, tender_id, include_staged=False),
        clarifications=await notices.list_clarifications(conn, tender_id),
        openings=await _openings(conn, tender_id, now),
        candidates=await _candidates(conn, tender_id, now),
        awards=await queries.award_decisions(conn, tender_id, now),
        closure=await queries.closure(conn, tender_id, now),
        contracts=await contracts(conn, tender_id),
        method=await methods(conn, tender_id),
    )
    return found.as_of(now)


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class FeedPage:
    """One page of the feed: a release package and the position after its last release
    (where the next page starts, now or once more releases are out)."""

    package: dict[str, Any]
    next_cursor: str


# Releases of the centre's other transaction types (listings: listing/feed.py), given by
# the composition root: each as ((date, release id), release), every one out by ``now``.
# The feed interleaves them with the tenders' in (date, id) order; tender/ imports none
# of those packages (tests/test_layering.py).
FeedKey = tuple[datetime, str]
MoreReleases = Callable[
    [asyncpg.Connection, datetime], Awaitable[list[tuple[FeedKey, dict[str, Any]]]]
]


def _given(built: dict[str, Any]) -> dict[str, Any]:
    return built


async def _require_release(
    conn: asyncpg.Connection,
    after: FeedKey,
    now: datetime,
    contracts: ContractLoader,
    methods: MethodLoader,
) -> None:
    """A cursor names a release the feed served: its tender's, at that date (a made-up
    id or date, even well spelled, is refused: docs/open-data.md, "The feed")."""
    code = release_code(after[1])
    found = None if code is None else await queries.public_tender_by_code(conn, code, now)
    if found is not None:
        d = await load_disclosure(conn, found, now, contracts=contracts, methods=methods)
        if after in {(stage.date, release_id(d, stage)) for stage in stages(d)}:
            return
    raise FeedCursorInvalid(
        "the cursor is not one this server issued: start again without it",
        details={"param": "cursor"},
    )


async def feed_page(
    conn: asyncpg.Connection,
    now: datetime,
    site: Site,
    *,
    cursor: str | None,
    limit: int,
    contracts: ContractLoader = load_contracts,
    methods: MethodLoader = tendering,
    more: MoreReleases | None = None,
) -> FeedPage | None:
    """The releases after ``cursor`` in (date, id) order, at most ``limit`` (None: none)."""
    after = decode_cursor(cursor) if cursor else None
    others = await more(conn, now) if more is not None else []
    if after is not None and after not in {key for key, _ in others}:
        await _require_release(conn, after, now, contracts, methods)
    keyed: list[tuple[FeedKey, Callable[[], dict[str, Any]]]] = [
        (key, functools.partial(_given, r)) for key, r in others if after is None or key > after
    ]
    candidates = (
        await queries.public_tenders(conn, now)
        if after is None
        else await queries.active_since(conn, after[0], now)
    )
    for tender_id in candidates:
        d = await load_disclosure(conn, tender_id, now, contracts=contracts, methods=methods)
        for stage in stages(d):
            key = (stage.date, release_id(d, stage))
            if after is None or key > after:
                keyed.append((key, functools.partial(release, d, stage, site)))
    keyed.sort(key=lambda k: k[0])
    page = keyed[:limit]
    if not page:
        return None
    releases = [build() for _, build in page]
    return FeedPage(
        package=package(f"{site.base_url}/api/v1/ocds/releases", releases, site),
        next_cursor=encode_cursor(*page[-1][0]),
    )


async def home_lists(
    conn: asyncpg.Connection, now: datetime, limit: int = 10
) -> tuple[list[Listed], list[Listed]]:
    """The public home page's current notices and recent results."""
    return (
        await queries.current_notices(conn, now, limit),
        await queries.recent_results(conn, now, limit),
    )
