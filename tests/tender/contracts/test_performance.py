"""Changes and performance of a contract (issue 13, items 4-5): recorded and published."""

from __future__ import annotations

import dataclasses
import datetime as dt
from uuid import uuid4

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from tender.contracts import performance, service
from tender.contracts.errors import ContractInputInvalid, ContractNotFound
from tender.contracts.model import ChangeInput, PerformanceInput, PerformanceKind
from tender.errors import TenderNotFound
from tender.lifecycle import load
from tender.model import TenderStatus
from tests.tender.contracts.factory import Awarded, awarded
from tests.tender.contracts.test_service import count, terms
from tests.tender.results.kit import Closed

PAYMENT = PerformanceInput(
    kind=PerformanceKind.PAYMENT,
    title="预付款",
    description="合同价款的 10 %",
    amount_fen=9_000_00,
    occurred_on=dt.date(2026, 3, 10),
)
CHANGE = ChangeInput(
    what="开工日期",
    description="开工日期由 3 月 10 日改为 3 月 20 日",
    reason="场地移交推迟",
    effective_on=dt.date(2026, 3, 8),
)


async def contracted(conn: asyncpg.Connection, closed: Closed) -> Awarded:
    w = await awarded(conn, closed)
    await service.record_contract(
        conn, w.world.agency, w.tender.id, terms(w), setup=w.world.setup()
    )
    return w


async def test_nothing_is_recorded_or_published_before_the_contract(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    w = await awarded(conn, closed)
    with pytest.raises(ContractNotFound):
        await performance.record_performance(conn, w.world.agency, w.tender.id, "1", PAYMENT)
    with pytest.raises(ContractNotFound):
        await performance.record_change(conn, w.world.agency, w.tender.id, "1", CHANGE)
    assert await performance.published(conn, None, w.tender.id) == ([], [], [])
    assert await count(conn, "tender_performance") == 0


async def test_performance_records_are_published_and_the_first_starts_performance(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """CONTRACT → PERFORMANCE at the first record; each is public, amounts in fen."""
    w = await contracted(conn, closed)
    milestone = dataclasses.replace(
        PAYMENT, kind=PerformanceKind.MILESTONE, title="开工", amount_fen=None
    )
    first = await performance.record_performance(conn, w.world.agency, w.tender.id, "1", milestone)
    assert (await load(conn, w.tender.id)).status is TenderStatus.PERFORMANCE
    paid = await performance.record_performance(conn, w.world.agency, w.tender.id, "1", PAYMENT)
    change = await performance.record_change(conn, w.world.agency, w.tender.id, "1", CHANGE)
    contracts, changes, records = await performance.published(conn, None, w.tender.id)
    assert [c.lot for c in contracts] == ["1"]
    assert changes == [change]
    assert {r.id for r in records} == {first.id, paid.id}
    assert paid.amount_fen == 9_000_00
    assert (change.what, change.reason) == (CHANGE.what, CHANGE.reason)


async def test_only_the_agency_records_performance_and_bad_input_writes_nothing(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    w = await contracted(conn, closed)
    world = w.world
    for who in (world.other_agency, world.staff, world.supervisor, world.bidders[0]):
        with pytest.raises(PermissionDenied):
            await performance.record_performance(conn, who, w.tender.id, "1", PAYMENT)
        with pytest.raises(PermissionDenied):
            await performance.record_change(conn, who, w.tender.id, "1", CHANGE)
    for bad in (
        dataclasses.replace(PAYMENT, amount_fen=None),
        dataclasses.replace(PAYMENT, amount_fen=-5),
        dataclasses.replace(PAYMENT, title=""),
    ):
        with pytest.raises(ContractInputInvalid):
            await performance.record_performance(conn, world.agency, w.tender.id, "1", bad)
    with pytest.raises(ContractInputInvalid):
        await performance.record_change(
            conn, world.agency, w.tender.id, "1", dataclasses.replace(CHANGE, reason=" ")
        )
    assert await count(conn, "tender_performance") == 0
    assert await count(conn, "tender_contract_changes") == 0
    assert (await load(conn, w.tender.id)).status is TenderStatus.CONTRACT


async def test_an_unknown_tender_is_not_found(conn: asyncpg.Connection, closed: Closed) -> None:
    with pytest.raises(TenderNotFound):
        await performance.published(conn, None, uuid4())
