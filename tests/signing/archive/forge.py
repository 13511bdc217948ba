"""Tampered packages for the verifier's tests.

:func:`raw` changes members and leaves the manifest alone (what a careless forger
does); :func:`forge` re-makes the manifest and has the platform's key sign it again
(a forger holding that key), so the package is consistent everywhere except the one
change — which the check meant for it must still catch and name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import pytest

from signing.archive.errors import ArchiveInvalid
from signing.archive.package import (
    MANIFEST,
    MANIFEST_SIGNATURE,
    FileEntry,
    Manifest,
    parse_manifest,
    read_package,
    write_package,
)
from signing.archive.verify import verify_package
from tender.submission.receipts import ReceiptSigner


def members(package: bytes) -> dict[str, bytes]:
    """The package's members by path."""
    return read_package(package)


def manifest(package: bytes) -> Manifest:
    """The package's manifest."""
    return parse_manifest(members(package)[MANIFEST])


def raw(package: bytes, *, change: Mapping[str, bytes] = {}, remove: tuple[str, ...] = ()) -> bytes:
    """The package with members changed, added or removed; the manifest untouched."""
    files = {**members(package), **change}
    for path in remove:
        del files[path]
    return write_package(files)


def forge(
    package: bytes,
    signer: ReceiptSigner,
    *,
    change: Mapping[str, bytes] = {},
    add: Mapping[str, tuple[bytes, str]] = {},
    listed: Mapping[str, str] = {},
) -> bytes:
    """Changed and added files, listed consistently in a re-signed manifest.

    ``listed`` overrides the SHA-256 the manifest lists for a path (a manifest that
    lies about one file).
    """
    files = members(package)
    old = parse_manifest(files[MANIFEST])
    entries = {f.path: f for f in old.files}
    for path, data in change.items():
        files[path] = data
        entries[path] = FileEntry.of(path, data, entries[path].kind, entries[path].about)
    for path, (data, kind) in add.items():
        files[path] = data
        entries[path] = FileEntry.of(path, data, kind, "added by the test")
    for path, sha256 in listed.items():
        entries[path] = dataclasses.replace(entries[path], sha256=sha256)
    body = dataclasses.replace(old, files=tuple(entries.values())).to_bytes()
    files[MANIFEST], files[MANIFEST_SIGNATURE] = body, signer.sign(body)
    return write_package(files)


def failures(package: bytes) -> list[tuple[str, str]]:
    """Each (file, what) the verifier reports; the package must fail."""
    with pytest.raises(ArchiveInvalid) as caught:
        verify_package(package)
    return [(item["file"], item["what"]) for item in caught.value.details]


def first(package: bytes, prefix: str, suffix: str = "") -> str:
    """The first member path under ``prefix`` ending in ``suffix``."""
    return next(p for p in members(package) if p.startswith(prefix) and p.endswith(suffix))


def flip(data: bytes, at: int = -10) -> bytes:
    """``data`` with one byte changed."""
    index = at % len(data)
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]
