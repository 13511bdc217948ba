"""Helpers of the submission and freeze tests: bidders' certificates, sealing, uploading."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg

from accounts.model import Actor, Organisation
from audit.service import LogIdentity
from signing.age import X25519Identity
from signing.certs import Identity
from signing.committee import Committee
from signing.demo_ca import DemoCA, issue_identity
from signing.log.checkpoint import generate_private_key
from signing.log.note import Ed25519Signer
from signing.manifest import BidInfo
from signing.statements.base import SignedStatement
from signing.statements.bid import PartHash, SubmitStatement, WithdrawStatement, countersign
from tender.blobs.store import LocalBlobStore
from tender.committee import service as committee
from tender.model import Tender
from tender.submission.context import Receipt, Submission
from tender.submission.model import Upload
from tender.submission.receipts import load_or_create
from tender.submission.service import submit_bid
from tender.submission.uploads import create_upload, write_chunk
from tests.signing.bid_kit import seal_bytes
from tests.tender.world import World


def make_submission(world: World, data_dir: Path, *, max_part_bytes: int = 1 << 30) -> Submission:
    """The submission use cases' composition: blob store and keys under ``data_dir``."""
    signer = Ed25519Signer(name="etender.test/log", private_key=generate_private_key())
    return Submission(
        setup=world.setup(),
        store=LocalBlobStore(data_dir / "blobs"),
        signer=load_or_create(data_dir),
        log_identity=LogIdentity(origin=signer.name, signer=signer),
        max_part_bytes=max_part_bytes,
    )


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Bidder:
    """A bidder user with its organisation's signing certificate and age identity."""

    actor: Actor
    org: Organisation
    identity: Identity
    age: X25519Identity


def bidder(world: World, index: int, ca: DemoCA | None = None) -> Bidder:
    """Bidder ``index`` of the world with its registered certificate naming its credit
    code (``ca``: a fresh certificate of that CA, registered nowhere)."""
    org = world.bidder_orgs[index]
    identity = world.bidder_identities[index]
    if ca is not None:
        identity = issue_identity(
            ca,
            name=f"投标人{index}",
            org_credit_code=org.credit_code,
            now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
        )
    return Bidder(
        actor=world.bidders[index], org=org, identity=identity, age=X25519Identity.generate()
    )


def seal_for(
    world: World,
    sealed_to: Committee,
    who: Bidder,
    *,
    price: int = 100_000,
    part: str = "main",
    consortium: tuple[str, ...] = (),
) -> bytes:
    """A real sealed part for ``who`` to the committee of the tender's lot."""
    info = BidInfo(
        tender=sealed_to.tender,
        lot=sealed_to.lot,
        part=part,
        bidder=who.org.credit_code,
        consortium=consortium,
        fields={"price": price, "duration": 90},
    )
    return seal_bytes(
        sealed_to,
        bidder=who.identity,
        bidder_age=who.age,
        trust=world.ca.trust_store(),
        at=dt.datetime.now(dt.UTC),
        files={"技术标.txt": b"bid text " * 50},
        info=info,
    )


async def stream(data: bytes, size: int = 4096) -> AsyncIterator[bytes]:
    """``data`` as an async stream of chunks."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def upload(
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    sub: Submission,
    tender: Tender,
    who: Bidder,
    data: bytes,
    *,
    part: str = "main",
    sha256: str | None = None,
) -> Upload:
    """Create an upload and send it in one chunk."""
    created = await create_upload(
        conn,
        who.actor,
        tender.id,
        "1",
        part=part,
        size=len(data),
        sha256=sha256 or hashlib.sha256(data).hexdigest(),
        sub=sub,
    )
    return await write_chunk(pool, who.actor, created.id, offset=0, chunks=stream(data), sub=sub)


def sign_submit(
    tender: Tender,
    who: Bidder,
    parts: dict[str, str],
    *,
    version: int = 1,
    previous: str | None = None,
    signer: Identity | None = None,
    consortium: tuple[str, ...] = (),
) -> SignedStatement:
    """The bidder's submit statement over ``parts`` (label → sha256)."""
    assert tender.code is not None
    statement = SubmitStatement(
        tender=tender.code,
        lot="1",
        bidder=who.org.credit_code,
        consortium=tuple(sorted(consortium)),
        bid_version=version,
        parts=tuple(PartHash(label=k, sha256=v) for k, v in parts.items()),
        previous=previous,
    )
    key = signer or who.identity
    return statement.sign(key.certificate, key.key, chain=key.chain)


def countersign_as(member: Identity, signed: SignedStatement) -> bytes:
    """A consortium member's countersignature over the same statement bytes."""
    return countersign(signed.body, member.certificate, member.key, chain=member.chain)


def sign_withdraw(tender: Tender, who: Bidder, version: int, submit_sha256: str) -> SignedStatement:
    """The bidder's withdraw statement for its standing version."""
    assert tender.code is not None
    statement = WithdrawStatement(
        tender=tender.code,
        lot="1",
        bidder=who.org.credit_code,
        bid_version=version,
        submit_sha256=submit_sha256,
    )
    return statement.sign(who.identity.certificate, who.identity.key, chain=who.identity.chain)


async def sealed_committee(conn: asyncpg.Connection, tender: Tender) -> Committee:
    """The committee bidders of lot 1 seal to."""
    return await committee.lot_committee(conn, tender.id, "1")


async def submit_sealed(
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    sub: Submission,
    world: World,
    tender: Tender,
    who: Bidder,
    *,
    price: int = 100_000,
    version: int = 1,
    previous: str | None = None,
) -> Receipt:
    """Seal, upload and submit one bid version."""
    data = seal_for(world, await sealed_committee(conn, tender), who, price=price)
    done = await upload(conn, pool, sub, tender, who, data)
    signed = sign_submit(
        tender, who, {"main": done.declared_sha256}, version=version, previous=previous
    )
    return await submit_bid(conn, who.actor, tender.id, "1", signed, sub=sub)


def verify_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: verify an inclusion proof (independent of signing/log/merkle.py)."""
    fn, sn = index, size - 1
    r = hashlib.sha256(b"\x00" + leaf).digest()
    for p in proof:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            r = hashlib.sha256(b"\x01" + p + r).digest()
            while fn % 2 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = hashlib.sha256(b"\x01" + r + p).digest()
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root
