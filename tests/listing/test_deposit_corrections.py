"""Rules of a deposit record and its corrections (docs/api-listing.md, step 3; the outside
tester's findings F7, F8, F9 and F16): a guarantee number is one line of visible
characters without surrounding white space; a correction that changes nothing is
``listing_deposit_unchanged``; a blank reason is refused; a correction names the version
it replaces, so of two parallel ones the second is ``listing_deposit_stale_conflict``,
never a silent overwrite; the log spells ``paid_at`` in UTC, in the data and in
``replaces`` alike."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

import asyncpg
import pytest

from listing import queries, service
from listing.errors import (
    ListingDepositStale,
    ListingDepositUnchanged,
    ListingError,
    ListingInputInvalid,
)
from listing.model import DepositInput, Listing, Registration
from listing.service import ListingSetup
from signing.log.entry import format_time
from tender.bonds.model import BondKind
from tests.listing.kit import deposit, published
from tests.tender.world import World, entries


def _guarantee(listing: Listing, now: dt.datetime, number: str) -> DepositInput:
    return DepositInput(
        kind=BondKind.GUARANTEE, amount_fen=listing.deposit_fen, paid_at=now, guarantee_no=number
    )


async def _paid(
    conn: asyncpg.Connection, world: World, setup: ListingSetup, now: dt.datetime
) -> tuple[Listing, Registration]:
    listing = await published(conn, world, setup, now)
    reg = await service.register(conn, world.bidders[0], listing.id, now=now)
    return listing, reg


async def test_a_guarantee_number_is_one_visible_line_on_record_and_on_correction(
    conn: asyncpg.Connection, world: World, setup: ListingSetup, now: dt.datetime
) -> None:
    listing, reg = await _paid(conn, world, setup, now)
    bad = ["  BG  ", "BG\nX", "BG\u200bX", "BG\u202eX", "BG\u2066X", "BG-2026-001 ", "\u00a0",
           " BG-2026-001", "BG\tX", "BG\u00adX"]  # fmt: skip
    for number in bad:
        with pytest.raises(ListingInputInvalid) as refused:
            await service.record_deposit(
                conn, world.staff, listing.id, reg.id, _guarantee(listing, now, number), now=now
            )
        assert refused.value.details["field"] == "guarantee_no", number
    good = _guarantee(listing, now, "BG-2026-001")
    await service.record_deposit(conn, world.staff, listing.id, reg.id, good, now=now)
    for number in bad:
        with pytest.raises(ListingInputInvalid) as refused:
            await service.correct_deposit(
                conn, world.staff, listing.id, reg.id, _guarantee(listing, now, number),
                version=0, reason="保函号更正", now=now,
            )  # fmt: skip
        assert refused.value.details["field"] == "guarantee_no", number
    # The same record again, or a blank reason: refused, each with its code.
    refusals: list[tuple[DepositInput, str, type[ListingError]]] = [
        (good, "保函号更正", ListingDepositUnchanged),
        (_guarantee(listing, now, "BG-2026-002"), "   ", ListingInputInvalid),
        (_guarantee(listing, now, "BG-2026-002"), "\u3000\n\t", ListingInputInvalid),
    ]
    for wrong, reason, error in refusals:
        with pytest.raises(error):
            await service.correct_deposit(
                conn, world.staff, listing.id, reg.id, wrong, version=0, reason=reason, now=now
            )
    assert await conn.fetchval("SELECT count(*) FROM listing_deposit_corrections") == 0
    # Only the number changed: the log says so, without the number.
    await service.correct_deposit(
        conn, world.staff, listing.id, reg.id, _guarantee(listing, now, "BG-2026-002"),
        version=0, reason="保函号更正", now=now,
    )  # fmt: skip
    (entry,) = await entries(conn, "listing.deposit_corrected")
    assert entry.data["reference_changed"] is True
    assert "BG-2026" not in str(entry.data)


async def test_paid_at_is_logged_in_utc_whatever_offset_the_clerk_sent(
    conn: asyncpg.Connection, world: World, setup: ListingSetup, now: dt.datetime
) -> None:
    listing, reg = await _paid(conn, world, setup, now)
    far = dt.timezone(-dt.timedelta(hours=23, minutes=59))
    sent = deposit(listing, now).paid_at.astimezone(far)
    recorded = dataclasses.replace(deposit(listing, now), paid_at=sent)
    await service.record_deposit(conn, world.staff, listing.id, reg.id, recorded, now=now)
    later = (now + dt.timedelta(seconds=30)).astimezone(dt.timezone(dt.timedelta(hours=8)))
    await service.correct_deposit(
        conn, world.staff, listing.id, reg.id, dataclasses.replace(recorded, paid_at=later),
        version=0, reason="回单时间录错", now=now,
    )  # fmt: skip
    (first,) = await entries(conn, "listing.deposit_recorded")
    (second,) = await entries(conn, "listing.deposit_corrected")
    assert first.data["paid_at"] == second.data["replaces"]["paid_at"] == format_time(now)
    assert second.data["paid_at"] == format_time(later)
    assert second.data["paid_at"].endswith("Z")
    assert second.data["reference_changed"] is False


async def test_of_two_parallel_corrections_of_one_version_the_second_is_refused(
    pool: asyncpg.Pool, conn: asyncpg.Connection, world: World, setup: ListingSetup,
    now: dt.datetime,
) -> None:  # fmt: skip
    listing, reg = await _paid(conn, world, setup, now)
    await service.record_deposit(conn, world.staff, listing.id, reg.id, deposit(listing, now),
                                 now=now)  # fmt: skip
    amounts = [listing.deposit_fen + 1, listing.deposit_fen + 2]

    async def correct(amount: int) -> object:
        fixed = dataclasses.replace(deposit(listing, now), amount_fen=amount)
        async with pool.acquire() as own:
            try:
                return await service.correct_deposit(
                    own, world.staff, listing.id, reg.id, fixed, version=0,
                    reason="金额录错", now=now,
                )  # fmt: skip
            except ListingDepositStale as exc:
                return exc

    results = await asyncio.gather(*(correct(a) for a in amounts))
    won = [r for r in results if isinstance(r, Registration)]
    stale = [r for r in results if isinstance(r, ListingDepositStale)]
    assert (len(won), len(stale)) == (1, 1)
    assert stale[0].details == {"deposit_version": 1}
    now_held = await queries.bidder(conn, listing.id, reg.id)
    assert now_held is not None
    assert (now_held.deposit_fen, now_held.deposit_version) == (won[0].deposit_fen, 1)
    # Read afresh, the next correction names version 1 and goes through.
    again = await service.correct_deposit(
        conn, world.staff, listing.id, reg.id, deposit(listing, now), version=1,
        reason="金额录错", now=now,
    )  # fmt: skip
    assert again.deposit_version == 2
    assert len(await entries(conn, "listing.deposit_corrected")) == 2
