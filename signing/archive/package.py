"""The project archive's bytes: a deterministic ustar file and its manifest (no I/O).

One package per project (一项一档, DOMAIN.md "Records"); docs/formats/archive.md is the
byte-exact spec. The package is an uncompressed POSIX ustar file whose members are
regular files only: ``manifest.json``, then ``manifest.json.p7s``, then every other
file in ascending byte order of its path. Every header has mode 0644, uid and gid 0,
empty user and group names, mtime 0; the end is two zero blocks padded to a multiple
of 10240 bytes. So the same files always give the same bytes, and the package's
SHA-256 names it (supplements refer to it).

The manifest is RFC 8785 canonical JSON (signing/canonical.py) listing every other
file with its SHA-256, size and kind, which signature covers which file as of which
time, and the log material (entries, proofs, checkpoints, keys).
"""

from __future__ import annotations

import io
import json
import re
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from signing.archive.errors import ArchiveUnreadable
from signing.canonical import canonical_json, sha256_hex

FORMAT = "etender-archive-v1"
MANIFEST = "manifest.json"
MANIFEST_SIGNATURE = "manifest.json.p7s"
HEAD = (MANIFEST, MANIFEST_SIGNATURE)
# ustar's name field is 100 bytes; we never use the prefix field.
MAX_PATH = 100
_SEGMENT = r"[a-z0-9][a-z0-9._-]*"
_PATH = re.compile(rf"{_SEGMENT}(/{_SEGMENT})*")
TRUST_PARTIES = "parties"  # signed by users: checked against trust/ (the platform's CAs)
TRUST_PLATFORM = "platform"  # signed by the platform: checked against platform/ only
TRUSTS = (TRUST_PARTIES, TRUST_PLATFORM)
# What a member may be (docs/formats/archive.md §4 lists each with its path).
KINDS = (
    "notice", "tender", "document", "document_index", "submit_statement",
    "withdraw_statement", "receipt", "official_statement", "opening_record",
    "opening_responses",
    "recipient_statement", "evaluation_report", "evaluation_records", "supervisor_note",
    "cms_signature", "award_notice", "table_rows", "log_entry", "inclusion_proof", "checkpoint",
    "consistency_proof", "log_key", "witness_key", "ca_certificate", "crl", "platform_ca",
)  # fmt: skip


def check_path(path: str) -> str:
    """A member path: lowercase ASCII segments, no ``..``, at most 100 bytes."""
    if not _PATH.fullmatch(path) or len(path) > MAX_PATH or ".." in path.split("/"):
        raise ArchiveUnreadable(f"{path[:120]!r} is not a member path of an archive package")
    return path


def _header(path: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(check_path(path))
    info.size, info.mode, info.mtime = size, 0o644, 0
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.type = tarfile.REGTYPE
    return info


def write_package(files: Mapping[str, bytes], head: tuple[str, str] = HEAD) -> bytes:
    """The package bytes: ``head`` (the manifest and its signature) first, then by path."""
    if any(name not in files for name in head):
        raise ArchiveUnreadable(f"a package holds {head[0]} and {head[1]}")
    rest = sorted((p for p in files if p not in head), key=str.encode)
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for path in (*head, *rest):
            tar.addfile(_header(path, len(files[path])), io.BytesIO(files[path]))
    return out.getvalue()


def read_package(data: bytes, head: tuple[str, str] = HEAD) -> dict[str, bytes]:
    """Every member of a package, in order; refuses anything but our plain layout."""
    members: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
            for info in tar:
                if not info.isreg():
                    raise ArchiveUnreadable(f"{info.name[:120]!r}: only regular files belong")
                path = check_path(info.name)
                if path in members:
                    raise ArchiveUnreadable(f"{path}: appears twice in the package")
                handle = tar.extractfile(info)
                assert handle is not None  # a regular file always has one
                members[path] = handle.read()
    except (tarfile.TarError, EOFError) as exc:
        raise ArchiveUnreadable(f"not a ustar package: {exc}") from None
    if tuple(members)[:2] != head:
        raise ArchiveUnreadable(f"a package starts with {head[0]} and {head[1]}")
    # One set of files, one byte string: a package re-packed with other headers, order
    # or padding is refused, so its SHA-256 names its contents.
    if write_package(members, head) != data:
        raise ArchiveUnreadable("the package is not in the canonical layout (headers, order)")
    return members


# --- the manifest ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class FileEntry:
    """One member: its path, SHA-256 (hex), size, kind and a line saying what it is."""

    path: str
    sha256: str
    size: int
    kind: str
    about: str

    @classmethod
    def of(cls, path: str, data: bytes, kind: str, about: str) -> FileEntry:
        """The entry describing ``data`` stored at ``path``."""
        return cls(path=check_path(path), sha256=sha256_hex(data), size=len(data),
                   kind=kind, about=about)  # fmt: skip


@dataclass(frozen=True, kw_only=True, slots=True)
class SignatureEntry:
    """A CMS detached signature file over a content file, checked as of ``at``."""

    signature: str
    content: str
    at: str  # RFC 3339 UTC with microseconds, as log entries write time
    trust: str  # TRUST_PARTIES or TRUST_PLATFORM


@dataclass(frozen=True, kw_only=True, slots=True)
class EntryRef:
    """A log entry file, its index, its inclusion proof file and the checkpoint it leads to."""

    path: str
    index: int
    proof: str
    checkpoint: str


@dataclass(frozen=True, kw_only=True, slots=True)
class LogSection:
    """The log material: key files, checkpoints in size order, proofs and entries."""

    origin: str
    key: str
    witnesses: tuple[str, ...]
    checkpoints: tuple[str, ...]
    consistency: tuple[str, ...]
    entries: tuple[EntryRef, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class Manifest:
    """What the package holds and how each part is checked."""

    tender: Mapping[str, str]
    built_at: str
    files: tuple[FileEntry, ...]
    signatures: tuple[SignatureEntry, ...]
    log: LogSection

    def to_bytes(self) -> bytes:
        """The manifest as stored: RFC 8785 canonical JSON."""
        return canonical_json(manifest_json(self))


def manifest_json(manifest: Manifest) -> dict[str, Any]:
    """The manifest's JSON object (docs/formats/archive.md, "Manifest")."""
    log = manifest.log
    return {
        "format": FORMAT,
        "tender": dict(manifest.tender),
        "built_at": manifest.built_at,
        "files": [_fields(f) for f in sorted(manifest.files, key=lambda f: f.path.encode())],
        "signatures": [_fields(s) for s in manifest.signatures],
        "log": {
            "origin": log.origin,
            "key": log.key,
            "witnesses": list(log.witnesses),
            "checkpoints": list(log.checkpoints),
            "consistency": list(log.consistency),
            "entries": [_fields(e) for e in log.entries],
        },
    }


def _fields(item: Any) -> dict[str, Any]:
    return {name: getattr(item, name) for name in item.__slots__}


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ArchiveUnreadable(f"manifest.json: {where} is a list of strings")
    return tuple(value)


# Each manifest record's members and their JSON types (an auditor's input is untrusted).
_TYPES: dict[str, dict[str, type]] = {
    "FileEntry": {"path": str, "sha256": str, "size": int, "kind": str, "about": str},
    "SignatureEntry": {"signature": str, "content": str, "at": str, "trust": str},
    "EntryRef": {"path": str, "index": int, "proof": str, "checkpoint": str},
}


def _build(cls: type[Any], value: object, where: str) -> Any:
    types = _TYPES[cls.__name__]
    if not isinstance(value, dict) or set(value) != set(types):
        raise ArchiveUnreadable(f"manifest.json: each of {where} has exactly {sorted(types)}")
    for name, kind in types.items():
        if not isinstance(value[name], kind) or isinstance(value[name], bool):
            raise ArchiveUnreadable(f"manifest.json: {where}: {name} is a {kind.__name__}")
    return cls(**value)


def parse_manifest(data: bytes) -> Manifest:
    """Parse manifest bytes strictly: canonical JSON of this format, every key present."""
    try:
        obj = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise ArchiveUnreadable("manifest.json is not JSON") from None
    keys = {"format", "tender", "built_at", "files", "signatures", "log"}
    if not isinstance(obj, dict) or set(obj) != keys or obj["format"] != FORMAT:
        raise ArchiveUnreadable(f"manifest.json is not an {FORMAT} manifest")
    if canonical_json(obj) != data:
        raise ArchiveUnreadable("manifest.json is not RFC 8785 canonical JSON")
    log = obj["log"]
    log_keys = {"origin", "key", "witnesses", "checkpoints", "consistency", "entries"}
    if not isinstance(log, dict) or set(log) != log_keys or not isinstance(obj["files"], list):
        raise ArchiveUnreadable("manifest.json: log or files malformed")
    if not isinstance(obj["signatures"], list) or not isinstance(log["entries"], list):
        raise ArchiveUnreadable("manifest.json: signatures or log entries malformed")
    tender = obj["tender"]
    texts = (obj["built_at"], log["origin"], log["key"])
    if not isinstance(tender, dict) or not all(
        isinstance(v, str) for v in (*tender.values(), *texts)
    ):
        raise ArchiveUnreadable("manifest.json: tender, built_at, log.origin or log.key malformed")
    return Manifest(
        tender=obj["tender"],
        built_at=obj["built_at"],
        files=tuple(_build(FileEntry, f, "files") for f in obj["files"]),
        signatures=tuple(_build(SignatureEntry, s, "signatures") for s in obj["signatures"]),
        log=LogSection(
            origin=log["origin"],
            key=log["key"],
            witnesses=_strings(log["witnesses"], "log.witnesses"),
            checkpoints=_strings(log["checkpoints"], "log.checkpoints"),
            consistency=_strings(log["consistency"], "log.consistency"),
            entries=tuple(_build(EntryRef, e, "log.entries") for e in log["entries"]),
        ),
    )
