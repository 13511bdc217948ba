"""The log browser's search on a real PostgreSQL (audit/browse_service.py): pages of
50 matches, newest first, continued exactly where the last page stopped, and never
more than 2000 entries looked at per page."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from audit import browse_service, service
from audit.browse import PAGE_SIZE, SCAN_WINDOW, LogFilter
from signing.log.entry import Actor, LogEntry, Subject

ACTOR = Actor(user_id="u1", role="system_admin")


def entry(kind: str, n: int, tender: str = "t-other") -> LogEntry:
    return LogEntry(kind=kind, time=datetime(2026, 1, 1, tzinfo=UTC), actor=ACTOR,
                    subject=Subject(type="tender", id=tender), data={"n": n})  # fmt: skip


async def append(pool: asyncpg.Pool, entries: list[LogEntry]) -> list[int]:
    async with pool.acquire() as conn, conn.transaction():
        return await service.append_many(conn, entries)


async def test_pages_continue_below_the_last_match_without_gaps_or_repeats(
    pool: asyncpg.Pool,
) -> None:
    """120 matches of one kind among others: 50, 50, 20, newest first, then the end."""
    indexes = await append(pool, [entry("test.a" if n % 2 else "test.b", n) for n in range(240)])
    wanted = [i for n, i in enumerate(indexes) if n % 2][::-1]
    seen: list[int] = []
    before = None
    async with pool.acquire() as conn:
        for expected in (PAGE_SIZE, PAGE_SIZE, 20):
            page = await browse_service.search(conn, LogFilter(kind="test.a"), before)
            assert len(page.entries) == expected
            seen += [leaf.index for leaf in page.entries]
            before = page.older
        assert before is None
    assert seen == wanted


async def test_a_page_looks_at_no_more_than_the_scan_window(pool: asyncpg.Pool) -> None:
    """The one match lies below 2000 newer entries: the first page stops at the window
    and says where; the next one finds it."""
    [match] = await append(pool, [entry("test.a", 0, tender="t-1")])
    await append(pool, [entry("test.a", n) for n in range(1, SCAN_WINDOW + 10)])
    async with pool.acquire() as conn:
        first = await browse_service.search(conn, LogFilter(tender="t-1"), None)
        assert first.entries == []
        assert first.size - first.scanned_from == SCAN_WINDOW
        assert first.older == first.scanned_from
        second = await browse_service.search(conn, LogFilter(tender="t-1"), first.older)
    assert [leaf.index for leaf in second.entries] == [match]
    assert second.older is None
