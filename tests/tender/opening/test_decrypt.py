"""A sealed part opens only as its own bidder's bid (issue 9, item 1; sealed-bid.md §7).

Bidder B submits a copy of bidder A's sealed file: the server cannot read it and takes
it, the freeze raises the identical-hash alert (Reg. 40), and at the opening B's part
fails as ``not_the_bidders_own`` (B's fault: revoked) while A's opens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg

from tender import service
from tender.blobs import store as blobs
from tender.events import AlertKind
from tender.model import Tender
from tender.opening.lot import Opening
from tender.opening.model import Outcome
from tender.opening.progress import LotProgress
from tender.opening.record import parse_record
from tender.opening.release import release_shares
from tender.submission import freeze
from tender.submission.context import Submission
from tender.submission.receipts import load_or_create
from tender.submission.service import submit_bid
from tests.accounts.factory import actor_for
from tests.supervision.alerts_kit import alert_details
from tests.tender.kit import replace
from tests.tender.opening.kit import share_releases
from tests.tender.submission.kit import (
    Bidder,
    countersign_as,
    make_submission,
    seal_for,
    sealed_committee,
    sign_submit,
    submit_sealed,
    upload,
)
from tests.tender.submission.kit import bidder as make_bidder
from tests.tender.world import SOON, World, appoint, fast_draft, published_tender, wait_until

PRICES = (100_000_00, 90_000_00, 80_000_00)


async def _soon_tender(conn: asyncpg.Connection, world: World) -> Tender:
    return await published_tender(
        conn,
        world,
        setup=world.setup(SOON),
        deadline_in=dt.timedelta(seconds=8),
        cutoff_in=dt.timedelta(seconds=1),
    )


def _opening(sub: Submission, tmp_path: Path, world: World) -> Opening:
    return Opening(
        store=sub.store,
        trust=world.ca.trust_store(),
        signer=load_or_create(tmp_path / "platform").identity,
        output_root=tmp_path / "opened",
    )


async def _copy_of(
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    sub: Submission,
    world: World,
    tender: Tender,
    original: Bidder,
    copier: Bidder,
) -> str:
    """``original`` seals and submits; ``copier`` uploads the same bytes and submits them."""
    data = seal_for(world, await sealed_committee(conn, tender), original, price=PRICES[0])
    done = await upload(conn, pool, sub, tender, original, data)
    signed = sign_submit(tender, original, {"main": done.declared_sha256})
    await submit_bid(conn, original.actor, tender.id, "1", signed, sub=sub)
    copied = await upload(conn, pool, sub, tender, copier, data)  # the server cannot tell
    assert copied.declared_sha256 == done.declared_sha256
    signed = sign_submit(tender, copier, {"main": copied.declared_sha256})
    await submit_bid(conn, copier.actor, tender.id, "1", signed, sub=sub)
    return done.declared_sha256


async def _open_lot(
    conn: asyncpg.Connection, world: World, tender: Tender, sub: Submission, opening: Opening
) -> LotProgress:
    done = None
    for x in (1, 2):
        official = await actor_for(conn, world.officials[x - 1].user)
        shares = await share_releases(conn, tender, world, sub, x)
        done = await release_shares(conn, official, tender.id, "1", shares, opening=opening)
    assert done is not None
    return done


async def test_a_copy_of_another_bidders_sealed_file_fails_at_the_opening_and_the_original_opens(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path
) -> None:
    """Bid copy: B submits A's sealed file; at the opening B's part fails with its named
    cause, A's opens, and the freeze raised the identical-hash alert."""
    sub = make_submission(world, tmp_path)
    tender = await _soon_tender(conn, world)
    a, b, c = (make_bidder(world, i) for i in range(3))
    sha256 = await _copy_of(conn, pool, sub, world, tender, a, b)
    await submit_sealed(conn, pool, sub, world, tender, c, price=PRICES[2])
    assert tender.deadline is not None
    await wait_until(conn, tender.deadline)
    await freeze.freeze_tender(conn, tender.id)
    alerts = await alert_details(conn, tender.id)
    identical = [x for x in alerts if x.kind == AlertKind.BID_PARTS_IDENTICAL]
    assert [(x.data["sha256"], x.data["bidders"]) for x in identical] == [
        (sha256, sorted([a.org.credit_code, b.org.credit_code]))
    ]
    logged = await conn.fetch(
        "SELECT entry FROM log_entries WHERE kind = 'tender.alert_raised' AND entry LIKE $1",
        f"%{tender.id}%".encode(),
    )
    assert len(logged) == 1
    assert sha256.encode() in logged[0]["entry"]  # the log names the hash, no bidder
    assert not any(x.org.credit_code.encode() in logged[0]["entry"] for x in (a, b))
    done = await _open_lot(conn, world, tender, sub, _opening(sub, tmp_path, world))
    outcomes = {s.bidder: (s.outcome, s.cause) for s in done.statuses}
    assert outcomes == {
        a.org.credit_code: (Outcome.OPENED, None),
        b.org.credit_code: (Outcome.REVOKED, "not_the_bidders_own"),
        c.org.credit_code: (Outcome.OPENED, None),
    }
    assert done.record is not None
    body = parse_record(done.record.body)
    copied = next(e for e in body["entries"] if e["bidder"] == b.org.credit_code)
    assert (copied["cause"], copied["party_at_fault"], copied["fields"]) == (
        "not_the_bidders_own",
        "bidder",
        {},
    )
    original = next(e for e in body["entries"] if e["bidder"] == a.org.credit_code)
    assert original["fields"]["price"] == PRICES[0]
    # Nothing of the copy was left readable under B's bid.
    frozen = (await freeze.freeze_tender(conn, tender.id))[0].entries
    b_bid = next(e.bid_id for e in frozen if e.bidder_id == b.org.id)
    assert not (tmp_path / "opened" / str(tender.id) / "1" / str(b_bid) / "main").exists()


async def test_a_blob_named_by_another_bidders_bid_survives_the_cleanup_of_a_copy(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path
) -> None:
    """Content-addressed: B's copy is abandoned and cleaned up; A's bid names the same
    blob, so it stays and A's bid still opens. A blob no row names is deleted."""
    sub = make_submission(world, tmp_path)
    tender = await _soon_tender(conn, world)
    a, b, c = (make_bidder(world, i) for i in range(3))
    data = seal_for(world, await sealed_committee(conn, tender), a, price=PRICES[0])
    done = await upload(conn, pool, sub, tender, a, data)
    signed = sign_submit(tender, a, {"main": done.declared_sha256})
    await submit_bid(conn, a.actor, tender.id, "1", signed, sub=sub)
    copy = await upload(conn, pool, sub, tender, b, data)
    await conn.execute(  # the cleanup abandons B's never-submitted copy
        "UPDATE bid_uploads SET status = 'abandoned', failure = 'bid_upload_idle',"
        " abandoned_at = clock_timestamp(), completed_at = NULL WHERE id = $1",
        copy.id,
    )
    assert not await blobs.delete_unreferenced(conn, sub.store, done.declared_sha256)
    assert sub.store.path_of(done.declared_sha256).exists()
    await submit_sealed(conn, pool, sub, world, tender, b, price=PRICES[1])
    await submit_sealed(conn, pool, sub, world, tender, c, price=PRICES[2])
    orphan = await sub.store.put(_chunks(b"named by no row"), max_size=1024)
    assert await blobs.delete_unreferenced(conn, sub.store, orphan.sha256)
    assert not sub.store.path_of(orphan.sha256).exists()
    assert tender.deadline is not None
    await wait_until(conn, tender.deadline)
    progress = await _open_lot(conn, world, tender, sub, _opening(sub, tmp_path, world))
    assert {s.outcome for s in progress.statuses} == {Outcome.OPENED}


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def test_an_organisation_in_two_bids_of_a_lot_invalidates_both(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path
) -> None:
    """Reg. 37: C bids alone and as A's consortium member; the freeze raises the alert
    naming both bids, and at the opening both fail as organisation_in_two_bids (the
    bidders' fault) while B opens."""
    sub = make_submission(world, tmp_path)
    draft = await fast_draft(
        conn, world, deadline_in=dt.timedelta(seconds=8), cutoff_in=dt.timedelta(seconds=1)
    )
    created = await service.create_draft(conn, world.agency, replace(draft, consortia_allowed=True))
    await appoint(conn, world, created)
    tender = await service.publish(conn, world.agency, created.id, world.setup(SOON))
    a, b, c = (make_bidder(world, i) for i in range(3))
    members = (c.org.credit_code,)
    data = seal_for(world, await sealed_committee(conn, tender), a, consortium=members)
    done = await upload(conn, pool, sub, tender, a, data)
    signed = sign_submit(tender, a, {"main": done.declared_sha256}, consortium=members)
    await submit_bid(
        conn, a.actor, tender.id, "1", signed,
        countersignatures=[countersign_as(c.identity, signed)], sub=sub,
    )  # fmt: skip
    await submit_sealed(conn, pool, sub, world, tender, b, price=PRICES[1])
    await submit_sealed(conn, pool, sub, world, tender, c, price=PRICES[2])
    assert tender.deadline is not None
    await wait_until(conn, tender.deadline)
    frozen = (await freeze.freeze_tender(conn, tender.id))[0].entries
    bid_of = {e.bidder_id: str(e.bid_id) for e in frozen}
    alerts = [
        x
        for x in await alert_details(conn, tender.id)
        if x.kind == AlertKind.ORGANISATION_IN_TWO_BIDS
    ]
    assert len(alerts) == 1
    assert sorted(item["bid_id"] for item in alerts[0].data["bids"]) == sorted(
        [bid_of[a.org.id], bid_of[c.org.id]]
    )
    done_lot = await _open_lot(conn, world, tender, sub, _opening(sub, tmp_path, world))
    outcomes = {s.bidder: (s.outcome, s.cause) for s in done_lot.statuses}
    assert outcomes == {
        a.org.credit_code: (Outcome.REVOKED, "organisation_in_two_bids"),
        b.org.credit_code: (Outcome.OPENED, None),
        c.org.credit_code: (Outcome.REVOKED, "organisation_in_two_bids"),
    }
