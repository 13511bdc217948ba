"""docs/formats/archive.md is true to the bytes: the ustar header table (§3) rebuilt
field by field gives the code's header, the worked example's checksums and SHA-256 are
the code's, the kinds (§4), the manifest's members (§5), the exit statuses (§8) and the
error codes (§10) are the code's."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from client import archive as command
from signing.archive import errors as format_errors
from signing.archive.errors import ArchiveUnreadable
from signing.archive.package import KINDS, parse_manifest, write_package
from tender.archive import errors as build_errors
from tender.archive.session_queries import SEALED_OMIT, SESSION_TABLES
from tests.docs.markdown import code_blocks, found, read, section
from tests.signing.archive.test_manifest import changed

DOC = read("formats/archive.md")
EXAMPLE = {"manifest.json": b"{}", "manifest.json.p7s": b"x", "notice/notice.json": b'{"a":1}'}


def _rows(text: str) -> list[list[str]]:
    """The cells of a markdown table's body rows."""
    lines = [line for line in text.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[1:]]


def _header_from_doc(name: str, size: int) -> bytes:
    """A member header built only from the table of §3."""
    table = section(DOC, "## 3. The file")
    header = bytearray(512)
    for offset, length, field, value in _rows(table):
        if not offset.isdigit():
            continue
        start, width = int(offset), int(length)
        literal = re.fullmatch(r"`(.*)`", value)
        if field == "name":
            raw = name.encode()
        elif field == "size":
            raw = f"{size:011o}".encode() + b"\0"
        elif field == "chksum":
            raw = b" " * 8  # summed as spaces, written below
        elif literal:
            raw = literal.group(1).replace("\\0", "\0").encode()
        else:
            assert value.startswith("NULs"), (field, value)
            raw = b""
        header[start : start + len(raw)] = raw
        assert len(raw) <= width
    checksum = sum(header)
    header[148:156] = f"{checksum:06o}".encode() + b"\0 "
    return bytes(header)


def test_the_header_table_gives_the_codes_headers() -> None:
    package = write_package(EXAMPLE)
    offset = 0
    for name in EXAMPLE:
        assert package[offset : offset + 512] == _header_from_doc(name, len(EXAMPLE[name]))
        offset += 512 + -(-len(EXAMPLE[name]) // 512) * 512


def test_the_worked_example_is_the_codes() -> None:
    package = write_package(EXAMPLE)
    example = section(DOC, "## 3. The file")
    sums = re.findall(r"`(\d{6})`", found(r"header checksums are (.*?) and", example).group(1))
    assert sums == [package[i * 1024 + 148 : i * 1024 + 154].decode() for i in range(3)]
    assert f"a {len(package)}-byte file" in example
    assert hashlib.sha256(package).hexdigest() in example.replace("\n", "")


def test_the_kinds_are_the_codes() -> None:
    members = section(DOC, "## 4. Members").split("**The committee until the award.**")[0]
    listed = {cell for row in _rows(members) for cell in [row[1]]}
    assert {k.strip("`") for k in listed} == set(KINDS)


def test_the_manifest_example_has_the_codes_members() -> None:
    [example, _] = code_blocks(DOC, "json")
    text = re.sub(r", …", "", example).replace("{…}", "{}")
    value = json.loads(text)
    assert set(value) == {"built_at", "files", "format", "log", "signatures", "tender"}
    assert set(value["files"][0]) == {"about", "kind", "path", "sha256", "size"}
    assert set(value["signatures"][0]) == {"at", "content", "signature", "trust"}
    assert set(value["log"]) == {"checkpoints", "consistency", "entries", "key", "origin",
                                 "witnesses"}  # fmt: skip
    assert set(value["log"]["entries"][0]) == {"checkpoint", "index", "path", "proof"}


def test_the_exit_statuses_are_the_commands() -> None:
    rows = _rows("| exit status" + section(DOC, "## 8. Verification").split("| exit status")[1])
    assert [int(row[0]) for row in rows] == [
        command.EXIT_OK, command.EXIT_INVALID, command.EXIT_UNREADABLE
    ]  # fmt: skip


def test_the_error_codes_are_the_codes() -> None:
    rows = _rows(section(DOC, "## 10. Error codes"))
    documented = {(row[0].strip("`"), int(row[1])) for row in rows}
    classes = [
        format_errors.ArchiveUnreadable, format_errors.ArchiveInvalid,
        build_errors.ArchiveNotFound, build_errors.ArchiveNotEnded,
        build_errors.ArchiveExists, build_errors.ArchiveLogUncovered,
        build_errors.ArchiveReceiptsPending,
        build_errors.ArchiveSelfCheckFailed, build_errors.ArchiveSupplementUnchanged,
    ]  # fmt: skip
    assert documented == {(c.code, c.status) for c in classes}


def test_what_the_package_leaves_out_until_the_draw_is_published_is_the_codes() -> None:
    """§4, "The committee until the award": the table is queries.SEALED_OMIT, and the
    columns always left out are the ones named after it."""
    text = section(DOC, "## 4. Members").split("**The committee until the award.**")[1]
    table = {}
    for file, left_out in _rows(text):
        if file.startswith("`session.json` "):
            name = file.split("`")[3]
            table[name] = tuple(c.strip("`") for c in left_out.split(", "))
    assert table == SEALED_OMIT
    always = {(n, c) for n, (_, _, omit) in SESSION_TABLES.items() for c in omit}
    named = set(re.findall(r"`(\w+)\.(\w+)`", found(r"always left out \((.*?)\)", text).group(1)))
    assert named == always


def test_the_size_limit_is_the_codes() -> None:
    """§8: the default --max-mib and the wording of a refused file are the command's."""
    text = section(DOC, "## 8. Verification").replace("\n", " ")
    assert int(found(r"at most N MiB \(\*\*(\d+)\*\* by", text).group(1)) == command.DEFAULT_MAX_MIB
    assert f"limit of {command.DEFAULT_MAX_MIB} MiB (raise it with --max-mib)" in text


def test_the_worded_malformation_example_is_the_codes() -> None:
    """§8's example message is what the library says for a size that is a number."""
    text = section(DOC, "## 8. Verification").replace("\n", " ")
    example = found(r"in words: `etender archive verify: unreadable: (.*?)`", text).group(1)
    manifest = changed(("files", 0, "size"), 1e308)
    with pytest.raises(ArchiveUnreadable) as caught:
        parse_manifest(manifest)
    assert example == caught.value.message.replace("files[0]", "files[3]")
