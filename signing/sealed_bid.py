"""Sealing and opening one part of a bid (DESIGN.md, "Sealed bid", "Opening").

A part is one age v1 file with its own file key, addressed to the bidder's own X25519
recipient and, through one ``etender-share-v1`` stanza per official, to the committee.
Its plaintext is a PAX tar: the files under ``files/``, then ``manifest.json``, then
``manifest.p7s`` — manifest last, so sealing reads every byte once. Both directions
stream in constant memory. Signing and signature checking are injected callables, so
this module needs no key store; opening writes into a fresh temporary directory that
becomes the output only when every check has passed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from signing import bidtar
from signing.age import (
    X25519_TYPE,
    AgeReader,
    AgeWriter,
    Header,
    Stanza,
    X25519Identity,
    X25519Recipient,
    b64decode,
    check_file_key,
    parse_header,
)
from signing.agestream import BLOCK_SIZE, Readable, Writable, fill, new_file_key
from signing.bidopen import Extraction, Progress
from signing.committee import Committee, verify_committee
from signing.errors import (
    AgeHeaderMalformed,
    BidHeaderCommitteeMismatch,
    BidHeaderMissingBidderStanza,
    BidHeaderUnexpectedStanza,
    BidInputInvalid,
    BidManifestMismatch,
    BidManifestWrongTender,
)
from signing.manifest import BidInfo, Manifest, ManifestFile
from signing.pipe import Pipe, Ring
from signing.shamir import Share, combine
from signing.shares import SHARE_TYPE, ShareStanza, derive_share_stanzas
from signing.trust import TrustStore

READ_SIZE = BLOCK_SIZE
THREAD_MIN_BYTES = 1024 * 1024
S = TypeVar("S")


@dataclass(frozen=True, kw_only=True, slots=True)
class BidFile:
    """A file to seal: its name under files/, its exact size and a stream to read it from."""

    name: str
    size: int
    source: Readable


@dataclass(frozen=True, kw_only=True, slots=True)
class SealedPart:
    """What sealing produced: the part's ciphertext hash and size, and its manifest."""

    part: str
    sha256: str
    size: int
    manifest: Manifest
    manifest_bytes: bytes


# Bidirectional controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069
# isolates) reorder the text they sit in: "大文件\u202efdp.exe" shows as "大文件exe.pdf".
# The platform refuses them in every request (text_contains_bidi_control); a sealer MUST
# refuse them in field values and file names (sealed-bid.md §6, §7). Readers accept
# parts already sealed with them, so no bid is revoked for it: the check is here, not in
# signing.manifest, which readers use too.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_BIDI_WHAT = "a bidirectional control character (U+202A to U+202E, U+2066 to U+2069)"


def _refuse_bidi(info: BidInfo, names: Sequence[str]) -> None:
    for name, value in info.fields.items():
        if isinstance(value, str) and not BIDI_CONTROLS.isdisjoint(value):
            raise BidInputInvalid(f"field {name} contains {_BIDI_WHAT}")
    for name in names:
        if not BIDI_CONTROLS.isdisjoint(name):
            shown = "".join(f"\\u{ord(c):04x}" if c in BIDI_CONTROLS else c for c in name)
            raise BidInputInvalid(f"file name '{shown}' contains {_BIDI_WHAT}")


def _normalised_names(files: Sequence[BidFile]) -> list[str]:
    names = [unicodedata.normalize("NFC", f.name) for f in files]
    seen: dict[str, str] = {}
    for name in names:
        if (twin := seen.setdefault(name.casefold(), name)) is not name:
            # Say which: the bidder has to rename one of them (F6).
            raise BidInputInvalid(f"two files would share a name in the bid: '{twin}' and '{name}'")
    return names


def _copy_file(writer: AgeWriter, bid_file: BidFile, progress: Progress | None) -> str:
    """Stream one file into the archive; its SHA-256 (hex). Refuses a file that changes size."""
    digest = hashlib.sha256()
    # Hashing the file runs beside encryption on another core (signing.pipe); blocks are
    # read into reused buffers, one Pipe item each.
    pipe = Pipe(digest.update, threaded=bid_file.size >= THREAD_MIN_BYTES, batch_bytes=1)
    ring = Ring(READ_SIZE)
    try:
        left = bid_file.size
        while left:
            block = fill(bid_file.source, ring.take()[: min(READ_SIZE, left)])
            if not block:
                raise BidInputInvalid(f"{bid_file.name!r} is shorter than {bid_file.size} bytes")
            pipe.put(block)
            writer.write(block)
            left -= len(block)
            if progress:
                progress(len(block))
        if bid_file.source.read(1):
            raise BidInputInvalid(f"{bid_file.name!r} grew while it was being sealed")
    except BaseException:
        pipe.abandon()
        raise
    pipe.close()
    writer.write(bidtar.padding(bid_file.size))
    return digest.hexdigest()


def _write_member(writer: AgeWriter, path: str, data: bytes) -> None:
    writer.write(bidtar.entry_header(path, len(data)) + data + bidtar.padding(len(data)))


def _writer(
    out: Writable, committee: Committee, part: str, bidder_recipient: X25519Recipient
) -> AgeWriter:
    """A fresh file key, wrapped to the bidder and shared among the committee."""
    file_key = new_file_key()
    shares = derive_share_stanzas(
        file_key,
        fingerprint=committee.fingerprint,
        part=part,
        k=committee.k,
        recipients=committee.recipients(),
    )
    stanzas = (bidder_recipient.wrap(file_key), *shares)
    return AgeWriter(out, stanzas=stanzas, file_key=file_key)


def _write_archive(
    writer: AgeWriter,
    files: Sequence[tuple[str, BidFile]],
    manifest_for: Callable[[tuple[ManifestFile, ...]], Manifest],
    sign: Callable[[bytes], bytes],
    progress: Progress | None,
) -> Manifest:
    """Files first, then manifest.json and manifest.p7s: every byte is read once."""
    listed = []
    for name, bid_file in files:
        writer.write(bidtar.entry_header(bidtar.FILES_PREFIX + name, bid_file.size))
        digest = _copy_file(writer, bid_file, progress)
        listed.append(ManifestFile(name=name, size=bid_file.size, sha256=digest))
    manifest = manifest_for(tuple(listed))
    manifest_bytes = manifest.to_bytes()
    _write_member(writer, bidtar.MANIFEST_NAME, manifest_bytes)
    _write_member(writer, bidtar.SIGNATURE_NAME, sign(manifest_bytes))
    writer.write(bidtar.END_OF_ARCHIVE)
    return manifest


def seal_part(
    out: Writable,
    *,
    committee: Committee,
    trust: TrustStore,
    at: dt.datetime,
    bidder_recipient: X25519Recipient,
    info: BidInfo,
    files: Sequence[BidFile],
    sign: Callable[[bytes], bytes],
    progress: Progress | None = None,
) -> SealedPart:
    """Seal one part to ``out``; refuses a committee whose statements do not verify at ``at``.

    ``sign(manifest_bytes)`` returns the bidder's DER CMS detached signature.
    """
    verify_committee(committee, trust, at)
    if (info.tender, info.lot) != (committee.tender, committee.lot):
        raise BidInputInvalid("the bid's tender and lot differ from the committee's")
    named = list(zip(_normalised_names(files), files, strict=True))
    _refuse_bidi(info, [name for name, _ in named])

    def manifest_for(listed: tuple[ManifestFile, ...]) -> Manifest:
        return Manifest(info=info, committee_fingerprint=committee.fingerprint_hex, files=listed)

    # Check every name (and duplicates) before a single byte is written.
    manifest_for(tuple(ManifestFile(name=n, size=f.size, sha256="0" * 64) for n, f in named))
    with _writer(out, committee, info.part, bidder_recipient) as writer:
        manifest = _write_archive(writer, named, manifest_for, sign, progress)
        digest = writer.close()
    return SealedPart(
        part=info.part,
        sha256=digest.hex(),
        size=writer.size,
        manifest=manifest,
        manifest_bytes=manifest.to_bytes(),
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class OpenedPart(Generic[S]):
    """An opened part: its verified manifest, signature, signer and where the files are."""

    manifest: Manifest
    manifest_bytes: bytes
    signature: bytes
    signer: S
    ciphertext_sha256: str
    output: Path | None


def recover_file_key(header: Header, shares: Sequence[Share], k: int) -> bytes:
    """Combine ALL released shares (consistency checked) and check the key on the MAC."""
    file_key = combine(shares, k)
    check_file_key(header, file_key)
    return file_key


def _check_manifest(manifest: Manifest, committee: Committee, part: str) -> None:
    info = manifest.info
    expected = (committee.tender, committee.lot, part, committee.fingerprint_hex)
    actual = (info.tender, info.lot, info.part, manifest.committee_fingerprint)
    if actual != expected:
        raise BidManifestWrongTender(
            f"the manifest is for tender/lot/part/committee {actual}, expected {expected}"
        )


def _compare_files(manifest: Manifest, found: Sequence[ManifestFile]) -> None:
    if tuple(found) == manifest.files:
        return
    listed = {f.name: f for f in manifest.files}
    for entry in found:
        if listed.get(entry.name) != entry:
            raise BidManifestMismatch(f"archive file {entry.name!r} differs from the manifest")
    raise BidManifestMismatch("the archive lacks files the manifest lists, or orders them else")


def open_part(
    source: Readable,
    *,
    committee: Committee | None,
    part: str,
    verify: Callable[[bytes, bytes], S],
    file_key: bytes | None = None,
    identities: Sequence[X25519Identity] = (),
    output: Path | None = None,
    progress: Progress | None = None,
    durable: bool = True,
) -> OpenedPart[S]:
    """Decrypt, re-hash and verify one part; write its files to ``output`` on success only.

    Give ``file_key`` (combined shares or self-decryption) or the bidder's
    ``identities``. ``verify(manifest_bytes, signature)`` checks manifest.p7s and
    returns the signer. ``output`` must not exist; None hashes and discards the files.
    ``committee=None`` skips the tender, lot, part and fingerprint checks: only for a
    bidder looking at its own part, never for an opening. ``durable=False`` skips the
    fsyncs: for a derived copy that is re-derived when lost (tender/opening/opened.py).
    """
    if (file_key is None) == (not identities):
        raise BidInputInvalid("open with either a file key or identities, not both or neither")
    reader = AgeReader(source, identities=identities, file_key=file_key)
    with Extraction(output, durable=durable) as extraction:
        found = extraction.run(bidtar.TarReader(reader.chunks()), progress)
        if committee is not None:
            _check_manifest(found.manifest, committee, part)
        _compare_files(found.manifest, found.files)
        signer = verify(found.manifest_bytes, found.signature)
        placed = extraction.commit()
    return OpenedPart(
        manifest=found.manifest,
        manifest_bytes=found.manifest_bytes,
        signature=found.signature,
        signer=signer,
        ciphertext_sha256=reader.ciphertext_sha256.hex(),
        output=placed,
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class HeaderSummary:
    """A header that fits its committee: its size and stanzas, checked without any key."""

    size: int
    bidder_stanza: Stanza
    shares: tuple[ShareStanza, ...]


def inspect_header(header_bytes: bytes, committee: Committee) -> HeaderSummary:
    """Check a part's header against ``committee`` without keys (DESIGN.md, "Submission").

    One X25519 stanza (the bidder's), one share stanza per official with x = 1…n and
    the committee's k and n, nothing else. Payload bytes may follow the header.
    """
    header = parse_header(header_bytes)
    bidder = [s for s in header.stanzas if s.type == X25519_TYPE]
    if not bidder:
        raise BidHeaderMissingBidderStanza("the header has no X25519 stanza for the bidder")
    for stanza in bidder:
        # c2sp.org/age, "X25519 recipient stanza": two arguments, 32-byte share and body.
        if len(stanza.args) != 2 or len(b64decode(stanza.args[1])) != 32 or len(stanza.body) != 32:
            raise AgeHeaderMalformed("the X25519 stanza has the wrong arguments or body size")
    others = [s for s in header.stanzas if s.type not in (X25519_TYPE, SHARE_TYPE)]
    if len(bidder) > 1 or others:
        raise BidHeaderUnexpectedStanza("the header has stanzas other than 1 X25519 + shares")
    shares = sorted(
        (ShareStanza.parse(s) for s in header.stanzas_of_type(SHARE_TYPE)), key=lambda s: s.x
    )
    if [(s.x, s.k, s.n) for s in shares] != [
        (x, committee.k, committee.n) for x in range(1, committee.n + 1)
    ]:
        raise BidHeaderCommitteeMismatch(
            f"share stanzas (x, k, n) {[(s.x, s.k, s.n) for s in shares]} do not match "
            f"the committee's k={committee.k}, n={committee.n}"
        )
    if any(s.fingerprint != committee.fingerprint for s in shares):
        raise BidHeaderCommitteeMismatch(
            "the part is sealed to another opening committee (or to this tender before its "
            "deadline moved): fetch the current committee and seal again"
        )
    return HeaderSummary(size=len(header.raw), bidder_stanza=bidder[0], shares=tuple(shares))
