"""Two contracts of one lot at once, on two real connections: the row lock lets one in."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import cast

import asyncpg

from tender.contracts import service
from tender.contracts.errors import ContractExists
from tender.suspensions.service import suspended_between
from tests.tender.contracts.factory import awarded
from tests.tender.contracts.test_service import count, terms
from tests.tender.results.kit import Closed


async def test_two_contracts_of_one_lot_at_once_record_one(
    pool: asyncpg.Pool, conn: asyncpg.Connection, closed: Closed
) -> None:
    w = await awarded(conn, closed)

    async def record() -> object:
        async with pool.acquire() as other:
            try:
                return await service.record_contract(
                    cast(asyncpg.Connection, other), w.world.agency, w.tender.id, terms(w),
                    setup=w.world.setup(),
                )  # fmt: skip
            except ContractExists as refused:
                return refused

    results = await asyncio.gather(record(), record())
    assert sum(isinstance(r, ContractExists) for r in results) == 1
    assert await count(conn, "tender_contracts") == 1


async def test_suspended_between_sums_the_suspended_time_within_the_span(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """CONTRACTS.md: suspended_between(conn, tender_id, start, end) -> timedelta."""
    w = await awarded(conn, closed)
    day = dt.timedelta(days=1)
    t0 = w.decided_at
    for start, end in (
        (t0 + day, t0 + 3 * day),
        (t0 + 2 * day, t0 + 4 * day),
        (t0 + 9 * day, None),
    ):
        await conn.execute(
            "INSERT INTO tender_suspensions (tender_id, starts_at, ends_at, reason, source,"
            " recorded_by, recorded_at, ended_by) VALUES ($1, $2, $3, '投诉处理', 'complaint',"
            " $4, $2, $5)",
            w.tender.id, start, end, closed.supervisor.user_id,
            None if end is None else closed.supervisor.user_id,
        )  # fmt: skip
    assert await suspended_between(conn, w.tender.id, t0, t0 + 10 * day) == 4 * day
    assert await suspended_between(conn, w.tender.id, t0 + 5 * day, t0 + 8 * day) == dt.timedelta(0)
