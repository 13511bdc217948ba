"""Reading a decrypted bid archive into a temporary directory, all or nothing.

The files land in a fresh private directory beside the requested output; only when
every check has passed does it get renamed to the output. Any failure removes it, so
no partial plaintext is ever left behind (docs/formats/sealed-bid.md, "Opening").
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from signing import bidtar
from signing.errors import (
    BidArchiveMalformed,
    BidArchiveUnsafeEntry,
    BidInputInvalid,
    BidManifestMismatch,
    BidManifestMissing,
)
from signing.manifest import Manifest, ManifestFile, parse_manifest
from signing.pipe import Buffer, Pipe

MAX_MANIFEST = 16 * 1024 * 1024
MAX_SIGNATURE = 1024 * 1024
THREAD_MIN_BYTES = 1024 * 1024
_CONFLICTS = (FileExistsError, NotADirectoryError, IsADirectoryError)
Progress = Callable[[int], None]


@dataclass(frozen=True, kw_only=True, slots=True)
class ArchiveContents:
    """What the archive held: its files as hashed, the parsed manifest and the signature."""

    files: tuple[ManifestFile, ...]
    manifest: Manifest
    manifest_bytes: bytes
    signature: bytes


def _sync(sink: BinaryIO) -> None:
    sink.flush()
    os.fsync(sink.fileno())


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Extraction:
    """A context manager: extract into a temporary directory, then commit or remove it."""

    def __init__(self, output: Path | None, *, durable: bool = True) -> None:
        self._output = output
        self._durable = durable
        self._temporary: Path | None = None

    def __enter__(self) -> Extraction:
        if self._output is not None:
            if self._output.exists() or self._output.is_symlink():
                raise BidInputInvalid(f"the output {self._output} already exists")
            parent = self._output.parent
            prefix = f".{self._output.name}.opening-"
            self._temporary = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._temporary is not None:
            shutil.rmtree(self._temporary, ignore_errors=True)
            self._temporary = None

    def commit(self) -> Path | None:
        """Move the verified files to the output; returns it (None when discarding)."""
        if self._temporary is None or self._output is None:
            return None
        # Durable output (a bidder's own copy, the CLI): the files were fsynced as they
        # closed; their directories, then the rename, follow. The platform's opening
        # passes durable=False: its opened files are a derived copy, checked against
        # the manifest when read and re-derived from ciphertext and file key
        # (docs/formats/opening.md §5, tender/opening/opened.py).
        if self._durable:
            for directory, _, _ in os.walk(self._temporary):
                _fsync_directory(Path(directory))
        self._temporary.rename(self._output)
        if self._durable:
            _fsync_directory(self._output.parent)
        self._temporary = None
        return self._output

    def _create(self, path: str) -> BinaryIO | None:
        if self._temporary is None:
            return None
        target = self._temporary.joinpath(*path.split("/"))
        try:
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
            return open(os.open(target, flags, 0o600), "wb")
        except _CONFLICTS as exc:
            raise BidArchiveUnsafeEntry(f"entry {path!r} collides with another entry") from exc

    def _extract(
        self, tar: bidtar.TarReader, entry: bidtar.TarEntry, progress: Progress | None
    ) -> str:
        digest = hashlib.sha256()
        sink = self._create(entry.path)

        def consume(piece: Buffer) -> None:
            digest.update(piece)
            if sink is not None:
                sink.write(piece)

        # Hashing and writing run beside decryption on another core (signing.pipe); the
        # pieces are views of reused blocks, so one Pipe item each (batch_bytes=1).
        pipe = Pipe(consume, threaded=entry.size >= THREAD_MIN_BYTES, batch_bytes=1)
        try:
            for piece in tar.data(entry):
                pipe.put(piece)
                if progress is not None:
                    progress(len(piece))
            pipe.close()
            if sink is not None and self._durable:
                _sync(sink)
        except BaseException:
            pipe.abandon()
            raise
        finally:
            if sink is not None:
                sink.close()
        return digest.hexdigest()

    def _small(self, tar: bidtar.TarReader, entry: bidtar.TarEntry, limit: int) -> bytes:
        if entry.size > limit:
            raise BidManifestMismatch(f"{entry.path} is larger than {limit} bytes")
        data = b"".join(tar.data(entry))
        sink = self._create(entry.path)
        if sink is not None:
            with sink:
                sink.write(data)
                if self._durable:
                    _sync(sink)
        return data

    def run(self, tar: bidtar.TarReader, progress: Progress | None = None) -> ArchiveContents:
        """Read every entry: files first, then manifest.json, then manifest.p7s, then the end."""
        files: list[ManifestFile] = []
        manifest: bytes | None = None
        signature: bytes | None = None
        seen: set[str] = set()
        while (entry := tar.next_entry()) is not None:
            if entry.path.casefold() in seen:
                raise BidArchiveUnsafeEntry(f"entry {entry.path!r} appears twice")
            seen.add(entry.path.casefold())
            if signature is not None:
                raise BidArchiveMalformed(f"entry {entry.path!r} follows manifest.p7s")
            if entry.path == bidtar.MANIFEST_NAME:
                manifest = self._small(tar, entry, MAX_MANIFEST)
            elif entry.path == bidtar.SIGNATURE_NAME:
                if manifest is None:
                    raise BidManifestMissing("manifest.p7s without manifest.json before it")
                signature = self._small(tar, entry, MAX_SIGNATURE)
            elif manifest is not None:
                raise BidArchiveMalformed(f"file {entry.path!r} follows manifest.json")
            else:
                digest = self._extract(tar, entry, progress)
                name = entry.path.removeprefix(bidtar.FILES_PREFIX)
                files.append(ManifestFile(name=name, size=entry.size, sha256=digest))
        if manifest is None or signature is None:
            raise BidManifestMissing("the archive lacks manifest.json or manifest.p7s")
        return ArchiveContents(
            files=tuple(files),
            manifest=parse_manifest(manifest),
            manifest_bytes=manifest,
            signature=signature,
        )
