"""The opening against PostgreSQL, across its modules (opening_release → opening_decrypt →
opening_progress → opening_publication, opening_responses): releases after the deadline,
decryption, the record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from signing.age import X25519Identity, parse_header, unwrap_file_key
from signing.ageheader import build_header
from signing.demo_ca import Revocation, issue_crl
from signing.shares import derive_share_stanzas
from signing.trust import TrustStore
from tender.model import Tender
from tender.opening.lot import CommercialPartSealed, Opening
from tender.opening.model import LotBelowMinimumBids, Outcome, ShareReleaseBeforeDeadline
from tender.opening.progress import (
    LotProgress,
    PassedBids,
    advance,
    frozen_bidders,
    open_commercial_stage,
)
from tender.opening.publication import opening_record
from tender.opening.queries import ShareAlreadyReleased
from tender.opening.record import parse_record, verify_record
from tender.opening.release import release_shares, submit_self_key
from tender.opening.responses import respond, responses
from tender.submission import freeze
from tender.submission.context import Submission
from tender.submission.receipts import load_or_create
from tender.submission.service import submit_bid
from tests.accounts.factory import actor_for
from tests.tender.opening.kit import share_releases, submit_two_parts, two_envelope_tender
from tests.tender.submission.kit import (
    Bidder,
    make_submission,
    seal_for,
    sealed_committee,
    sign_submit,
    upload,
)
from tests.tender.submission.kit import bidder as make_bidder
from tests.tender.world import SOON, World, published_tender, wait_until

PRICES = (100_000_00, 90_000_00, 80_000_00)


# The parts these tests open are sealed to the deadline (the committee fingerprint), so
# it cannot be moved (tests/tender/clock.py): real time must reach it. A margin many
# times what sealing and submitting take on a quiet machine, and the cutoff as late as
# allowed so publication never races it (issue 9, item 19).
SOON_DEADLINE = dt.timedelta(seconds=20)


async def _soon_tender(conn: asyncpg.Connection, world: World) -> Tender:
    return await published_tender(
        conn,
        world,
        setup=world.setup(SOON),
        deadline_in=SOON_DEADLINE,
        cutoff_in=SOON_DEADLINE - dt.timedelta(seconds=1),
    )


async def _submit(
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    sub: Submission,
    world: World,
    tender: Tender,
    who: Bidder,
    *,
    price: int,
    garbage: bool = False,
) -> None:
    committee = await sealed_committee(conn, tender)
    data = seal_for(world, committee, who, price=price)
    if garbage:
        header = parse_header(data)
        key = unwrap_file_key(header, [who.age])
        shares = derive_share_stanzas(
            X25519Identity.generate().secret[:16],
            fingerprint=committee.fingerprint,
            part="main",
            k=committee.k,
            recipients=committee.recipients(),
        )
        data = build_header((header.stanzas[0], *shares), key) + data[len(header.raw) :]
    done = await upload(conn, pool, sub, tender, who, data)
    signed = sign_submit(tender, who, {"main": done.declared_sha256})
    await submit_bid(conn, who.actor, tender.id, "1", signed, sub=sub)


def _opening(sub: Submission, tmp_path: Path, world: World, revoke: Bidder) -> Opening:
    """The opening's composition; ``revoke``'s certificate is revoked after the deadline."""
    now = dt.datetime.now(dt.UTC)
    # After the receipt (CRL dates are whole seconds: two seconds clear it), before the
    # opening (the deadline is seconds later still).
    revoked_at = now + dt.timedelta(seconds=2)
    serial = revoke.identity.certificate.serial_number
    crl = issue_crl(
        world.ca, revocations=[Revocation(serial=serial, revoked_at=revoked_at)], now=now
    )
    return Opening(
        store=sub.store,
        trust=world.ca.trust_store().with_crls(crl),
        signer=load_or_create(tmp_path / "platform").identity,
        output_root=tmp_path / "opened",
    )


def _by_bidder(progress: LotProgress) -> dict[str, Outcome]:
    return {s.bidder: s.outcome for s in progress.statuses}


@pytest.mark.slow
async def test_two_of_three_officials_open_the_lot_and_the_record_is_signed(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path
) -> None:
    """Strict: honest bids open with k = 2 shares; garbage shares → revoked, bidder's fault.
    The releases, the key and the settled parts are queued for the sequencer; the record's
    publication integrates them first, so its entry follows every one (audit-log.md §2.2)."""
    sub = make_submission(world, tmp_path)
    tender = await _soon_tender(conn, world)
    bidders = [make_bidder(world, i) for i in range(3)]
    for who, price in zip(bidders, PRICES, strict=True):
        await _submit(conn, pool, sub, world, tender, who, price=price, garbage=who is bidders[2])
    opening = _opening(sub, tmp_path, world, revoke=bidders[0])
    first = await actor_for(conn, world.officials[0].user)
    with pytest.raises(ShareReleaseBeforeDeadline):
        await release_shares(conn, first, tender.id, "1", [], opening=opening)
    assert tender.deadline is not None
    await wait_until(conn, tender.deadline)
    one = await release_shares(
        conn,
        first,
        tender.id,
        "1",
        await share_releases(conn, tender, world, sub, 1),
        opening=opening,
    )
    assert set(_by_bidder(one).values()) == {Outcome.PENDING}
    assert one.record is None
    with pytest.raises(ShareAlreadyReleased):
        await release_shares(
            conn, first, tender.id, "1", await share_releases(conn, tender, world, sub, 1),
            opening=opening,
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        await release_shares(conn, bidders[0].actor, tender.id, "1", [], opening=opening)
    own = unwrap_file_key(
        parse_header(sub.store.path_of(await _frozen_sha(conn, tender, bidders[2])).read_bytes()),
        [bidders[2].age],
    )
    await submit_self_key(conn, bidders[2].actor, tender.id, "1", "main", own, opening=opening)
    frozen = (await freeze.freeze_tender(conn, tender.id))[0].entries
    honest = next(e for e in frozen if e.bidder_id == bidders[0].org.id)
    stray = tmp_path / "opened" / str(tender.id) / "1" / str(honest.bid_id) / "main"
    stray.mkdir(parents=True)  # an attempt whose transaction never committed
    (stray / "half.bin").write_bytes(b"x")
    third = await actor_for(conn, world.officials[2].user)
    done = await release_shares(
        conn,
        third,
        tender.id,
        "1",
        await share_releases(conn, tender, world, sub, 3),
        opening=opening,
    )
    outcomes = _by_bidder(done)
    codes = [b.org.credit_code for b in bidders]
    assert [outcomes[c] for c in codes] == [Outcome.OPENED, Outcome.OPENED, Outcome.REVOKED]
    assert done.record is not None
    root = load_or_create(tmp_path / "platform").root
    trust = TrustStore(roots=(root,), intermediates=(), crls=())
    body = verify_record(done.record, trust, dt.datetime.now(dt.UTC))
    prices = {e["bidder"]: e["fields"].get("price") for e in body["entries"]}
    assert prices == {codes[0]: PRICES[0], codes[1]: PRICES[1], codes[2]: None}
    failed = next(e for e in body["entries"] if e["bidder"] == codes[2])
    assert (failed["cause"], failed["party_at_fault"]) == ("key_fails_mac", "bidder")
    assert body["officials_released"] == [1, 3]
    published = await opening_record(conn, tender.id, "1")
    assert published == done.record
    opened = list((tmp_path / "opened").rglob("技术标.txt"))
    assert len(opened) == 2
    assert not list((tmp_path / "opened").rglob("half.bin"))
    logged = [
        (row["idx"], row["kind"])
        for row in await conn.fetch(
            "SELECT idx, kind FROM log_entries WHERE kind LIKE 'tender.opening_%'"
            " AND convert_from(entry, 'UTF8')::jsonb -> 'subject' ->> 'id' = $1 ORDER BY idx",
            str(tender.id),
        )
    ]
    assert [kind for _, kind in logged] == [
        "tender.opening_shares_released",
        "tender.opening_key_submitted",
        "tender.opening_shares_released",
        *["tender.opening_part_settled"] * 3,
        "tender.opening_record_published",
    ]
    assert (
        await conn.fetchval("SELECT count(*) FROM log_queue WHERE kind LIKE 'tender.opening_%'")
        == 0
    )


async def _frozen_sha(conn: asyncpg.Connection, tender: Tender, who: Bidder) -> str:
    lists = await freeze.freeze_tender(conn, tender.id)
    return next(e for e in lists[0].entries if e.bidder_id == who.org.id).parts[0].sha256


@pytest.mark.slow
async def test_a_lot_with_two_bids_does_not_open_and_says_why(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path
) -> None:
    """Reg. 44: releases refused; the record says opening_too_few_bids and shows no bid."""
    sub = make_submission(world, tmp_path)
    tender = await _soon_tender(conn, world)
    bidders = [make_bidder(world, i) for i in range(2)]
    for who, price in zip(bidders, PRICES, strict=False):
        await _submit(conn, pool, sub, world, tender, who, price=price)
    opening = _opening(sub, tmp_path, world, revoke=bidders[0])
    assert tender.deadline is not None
    await wait_until(conn, tender.deadline)
    first = await actor_for(conn, world.officials[0].user)
    releases = await share_releases(conn, tender, world, sub, 1)
    with pytest.raises(LotBelowMinimumBids):
        await release_shares(conn, first, tender.id, "1", releases, opening=opening)
    progress = await advance(conn, tender.id, "1", opening=opening)
    assert progress.record is not None
    body = parse_record(progress.record.body)
    assert (body["not_opened_reason"], body["entries"]) == ("opening_too_few_bids", [])


@pytest.mark.slow
async def test_commercial_parts_stay_sealed_until_the_host_opens_them(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path
) -> None:
    """Two envelopes: technical record first without prices; commercial refused until
    the host opens that stage; then a second record with the prices."""
    sub = make_submission(world, tmp_path)
    tender = await two_envelope_tender(conn, world, deadline_in=SOON_DEADLINE)
    bidders = [make_bidder(world, i) for i in range(3)]
    for who, price in zip(bidders, PRICES, strict=True):
        await submit_two_parts(conn, pool, sub, world, tender, who, price)
    opening = _opening(sub, tmp_path, world, revoke=bidders[0])
    officials = [await actor_for(conn, world.officials[i].user) for i in (0, 1)]
    assert tender.deadline is not None
    await wait_until(conn, tender.deadline)
    for x, official in zip((1, 2), officials, strict=True):
        early = await share_releases(conn, tender, world, sub, x, "commercial")
        with pytest.raises(CommercialPartSealed):
            await release_shares(conn, official, tender.id, "1", early, opening=opening)
        technical = await share_releases(conn, tender, world, sub, x, "technical")
        done = await release_shares(conn, official, tender.id, "1", technical, opening=opening)
    assert done.record is not None
    assert parse_record(done.record.body)["part"] == "technical"
    every = await frozen_bidders(conn, tender.id, "1")
    await respond(
        conn, bidders[1].actor, tender.id, "1", objection="技术标记录有误", opening=opening
    )
    with pytest.raises(PermissionDenied):
        await open_commercial_stage(
            conn, officials[0], tender.id, "1", opening=opening, passed=_these(frozenset(every))
        )
    staff_open = await open_commercial_stage(
        conn, world.staff, tender.id, "1", opening=opening, passed=_these(frozenset(every))
    )
    assert {s.part for s in staff_open.statuses} == {"commercial"}
    for x, official in zip((1, 2), officials, strict=True):
        shares = await share_releases(conn, tender, world, sub, x, "commercial")
        done = await release_shares(conn, official, tender.id, "1", shares, opening=opening)
    assert done.record is not None
    body = parse_record(done.record.body)
    assert body["part"] == "commercial"
    assert sorted(e["fields"]["price"] for e in body["entries"]) == sorted(PRICES)
    technical_record = await opening_record(conn, tender.id, "1", "technical")
    assert technical_record != done.record
    await respond(conn, bidders[2].actor, tender.id, "1", objection="报价记录有误", opening=opening)
    listed = await responses(conn, tender.id, "1")  # each stage's responses, each named
    assert [(r.part, r.objection) for r in listed] == [
        ("technical", "技术标记录有误"),
        ("commercial", "报价记录有误"),
    ]


def _these(bids: frozenset[UUID]) -> PassedBids:
    """The evaluation's answer, as the web layer hands it to the opening."""

    async def passed() -> frozenset[UUID]:
        return bids

    return passed


@pytest.mark.slow
async def test_only_the_bids_that_passed_have_their_commercial_part_opened(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path
) -> None:
    """Issue 11, item 6: the commercial parts of bids that failed the technical
    evaluation stay sealed — no share of them is taken, none is decrypted, and the
    commercial record lists only the bids that passed."""
    sub = make_submission(world, tmp_path)
    tender = await two_envelope_tender(conn, world, deadline_in=SOON_DEADLINE)
    bidders = [make_bidder(world, i) for i in range(3)]
    for who, price in zip(bidders, PRICES, strict=True):
        await submit_two_parts(conn, pool, sub, world, tender, who, price)
    opening = _opening(sub, tmp_path, world, revoke=bidders[0])
    officials = [await actor_for(conn, world.officials[i].user) for i in (0, 1)]
    assert tender.deadline is not None
    await wait_until(conn, tender.deadline)
    for x, official in zip((1, 2), officials, strict=True):
        technical = await share_releases(conn, tender, world, sub, x, "technical")
        await release_shares(conn, official, tender.id, "1", technical, opening=opening)
    every = await frozen_bidders(conn, tender.id, "1")
    failed = next(b for b, org in every.items() if org == bidders[0].org.id)
    passed = frozenset(every) - {failed}
    with pytest.raises(CommercialPartSealed):  # a bid outside the freeze list
        await open_commercial_stage(
            conn, world.staff, tender.id, "1", opening=opening, passed=_these(passed | {uuid4()})
        )
    opened = await open_commercial_stage(
        conn, world.staff, tender.id, "1", opening=opening, passed=_these(passed)
    )
    assert {s.bid_id for s in opened.statuses} == passed
    for x, official in zip((1, 2), officials, strict=True):
        shares = await share_releases(conn, tender, world, sub, x, "commercial")
        with pytest.raises(CommercialPartSealed):  # the failed bid's share is refused
            await release_shares(conn, official, tender.id, "1", shares, opening=opening)
        mine = [r for r in shares if r.bid_id != failed]
        done = await release_shares(conn, official, tender.id, "1", mine, opening=opening)
    assert done.record is not None
    body = parse_record(done.record.body)
    assert body["part"] == "commercial"
    assert sorted(e["fields"]["price"] for e in body["entries"]) == sorted(PRICES[1:])
    stored = await conn.fetchval(
        "SELECT count(*) FROM opening_results WHERE bid_id = $1 AND part = 'commercial'", failed
    )
    assert stored == 0
