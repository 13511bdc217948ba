"""The official's client (`etender opening release`) refuses what it must not unwrap."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from client.errors import (
    ReleaseForeignPart,
    ReleaseHashMismatch,
    ReleaseNotAnOfficial,
    ReleaseNotFrozen,
    ReleaseTooEarly,
)
from client.opening import (
    LotBatch,
    OfferedPart,
    check_download,
    hash_stream,
    parse_lot,
    plan_lot,
    read_identity,
    release_for,
)
from signing import shamir
from signing.age import X25519Identity, parse_header
from signing.certs import Identity
from signing.committee import dump_committee
from signing.demo_ca import DemoCA, create_demo_ca, issue_identity
from signing.errors import ShareContextMismatch
from signing.trust import TrustStore
from tender.opening.keys import combine_shares
from tests.signing.bid_kit import (
    DEADLINE,
    LOT,
    TENDER,
    CommitteeKit,
    bid_info,
    make_committee,
    seal_bytes,
)
from web.cli.main import build_parser

CA_TIME = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
AFTER = DEADLINE + dt.timedelta(seconds=1)


@pytest.fixture(scope="module")
def ca() -> DemoCA:
    """A demo CA for the officials and bidders."""
    return create_demo_ca(now=CA_TIME)


@pytest.fixture(scope="module")
def trust(ca: DemoCA) -> TrustStore:
    """Trusts the demo CA."""
    return ca.trust_store()


@pytest.fixture(scope="module")
def kit(ca: DemoCA) -> CommitteeKit:
    """Three officials, k = 2, for tender ZB-2025-0042 lot 1."""
    people = [issue_identity(ca, name=f"开标官员{i}", now=CA_TIME) for i in (1, 2, 3)]
    return make_committee(people, k=2, at=CA_TIME + dt.timedelta(days=1))


@pytest.fixture(scope="module")
def bidder(ca: DemoCA) -> Identity:
    """A bidder."""
    return issue_identity(ca, name="投标人", now=CA_TIME)


def sealed(kit: CommitteeKit, bidder: Identity, trust: TrustStore, price: int) -> bytes:
    """A sealed main part with ``price``."""
    return seal_bytes(
        kit.committee,
        bidder=bidder,
        bidder_age=X25519Identity.generate(),
        trust=trust,
        at=CA_TIME + dt.timedelta(days=2),
        files={"a.txt": b"bid"},
        info=bid_info(fields={"price": price}),
    )


def offered(data: bytes, *, part_id: str = "p1", tender: str = TENDER) -> OfferedPart:
    """The part as the server describes it."""
    sha = hashlib.sha256(data).hexdigest()
    return OfferedPart(
        part_id=part_id, tender=tender, lot=LOT, bidder="B1", label="main", sha256=sha
    )


def batch_json(kit: CommitteeKit, frozen: list[bytes], parts: list[OfferedPart]) -> LotBatch:
    """The lot as the release-batch endpoint returns it, parsed by the client."""
    value = {
        "lot": LOT,
        "committee": json.loads(dump_committee(kit.committee)),
        "freeze_list": {
            "entries": [
                {
                    "bidder": "B1",
                    "parts": [{"label": "main", "sha256": hashlib.sha256(d).hexdigest()}],
                }
                for d in frozen
            ]
        },
        "parts": [dataclasses.asdict(p) for p in parts],
    }
    return parse_lot(value)


def test_release_before_the_deadline_by_own_clock_is_refused(
    kit: CommitteeKit, bidder: Identity, trust: TrustStore
) -> None:
    """One second before the committee's deadline, nothing is unwrapped."""
    data = sealed(kit, bidder, trust, 100)
    batch = batch_json(kit, [data], [offered(data)])
    early = DEADLINE - dt.timedelta(seconds=1)
    with pytest.raises(ReleaseTooEarly) as caught:
        plan_lot(batch, tender=TENDER, now=early, identity=kit.identities[0])
    assert caught.value.code == "release_too_early"
    x, parts = plan_lot(batch, tender=TENDER, now=AFTER, identity=kit.identities[0])
    assert (x, len(parts)) == (1, 1)


def test_a_part_of_another_tender_in_the_batch_is_refused(
    kit: CommitteeKit, bidder: Identity, trust: TrustStore
) -> None:
    """A header of another tender slipped in: the whole lot is refused before unwrapping."""
    data = sealed(kit, bidder, trust, 100)
    foreign = offered(data, part_id="p2", tender="ZB-2025-0099")
    batch = batch_json(kit, [data], [offered(data), foreign])
    with pytest.raises(ReleaseForeignPart):
        plan_lot(batch, tender=TENDER, now=AFTER, identity=kit.identities[0])
    with pytest.raises(ReleaseForeignPart):
        plan_lot(batch, tender="ZB-2025-0099", now=AFTER, identity=kit.identities[0])


def test_an_older_version_than_the_freeze_list_is_refused(
    kit: CommitteeKit, bidder: Identity, trust: TrustStore
) -> None:
    """The server offers the replaced version: not in the freeze list, and its bytes differ."""
    old = sealed(kit, bidder, trust, 100)
    new = sealed(kit, bidder, trust, 90)
    batch = batch_json(kit, [new], [offered(old)])
    with pytest.raises(ReleaseNotFrozen):
        plan_lot(batch, tender=TENDER, now=AFTER, identity=kit.identities[0])
    claimed_new = offered(new)
    with pytest.raises(ReleaseHashMismatch):
        check_download(claimed_new, hash_stream([old[:100], old[100:]]).sha256)


def test_a_committee_with_another_deadline_unwraps_nothing(
    kit: CommitteeKit, bidder: Identity, trust: TrustStore
) -> None:
    """A server moving the deadline earlier changes the fingerprint: the stanza will not open."""
    data = sealed(kit, bidder, trust, 100)
    moved = dataclasses.replace(kit.committee, deadline=DEADLINE - dt.timedelta(days=1))
    header = parse_header(data)
    with pytest.raises(ShareContextMismatch):
        release_for(offered(data), header, moved, 1, kit.identities[0])


def test_two_officials_release_shares_that_open_the_part(
    kit: CommitteeKit, bidder: Identity, trust: TrustStore
) -> None:
    """Downloaded in chunks, checked, unwrapped by officials 1 and 3: the key opens the MAC."""
    data = sealed(kit, bidder, trust, 100)
    part = offered(data)
    batch = batch_json(kit, [data], [part])
    shares = []
    for identity in (kit.identities[0], kit.identities[2]):
        x, _ = plan_lot(batch, tender=TENDER, now=AFTER, identity=identity)
        got = hash_stream([data[i : i + 7000] for i in range(0, len(data), 7000)])
        check_download(part, got.sha256)
        released = release_for(part, got.header, batch.committee, x, identity)
        shares.append(shamir.Share(x=released["x"], value=base64.b64decode(released["share"])))
    assert combine_shares(parse_header(data), shares, 2).file_key is not None


def test_a_stranger_is_not_an_official(
    kit: CommitteeKit, bidder: Identity, trust: TrustStore
) -> None:
    """An age identity outside the committee releases nothing."""
    data = sealed(kit, bidder, trust, 100)
    batch = batch_json(kit, [data], [offered(data)])
    with pytest.raises(ReleaseNotAnOfficial):
        plan_lot(batch, tender=TENDER, now=AFTER, identity=X25519Identity.generate())


def test_the_command_is_registered_and_reads_age_identity_files(tmp_path: Path) -> None:
    """`etender opening release` parses; the identity file may carry age-keygen comments."""
    identity = X25519Identity.generate()
    path = tmp_path / "official.agekey"
    path.write_text(
        f"# created: now\n# public key: {identity.recipient().encode()}\n{identity.encode()}\n"
    )
    assert read_identity(path).encode() == identity.encode()
    args = build_parser().parse_args(
        ["opening", "release", "--server", "http://x", "--identity", str(path), "--tender", "t1"]
    )
    assert args.opening_action == "release"
