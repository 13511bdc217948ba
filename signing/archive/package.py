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
from signing.errors import EtenderError
from signing.log.entry import parse_time

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
    "supervision_record",
    "cms_signature", "award_notice", "table_rows", "log_entry", "inclusion_proof", "checkpoint",
    "consistency_proof", "log_key", "witness_key", "ca_certificate", "crl", "platform_ca",
)  # fmt: skip


def shown(text: object, limit: int = 60) -> str:
    """``text`` safe to print: each character that is not printable (a newline, an ANSI
    escape, a bidirectional override) as a Python escape, at most ``limit`` characters
    — a value from an untrusted package can never pose as the verifier's own output."""
    value = str(text)
    out = "".join(c if c.isprintable() else repr(c)[1:-1] for c in value[:limit])
    return out + (f"… ({len(value)} characters)" if len(value) > limit else "")


PATH_RULE = "1–100 bytes of segments [a-z0-9][a-z0-9._-]* joined by /"


def is_path(path: str) -> bool:
    """A member path (docs/formats/archive.md §3): lowercase ASCII segments, no ``..``."""
    return bool(_PATH.fullmatch(path)) and len(path) <= MAX_PATH and ".." not in path.split("/")


def check_path(path: str) -> str:
    """A member path, or ``archive_unreadable``."""
    if not is_path(path):
        raise ArchiveUnreadable(f"'{shown(path)}' is not a member path ({PATH_RULE})")
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
                    raise ArchiveUnreadable(f"'{shown(info.name)}': only regular files belong")
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


# The largest integer RFC 8785 writes exactly (an IEEE 754 double's): sizes and indexes.
MAX_INTEGER = (1 << 53) - 1
_SHA256 = re.compile(r"[0-9a-f]{64}")
_EXPECTED = {str: "a string", int: "an integer", list: "a list", dict: "an object"}


def _got(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "an integer" if isinstance(value, int) else "a number"
    return "a string" if isinstance(value, str) else "a list" if isinstance(value, list) else (
        "an object"
    )  # fmt: skip


def malformed(where: str, what: str) -> ArchiveUnreadable:
    """A manifest member that is not what the format says (exit 2: unreadable)."""
    return ArchiveUnreadable(f"manifest.json: {where}: {what}")


def _typed(value: object, kind: type, where: str) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool):
        raise malformed(where, f"expected {_EXPECTED[kind]}, got {_got(value)}")
    return value


def _path(value: object, where: str) -> str:
    path: str = _typed(value, str, where)
    if not is_path(path):
        raise malformed(where, f"'{shown(path)}' is not a member path ({PATH_RULE})")
    return path


def _time(value: object, where: str) -> str:
    text: str = _typed(value, str, where)
    try:
        parse_time(text)
    except EtenderError:
        raise malformed(
            where, f"'{shown(text)}' is not a time YYYY-MM-DDTHH:MM:SS.ffffffZ"
        ) from None
    return text


def _member(value: object, where: str, kind: str) -> Any:
    """One field of a record, checked as §5 says (``kind``: how to check it)."""
    if kind == "path":
        return _path(value, where)
    if kind == "time":
        return _time(value, where)
    if kind == "count":
        number: int = _typed(value, int, where)
        if not 0 <= number <= MAX_INTEGER:
            raise malformed(where, f"expected an integer from 0 to 2^53 − 1, got {shown(number)}")
        return number
    text: str = _typed(value, str, where)
    allowed = {"kind": KINDS, "trust": TRUSTS}.get(kind)
    if allowed is not None and text not in allowed:
        raise malformed(where, f"'{shown(text)}' is not one of {', '.join(allowed)}")
    if kind == "sha256" and not _SHA256.fullmatch(text):
        raise malformed(where, "expected 64 lowercase hex digits (a SHA-256)")
    return text


def _paths(value: object, where: str) -> tuple[str, ...]:
    items: list[object] = _typed(value, list, where)
    return tuple(_path(item, f"{where}[{n}]") for n, item in enumerate(items))


# Each manifest record's members and how each is checked (an auditor's input is untrusted).
_FIELDS: dict[str, dict[str, str]] = {
    "FileEntry": {"path": "path", "sha256": "sha256", "size": "count", "kind": "kind",
                  "about": "text"},
    "SignatureEntry": {"signature": "path", "content": "path", "at": "time", "trust": "trust"},
    "EntryRef": {"path": "path", "index": "count", "proof": "path", "checkpoint": "path"},
}  # fmt: skip


def _build(cls: type[Any], value: object, where: str) -> Any:
    fields = _FIELDS[cls.__name__]
    record: dict[str, object] = _typed(value, dict, where)
    if set(record) != set(fields):
        raise malformed(where, f"expected exactly the members {', '.join(sorted(fields))}")
    return cls(**{name: _member(record[name], f"{where}.{name}", how)
                  for name, how in fields.items()})  # fmt: skip


def _records(cls: type[Any], value: object, where: str) -> tuple[Any, ...]:
    items: list[object] = _typed(value, list, where)
    return tuple(_build(cls, item, f"{where}[{n}]") for n, item in enumerate(items))


def load_json(data: bytes, name: str) -> object:
    """Parse untrusted JSON: not NaN or Infinity, not nested past Python's limit."""

    def constant(text: str) -> object:
        raise ArchiveUnreadable(f"{name}: {text} is not a JSON number")

    try:
        return json.loads(data, parse_constant=constant)
    except RecursionError:
        raise ArchiveUnreadable(f"{name} is nested too deeply to be read") from None
    except (ValueError, UnicodeDecodeError):
        raise ArchiveUnreadable(f"{name} is not JSON") from None


def parse_manifest(data: bytes) -> Manifest:
    """Parse manifest bytes strictly: canonical JSON of this format, every key present,
    every member of its type, every path a member path (§3), every time in the format."""
    obj = load_json(data, MANIFEST)
    keys = {"format", "tender", "built_at", "files", "signatures", "log"}
    if not isinstance(obj, dict) or set(obj) != keys or obj["format"] != FORMAT:
        raise ArchiveUnreadable(f"manifest.json is not an {FORMAT} manifest")
    try:
        canonical = canonical_json(obj)
    except (ValueError, RecursionError):  # rfc8785: a number it cannot write exactly
        raise ArchiveUnreadable(
            "manifest.json is not RFC 8785 canonical JSON (a number outside ±2^53 or "
            "not exactly representable)"
        ) from None
    if canonical != data:
        raise ArchiveUnreadable("manifest.json is not RFC 8785 canonical JSON")
    log: dict[str, object] = _typed(obj["log"], dict, "log")
    log_keys = {"origin", "key", "witnesses", "checkpoints", "consistency", "entries"}
    if set(log) != log_keys:
        raise malformed("log", f"expected exactly the members {', '.join(sorted(log_keys))}")
    tender: dict[str, object] = _typed(obj["tender"], dict, "tender")
    for key, value in tender.items():
        _typed(value, str, f"tender.{shown(key)}")
    return Manifest(
        tender=tender,  # type: ignore[arg-type]  # every value checked a string above
        built_at=_time(obj["built_at"], "built_at"),
        files=_records(FileEntry, obj["files"], "files"),
        signatures=_records(SignatureEntry, obj["signatures"], "signatures"),
        log=LogSection(
            origin=_typed(log["origin"], str, "log.origin"),
            key=_path(log["key"], "log.key"),
            witnesses=_paths(log["witnesses"], "log.witnesses"),
            checkpoints=_paths(log["checkpoints"], "log.checkpoints"),
            consistency=_paths(log["consistency"], "log.consistency"),
            entries=_records(EntryRef, log["entries"], "log.entries"),
        ),
    )
