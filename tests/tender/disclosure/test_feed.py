"""The OCDS feed: every release of every tender in (date, id) order, a page at a time,
by a cursor this server writes and nothing else (docs/open-data.md, "The feed")."""

from __future__ import annotations

import base64
import datetime as dt
from uuid import UUID

import asyncpg
import pytest

from signing.log.entry import format_time
from tender.disclosure import service
from tender.disclosure.cursor import decode_cursor, encode_cursor
from tender.disclosure.errors import FeedCursorInvalid
from tender.disclosure.facts import ContractFact, ContractFacts
from tender.disclosure.ocds_packages import release_package
from tender.queries import database_now
from tests.tender.disclosure import ocds_schema
from tests.tender.disclosure.factory import decide, publicise
from tests.tender.disclosure.story import SITE
from tests.tender.results.kit import Closed

WHEN = dt.datetime(2026, 4, 7, 3, 0, 0, 123456, tzinfo=dt.UTC)


def test_a_cursor_names_the_date_and_release_it_was_written_for() -> None:
    """Round trip: the position comes back exactly."""
    cursor = encode_cursor(WHEN, "XC-2026-GC-000007-opening-1-main")
    assert decode_cursor(cursor) == (WHEN, "XC-2026-GC-000007-opening-1-main")


def test_a_cursor_after_a_milestone_comes_back() -> None:
    """A milestone's release id ends in its recording time (T and Z in capitals): the
    feed's next page after one was refused as a forged cursor (found by the lifecycle
    test, tests/web/tender/results/test_to_performance.py)."""
    milestone = (
        "XC-2026-GC-000001-milestone-9ce700ca-c4ad-4f1b-9833-2da00455bb59-20261207T031646504126Z"
    )
    assert decode_cursor(encode_cursor(WHEN, milestone)) == (WHEN, milestone)


def _b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor",
        "AAAA=",
        _b64("2026-04-07T03:00:00.123456Z"),  # no release id
        _b64("2026-04-07T03:00:00.123456Z|XC-2026-GC-000007-tender\x00"),
        _b64("2026-04-07T03:00:00Z|XC-2026-GC-000007-tender"),  # another spelling
        _b64("2026-13-07T03:00:00.123456Z|XC-2026-GC-000007-tender"),  # no such month
        _b64("2026-04-07T03:00:00.123456Z|' OR 1=1 --"),
        encode_cursor(WHEN, "XC-2026-GC-000007-tender") + "A",
        "A" * 500,
    ],
)
def test_a_cursor_the_server_did_not_write_is_refused(cursor: str) -> None:
    """ocds_cursor_invalid, before any query."""
    with pytest.raises(FeedCursorInvalid) as refused:
        decode_cursor(cursor)
    assert refused.value.code == "ocds_cursor_invalid"


async def test_the_feed_pages_through_every_release_in_order(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Pages of 2 with the cursor give exactly the tender's releases, each page valid;
    after the last, nothing until a new release is out, which the same cursor then finds."""
    now = await database_now(conn)
    await publicise(conn, closed, now)
    d = await service.load_disclosure(conn, closed.tender_id, now)
    expected = [r["id"] for r in release_package(d, SITE)["releases"]]
    seen: list[str] = []
    cursor = None
    while (page := await service.feed_page(conn, now, SITE, cursor=cursor, limit=2)) is not None:
        ocds_schema.assert_release_package(page.package)
        assert len(page.package["releases"]) <= 2
        seen += [r["id"] for r in page.package["releases"]]
        cursor = page.next_cursor
    assert [s for s in seen if s in expected] == expected
    assert len(seen) == len(set(seen))
    decided = await database_now(conn)
    await decide(conn, closed, decided)
    later = await service.feed_page(conn, decided, SITE, cursor=cursor, limit=2)
    assert later is not None
    (award,) = later.package["releases"]
    assert award["id"].endswith(f"-award-{closed.lot}-1")
    assert award["date"] == format_time(decided)


async def test_a_well_spelled_cursor_naming_no_release_is_refused(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Found by the outside tester: a made-up release id, another date of a real release,
    a tender that does not exist, a date far ahead (which would skip every later release)
    were all served; only the position of a release the feed served is taken."""
    now = await database_now(conn)
    page = await service.feed_page(conn, now, SITE, cursor=None, limit=1)
    assert page is not None
    first = page.package["releases"][0]
    code = first["id"].removesuffix("-tender")
    real = (dt.datetime.fromisoformat(first["date"]), first["id"])
    assert await service.feed_page(conn, now, SITE, cursor=encode_cursor(*real), limit=1)
    for date, release in (
        (real[0], f"{code}-foo"),
        (real[0] - dt.timedelta(microseconds=1), real[1]),
        (dt.datetime(2099, 1, 1, tzinfo=dt.UTC), real[1]),
        (real[0], "XC-2026-GC-999999-tender"),
    ):
        with pytest.raises(FeedCursorInvalid):
            await service.feed_page(conn, now, SITE, cursor=encode_cursor(date, release), limit=1)


async def test_a_contract_recorded_after_the_cursor_is_in_the_next_page(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """The feed looks for contracts in every tender with a current award (Law 46)."""
    now = await database_now(conn)
    await publicise(conn, closed, now)
    winner = await decide(conn, closed, now + dt.timedelta(days=3))
    assert winner is not None
    awarded = now + dt.timedelta(days=4)
    # The cursor a client holds once it has read the whole feed (its last: the award).
    cursor = None
    while page := await service.feed_page(conn, awarded, SITE, cursor=cursor, limit=5):
        cursor = page.next_cursor
    assert cursor is not None
    assert await service.feed_page(conn, awarded, SITE, cursor=cursor, limit=5) is None
    recorded = awarded + dt.timedelta(days=1)
    contract = ContractFact(
        id=closed.tender_id,
        lot=closed.lot,
        bid_id=winner,
        supplier_id=closed.candidates[0].bidder_id,
        title="施工合同",
        value_fen=closed.candidates[0].price_fen,
        signed_at=recorded,
        recorded_at=recorded,
    )

    async def loader(conn: asyncpg.Connection, tender_id: UUID) -> ContractFacts:
        return ContractFacts(contracts=(contract,) if tender_id == closed.tender_id else ())

    page = await service.feed_page(conn, recorded, SITE, cursor=cursor, limit=5, contracts=loader)
    assert page is not None
    (release,) = page.package["releases"]
    assert release["tag"] == ["contract"]
    ocds_schema.assert_release_package(page.package)
