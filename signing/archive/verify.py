"""``etender archive verify``: check a project archive offline, nothing fetched.

What an auditor runs (DESIGN.md, trust model 5: "nobody rewrites history"), so it
imports signing/ and the standard library only. The order of the checks is the one of
docs/formats/archive.md, "Verification":

1. the package is our ustar layout and the manifest parses (else unreadable);
2. the files are exactly those the manifest lists, each with its SHA-256 and size;
3. the manifest's own signature, by the platform, as of ``built_at``;
4. every CMS signature as of its time — users' against the package's CA certificates
   and CRLs (trust/), the platform's against its CA (platform/): a certificate revoked
   at or before that time fails, one revoked later does not (signing/trust.py);
5. every checkpoint's signature with the package's log key and each cosignature with a
   witness key of the package (C2SP signed note, tlog-checkpoint, tlog-cosignature);
6. the consistency proof between each two successive checkpoints (RFC 9162 2.1.4.2);
7. every log entry's inclusion proof to the checkpoint it leads to (RFC 9162 2.1.3.2);
8. the notice is the one published: its SHA-256 is the ``notice_sha256`` of the
   package's ``tender.published`` entry.

Steps 1-3 stop at the first failing step (nothing later can be trusted); steps 4-8
report every failure, each naming the file and what failed.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cryptography import x509

from signing.archive.errors import ArchiveInvalid, ArchiveUnreadable
from signing.archive.package import (
    MANIFEST,
    MANIFEST_SIGNATURE,
    TRUST_PARTIES,
    TRUST_PLATFORM,
    Manifest,
    parse_manifest,
    read_package,
)
from signing.canonical import sha256_hex
from signing.certs import load_crl, load_pem_certificates
from signing.cms import verify_detached
from signing.errors import EtenderError
from signing.log import merkle
from signing.log.checkpoint import (
    Checkpoint,
    CosignatureVerifier,
    open_checkpoint,
    verify_cosignature,
)
from signing.log.entry import LogEntry, parse_time
from signing.log.note import Ed25519Verifier, Note, decode_base64
from signing.trust import TrustStore

KIND_CA = "ca_certificate"
KIND_CRL = "crl"
KIND_PLATFORM_CA = "platform_ca"
KIND_NOTICE = "notice"
PUBLISHED_KIND = "tender.published"


@dataclass(frozen=True, slots=True)
class Problem:
    """One failed check: the file it concerns and what failed."""

    file: str
    what: str

    def __str__(self) -> str:
        return f"{self.file}: {self.what}"


@dataclass(frozen=True, kw_only=True, slots=True)
class Verified:
    """What a passing package holds (the command prints it)."""

    manifest: Manifest
    sha256: str
    files: int
    signatures: int
    checkpoints: int
    entries: int
    platform_ca_sha256: tuple[str, ...]


@dataclass(kw_only=True, slots=True)
class _Run:
    members: Mapping[str, bytes]
    manifest: Manifest
    problems: list[Problem] = field(default_factory=list)

    def fail(self, file: str, what: str) -> None:
        self.problems.append(Problem(file, what))

    def stop_if_failed(self) -> None:
        if self.problems:
            raise invalid(self.problems)


def invalid(problems: Sequence[Problem]) -> ArchiveInvalid:
    """The one error of a failed verification, listing every problem."""
    first = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return ArchiveInvalid(
        f"{first}{more}", details=[{"file": p.file, "what": p.what} for p in problems]
    )


def verify_package(data: bytes) -> Verified:
    """Run every check of the module docstring; ``ArchiveInvalid`` names what failed."""
    members = read_package(data)
    run = _Run(members=members, manifest=parse_manifest(members[MANIFEST]))
    _check_files(run)
    run.stop_if_failed()
    stores = _trust(run)
    run.stop_if_failed()
    _check_signature(run, MANIFEST_SIGNATURE, MANIFEST, run.manifest.built_at,
                     stores[TRUST_PLATFORM])  # fmt: skip
    run.stop_if_failed()
    for entry in run.manifest.signatures:
        store = stores.get(entry.trust)
        if store is None:
            run.fail(entry.signature, f"no {entry.trust!r} CA in the package to check it against")
            continue
        _check_signature(run, entry.signature, entry.content, entry.at, store)
    checkpoints = _check_checkpoints(run)
    _check_consistency(run, checkpoints)
    _check_entries(run, checkpoints)
    _check_notice(run)
    run.stop_if_failed()
    return Verified(
        manifest=run.manifest,
        sha256=sha256_hex(data),
        files=len(members),
        signatures=len(run.manifest.signatures) + 1,
        checkpoints=len(checkpoints),
        entries=len(run.manifest.log.entries),
        platform_ca_sha256=tuple(
            f.sha256 for f in run.manifest.files if f.kind == KIND_PLATFORM_CA
        ),
    )


def _check_files(run: _Run) -> None:
    listed = {}
    for item in run.manifest.files:
        if item.path in listed or item.path in (MANIFEST, MANIFEST_SIGNATURE):
            run.fail(MANIFEST, f"lists {item.path} twice")
        listed[item.path] = item
    for path, item in listed.items():
        data = run.members.get(path)
        if data is None:
            run.fail(path, "listed in the manifest but missing from the package")
        elif len(data) != item.size or sha256_hex(data) != item.sha256:
            run.fail(path, "its SHA-256 or size differs from the manifest's")
    for path in run.members:
        if path not in listed and path not in (MANIFEST, MANIFEST_SIGNATURE):
            run.fail(path, "in the package but not listed in the manifest")


def _trust(run: _Run) -> dict[str, TrustStore]:
    certificates: list[x509.Certificate] = []
    platform: list[x509.Certificate] = []
    crls: list[x509.CertificateRevocationList] = []
    for item in run.manifest.files:
        try:
            data = run.members[item.path]
            if item.kind == KIND_CA:
                certificates.extend(load_pem_certificates(data))
            elif item.kind == KIND_PLATFORM_CA:
                platform.extend(load_pem_certificates(data))
            elif item.kind == KIND_CRL:
                crls.append(load_crl(data))
        except EtenderError as exc:
            run.fail(item.path, f"not a usable {item.kind}: {exc.message}")
    roots = tuple(c for c in certificates if c.subject == c.issuer)
    platform_roots = tuple(c for c in platform if c.subject == c.issuer)
    if not platform_roots:
        run.fail(MANIFEST, "no platform CA (kind platform_ca) to check the platform's signatures")
        return {}
    stores = {
        TRUST_PLATFORM: TrustStore(
            roots=platform_roots,
            intermediates=tuple(c for c in platform if c not in platform_roots),
        )
    }
    if roots:
        others = tuple(c for c in certificates if c not in roots)
        stores[TRUST_PARTIES] = TrustStore(roots=roots, intermediates=others, crls=tuple(crls))
    return stores


def _check_signature(run: _Run, signature: str, content: str, at: str, store: TrustStore) -> None:
    signed, sig = run.members.get(content), run.members.get(signature)
    if signed is None or sig is None:
        run.fail(signature, f"the signature or its content {content} is not in the package")
        return
    try:
        verify_detached(signed, sig, store, parse_time(at))
    except EtenderError as exc:
        run.fail(signature, f"signature over {content} as of {at} fails: {exc.code}: {exc.message}")


def _json(run: _Run, path: str) -> dict[str, object] | None:
    try:
        value = json.loads(run.members[path])
    except KeyError:
        run.fail(path, "named by the manifest but not in the package")
        return None
    except (ValueError, UnicodeDecodeError, RecursionError):
        run.fail(path, "not JSON")
        return None
    if not isinstance(value, dict):
        run.fail(path, "not a JSON object")
        return None
    return value


def _hashes(run: _Run, path: str, value: object) -> list[bytes] | None:
    try:
        if not isinstance(value, list):
            raise ValueError
        return [decode_base64(h) for h in value]
    except (ValueError, TypeError, AttributeError, EtenderError):
        run.fail(path, "hashes is not a list of base64 SHA-256 values")
        return None


def _witnesses(run: _Run) -> list[CosignatureVerifier]:
    found = []
    for path in run.manifest.log.witnesses:
        try:
            found.append(CosignatureVerifier.from_vkey(run.members[path].decode().strip()))
        except (KeyError, UnicodeDecodeError, EtenderError):
            run.fail(path, "not a witness cosignature/v1 vkey in the package")
    return found


def _check_checkpoints(run: _Run) -> dict[str, Checkpoint]:
    log = run.manifest.log
    try:
        key = Ed25519Verifier.from_vkey(run.members[log.key].decode().strip())
    except (KeyError, UnicodeDecodeError, EtenderError):
        run.fail(log.key, "not the log's Ed25519 vkey in the package")
        return {}
    if key.name != log.origin:
        run.fail(log.key, f"the key's name is not the log origin {log.origin!r}")
    witnesses = {(w.name, w.key_id): w for w in _witnesses(run)}
    found: dict[str, Checkpoint] = {}
    for path in log.checkpoints:
        try:
            checkpoint, note = open_checkpoint(run.members[path], key)
        except KeyError:
            run.fail(path, "named by the manifest but not in the package")
            continue
        except EtenderError as exc:
            run.fail(path, f"the log's signature does not verify: {exc.message}")
            continue
        if checkpoint.origin != log.origin:
            run.fail(path, f"origin {checkpoint.origin!r} is not the log's")
        _check_cosignatures(run, path, checkpoint, note, key, witnesses)
        found[path] = checkpoint
    return found


def _check_cosignatures(
    run: _Run,
    path: str,
    checkpoint: Checkpoint,
    note: Note,
    key: Ed25519Verifier,
    witnesses: Mapping[tuple[str, bytes], CosignatureVerifier],
) -> None:
    for signature in note.signatures:
        if (signature.name, signature.key_id) == (key.name, key.key_id):
            continue
        witness = witnesses.get((signature.name, signature.key_id))
        if witness is None:
            run.fail(path, f"a signature by {signature.name!r} whose key the package lacks")
            continue
        try:
            verify_cosignature(checkpoint, signature, witness)
        except EtenderError as exc:
            run.fail(path, f"cosignature of {signature.name!r} fails: {exc.message}")


def _check_consistency(run: _Run, checkpoints: Mapping[str, Checkpoint]) -> None:
    paths = run.manifest.log.checkpoints
    proofs = run.manifest.log.consistency
    if len(proofs) != max(len(paths) - 1, 0):
        run.fail(MANIFEST, "one consistency proof between each two successive checkpoints")
        return
    for proof_path, (older, newer) in zip(proofs, itertools.pairwise(paths), strict=True):
        first, second = checkpoints.get(older), checkpoints.get(newer)
        proof = _json(run, proof_path)
        if first is None or second is None or proof is None:
            continue
        if (proof.get("first"), proof.get("second")) != (first.size, second.size):
            run.fail(proof_path, f"is not the proof from size {first.size} to {second.size}")
            continue
        hashes = _hashes(run, proof_path, proof.get("hashes"))
        if hashes is None:
            continue
        ok = first.size < second.size and merkle.verify_consistency(
            first.size, second.size, first.root_hash, second.root_hash, hashes
        )
        if not ok:
            run.fail(proof_path, f"does not prove {newer} extends {older}")


def _check_entries(run: _Run, checkpoints: Mapping[str, Checkpoint]) -> None:
    for ref in run.manifest.log.entries:
        raw = run.members.get(ref.path)
        if raw is None:
            run.fail(ref.path, "named by the manifest but not in the package")
            continue
        try:
            LogEntry.from_bytes(raw)
        except EtenderError as exc:
            run.fail(ref.path, f"not a canonical log entry: {exc.message}")
            continue
        except (ValueError, TypeError, RecursionError):
            run.fail(ref.path, "not a canonical log entry")
            continue
        checkpoint = checkpoints.get(ref.checkpoint)
        proof = _json(run, ref.proof)
        if checkpoint is None or proof is None:
            if checkpoint is None and ref.checkpoint not in run.manifest.log.checkpoints:
                run.fail(ref.path, f"leads to {ref.checkpoint}, not a checkpoint of the manifest")
            continue
        if (proof.get("index"), proof.get("tree_size")) != (ref.index, checkpoint.size):
            run.fail(ref.proof, f"is not the proof of entry {ref.index} in {ref.checkpoint}")
            continue
        hashes = _hashes(run, ref.proof, proof.get("hashes"))
        if hashes is None:
            continue
        leaf = merkle.leaf_hash(raw)
        if not (ref.index < checkpoint.size and merkle.verify_inclusion(
            leaf, ref.index, checkpoint.size, hashes, checkpoint.root_hash
        )):  # fmt: skip
            run.fail(ref.proof, f"does not lead from entry {ref.index} to {ref.checkpoint}")


def _check_notice(run: _Run) -> None:
    """The notice is the one published: its SHA-256 is the ``notice_sha256`` of the
    package's ``tender.published`` log entry (tender/service.py, publish)."""
    published = set()
    for ref in run.manifest.log.entries:
        try:
            entry = LogEntry.from_bytes(run.members.get(ref.path, b""))
        except (EtenderError, ValueError, TypeError, RecursionError):
            continue  # reported by the entries' check
        if entry.kind == PUBLISHED_KIND:
            published.add(str(entry.data.get("notice_sha256")))
    for item in run.manifest.files:
        if item.kind == KIND_NOTICE and sha256_hex(run.members[item.path]) not in published:
            run.fail(item.path, "not the notice the tender.published log entry names")


def platform_store(data: bytes) -> TrustStore:
    """The trust store of the platform's own signatures in a package (its platform CA)."""
    members = read_package(data)
    run = _Run(members=members, manifest=parse_manifest(members[MANIFEST]))
    stores = _trust(run)
    run.stop_if_failed()
    return stores[TRUST_PLATFORM]


__all__ = ["ArchiveInvalid", "ArchiveUnreadable", "Problem", "Verified", "verify_package"]
