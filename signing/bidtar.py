"""The bid archive: a deterministic PAX tar, written and read as a stream.

Every entry is a PAX extended header (typeflag ``x``) carrying one ``path`` record
(NFC UTF-8), then a ustar regular-file header (typeflag ``0``), the data and zero
padding to 512 bytes. Headers are deterministic: mode 0644, uid/gid 0, mtime 0,
empty uname/gname. The archive ends with two zero blocks. Readers accept nothing
else: links, devices, directories and unsafe names are refused
(docs/formats/sealed-bid.md, "Archive").
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from signing.errors import BidArchiveMalformed, BidArchiveUnsafeEntry

BLOCK = 512
END_OF_ARCHIVE = bytes(2 * BLOCK)
MAX_FILE_SIZE = 8**11 - 1  # the ustar size field: 11 octal digits
MAX_PATH_BYTES = 1024
MAX_COMPONENT_BYTES = 255
MAX_PAX_SIZE = 4096  # one path record of at most MAX_PATH_BYTES fits easily
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.p7s"
FILES_PREFIX = "files/"
_PAX_NAME = b"././@PaxHeader"
_MAGIC = b"ustar\x0000"


def check_entry_name(path: str) -> str:
    """Refuse a name that could escape the output or alias another entry."""
    if unicodedata.normalize("NFC", path) != path:
        raise BidArchiveUnsafeEntry(f"name {path!r} is not NFC-normalised")
    if any(ord(c) < 0x20 or ord(c) == 0x7F or c == "\\" for c in path):
        raise BidArchiveUnsafeEntry(f"name {path!r} has control characters or backslashes")
    encoded = path.encode("utf-8")
    components = path.split("/")
    if len(encoded) > MAX_PATH_BYTES or any(
        len(c.encode()) > MAX_COMPONENT_BYTES for c in components
    ):
        raise BidArchiveUnsafeEntry(f"name {path!r} is too long")
    if any(c in ("", ".", "..") for c in components):
        raise BidArchiveUnsafeEntry(f"name {path!r} is absolute or has empty, . or .. parts")
    if path not in (MANIFEST_NAME, SIGNATURE_NAME) and not (
        path.startswith(FILES_PREFIX) and len(components) > 1
    ):
        raise BidArchiveUnsafeEntry(f"name {path!r} is outside files/ and not the manifest")
    return path


def _octal(value: int, width: int) -> bytes:
    """``width - 1`` octal digits and a NUL, as ustar numeric fields are written."""
    return b"%0*o\x00" % (width - 1, value)


def _ustar_block(name: bytes, size: int, typeflag: bytes) -> bytes:
    header = (
        name.ljust(100, b"\x00")
        + _octal(0o644, 8)
        + _octal(0, 8)  # uid
        + _octal(0, 8)  # gid
        + _octal(size, 12)
        + _octal(0, 12)  # mtime
        + b" " * 8  # checksum placeholder
        + typeflag
        + bytes(100)  # linkname
        + _MAGIC
        + bytes(64)  # uname, gname
        + _octal(0, 8)  # devmajor
        + _octal(0, 8)  # devminor
        + bytes(155 + 12)  # prefix, pad
    )
    checksum = b"%06o\x00 " % sum(header)
    return header[:148] + checksum + header[156:]


def pax_record(key: str, value: str) -> bytes:
    """One ``"<length> <key>=<value>\\n"`` record; the length counts itself."""
    body = f" {key}={value}\n".encode()
    length = len(body) + 1
    while len(str(length)) + len(body) != length:
        length = len(str(length)) + len(body)
    return str(length).encode() + body


def entry_header(path: str, size: int) -> bytes:
    """The PAX header, its records and the ustar header of one regular file."""
    check_entry_name(path)
    if not 0 <= size <= MAX_FILE_SIZE:
        raise BidArchiveMalformed(f"entry {path!r} is larger than 8 GiB - 1")
    records = pax_record("path", path)
    encoded = path.encode("utf-8")
    ascii_name = encoded if encoded.isascii() and len(encoded) <= 100 else None
    # The ustar name is only a fallback for tools without PAX: a stable stand-in.
    name = ascii_name or b"files/" + hashlib.sha256(encoded).hexdigest()[:32].encode()
    return (
        _ustar_block(_PAX_NAME, len(records), b"x")
        + records
        + padding(len(records))
        + _ustar_block(name, size, b"0")
    )


def padding(size: int) -> bytes:
    """Zero bytes that round ``size`` up to a whole 512-byte block."""
    return bytes(-size % BLOCK)


@dataclass(frozen=True, kw_only=True, slots=True)
class TarEntry:
    """One regular file of the archive."""

    path: str
    size: int


class _Pull:
    """Exact reads over an iterator of byte chunks, without copying big data."""

    def __init__(self, chunks: Iterator[bytes] | Iterator[memoryview]) -> None:
        self._chunks = chunks
        self._current = memoryview(b"")

    def _refill(self) -> bool:
        for chunk in self._chunks:
            if chunk:
                self._current = memoryview(chunk)
                return True
        return False

    def pieces(self, size: int) -> Iterator[memoryview]:
        """Yield exactly ``size`` bytes as views; the archive ending early is malformed."""
        while size:
            if not self._current and not self._refill():
                raise BidArchiveMalformed("the archive ends inside an entry")
            piece = self._current[:size]
            self._current = self._current[len(piece) :]
            size -= len(piece)
            yield piece

    def exact(self, size: int) -> bytes:
        """Exactly ``size`` bytes, copied."""
        return b"".join(self.pieces(size))

    def rest_is_zero(self) -> bool:
        """Consume everything left; True if it is all zero bytes."""
        zero = _is_zero(self._current)
        while self._refill():
            zero = zero and _is_zero(self._current)
            self._current = memoryview(b"")
        return zero


def _is_zero(view: memoryview) -> bool:
    return view.tobytes().count(0) == len(view)


def _number(field: bytes) -> int:
    digits = field.rstrip(b"\x00 ")
    if not digits or any(c not in b"01234567" for c in digits):
        raise BidArchiveMalformed("a tar numeric field is not octal")
    return int(digits, 8)


def _check_block(block: bytes) -> bytes:
    """The typeflag of a verified ustar header block."""
    if block[257:265] != _MAGIC:
        raise BidArchiveMalformed("a tar header is not POSIX ustar")
    expected = _number(block[148:156])
    if sum(block[:148]) + 8 * 0x20 + sum(block[156:]) != expected:
        raise BidArchiveMalformed("a tar header checksum does not verify")
    return block[156:157]


def _parse_records(data: bytes) -> dict[str, str]:
    records: dict[str, str] = {}
    while data:
        length_text, _, _ = data.partition(b" ")
        if not length_text.isdigit() or int(length_text) > len(data) or int(length_text) < 5:
            raise BidArchiveMalformed("a PAX record has a bad length")
        record, data = data[: int(length_text)], data[int(length_text) :]
        key, sep, value = record[len(length_text) + 1 : -1].partition(b"=")
        if not sep or record[-1:] != b"\n":
            raise BidArchiveMalformed("a PAX record is not 'length key=value\\n'")
        try:
            name = key.decode("utf-8")
            if name in records:
                raise BidArchiveMalformed(f"PAX record {name!r} appears twice")
            records[name] = value.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BidArchiveMalformed("a PAX record is not UTF-8") from exc
    return records


class TarReader:
    """Reads entries of a bid archive from plaintext chunks, refusing anything unsafe."""

    def __init__(self, chunks: Iterator[bytes] | Iterator[memoryview]) -> None:
        self._pull = _Pull(chunks)

    def _typeflag(self, block: bytes) -> bytes:
        flag = _check_block(block)
        if flag not in (b"x", b"0"):
            raise BidArchiveUnsafeEntry(
                f"tar entry type {flag!r}: only regular files are allowed (no links, "
                "devices, directories or global headers)"
            )
        return flag

    def next_entry(self) -> TarEntry | None:
        """The next file's header, or None at the end-of-archive blocks."""
        block = self._pull.exact(BLOCK)
        if block == bytes(BLOCK):
            if self._pull.exact(BLOCK) != bytes(BLOCK) or not self._pull.rest_is_zero():
                raise BidArchiveMalformed("data follows the end-of-archive marker")
            return None
        if self._typeflag(block) != b"x":
            raise BidArchiveMalformed("a file entry without its PAX path record")
        size = _number(block[124:136])
        if size > MAX_PAX_SIZE:
            raise BidArchiveMalformed(f"a PAX header of {size} bytes (at most {MAX_PAX_SIZE})")
        records = _parse_records(self._pull.exact(size))
        self._pull.exact(len(padding(size)))
        if set(records) != {"path"}:
            raise BidArchiveMalformed(f"PAX records other than 'path': {sorted(records)}")
        block = self._pull.exact(BLOCK)
        if self._typeflag(block) != b"0":
            raise BidArchiveMalformed("a PAX header not followed by a regular file")
        return TarEntry(path=check_entry_name(records["path"]), size=_number(block[124:136]))

    def data(self, entry: TarEntry) -> Iterator[memoryview]:
        """The entry's bytes as views, then its padding (which must be zero)."""
        yield from self._pull.pieces(entry.size)
        if self._pull.exact(-entry.size % BLOCK).count(0) != -entry.size % BLOCK:
            raise BidArchiveMalformed(f"non-zero padding after {entry.path!r}")
