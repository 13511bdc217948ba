"""manifest.json of a sealed part: what the bidder signs (DESIGN.md, "Sealed bid").

RFC 8785 canonical JSON with the format version, algorithm identifiers, tender, lot,
part, bidder and consortium members, committee fingerprint, the opening-form fields
(price in fen and duration in days as integers, anything else the tender asks), and
every file's name, size and SHA-256. docs/formats/sealed-bid.md, "Manifest", has an
example. Parsing is strict: unknown or missing keys, wrong types and non-canonical
bytes are all refused (bid_manifest_mismatch).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from signing.bidtar import FILES_PREFIX, check_entry_name
from signing.canonical import canonical_json
from signing.errors import (
    BidArchiveUnsafeEntry,
    BidInputInvalid,
    BidManifestMismatch,
    BidNotBiddersOwn,
)
from signing.shares import PART_LABEL

MANIFEST_FORMAT = "etender-bid-v1"
ALGORITHMS: Mapping[str, str] = MappingProxyType(
    {
        "container": "age-encryption.org/v1",
        "bidder_stanza": "X25519",
        "share_stanza": "etender-share-v1",
        "file_hash": "sha256",
        "signature": "cms-detached",
    }
)
INTEGER_FIELDS = ("price", "duration")  # fen and days (DOMAIN.md, opening record)
MAX_INTEGER = 2**53 - 1  # exact in every JSON implementation (RFC 8785, I-JSON)
MAX_TEXT = 4096
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_KEYS = {
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

FieldValue = int | str


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_TEXT:
        raise BidInputInvalid(f"{what} must be a non-empty string of at most {MAX_TEXT}")
    return value


def _check_field(name: str, value: object) -> FieldValue:
    if not _FIELD_NAME.fullmatch(name):
        raise BidInputInvalid(f"field name {name!r} is not [a-z][a-z0-9_]{{0,63}}")
    if type(value) is int:
        if not 0 <= value <= MAX_INTEGER:
            raise BidInputInvalid(f"field {name} must be between 0 and 2^53 - 1")
        return value
    if name in INTEGER_FIELDS:
        raise BidInputInvalid(f"field {name} must be an integer ({name} in fen or days)")
    return _text(value, f"field {name}")


@dataclass(frozen=True, kw_only=True, slots=True)
class ManifestFile:
    """One file of the part: its name under files/, size and SHA-256 (hex)."""

    name: str
    size: int
    sha256: str

    def __post_init__(self) -> None:
        try:
            check_entry_name(FILES_PREFIX + self.name)
        except BidArchiveUnsafeEntry as exc:
            raise BidInputInvalid(exc.message) from exc
        if type(self.size) is not int or self.size < 0 or not _HEX64.fullmatch(self.sha256):
            raise BidInputInvalid(f"file {self.name!r}: bad size or sha256")

    @property
    def path(self) -> str:
        """The entry's name in the archive."""
        return FILES_PREFIX + self.name


@dataclass(frozen=True, kw_only=True, slots=True)
class BidInfo:
    """What a part says about itself, besides its files."""

    tender: str
    lot: str
    part: str
    bidder: str
    consortium: tuple[str, ...] = ()
    fields: Mapping[str, FieldValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for what in ("tender", "lot", "bidder"):
            _text(getattr(self, what), what)
        if not PART_LABEL.fullmatch(self.part):
            raise BidInputInvalid(f"part label {self.part!r} is not [a-z][a-z0-9_-]{{0,31}}")
        members = [_text(m, "consortium member") for m in self.consortium]
        if len(set(members)) != len(members) or self.bidder in members:
            raise BidInputInvalid("consortium members must be distinct and not the bidder")
        checked = {name: _check_field(name, v) for name, v in self.fields.items()}
        object.__setattr__(self, "fields", MappingProxyType(checked))


@dataclass(frozen=True, kw_only=True, slots=True)
class Manifest:
    """A parsed manifest.json."""

    info: BidInfo
    committee_fingerprint: str
    files: tuple[ManifestFile, ...]

    def __post_init__(self) -> None:
        if not _HEX64.fullmatch(self.committee_fingerprint):
            raise BidInputInvalid("committee_fingerprint is 64 lowercase hex digits")
        names = [f.name.casefold() for f in self.files]
        if len(set(names)) != len(names):
            raise BidInputInvalid("two files share a name (case-insensitively)")

    def to_json(self) -> dict[str, object]:
        """The manifest as a JSON-ready dict."""
        info = self.info
        return {
            "format": MANIFEST_FORMAT,
            "algorithms": dict(ALGORITHMS),
            "tender": info.tender,
            "lot": info.lot,
            "part": info.part,
            "bidder": info.bidder,
            "consortium": list(info.consortium),
            "committee_fingerprint": self.committee_fingerprint,
            "fields": dict(info.fields),
            "files": [{"name": f.name, "size": f.size, "sha256": f.sha256} for f in self.files],
        }

    def to_bytes(self) -> bytes:
        """RFC 8785 canonical bytes: what manifest.p7s signs."""
        return canonical_json(self.to_json())


def _refuse_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise BidManifestMismatch("manifest.json has a duplicate key")
    return result


def _object(value: object, what: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise BidManifestMismatch(f"{what} must be a JSON object")
    return value


def _list(value: object, what: str) -> list[object]:
    if not isinstance(value, list):
        raise BidManifestMismatch(f"{what} must be a JSON array")
    return value


def _text_value(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise BidManifestMismatch(f"{what} must be a string")
    return value


def _file_from_json(value: object) -> ManifestFile:
    item = _object(value, "a file")
    if set(item) != {"name", "size", "sha256"} or type(item["size"]) is not int:
        raise BidManifestMismatch("a file entry is not {name, size (integer), sha256}")
    return ManifestFile(
        name=_text_value(item["name"], "a file name"),
        size=item["size"],
        sha256=_text_value(item["sha256"], "a file sha256"),
    )


def _from_json(obj: dict[str, object]) -> Manifest:
    if set(obj) != _KEYS:
        raise BidManifestMismatch(f"manifest keys differ from {sorted(_KEYS)}")
    if obj["format"] != MANIFEST_FORMAT or obj["algorithms"] != dict(ALGORITHMS):
        raise BidManifestMismatch("unsupported manifest format or algorithms")
    consortium = _list(obj["consortium"], "consortium")
    fields = _object(obj["fields"], "fields")
    info = BidInfo(
        tender=_text_value(obj["tender"], "tender"),
        lot=_text_value(obj["lot"], "lot"),
        part=_text_value(obj["part"], "part"),
        bidder=_text_value(obj["bidder"], "bidder"),
        consortium=tuple(_text_value(m, "a consortium member") for m in consortium),
        fields={name: _field_value(value) for name, value in fields.items()},
    )
    files = tuple(_file_from_json(f) for f in _list(obj["files"], "files"))
    return Manifest(
        info=info,
        committee_fingerprint=_text_value(obj["committee_fingerprint"], "committee_fingerprint"),
        files=files,
    )


def _field_value(value: object) -> FieldValue:
    if isinstance(value, str) or type(value) is int:
        return value
    raise BidManifestMismatch("opening-form field values are integers or strings")


def parse_manifest(data: bytes) -> Manifest:
    """Strictly parse manifest.json; its bytes must be the canonical encoding."""
    try:
        obj = json.loads(data.decode("utf-8"), object_pairs_hook=_refuse_duplicates)
        manifest = _from_json(_object(obj, "manifest.json"))
    except (UnicodeDecodeError, ValueError, TypeError, BidInputInvalid) as exc:
        raise BidManifestMismatch(f"manifest.json is not a valid manifest: {exc}") from exc
    if manifest.to_bytes() != data:
        raise BidManifestMismatch("manifest.json is not in RFC 8785 canonical form")
    return manifest


@dataclass(frozen=True, kw_only=True, slots=True)
class BidIdentity:
    """Whose bid a part is, as the platform froze it: what its manifest must say."""

    tender: str
    lot: str
    part: str
    bidder: str  # the lead member's credit code for a consortium
    consortium: tuple[str, ...] = ()


def check_bid_identity(
    manifest: Manifest, signer_credit_code: str | None, expected: BidIdentity
) -> None:
    """The part is its own bidder's bid (docs/formats/sealed-bid.md §7).

    The manifest's signer carries the bid's organisation (the lead's for a consortium)
    and the manifest names the frozen bid's tender, lot, part, bidder and consortium.
    Otherwise another bidder's sealed file was submitted as this bid: the server could
    not tell at upload (it cannot read the plaintext), the opening must (issue 9, item 1).
    """
    info = manifest.info
    if signer_credit_code != expected.bidder:
        raise BidNotBiddersOwn(
            f"manifest.p7s is signed for organisation {signer_credit_code!r}, "
            f"the bid is {expected.bidder!r}'s"
        )
    said = (info.tender, info.lot, info.part, info.bidder, tuple(sorted(info.consortium)))
    frozen = (
        expected.tender,
        expected.lot,
        expected.part,
        expected.bidder,
        tuple(sorted(expected.consortium)),
    )
    if said != frozen:
        raise BidNotBiddersOwn(
            f"the manifest names tender/lot/part/bidder/consortium {said}, the frozen bid {frozen}"
        )
