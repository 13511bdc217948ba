"""Sealed submission: upload, submit statement, receipt, versions and refusals (service)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from signing.age import X25519Identity, build_header, encrypt
from signing.certs import dump_pem_certificate
from signing.cms import verify_detached
from signing.committee import Committee
from signing.demo_ca import Revocation, issue_crl, issue_identity
from signing.log.checkpoint import open_checkpoint
from signing.log.entry import LogEntry, reveal_matches
from signing.shares import derive_share_stanzas
from signing.statements.base import SignedStatement
from signing.statements.bid import STATEMENT_COMMIT_LABEL
from signing.trust import TrustStore
from tender import service
from tender.errors import LotNotFound, TenderNotFound
from tender.submission.context import Submission
from tender.submission.model import (
    BidDuplicate,
    BidVersionConflict,
    CountersignatureInvalid,
    CountersignatureMissing,
    PartCommitteeMismatch,
    PartNotAge,
    PartNotUploaded,
    PartStanzasInvalid,
    SignerMismatch,
    SignerNotRegistered,
    StatementInvalid,
    StatementMismatch,
    Upload,
    UploadHashMismatch,
    UploadInputInvalid,
    UploadNotFound,
    UploadOffsetWrong,
    UploadStatus,
    UploadTooLarge,
    VersionKind,
)
from tender.submission.service import my_bid, submit_bid, withdraw_bid
from tender.submission.uploads import create_upload, get_upload, write_chunk
from tests.signing.bid_kit import make_committee
from tests.tender.submission.kit import (
    bidder,
    countersign_as,
    make_submission,
    seal_for,
    sealed_committee,
    sign_submit,
    sign_withdraw,
    stream,
    submit_sealed,
    upload,
    verify_inclusion,
)
from tests.tender.world import World, appoint, fast_draft, published_tender, register_certificate


async def _bid_rows(conn: asyncpg.Connection) -> int:
    count: int = await conn.fetchval("SELECT count(*) FROM bid_versions")
    return count


def _staged(sub: Submission) -> list[Path]:
    return list(sub.store.staging_dir.iterdir())


async def test_a_submitted_bid_gets_a_signed_receipt_covered_by_a_checkpoint(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path
) -> None:
    """Durable part, receipt verifiable by openssl, inclusion proof, bidder hidden in the log."""
    sub = make_submission(world, tmp_path)
    tender = await published_tender(conn, world)
    who = bidder(world, 0)
    receipt = await submit_sealed(conn, pool, sub, world, tender, who, price=123_400)
    version = receipt.version
    fields = json.loads(version.receipt)
    assert fields["bidder"] == who.org.credit_code
    assert (fields["tender"], fields["lot"], fields["version"]) == (tender.code, "1", 1)
    part = version.parts[0]
    stored = sub.store.path_of(part.sha256).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == part.sha256 == fields["parts"][0]["sha256"]
    receipt_trust = TrustStore(roots=(sub.signer.root,))
    verify_detached(version.receipt, version.receipt_signature, receipt_trust, version.received_at)
    (tmp_path / "r.json").write_bytes(version.receipt)
    (tmp_path / "r.p7s").write_bytes(version.receipt_signature)
    (tmp_path / "root.pem").write_bytes(dump_pem_certificate(sub.signer.root))
    done = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", str(tmp_path / "r.p7s"),
         "-content", str(tmp_path / "r.json"), "-CAfile", str(tmp_path / "root.pem"),
         "-purpose", "any", "-out", "/dev/null"],
        capture_output=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert receipt.checkpoint is not None
    assert receipt.tree_size is not None
    checkpoint, _ = open_checkpoint(receipt.checkpoint, sub.log_identity.signer.verifier())
    leaf = await conn.fetchval("SELECT entry FROM log_entries WHERE idx = $1", version.log_index)
    assert receipt.entry == leaf
    proof = list(receipt.inclusion_proof)
    assert verify_inclusion(version.log_index, checkpoint.size, leaf, proof, checkpoint.root_hash)
    entry = LogEntry.from_bytes(leaf)
    assert entry.actor.user_id is None
    assert entry.address is None
    assert who.org.credit_code not in leaf.decode()
    _, versions = await my_bid(conn, who.actor, tender.id, "1")
    assert reveal_matches(entry.data["bidder"], who.org.credit_code, versions[0].bidder_salt)
    assert _staged(sub) == []


async def test_replace_withdraw_and_resubmit_keep_every_version_chained(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path
) -> None:
    """v1 → v2 (replace) → v3 (withdraw) → v4; a second version 1 and a broken chain refused."""
    sub = make_submission(world, tmp_path)
    tender = await published_tender(conn, world)
    who = bidder(world, 0)
    v1 = (await submit_sealed(conn, pool, sub, world, tender, who)).version
    with pytest.raises(BidDuplicate):
        await submit_sealed(conn, pool, sub, world, tender, who)
    with pytest.raises(BidVersionConflict):
        await submit_sealed(conn, pool, sub, world, tender, who, version=2, previous="0" * 64)
    v2 = await submit_sealed(
        conn, pool, sub, world, tender, who, version=2, previous=v1.statement_sha256
    )
    signed = sign_withdraw(tender, who, 2, v2.version.statement_sha256)
    v3 = await withdraw_bid(conn, who.actor, tender.id, "1", signed, sub=sub)
    assert json.loads(v3.version.receipt)["kind"] == "withdraw"
    v4 = await submit_sealed(
        conn, pool, sub, world, tender, who, version=4, previous=v3.version.statement_sha256
    )
    bid, versions = await my_bid(conn, who.actor, tender.id, "1")
    assert [v.version for v in versions] == [1, 2, 3, 4]
    assert [v.kind for v in versions][2] is VersionKind.WITHDRAW
    assert (bid.version, bid.status) == (4, "submitted")
    assert versions[3].parts == v4.version.parts
    # docs/audit-log.md §1.2: a fresh salt for every commitment — each version's entry
    # opens with its own salt only, so the log does not link one bidder's versions.
    data = [
        LogEntry.from_bytes(
            await conn.fetchval("SELECT entry FROM log_entries WHERE idx = $1", v.log_index)
        ).data
        for v in versions
    ]
    logged = [d["bidder"] for d in data]
    assert len(set(logged)) == len({v.bidder_salt for v in versions}) == 4
    # upload.md §5: the statement's hash (which `previous` chains) only as a commitment
    # under the same salt, another label; withdrawals too.
    for v, d in zip(versions, data, strict=True):
        assert reveal_matches(d["bidder"], who.org.credit_code, v.bidder_salt)
        assert (d["format"], "statement_sha256" in d) == (2, False)
        assert reveal_matches(
            d["statement"], v.statement_sha256, v.bidder_salt, label=STATEMENT_COMMIT_LABEL
        )
    rows = await conn.fetchval("SELECT count(*) FROM bids")
    assert rows == 1


async def _failing_upload(
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    sub: Submission,
    tender: object,
    who: object,
    data: bytes,
    sha256: str | None = None,
) -> Upload:
    return await upload(conn, pool, sub, tender, who, data, sha256=sha256)  # type: ignore[arg-type]


async def test_bad_parts_are_refused_with_their_own_codes_and_nothing_stored(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path
) -> None:
    """Non-age, plain age, other committee, tampered bytes, oversize: refused, no blob."""
    sub = make_submission(world, tmp_path, max_part_bytes=200_000)
    tender = await published_tender(conn, world)
    who = bidder(world, 0)
    good = seal_for(world, await sealed_committee(conn, tender), who)
    people = [issue_identity(world.ca, name=f"他人{i}", now=_now()) for i in range(4)]
    other = make_committee(people, k=3, at=_now())
    cases = [
        (b"PK\x03\x04 not an age file" * 10, None, PartNotAge),
        (encrypt(b"hello", [X25519Identity.generate().recipient()]), None, PartCommitteeMismatch),
        (seal_for(world, other.committee, who), None, PartCommitteeMismatch),
        (good, hashlib.sha256(good + b"x").hexdigest(), UploadHashMismatch),
        (_shares_only(await sealed_committee(conn, tender)), None, PartStanzasInvalid),
    ]
    for data, declared, error in cases:
        with pytest.raises(error):
            await upload(conn, pool, sub, tender, who, data, sha256=declared)
    statuses = await conn.fetch("SELECT status, failure FROM bid_uploads ORDER BY created_at")
    assert [r["status"] for r in statuses] == [UploadStatus.FAILED] * len(cases)
    assert [r["failure"] for r in statuses] == [e.code for _, _, e in cases]
    assert _staged(sub) == []
    assert list(sub.store.objects_dir.iterdir()) == []
    with pytest.raises(UploadTooLarge):
        await upload(conn, pool, sub, tender, who, b"x" * 200_001)
    with pytest.raises(LotNotFound):
        await create_upload(
            conn, who.actor, tender.id, "9", part="main", size=9, sha256="a" * 64, sub=sub
        )
    with pytest.raises(TenderNotFound):
        await create_upload(
            conn, who.actor, world.agency.user_id, "1", part="main", size=9, sha256="a" * 64,
            sub=sub,
        )  # fmt: skip
    assert await _bid_rows(conn) == 0


def _shares_only(sealed_to: Committee) -> bytes:
    """An age file with the committee's share stanzas but no stanza for the bidder."""
    file_key = os.urandom(16)
    stanzas = derive_share_stanzas(
        file_key, fingerprint=sealed_to.fingerprint, part="main", k=sealed_to.k,
        recipients=sealed_to.recipients(),
    )  # fmt: skip
    return build_header(stanzas, file_key) + os.urandom(1000)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)


async def _broken(data: bytes, at: int) -> AsyncIterator[bytes]:
    yield data[:at]
    raise ConnectionResetError("the client went away")


async def test_an_interrupted_upload_resumes_at_its_committed_offset(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path
) -> None:
    """A dropped connection keeps what arrived; a wrong offset is refused; resuming finishes."""
    sub = make_submission(world, tmp_path)
    tender = await published_tender(conn, world)
    who = bidder(world, 0)
    data = seal_for(world, await sealed_committee(conn, tender), who)
    created = await create_upload(
        conn, who.actor, tender.id, "1", part="main", size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), sub=sub,
    )  # fmt: skip
    with pytest.raises(ConnectionResetError):
        await write_chunk(
            pool, who.actor, created.id, offset=0, chunks=_broken(data, 1000), sub=sub
        )
    state = await get_upload(conn, who.actor, created.id)
    assert (state.committed_offset, state.status) == (1000, UploadStatus.OPEN)
    with pytest.raises(UploadOffsetWrong) as wrong:
        await write_chunk(pool, who.actor, created.id, offset=0, chunks=stream(data), sub=sub)
    assert wrong.value.details == {"offset": 1000}
    other = bidder(world, 1)
    with pytest.raises(UploadNotFound):
        await get_upload(conn, other.actor, created.id)
    done = await write_chunk(
        pool, who.actor, created.id, offset=1000, chunks=stream(data[1000:]), sub=sub
    )
    assert done.status is UploadStatus.COMPLETE
    assert sub.store.path_of(done.declared_sha256).read_bytes() == data


async def test_a_part_moved_into_the_store_by_a_writer_that_crashed_completes_on_resume(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path
) -> None:
    """A writer killed after moving the checked part into the blob store and before
    marking it complete leaves the upload open at its last committed offset (0 for a
    part sent in one request): the next PUT at that offset completes it (upload.md
    §2.3); it no longer answers "the staged bytes are gone" for ever."""
    sub = make_submission(world, tmp_path)
    tender = await published_tender(conn, world)
    who = bidder(world, 0)
    data = seal_for(world, await sealed_committee(conn, tender), who)
    digest = hashlib.sha256(data).hexdigest()
    created = await create_upload(
        conn, who.actor, tender.id, "1", part="main", size=len(data), sha256=digest, sub=sub
    )
    # What the killed writer did before its last step: every byte staged, then moved.
    staged = sub.store.staging_dir / created.staging_id
    staged.write_bytes(data)
    sub.store.install(staged, digest)
    before = await get_upload(conn, who.actor, created.id)
    assert (before.committed_offset, before.status) == (0, UploadStatus.OPEN)
    done = await write_chunk(pool, who.actor, created.id, offset=0, chunks=stream(data), sub=sub)
    assert (done.status, done.committed_offset) == (UploadStatus.COMPLETE, len(data))
    assert sub.store.path_of(digest).read_bytes() == data
    assert _staged(sub) == []


async def test_submit_statements_are_verified_against_the_bidder_and_its_parts(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path
) -> None:
    """Bad signature, another organisation's certificate, wrong lot, unknown part, no role."""
    sub = make_submission(world, tmp_path)
    tender = await published_tender(conn, world)
    who, other = bidder(world, 0), bidder(world, 1)
    data = seal_for(world, await sealed_committee(conn, tender), who)
    done = await upload(conn, pool, sub, tender, who, data)
    parts = {"main": done.declared_sha256}
    good = sign_submit(tender, who, parts)
    forged = SignedStatement(body=good.body, signature=good.signature[:-8] + b"\x00" * 8)
    garbage = SignedStatement(body=good.body, signature=b"not a signature")
    for signed, error in [
        (forged, StatementInvalid),
        (garbage, StatementInvalid),
        (sign_submit(tender, who, parts, signer=other.identity), SignerMismatch),
        (sign_submit(tender, who, {"main": "b" * 64}), PartNotUploaded),
        (sign_submit(tender, who, {"main": done.declared_sha256, "x": "c" * 64}),
         StatementMismatch),
    ]:  # fmt: skip
        with pytest.raises(error):
            await submit_bid(conn, who.actor, tender.id, "1", signed, sub=sub)
    # Another organisation cannot submit the parts of the first (its uploads are its own).
    with pytest.raises((SignerMismatch, PartNotUploaded, StatementMismatch)):
        await submit_bid(conn, other.actor, tender.id, "1", good, sub=sub)
    with pytest.raises(PermissionDenied):
        await submit_bid(conn, world.agency, tender.id, "1", good, sub=sub)
    assert await _bid_rows(conn) == 0
    receipt = await submit_bid(conn, who.actor, tender.id, "1", good, sub=sub)
    assert receipt.version.version == 1
    assert await _bid_rows(conn) == 1


async def test_a_consortium_is_signed_in_the_statement_and_countersigned_by_every_member(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path
) -> None:
    """Members only where the tender admits consortia, named in the signed statement
    (the body's field may only repeat it), each countersigning with its own registered
    certificate; a missing, foreign or unregistered countersignature is refused."""
    sub = make_submission(world, tmp_path)
    plain = await published_tender(conn, world)
    draft = dataclasses.replace(await fast_draft(conn, world), consortia_allowed=True)
    created = await service.create_draft(conn, world.agency, draft)
    await appoint(conn, world, created)
    tender = await service.publish(conn, world.agency, created.id, world.setup())
    lead, member, outsider = bidder(world, 0), bidder(world, 1), bidder(world, 2)
    code = member.org.credit_code
    unregistered = bidder(world, 1, ca=world.ca).identity  # the member's, never registered
    for target, members, extra, error in (
        (plain, (code,), [], StatementMismatch),
        (tender, ("not a credit code",), [], UploadInputInvalid),
        (tender, (code,), [], CountersignatureMissing),
        (tender, (code,), [outsider.identity], CountersignatureInvalid),
        (tender, (code,), [member.identity, member.identity], CountersignatureInvalid),
        (tender, (code,), [unregistered], SignerNotRegistered),
    ):
        data = seal_for(world, await sealed_committee(conn, target), lead)
        done = await upload(conn, pool, sub, target, lead, data)
        signed = sign_submit(target, lead, {"main": done.declared_sha256}, consortium=members)
        with pytest.raises(error):
            await submit_bid(
                conn, lead.actor, target.id, "1", signed,
                countersignatures=[countersign_as(m, signed) for m in extra], sub=sub,
            )  # fmt: skip
    countersigned = [countersign_as(member.identity, signed)]
    with pytest.raises(StatementMismatch):  # the unsigned body field cannot add a member
        await submit_bid(
            conn, lead.actor, tender.id, "1", signed, consortium=[code, outsider.org.credit_code],
            countersignatures=countersigned, sub=sub,
        )  # fmt: skip
    assert await _bid_rows(conn) == 0
    receipt = await submit_bid(
        conn, lead.actor, tender.id, "1", signed, countersignatures=countersigned, sub=sub
    )
    bid, _ = await my_bid(conn, lead.actor, tender.id, "1")
    assert bid.consortium == (code,)
    assert receipt.version.version == 1


async def test_only_a_certificate_the_bidder_registered_may_sign_its_submit_statement(
    conn: asyncpg.Connection, pool: asyncpg.Pool, world: World, tmp_path: Path
) -> None:
    """A trusted certificate of the bidder's own organisation that no user of it
    registered is refused (bid_signer_not_registered), as is a rotated-out one; another
    organisation's registered certificate is refused as bid_signer_mismatch."""
    sub = make_submission(world, tmp_path)
    tender = await published_tender(conn, world)
    who, other = bidder(world, 0), bidder(world, 1)
    data = seal_for(world, await sealed_committee(conn, tender), who)
    done = await upload(conn, pool, sub, tender, who, data)
    parts = {"main": done.declared_sha256}
    stray = bidder(world, 0, ca=world.ca).identity
    with pytest.raises(SignerNotRegistered) as caught:
        await submit_bid(
            conn, who.actor, tender.id, "1", sign_submit(tender, who, parts, signer=stray), sub=sub
        )
    assert caught.value.code == "bid_signer_not_registered"
    with pytest.raises(SignerMismatch):
        await submit_bid(
            conn, who.actor, tender.id, "1", sign_submit(tender, who, parts, signer=other.identity),
            sub=sub,
        )  # fmt: skip
    await register_certificate(conn, who.actor.user_id, stray)  # rotates the first one out
    with pytest.raises(SignerNotRegistered):
        await submit_bid(conn, who.actor, tender.id, "1", sign_submit(tender, who, parts), sub=sub)
    # Registered, but revoked before the submission: the chain check refuses it.
    now = dt.datetime.now(dt.UTC)
    revoked = Revocation(serial=stray.certificate.serial_number, revoked_at=now)
    crl = issue_crl(world.ca, revocations=[revoked], now=now)
    revoking = dataclasses.replace(
        sub, setup=dataclasses.replace(sub.setup, trust=world.ca.trust_store().with_crls(crl))
    )
    with pytest.raises(StatementInvalid) as refused:
        await submit_bid(
            conn, who.actor, tender.id, "1", sign_submit(tender, who, parts, signer=stray),
            sub=revoking,
        )  # fmt: skip
    assert refused.value.details == "certificate_revoked"
    receipt = await submit_bid(
        conn, who.actor, tender.id, "1", sign_submit(tender, who, parts, signer=stray), sub=sub
    )
    assert receipt.version.version == 1
