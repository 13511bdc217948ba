"""The offline check of an archive package: a fresh one passes, each tampering fails
naming the file (issue 13, item 7; docs/formats/archive.md, "Verification")."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import tarfile

import pytest
from cryptography.hazmat.primitives import serialization

from signing.archive.errors import ArchiveUnreadable
from signing.archive.verify import verify_package
from signing.canonical import canonical_json
from signing.cms import read_signer
from signing.demo_ca import Revocation, issue_crl
from signing.log.entry import parse_time
from signing.log.note import Note, encode_base64, parse_note
from tests.signing.archive.forge import failures, first, flip, forge, manifest, members, raw
from tests.tender.archive.kit import LOG_SIGNER, WITNESS, Archived


def files(package: bytes) -> set[str]:
    return {file for file, _ in failures(package)}


def test_a_fresh_package_passes(archived: Archived) -> None:
    verified = verify_package(archived.package)
    assert verified.entries == len(manifest(archived.package).log.entries) > 0


def test_a_changed_byte_in_the_notice_fails_naming_it(archived: Archived) -> None:
    notice = members(archived.package)["notice/notice.json"]
    tampered = raw(archived.package, change={"notice/notice.json": flip(notice)})
    assert failures(tampered) == [
        ("notice/notice.json", "its SHA-256 or size differs from the manifest's")
    ]


def test_another_notice_fails_against_the_published_notices_hash(archived: Archived) -> None:
    """Even listed consistently, a notice other than the published one is caught: its
    SHA-256 is not the tender.published entry's notice_sha256."""
    notice = json.loads(members(archived.package)["notice/notice.json"])
    notice["title"] = "另一个项目"
    tampered = forge(
        archived.package, archived.signer, change={"notice/notice.json": canonical_json(notice)}
    )
    assert failures(tampered) == [
        ("notice/notice.json", "not the notice the tender.published log entry names")
    ]


def test_a_changed_byte_in_a_signed_statement_fails_its_signature(archived: Archived) -> None:
    """Even listed consistently in a re-signed manifest, the bidder's signature fails."""
    path = first(archived.package, "bids/", ".submit.json")
    statement = members(archived.package)[path]
    tampered = forge(archived.package, archived.signer, change={path: flip(statement)})
    [(file, what)] = failures(tampered)
    assert file == path + ".p7s"
    assert "content_digest_mismatch" in what


def test_a_missing_file_fails_naming_it(archived: Archived) -> None:
    path = first(archived.package, "bids/", ".receipt.json.p7s")
    tampered = raw(archived.package, remove=(path,))
    assert (path, "listed in the manifest but missing from the package") in failures(tampered)


def test_an_extra_file_fails_naming_it(archived: Archived) -> None:
    tampered = raw(archived.package, change={"bids/extra.json": b"{}"})
    assert failures(tampered) == [
        ("bids/extra.json", "in the package but not listed in the manifest")
    ]


def test_a_manifest_hash_mismatch_fails_naming_the_file(archived: Archived) -> None:
    """A manifest (re-signed) that lists another SHA-256 for a file names that file."""
    path = first(archived.package, "opening/", ".json")
    tampered = forge(archived.package, archived.signer, listed={path: "0" * 64})
    assert failures(tampered) == [(path, "its SHA-256 or size differs from the manifest's")]


def test_a_manifest_changed_after_signing_fails_its_signature(archived: Archived) -> None:
    body = members(archived.package)["manifest.json"]
    value = json.loads(body)
    value["tender"]["title"] = "另一个项目"
    tampered = raw(archived.package, change={"manifest.json": canonical_json(value)})
    [(file, what)] = failures(tampered)
    assert file == "manifest.json.p7s"
    assert "content_digest_mismatch" in what


def _proof(package: bytes, path: str) -> dict[str, object]:
    value: dict[str, object] = json.loads(members(package)[path])
    return value


def test_a_wrong_inclusion_proof_fails_naming_it(archived: Archived) -> None:
    path = first(archived.package, "log/proofs/")
    proof = _proof(archived.package, path)
    proof["hashes"] = [encode_base64(bytes(32)), *list(proof["hashes"])[1:]]  # type: ignore[call-overload]
    tampered = forge(archived.package, archived.signer, change={path: canonical_json(proof)})
    [(file, what)] = failures(tampered)
    assert file == path
    assert what.startswith("does not lead from entry")


def test_a_changed_log_entry_fails_its_inclusion_proof(archived: Archived) -> None:
    entry = manifest(archived.package).log.entries[0]
    data = json.loads(members(archived.package)[entry.path])
    data["address"] = "198.51.100.9"
    tampered = forge(archived.package, archived.signer, change={entry.path: canonical_json(data)})
    assert failures(tampered) == [
        (entry.proof, f"does not lead from entry {entry.index} to {entry.checkpoint}")
    ]


def test_a_wrong_consistency_proof_fails_naming_it(archived: Archived) -> None:
    [path] = manifest(archived.package).log.consistency
    proof = _proof(archived.package, path)
    proof["hashes"] = [encode_base64(bytes(32)) for _ in list(proof["hashes"])]  # type: ignore[call-overload]
    tampered = forge(archived.package, archived.signer, change={path: canonical_json(proof)})
    [(file, what)] = failures(tampered)
    assert file == path
    assert what.startswith("does not prove")


def _resign(package: bytes, path: str, name: str) -> bytes:
    """The checkpoint note at ``path`` with the signature by ``name`` changed in one byte."""
    note = parse_note(members(package)[path])
    signatures = tuple(
        dataclasses.replace(s, signature=flip(s.signature, -1)) if s.name == name else s
        for s in note.signatures
    )
    return Note(text=note.text, signatures=signatures).to_bytes()


def test_a_changed_checkpoint_signature_fails_naming_it(archived: Archived) -> None:
    path = manifest(archived.package).log.checkpoints[-1]
    changed = _resign(archived.package, path, LOG_SIGNER.name)
    tampered = forge(archived.package, archived.signer, change={path: changed})
    [(file, what)] = failures(tampered)
    assert file == path
    assert what.startswith("the log's signature does not verify")


def test_a_changed_cosignature_fails_naming_the_checkpoint(archived: Archived) -> None:
    path = manifest(archived.package).log.checkpoints[0]
    changed = _resign(archived.package, path, WITNESS.name)
    tampered = forge(archived.package, archived.signer, change={path: changed})
    [(file, what)] = failures(tampered)
    assert file == path
    assert what.startswith(f"cosignature of {WITNESS.name!r} fails")


def _with_revocation(archived: Archived, minutes: int) -> tuple[bytes, str]:
    """The package with a CRL revoking a bidder's certificate ``minutes`` before its first
    signature (negative) or after its last one (positive): the bidder signs its bid and,
    later by however long the machine took, its confirmation of the opening record, so a
    time counted from the first alone raced the build (a CI failure)."""
    found = manifest(archived.package).signatures
    entry = next(s for s in found if ".submit." in s.content)
    signer = read_signer(members(archived.package)[entry.signature])
    times = [
        parse_time(s.at)
        for s in found
        if read_signer(members(archived.package)[s.signature]).serial_number == signer.serial_number
    ]
    at = (min(times) if minutes < 0 else max(times)) + dt.timedelta(minutes=minutes)
    revoked = Revocation(serial=signer.serial_number, revoked_at=at)
    crl = issue_crl(archived.ca, revocations=[revoked], now=parse_time(entry.at))
    der = crl.public_bytes(serialization.Encoding.DER)
    return forge(archived.package, archived.signer, add={"trust/revoked.crl": (der, "crl")}), (
        entry.signature
    )


def test_a_signature_by_a_certificate_revoked_before_it_was_made_fails(archived: Archived) -> None:
    """Every signature that certificate made from then on fails (the bidder also
    confirmed the opening record with it), each named, and only those."""
    tampered, signature = _with_revocation(archived, minutes=-1)
    found = failures(tampered)
    assert signature in {file for file, _ in found}
    assert all("certificate_revoked" in what for _, what in found)


def test_a_certificate_revoked_after_it_signed_does_not_undo_the_signature(
    archived: Archived,
) -> None:
    """DESIGN.md, trust model 2: signatures count as of their time."""
    tampered, _ = _with_revocation(archived, minutes=1)
    verify_package(tampered)


def test_bytes_that_are_not_a_package_are_unreadable() -> None:
    with pytest.raises(ArchiveUnreadable):
        verify_package(b"PK\x03\x04 not a tar")


def test_a_package_repacked_with_other_headers_is_unreadable(archived: Archived) -> None:
    """One set of files, one byte string: the package's SHA-256 names its contents."""
    out = io.BytesIO()
    with (
        tarfile.open(fileobj=io.BytesIO(archived.package)) as source,
        tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as target,
    ):
        for info in source:
            data = source.extractfile(info)
            info.mtime = 1_700_000_000
            target.addfile(info, data)
    with pytest.raises(ArchiveUnreadable, match="canonical layout"):
        verify_package(out.getvalue())


def test_a_manifest_member_of_the_wrong_type_is_unreadable(archived: Archived) -> None:
    value = json.loads(members(archived.package)["manifest.json"])
    value["files"][0]["size"] = str(value["files"][0]["size"])
    tampered = raw(archived.package, change={"manifest.json": canonical_json(value)})
    with pytest.raises(
        ArchiveUnreadable, match=r"files\[0\]\.size: expected an integer, got a string"
    ):
        verify_package(tampered)


def test_a_checkpoint_that_is_not_text_fails_naming_it(archived: Archived) -> None:
    path = manifest(archived.package).log.checkpoints[0]
    tampered = forge(archived.package, archived.signer, change={path: b"\xff\xfe not a note"})
    assert path in files(tampered)
