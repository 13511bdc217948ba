"""The project archive as data: which files, which signatures, which log proofs (no I/O).

One package per project (一项一档, DOMAIN.md "Records": "archive one file per project
within 30 days of the end"). The service reads the tender's records and hands them to
a :class:`Contents`; :func:`assemble` lays them out as docs/formats/archive.md says
and signing/archive/package.py writes the bytes.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from signing.archive.package import (
    KINDS,
    MANIFEST,
    MANIFEST_SIGNATURE,
    TRUST_PARTIES,
    TRUST_PLATFORM,
    EntryRef,
    FileEntry,
    LogSection,
    Manifest,
    SignatureEntry,
)
from signing.canonical import canonical_json
from signing.log.entry import format_time
from signing.log.note import encode_base64

# The statuses that end a procedure (DESIGN.md, "Lifecycles"): from each, and only from
# them, the tender becomes ``archived`` when its package is made.
ENDED = ("performance", "failed", "cancelled")


@dataclasses.dataclass(kw_only=True, slots=True)
class Contents:
    """The files of a package being assembled, and the signatures over them."""

    files: dict[str, bytes] = dataclasses.field(default_factory=dict)
    entries: dict[str, FileEntry] = dataclasses.field(default_factory=dict)
    signatures: list[SignatureEntry] = dataclasses.field(default_factory=list)

    def add(self, path: str, data: bytes, kind: str, about: str) -> str:
        """Add one file (the same bytes twice at one path are one file)."""
        if (path in self.files and self.files[path] != data) or kind not in KINDS:
            raise ValueError(f"two different files at {path}, or kind {kind}")  # our bug
        self.files[path] = data
        self.entries[path] = FileEntry.of(path, data, kind, about)
        return path

    def add_json(self, path: str, value: object, kind: str, about: str) -> str:
        """Add a record as RFC 8785 canonical JSON."""
        return self.add(path, canonical_json(value), kind, about)

    def add_signed(
        self,
        path: str,
        content: bytes,
        signature: bytes,
        *,
        kind: str,
        about: str,
        at: datetime,
        platform: bool = False,
    ) -> None:
        """Add a signed file at ``path`` and its CMS signature at ``path + '.p7s'``."""
        self.add(path, content, kind, about)
        self.add(path + ".p7s", signature, "cms_signature", f"CMS detached signature of {path}")
        trust = TRUST_PLATFORM if platform else TRUST_PARTIES
        self.signatures.append(
            SignatureEntry(signature=path + ".p7s", content=path, at=format_time(at), trust=trust)
        )

    def add_signature(self, path: str, content: str, signature: bytes, *, at: datetime) -> None:
        """Add a user's further CMS signature over a file already added (report seats)."""
        self.add(path, signature, "cms_signature", f"CMS detached signature of {content}")
        self.signatures.append(
            SignatureEntry(signature=path, content=content, at=format_time(at), trust=TRUST_PARTIES)
        )


# --- the log ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class LogCheckpoint:
    """A checkpoint the log key signed, with the cosignature lines it gathered."""

    size: int
    note: str  # the signed note with every cosignature line


def checkpoint_for(index: int, sizes: Sequence[int]) -> int:
    """The first checkpoint (smallest size) covering entry ``index``: the one it leads to."""
    return min(size for size in sizes if size > index)


def checkpoint_path(size: int) -> str:
    """Where a checkpoint is stored."""
    return f"log/checkpoints/{size:012d}.txt"


def add_log(
    contents: Contents,
    *,
    origin: str,
    log_vkey: str,
    witness_vkeys: Sequence[str],
    entries: Mapping[int, bytes],
    proofs: Mapping[int, Sequence[bytes]],
    checkpoints: Sequence[LogCheckpoint],
    consistency: Sequence[Sequence[bytes]],
) -> LogSection:
    """Lay out the log material; ``proofs[i]`` leads entry i to :func:`checkpoint_for`."""
    sizes = [c.size for c in checkpoints]
    key = contents.add("keys/log.vkey", (log_vkey + "\n").encode(), "log_key",
                       "the log's Ed25519 checkpoint key (C2SP signed-note vkey)")  # fmt: skip
    witnesses = [
        contents.add(
            f"keys/witnesses/{n:02d}.vkey",
            (vkey + "\n").encode(),
            "witness_key",
            "a witness's cosignature/v1 key",
        )
        for n, vkey in enumerate(witness_vkeys, start=1)
    ]
    paths = [
        contents.add(
            checkpoint_path(c.size),
            c.note.encode(),
            "checkpoint",
            f"signed checkpoint of size {c.size} with its cosignatures",
        )
        for c in checkpoints
    ]
    links = []
    for (older, newer), proof in zip(itertools.pairwise(sizes), consistency, strict=True):
        links.append(contents.add_json(
            f"log/consistency/{older:012d}-{newer:012d}.json",
            {"first": older, "second": newer, "hashes": [encode_base64(h) for h in proof]},
            "consistency_proof", f"RFC 9162 consistency proof from size {older} to {newer}",
        ))  # fmt: skip
    refs = []
    for index, raw in sorted(entries.items()):
        size = checkpoint_for(index, sizes)
        hashes = [encode_base64(h) for h in proofs[index]]
        path = contents.add(f"log/entries/{index:012d}.json", raw, "log_entry",
                            f"log entry {index} (exact leaf bytes)")  # fmt: skip
        proof_path = contents.add_json(
            f"log/proofs/{index:012d}.json",
            {"index": index, "tree_size": size, "hashes": hashes},
            "inclusion_proof", f"RFC 9162 inclusion proof of entry {index} in size {size}",
        )  # fmt: skip
        refs.append(
            EntryRef(path=path, index=index, proof=proof_path, checkpoint=checkpoint_path(size))
        )
    return LogSection(
        origin=origin, key=key, witnesses=tuple(witnesses), checkpoints=tuple(paths),
        consistency=tuple(links), entries=tuple(refs),
    )  # fmt: skip


def manifest_for(
    contents: Contents, *, tender: Mapping[str, Any], built_at: datetime, log: LogSection
) -> Manifest:
    """The manifest of everything added so far (signatures in the order they were added)."""
    return Manifest(
        tender={k: str(v) for k, v in tender.items()},
        built_at=format_time(built_at),
        files=tuple(contents.entries.values()),
        signatures=tuple(contents.signatures),
        log=log,
    )


def package_files(contents: Contents, manifest: bytes, signature: bytes) -> dict[str, bytes]:
    """Every member of the package: the manifest, its signature and the contents."""
    return {MANIFEST: manifest, MANIFEST_SIGNATURE: signature, **contents.files}
