"""The bid archive's tar layer: what the writer emits, what the reader refuses."""

from __future__ import annotations

import tarfile
from collections.abc import Callable
from io import BytesIO

import pytest

from signing import bidtar
from signing.errors import BidArchiveMalformed, BidArchiveUnsafeEntry

Archive = bytearray


def _archive(*entries: tuple[str, bytes]) -> bytearray:
    out = bytearray()
    for path, data in entries:
        out += bidtar.entry_header(path, len(data)) + data + bidtar.padding(len(data))
    return out + bidtar.END_OF_ARCHIVE


def _read(data: bytes, piece: int = 700) -> list[tuple[str, bytes]]:
    """Read every entry, feeding the reader odd-sized pieces."""
    reader = bidtar.TarReader(iter([data[i : i + piece] for i in range(0, len(data), piece)]))
    entries = []
    while (entry := reader.next_entry()) is not None:
        entries.append((entry.path, b"".join(bytes(p) for p in reader.data(entry))))
    return entries


def _fix_checksum(block: bytearray, offset: int) -> None:
    header = block[offset : offset + 512]
    header[148:156] = b" " * 8
    block[offset + 148 : offset + 156] = b"%06o\x00 " % sum(header)


def test_entries_round_trip_and_python_tarfile_agrees() -> None:
    """Our reader and Python's tarfile read the same names and bytes back."""
    entries = [("files/标书.pdf", b"x" * 1000), ("files/a/b.txt", b""), ("manifest.json", b"{}")]
    data = bytes(_archive(*entries))
    assert _read(data) == entries
    with tarfile.open(fileobj=BytesIO(data), mode="r:") as archive:
        assert [(m.name, m.size) for m in archive.getmembers()] == [
            (name, len(body)) for name, body in entries
        ]


def test_long_and_non_ascii_names_use_a_stable_ustar_stand_in() -> None:
    """The ustar name field holds a hash-based stand-in; the PAX path is authoritative."""
    name = "files/" + "长" * 60
    data = bytes(_archive((name, b"1")))
    assert data[512 + 512 : 512 + 512 + 6] == b"files/"
    assert _read(data) == [(name, b"1")]


def test_pax_record_length_counts_its_own_digits() -> None:
    """'<len> path=<name>\\n' where len includes the digits (POSIX pax)."""
    for size in range(1, 300):
        record = bidtar.pax_record("path", "p" * size)
        assert int(record.split(b" ")[0]) == len(record)


def _patch(at: int, data: bytes, header: int | None = None) -> Callable[[Archive], None]:
    def apply(archive: Archive) -> None:
        archive[at : at + len(data)] = data
        if header is not None:
            _fix_checksum(archive, header)

    return apply


def _cut(start: int, end: int | None = None) -> Callable[[Archive], None]:
    def apply(archive: Archive) -> None:
        del archive[start:end]

    return apply


# One entry "files/a" of 3 bytes: PAX header at 0, its record at 512, ustar header at
# 1024, data at 1536, padding to 2048, end blocks.
CORRUPTIONS: dict[str, Callable[[Archive], None]] = {
    "checksum": _patch(148, b"7"),
    "magic": _patch(257, b"gnutar", header=0),
    "size not octal": _patch(124, b"9x", header=0),
    "x then x": _patch(1024 + 156, b"x", header=1024),
    "file without pax": _cut(0, 1024),
    "padding not zero": _patch(1540, b"\x01"),
    "data after the end": _patch(2048 + 1024, b"junk"),
    "ends inside an entry": _cut(1537),
}


@pytest.mark.parametrize("case", sorted(CORRUPTIONS))
def test_malformed_archives_are_refused(case: str) -> None:
    """Anything outside the documented layout is bid_archive_malformed."""
    archive = _archive(("files/a", b"abc"))
    CORRUPTIONS[case](archive)
    with pytest.raises(BidArchiveMalformed) as info:
        _read(bytes(archive))
    assert info.value.code == "bid_archive_malformed"


def test_pax_records_other_than_path_are_refused() -> None:
    """One record, path: no mtime, linkpath, size or vendor records."""
    records = bidtar.pax_record("path", "files/a") + bidtar.pax_record("linkpath", "/etc")
    archive = bytearray(bidtar.entry_header("files/a", 3))
    pax = bytearray(archive[:512])
    pax[124:136] = b"%011o\x00" % len(records)
    _fix_checksum(pax, 0)
    body = records + bidtar.padding(len(records))
    rebuilt = bytes(pax) + body + archive[1024:] + b"abc" + bidtar.padding(3)
    with pytest.raises(BidArchiveMalformed, match="PAX records"):
        _read(rebuilt + bidtar.END_OF_ARCHIVE)


def test_oversized_pax_header_is_refused_before_it_is_read() -> None:
    """A PAX header claiming gigabytes is refused from its size field alone."""
    archive = bytearray(bidtar.entry_header("files/a", 0))
    archive[124:136] = b"%011o\x00" % (8**10)
    _fix_checksum(archive, 0)
    with pytest.raises(BidArchiveMalformed, match="PAX header"):
        _read(bytes(archive))


@pytest.mark.parametrize(
    "name",
    [
        "",
        "/abs",
        "files/",
        "files//a",
        "files/./a",
        "files/../a",
        "other/a",
        "files/a\nb",
        "files/" + "a" * 256,
        "files/x" * 200,
    ],
)
def test_unsafe_names_are_refused(name: str) -> None:
    """Names that could escape, alias or be ambiguous never pass check_entry_name."""
    with pytest.raises(BidArchiveUnsafeEntry):
        bidtar.check_entry_name(name)
