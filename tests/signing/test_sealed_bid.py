"""Sealing and opening bid parts (DESIGN.md, "Sealed bid", "Opening").

Hostile archives are built with Python's own ``tarfile`` (an independent tar writer)
and encrypted to the bidder, so each reaches the archive checks after decryption.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import json
import os
import tarfile
import tracemalloc
import unicodedata
from pathlib import Path

import pytest

from signing import age, bidtar, sealed_bid, shamir, shares
from signing.age import X25519Identity
from signing.canonical import canonical_json
from signing.certs import Identity
from signing.cms import SignerInfo, sign_detached, verify_detached
from signing.committee import Committee, Official
from signing.errors import (
    AgeChunkInvalid,
    AgeFileKeyInvalid,
    AgeHeaderMacMismatch,
    AgeNoMatchingStanza,
    AgePayloadTruncated,
    AgeTrailingData,
    BidArchiveMalformed,
    BidArchiveUnsafeEntry,
    BidHeaderCommitteeMismatch,
    BidHeaderMissingBidderStanza,
    BidHeaderUnexpectedStanza,
    BidInputInvalid,
    BidManifestMismatch,
    BidManifestMissing,
    BidManifestWrongTender,
    CommitteeStatementInvalid,
    ContentDigestMismatch,
    ShamirInconsistentShares,
    ShamirNotEnoughShares,
    SigningError,
)
from signing.manifest import BidInfo, parse_manifest
from signing.sealed_bid import BidFile, inspect_header, open_part, recover_file_key, seal_part
from signing.trust import TrustStore
from tests.signing.bid_kit import (
    CommitteeKit,
    bid_info,
    make_committee,
    make_official,
    open_bytes,
    seal_bytes,
)
from tests.signing.conftest import IssueUser

BIG = os.urandom(200_000)  # several 64 KiB chunks
FILES = {"技术标.pdf": BIG, "报价.xlsx": b"price sheet", "empty.txt": b""}


@pytest.fixture(scope="module")
def people(issue_user: IssueUser) -> tuple[Identity, ...]:
    """Five opening officials' signing identities."""
    return tuple(issue_user(f"开标官员{x}") for x in range(1, 6))


@pytest.fixture(scope="module")
def kit(people: tuple[Identity, ...], valid_time: dt.datetime) -> CommitteeKit:
    """A committee of five with threshold three."""
    return make_committee(people, k=3, at=valid_time)


@pytest.fixture(scope="module")
def bidder_age() -> X25519Identity:
    """The bidder's own age identity."""
    return X25519Identity.generate()


@pytest.fixture(scope="module")
def sealed(
    kit: CommitteeKit,
    bidder: Identity,
    bidder_age: X25519Identity,
    trust: TrustStore,
    valid_time: dt.datetime,
) -> bytes:
    """One part with three files, sealed to the committee."""
    return seal_bytes(
        kit.committee,
        bidder=bidder,
        bidder_age=bidder_age,
        trust=trust,
        at=valid_time,
        files=FILES,
    )


def _shares(kit: CommitteeKit, sealed: bytes, xs: tuple[int, ...]) -> list[shamir.Share]:
    header = age.parse_header(sealed)
    fingerprint = kit.committee.fingerprint
    return [
        shares.unwrap_share(
            kit.identities[x - 1], shares.find_share_stanza(header, x), fingerprint, "main"
        )
        for x in xs
    ]


# --- opening paths ---


def test_any_three_of_five_officials_open_the_part(
    kit: CommitteeKit, sealed: bytes, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """Every 3-subset of the committee rebuilds the file key and opens the part."""
    header = age.parse_header(sealed)
    for xs in itertools.combinations(range(1, 6), 3):
        file_key = recover_file_key(header, _shares(kit, sealed, xs), 3)
        opened = open_bytes(sealed, kit.committee, trust=trust, at=valid_time, file_key=file_key)
        assert [f.name for f in opened.manifest.files] == list(FILES)


def test_two_officials_cannot_open(kit: CommitteeKit, sealed: bytes) -> None:
    """k - 1 shares do not make a file key."""
    with pytest.raises(ShamirNotEnoughShares):
        recover_file_key(age.parse_header(sealed), _shares(kit, sealed, (2, 5)), 3)


def test_all_released_shares_must_be_consistent(kit: CommitteeKit, sealed: bytes) -> None:
    """A fourth share that is off the polynomial is detected, not outvoted."""
    released = _shares(kit, sealed, (1, 2, 3, 4))
    released[3] = shamir.Share(x=4, value=os.urandom(16))
    with pytest.raises(ShamirInconsistentShares):
        recover_file_key(age.parse_header(sealed), released, 3)


def test_bidder_identity_opens_its_own_part(
    kit: CommitteeKit,
    sealed: bytes,
    bidder: Identity,
    bidder_age: X25519Identity,
    trust: TrustStore,
    valid_time: dt.datetime,
    tmp_path: Path,
) -> None:
    """Self-decryption gives back every file, the manifest and the bidder's signature."""

    def verify(data: bytes, signature: bytes) -> SignerInfo:
        return verify_detached(data, signature, trust, valid_time)

    output = tmp_path / "opened"
    opened = open_part(
        io.BytesIO(sealed),
        committee=kit.committee,
        part="main",
        verify=verify,
        identities=[bidder_age],
        output=output,
    )
    assert opened.output == output
    for name, data in FILES.items():
        assert (output / "files" / name).read_bytes() == data
    assert (output / "manifest.json").read_bytes() == opened.manifest_bytes
    assert opened.signer.certificate == bidder.certificate
    assert opened.manifest.info.fields == {"price": 123_400, "duration": 90}
    assert opened.manifest.committee_fingerprint == kit.committee.fingerprint_hex


def test_no_key_at_all_opens_nothing(
    kit: CommitteeKit, sealed: bytes, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """An outsider's identity finds no stanza."""
    with pytest.raises(SigningError) as info:
        open_bytes(
            sealed,
            kit.committee,
            trust=trust,
            at=valid_time,
            identities=[X25519Identity.generate()],
        )
    assert info.value.code == "age_no_matching_stanza"


def test_ciphertext_hash_is_reported_by_seal_and_open(
    kit: CommitteeKit,
    bidder: Identity,
    bidder_age: X25519Identity,
    trust: TrustStore,
    valid_time: dt.datetime,
) -> None:
    """The part hash the bidder signs is the SHA-256 of the stored file."""
    out = io.BytesIO()
    result = seal_part(
        out,
        committee=kit.committee,
        trust=trust,
        at=valid_time,
        bidder_recipient=bidder_age.recipient(),
        info=bid_info(),
        files=[BidFile(name="a.txt", size=1, source=io.BytesIO(b"a"))],
        sign=lambda m: sign_detached(m, bidder.certificate, bidder.key, chain=bidder.chain),
    )
    assert result.sha256 == hashlib.sha256(out.getvalue()).hexdigest()
    opened = open_bytes(
        out.getvalue(), kit.committee, trust=trust, at=valid_time, identities=[bidder_age]
    )
    assert opened.ciphertext_sha256 == result.sha256


# --- the archive ---


def test_archive_headers_are_deterministic(sealed: bytes, bidder_age: X25519Identity) -> None:
    """mtime 0, uid/gid 0, empty owner names, mode 0644, PAX path records, files first."""
    plain = age.decrypt(sealed, identities=[bidder_age])
    with tarfile.open(fileobj=io.BytesIO(plain), mode="r:") as archive:
        members = archive.getmembers()
    assert [m.name for m in members] == [
        *(f"files/{n}" for n in FILES),
        "manifest.json",
        "manifest.p7s",
    ]
    for member in members:
        assert (member.mtime, member.uid, member.gid, member.mode) == (0, 0, 0, 0o644)
        assert (member.uname, member.gname, member.type) == ("", "", tarfile.REGTYPE)
        assert member.pax_headers == {"path": member.name}


def test_names_are_stored_nfc_normalised(
    kit: CommitteeKit,
    bidder: Identity,
    bidder_age: X25519Identity,
    trust: TrustStore,
    valid_time: dt.datetime,
) -> None:
    """A decomposed (NFD) name is archived and listed in NFC."""
    nfd = unicodedata.normalize("NFD", "café.pdf")
    sealed = seal_bytes(
        kit.committee,
        bidder=bidder,
        bidder_age=bidder_age,
        trust=trust,
        at=valid_time,
        files={nfd: b"x"},
    )
    opened = open_bytes(sealed, kit.committee, trust=trust, at=valid_time, identities=[bidder_age])
    assert opened.manifest.files[0].name == unicodedata.normalize("NFC", nfd)


def test_manifest_is_canonical_json_with_the_documented_keys(
    sealed: bytes, kit: CommitteeKit
) -> None:
    """manifest.json is RFC 8785 and carries format, algorithms and every file."""
    manifest = json.loads(_manifest_bytes(sealed, kit))
    assert set(manifest) == {
        "format",
        "algorithms",
        "tender",
        "lot",
        "part",
        "bidder",
        "consortium",
        "committee_fingerprint",
        "fields",
        "files",
    }
    assert canonical_json(manifest) == _manifest_bytes(sealed, kit)
    assert manifest["format"] == "etender-bid-v1"


def _manifest_bytes(sealed: bytes, kit: CommitteeKit) -> bytes:
    header = age.parse_header(sealed)
    released = _shares(kit, sealed, (1, 2, 3))
    plain = age.decrypt(sealed, file_key=recover_file_key(header, released, 3))
    with tarfile.open(fileobj=io.BytesIO(plain), mode="r:") as archive:
        member = archive.extractfile("manifest.json")
        assert member is not None
        return member.read()


def test_pretty_printed_manifest_is_refused() -> None:
    """Only the canonical bytes are a manifest (what is signed is what is parsed)."""
    with pytest.raises(BidManifestMismatch):
        parse_manifest(json.dumps({"format": "etender-bid-v1"}, indent=2).encode())


@pytest.mark.parametrize(
    "fields",
    [{"price": "123.40"}, {"duration": True}, {"Price": 1}, {"price": -1}, {"note": ""}],
)
def test_bad_opening_form_fields_are_refused(fields: dict[str, object]) -> None:
    """Price in fen and duration in days are non-negative integers; names are lower-case."""
    with pytest.raises(BidInputInvalid):
        BidInfo(tender="T", lot="1", part="main", bidder="B", fields=fields)  # type: ignore[arg-type]


# --- hostile archives, decrypted with the bidder's identity ---


def _tar(entries: list[tuple[tarfile.TarInfo, bytes]]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for info, data in entries:
            info.pax_headers = {"path": info.name}
            archive.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return out.getvalue()


def _file(name: str, data: bytes, kind: bytes = tarfile.REGTYPE) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    info.mode = 0o644
    if kind in (tarfile.SYMTYPE, tarfile.LNKTYPE):
        info.linkname = "../../etc/passwd"
    return info, data


def _open_plain(
    plaintext: bytes,
    kit: CommitteeKit,
    bidder_age: X25519Identity,
    trust: TrustStore,
    at: dt.datetime,
    output: Path,
) -> None:
    sealed = age.encrypt(plaintext, [bidder_age.recipient()])

    def verify(data: bytes, signature: bytes) -> SignerInfo:
        return verify_detached(data, signature, trust, at)

    open_part(
        io.BytesIO(sealed),
        committee=kit.committee,
        part="main",
        verify=verify,
        identities=[bidder_age],
        output=output,
    )


GOOD = _file("files/ok.txt", b"good")
UNSAFE = {
    "parent": [GOOD, _file("files/../../evil", b"x")],
    "absolute": [GOOD, _file("/etc/evil", b"x")],
    "outside files": [GOOD, _file("evil.sh", b"x")],
    "symlink": [GOOD, _file("files/link", b"", tarfile.SYMTYPE)],
    "hard link": [GOOD, _file("files/link", b"", tarfile.LNKTYPE)],
    "device": [GOOD, _file("files/dev", b"", tarfile.CHRTYPE)],
    "fifo": [GOOD, _file("files/fifo", b"", tarfile.FIFOTYPE)],
    "directory": [GOOD, _file("files/dir", b"", tarfile.DIRTYPE)],
    "not nfc": [GOOD, _file(unicodedata.normalize("NFD", "files/café"), b"x")],
    "duplicate": [GOOD, _file("files/OK.txt", b"again")],
    "backslash": [GOOD, _file("files/a\\..\\b", b"x")],
    "file under a file": [GOOD, _file("files/ok.txt/inner", b"x")],
}


@pytest.mark.parametrize("case", sorted(UNSAFE))
def test_unsafe_entries_are_refused_and_leave_nothing(
    case: str,
    kit: CommitteeKit,
    bidder_age: X25519Identity,
    trust: TrustStore,
    valid_time: dt.datetime,
    tmp_path: Path,
) -> None:
    """Traversal, absolute names, links, devices, directories: refused, no plaintext left."""
    output = tmp_path / "out"
    with pytest.raises(BidArchiveUnsafeEntry) as info:
        _open_plain(_tar(UNSAFE[case]), kit, bidder_age, trust, valid_time, output)
    assert info.value.code == "bid_archive_unsafe_entry"
    assert list(tmp_path.iterdir()) == []  # not the output, not the temporary directory


def _archive(files: dict[str, bytes], manifest: bytes | None, signature: bytes | None) -> bytes:
    entries = [_file(f"files/{n}", d) for n, d in files.items()]
    if manifest is not None:
        entries.append(_file("manifest.json", manifest))
    if signature is not None:
        entries.append(_file("manifest.p7s", signature))
    return _tar(entries)


def _manifest_for(kit: CommitteeKit, files: dict[str, bytes], **changes: object) -> bytes:
    value: dict[str, object] = {
        "format": "etender-bid-v1",
        "algorithms": {
            "container": "age-encryption.org/v1",
            "bidder_stanza": "X25519",
            "share_stanza": "etender-share-v1",
            "file_hash": "sha256",
            "signature": "cms-detached",
        },
        "tender": kit.committee.tender,
        "lot": kit.committee.lot,
        "part": "main",
        "bidder": "91350100M000100Y43",
        "consortium": [],
        "committee_fingerprint": kit.committee.fingerprint_hex,
        "fields": {"price": 1},
        "files": [
            {"name": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
            for n, d in files.items()
        ],
    }
    return canonical_json(value | changes)


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("no manifest", BidManifestMissing),
        ("no signature", BidManifestMissing),
        ("file altered", BidManifestMismatch),
        ("file not listed", BidManifestMismatch),
        ("listed file missing", BidManifestMismatch),
        ("other tender", BidManifestWrongTender),
        ("other lot", BidManifestWrongTender),
        ("other part", BidManifestWrongTender),
        ("other committee", BidManifestWrongTender),
        ("file after manifest", BidArchiveMalformed),
        ("signature over other bytes", ContentDigestMismatch),
    ],
)
def test_bad_contents_get_their_own_error_and_leave_nothing(
    case: str,
    error: type[SigningError],
    kit: CommitteeKit,
    bidder: Identity,
    bidder_age: X25519Identity,
    trust: TrustStore,
    valid_time: dt.datetime,
    tmp_path: Path,
) -> None:
    """Each way the archive can disagree with its manifest has its own error code."""
    files = {"a.txt": b"alpha", "b.txt": b"beta"}
    manifest = _manifest_for(kit, files)
    changes = {
        "other tender": {"tender": "ZB-OTHER"},
        "other lot": {"lot": "2"},
        "other part": {"part": "technical"},
        "other committee": {"committee_fingerprint": "0" * 64},
    }
    if case in changes:
        manifest = _manifest_for(kit, files, **changes[case])
    signature = sign_detached(manifest, bidder.certificate, bidder.key, chain=bidder.chain)
    archive_files = dict(files)
    if case == "file altered":
        archive_files["b.txt"] = b"BETA"
    elif case == "file not listed":
        archive_files["c.txt"] = b"extra"
    elif case == "listed file missing":
        del archive_files["b.txt"]
    elif case == "signature over other bytes":
        signature = sign_detached(b"{}", bidder.certificate, bidder.key, chain=bidder.chain)
    plain = _archive(
        archive_files,
        None if case == "no manifest" else manifest,
        None if case in ("no manifest", "no signature") else signature,
    )
    if case == "file after manifest":
        plain = _tar([_file("manifest.json", manifest), _file("files/a.txt", b"alpha")])
    with pytest.raises(error):
        _open_plain(plain, kit, bidder_age, trust, valid_time, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("damage", "error"),
    [("truncate", AgePayloadTruncated), ("flip", AgeChunkInvalid)],
)
def test_damaged_ciphertext_leaves_no_plaintext(
    damage: str,
    error: type[SigningError],
    sealed: bytes,
    kit: CommitteeKit,
    bidder_age: X25519Identity,
    trust: TrustStore,
    valid_time: dt.datetime,
    tmp_path: Path,
) -> None:
    """A payload cut at a chunk boundary or altered fails after some files were written."""
    payload_start = len(age.parse_header(sealed).raw) + 16
    if damage == "truncate":
        broken = sealed[: payload_start + 2 * (64 * 1024 + 16)]
    else:
        data = bytearray(sealed)
        data[-40] ^= 1  # inside the final chunk, after the big file was extracted
        broken = bytes(data)

    def verify(data: bytes, signature: bytes) -> SignerInfo:
        return verify_detached(data, signature, trust, valid_time)

    with pytest.raises(error):
        open_part(
            io.BytesIO(broken),
            committee=kit.committee,
            part="main",
            verify=verify,
            identities=[bidder_age],
            output=tmp_path / "out",
        )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("wrong file key", AgeFileKeyInvalid),
        ("other identity", AgeNoMatchingStanza),
        ("header altered", AgeHeaderMacMismatch),
        ("trailing data", AgeTrailingData),
    ],
)
def test_container_errors_leave_no_plaintext(
    case: str,
    error: type[SigningError],
    sealed: bytes,
    kit: CommitteeKit,
    bidder_age: X25519Identity,
    tmp_path: Path,
) -> None:
    """Key, header and trailing-data errors: their own code, and no output directory."""
    data, identities, file_key = sealed, [bidder_age], None
    if case == "wrong file key":
        identities, file_key = [], os.urandom(16)
    elif case == "other identity":
        identities = [X25519Identity.generate()]
    elif case == "header altered":
        data = sealed.replace(b"etender-share-v1 5 3 5", b"etender-share-v1 5 3 6", 1)
    else:
        data = sealed + b"\n"
    with pytest.raises(error):
        open_part(
            io.BytesIO(data),
            committee=kit.committee,
            part="main",
            verify=lambda m, s: None,
            identities=identities,
            file_key=file_key,
            output=tmp_path / "out",
        )
    assert list(tmp_path.iterdir()) == []


def test_existing_output_is_never_overwritten(
    sealed: bytes,
    kit: CommitteeKit,
    bidder_age: X25519Identity,
    trust: TrustStore,
    valid_time: dt.datetime,
    tmp_path: Path,
) -> None:
    """Opening into a directory that exists is refused before any work."""
    (tmp_path / "out").mkdir()
    with pytest.raises(BidInputInvalid):
        open_part(
            io.BytesIO(sealed),
            committee=kit.committee,
            part="main",
            verify=lambda m, s: None,
            identities=[bidder_age],
            output=tmp_path / "out",
        )


# --- sealing refusals ---


def test_substituted_official_key_is_refused_before_sealing(
    kit: CommitteeKit,
    bidder: Identity,
    bidder_age: X25519Identity,
    trust: TrustStore,
    valid_time: dt.datetime,
) -> None:
    """The platform swaps an official's recipient for its own: the statement does not vouch."""
    platform_key = X25519Identity.generate().recipient().encode()
    first = kit.committee.officials[0]
    swapped = Official(
        x=1,
        recipient=platform_key,
        cert_sha256=first.cert_sha256,
        certificate=first.certificate,
        statement=first.statement,
    )
    committee = _replace_official(kit.committee, swapped)
    out = io.BytesIO()
    with pytest.raises(CommitteeStatementInvalid) as info:
        seal_part(
            out,
            committee=committee,
            trust=trust,
            at=valid_time,
            bidder_recipient=bidder_age.recipient(),
            info=bid_info(),
            files=[],
            sign=lambda m: b"",
        )
    assert info.value.code == "committee_statement_invalid"
    assert out.getvalue() == b""


def _replace_official(committee: Committee, official: Official) -> Committee:
    officials = list(committee.officials)
    officials[official.x - 1] = official
    return Committee(
        tender=committee.tender,
        lot=committee.lot,
        deadline=committee.deadline,
        k=committee.k,
        n=committee.n,
        officials=tuple(officials),
    )


def test_statement_signed_by_someone_else_is_refused(
    kit: CommitteeKit,
    issue_user: IssueUser,
    bidder_age: X25519Identity,
    trust: TrustStore,
    valid_time: dt.datetime,
) -> None:
    """An impostor's own statement for its key does not bind the official's certificate."""
    impostor, _ = make_official(2, issue_user("冒名者"), valid_time)
    genuine = kit.committee.officials[1]
    forged = Official(
        x=2,
        recipient=impostor.recipient,
        cert_sha256=genuine.cert_sha256,
        certificate=genuine.certificate,
        statement=impostor.statement,
    )
    with pytest.raises(CommitteeStatementInvalid):
        seal_part(
            io.BytesIO(),
            committee=_replace_official(kit.committee, forged),
            trust=trust,
            at=valid_time,
            bidder_recipient=bidder_age.recipient(),
            info=bid_info(),
            files=[],
            sign=lambda m: b"",
        )


def test_committee_of_another_tender_is_refused(
    kit: CommitteeKit, bidder_age: X25519Identity, trust: TrustStore, valid_time: dt.datetime
) -> None:
    """A bid names the tender and lot of the committee it is sealed to."""
    with pytest.raises(BidInputInvalid):
        seal_part(
            io.BytesIO(),
            committee=kit.committee,
            trust=trust,
            at=valid_time,
            bidder_recipient=bidder_age.recipient(),
            info=bid_info(tender="ZB-OTHER"),
            files=[],
            sign=lambda m: b"",
        )


def test_file_that_changes_size_while_sealing_is_refused(
    kit: CommitteeKit,
    bidder: Identity,
    bidder_age: X25519Identity,
    trust: TrustStore,
    valid_time: dt.datetime,
) -> None:
    """The size written in the tar header must be the size read."""
    with pytest.raises(BidInputInvalid, match="grew"):
        seal_part(
            io.BytesIO(),
            committee=kit.committee,
            trust=trust,
            at=valid_time,
            bidder_recipient=bidder_age.recipient(),
            info=bid_info(),
            files=[BidFile(name="a.txt", size=2, source=io.BytesIO(b"abc"))],
            sign=lambda m: sign_detached(m, bidder.certificate, bidder.key),
        )


@pytest.mark.parametrize("name", ["../x", "a//b", "", "./a", "a\x00b"])
def test_unsafe_input_names_are_refused(
    name: str,
    kit: CommitteeKit,
    bidder_age: X25519Identity,
    trust: TrustStore,
    valid_time: dt.datetime,
) -> None:
    """Names that would be unsafe to open are refused when sealing."""
    with pytest.raises((BidInputInvalid, BidArchiveUnsafeEntry)):
        seal_part(
            io.BytesIO(),
            committee=kit.committee,
            trust=trust,
            at=valid_time,
            bidder_recipient=bidder_age.recipient(),
            info=bid_info(),
            files=[BidFile(name=name, size=0, source=io.BytesIO())],
            sign=lambda m: b"",
        )


def test_two_parts_have_independent_file_keys(
    kit: CommitteeKit,
    bidder: Identity,
    bidder_age: X25519Identity,
    trust: TrustStore,
    valid_time: dt.datetime,
) -> None:
    """Technical and commercial parts open separately; one part's shares fail the other."""
    parts = {
        label: seal_bytes(
            kit.committee,
            bidder=bidder,
            bidder_age=bidder_age,
            trust=trust,
            at=valid_time,
            files={f"{label}.pdf": label.encode()},
            info=bid_info(part=label, fields={} if label == "technical" else None),
        )
        for label in ("technical", "commercial")
    }
    header = age.parse_header(parts["technical"])
    stanza = shares.find_share_stanza(header, 1)
    shares.unwrap_share(kit.identities[0], stanza, kit.committee.fingerprint, "technical")
    with pytest.raises(SigningError) as info:
        shares.unwrap_share(kit.identities[0], stanza, kit.committee.fingerprint, "commercial")
    assert info.value.code == "share_context_mismatch"
    technical = open_bytes(
        parts["technical"],
        kit.committee,
        trust=trust,
        at=valid_time,
        part="technical",
        identities=[bidder_age],
    )
    assert technical.manifest.info.fields == {}


def test_sealing_memory_does_not_grow_with_the_bid(
    kit: CommitteeKit,
    bidder: Identity,
    bidder_age: X25519Identity,
    trust: TrustStore,
    valid_time: dt.datetime,
) -> None:
    """Sealing 48 MB streams it: Python's peak allocation is a small constant (< 16 MiB)."""

    class Zeros:
        def __init__(self, size: int) -> None:
            self.left = size

        def read(self, size: int = -1) -> bytes:
            size = self.left if size < 0 else min(size, self.left)
            self.left -= size
            return bytes(size)

    class Discard:
        def write(self, data: bytes | memoryview) -> int:
            return len(data)

    size = 48 * 1024 * 1024
    tracemalloc.start()
    try:
        seal_part(
            Discard(),
            committee=kit.committee,
            trust=trust,
            at=valid_time,
            bidder_recipient=bidder_age.recipient(),
            info=bid_info(),
            files=[BidFile(name="big.bin", size=size, source=Zeros(size))],
            sign=lambda m: sign_detached(m, bidder.certificate, bidder.key),
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < size // 3, peak


# --- header inspection (server side, no keys) ---


def test_header_of_a_good_part_fits_its_committee(sealed: bytes, kit: CommitteeKit) -> None:
    """One bidder stanza and one share stanza per official, x = 1…n, k and n as committed."""
    summary = inspect_header(sealed, kit.committee)
    assert [s.x for s in summary.shares] == [1, 2, 3, 4, 5]
    assert summary.bidder_stanza.type == "X25519"
    assert summary.size == len(age.parse_header(sealed).raw)


def _header_with(kit: CommitteeKit, stanzas: list[age.Stanza]) -> bytes:
    return age.build_header(stanzas, os.urandom(16))


def _share_stanzas(kit: CommitteeKit, sealed: bytes) -> list[age.Stanza]:
    return list(age.parse_header(sealed).stanzas_of_type(shares.SHARE_TYPE))


def test_header_without_bidder_stanza_is_refused(sealed: bytes, kit: CommitteeKit) -> None:
    """Without its own stanza the bidder could not self-decrypt."""
    header = _header_with(kit, _share_stanzas(kit, sealed))
    with pytest.raises(BidHeaderMissingBidderStanza) as info:
        inspect_header(header, kit.committee)
    assert info.value.code == "bid_header_missing_bidder_stanza"


def test_header_missing_an_official_is_refused(sealed: bytes, kit: CommitteeKit) -> None:
    """Every official of the committee must have a share stanza."""
    bidder_stanza = age.parse_header(sealed).stanzas_of_type("X25519")[0]
    header = _header_with(kit, [bidder_stanza, *_share_stanzas(kit, sealed)[:4]])
    with pytest.raises(BidHeaderCommitteeMismatch) as info:
        inspect_header(header, kit.committee)
    assert info.value.code == "bid_header_committee_mismatch"


def test_header_sealed_for_another_threshold_is_refused(
    sealed: bytes, kit: CommitteeKit, people: tuple[Identity, ...], valid_time: dt.datetime
) -> None:
    """A part sealed with k = 3 does not fit a committee with k = 2."""
    other = make_committee(people, k=2, at=valid_time)
    with pytest.raises(BidHeaderCommitteeMismatch):
        inspect_header(sealed, other.committee)


def test_header_sealed_for_another_committee_of_the_same_shape_is_refused(
    sealed: bytes, people: tuple[Identity, ...], valid_time: dt.datetime
) -> None:
    """Same k and n, other officials (or a moved deadline): the fingerprint tells."""
    other = make_committee(people, k=3, at=valid_time, lot="2")
    with pytest.raises(BidHeaderCommitteeMismatch, match="seal again"):
        inspect_header(sealed, other.committee)


def test_header_with_an_unexpected_stanza_is_refused(sealed: bytes, kit: CommitteeKit) -> None:
    """A second X25519 stanza (someone else who could open early) is refused."""
    stanzas = list(age.parse_header(sealed).stanzas)
    extra = X25519Identity.generate().recipient().wrap(os.urandom(16))
    with pytest.raises(BidHeaderUnexpectedStanza):
        inspect_header(_header_with(kit, [*stanzas, extra]), kit.committee)


def test_bidtar_refuses_names_outside_files() -> None:
    """The writer cannot produce an entry a reader would refuse."""
    with pytest.raises(BidArchiveUnsafeEntry):
        bidtar.entry_header("../x", 1)


@pytest.mark.parametrize(
    ("files", "fields", "said"),
    [
        ({"大文件\u202efdp.exe": b"x"}, None, "file name '大文件\\u202efdp.exe'"),
        ({"a\u2066.pdf": b"x"}, None, "file name 'a\\u2066.pdf'"),
        ({"a.pdf": b"x"}, {"price": 1, "quality": "合格\u202b"}, "field quality"),
        ({"Bid.pdf": b"x", "bid.PDF": b"y"}, None, "'Bid.pdf' and 'bid.PDF'"),
    ],
)
def test_a_sealer_refuses_bidi_controls_in_names_and_fields_and_says_which(
    kit: CommitteeKit,
    bidder: Identity,
    bidder_age: X25519Identity,
    trust: TrustStore,
    valid_time: dt.datetime,
    files: dict[str, bytes],
    fields: dict[str, int | str] | None,
    said: str,
) -> None:
    """sealed-bid.md §6, §7: a sealer MUST refuse U+202A–U+202E and U+2066–U+2069 (they
    reorder shown text: "大文件\\u202efdp.exe" shows as "大文件exe.pdf"), naming which."""
    with pytest.raises(BidInputInvalid) as refused:
        seal_bytes(
            kit.committee, bidder=bidder, bidder_age=bidder_age, trust=trust, at=valid_time,
            files=files, info=bid_info(fields=fields),
        )  # fmt: skip
    assert said in str(refused.value)


def test_a_reader_still_opens_a_part_sealed_with_a_bidi_control(
    kit: CommitteeKit,
    bidder: Identity,
    bidder_age: X25519Identity,
    trust: TrustStore,
    valid_time: dt.datetime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """§6, §7: a v1 part sealed before sealers refused them still opens — no bid is
    revoked for it (the sealer's check bypassed here, as an older sealer had none)."""
    monkeypatch.setattr(sealed_bid, "BIDI_CONTROLS", frozenset())
    name = "大文件\u202efdp.exe"
    data = seal_bytes(
        kit.committee, bidder=bidder, bidder_age=bidder_age, trust=trust, at=valid_time,
        files={name: b"x"}, info=bid_info(fields={"price": 1, "quality": "\u2067合格\u2069"}),
    )  # fmt: skip
    opened = open_bytes(data, kit.committee, trust=trust, at=valid_time, identities=[bidder_age])
    assert opened.manifest.files[0].name == name
    assert opened.manifest.info.fields["quality"] == "\u2067合格\u2069"
