"""Step 1 of docs/formats/archive.md §8: a manifest that is not what §5 says is
unreadable (exit 2) — every path by §3's rule, every member of its type, every time in
the format — and each message says so in words, naming the member, with the value it
quotes escaped and capped (no Python type or exception name)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from signing.archive.errors import ArchiveUnreadable
from signing.archive.package import parse_manifest, shown
from signing.canonical import canonical_json

HASH = "ab" * 32
VALID: dict[str, Any] = {
    "built_at": "2026-12-07T02:15:11.741000Z",
    "files": [
        {"about": "n", "kind": "notice", "path": "notice/notice.json", "sha256": HASH, "size": 2},
        {"about": "c", "kind": "checkpoint", "path": "log/checkpoints/000000000001.txt",
         "sha256": HASH, "size": 2},
    ],
    "format": "etender-archive-v1",
    "log": {
        "checkpoints": ["log/checkpoints/000000000001.txt"],
        "consistency": [],
        "entries": [{"checkpoint": "log/checkpoints/000000000001.txt", "index": 0,
                     "path": "log/entries/000000000000.json",
                     "proof": "log/proofs/000000000000.json"}],
        "key": "keys/log.vkey",
        "origin": "etender.example/log",
        "witnesses": ["keys/witnesses/01.vkey"],
    },
    "signatures": [{"at": "2026-12-07T02:14:30.120000Z", "content": "notice/notice.json",
                    "signature": "notice/notice.json.p7s", "trust": "parties"}],
    "tender": {"code": "c", "id": "i", "status": "failed", "title": "t"},
}  # fmt: skip


def changed(where: tuple[object, ...], value: object) -> bytes:
    manifest = copy.deepcopy(VALID)
    target: Any = manifest
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    return canonical_json(manifest)


def unreadable(data: bytes) -> str:
    with pytest.raises(ArchiveUnreadable) as caught:
        parse_manifest(data)
    return caught.value.message


def test_the_valid_manifest_parses() -> None:
    assert parse_manifest(canonical_json(VALID)).files[0].path == "notice/notice.json"


FORGED = "zz\nOK " + HASH


@pytest.mark.parametrize(
    ("where", "name"),
    [
        (("files", 1, "path"), "files[1].path"),
        (("signatures", 0, "content"), "signatures[0].content"),
        (("signatures", 0, "signature"), "signatures[0].signature"),
        (("log", "key"), "log.key"),
        (("log", "witnesses", 0), "log.witnesses[0]"),
        (("log", "checkpoints", 0), "log.checkpoints[0]"),
        (("log", "entries", 0, "proof"), "log.entries[0].proof"),
        (("log", "entries", 0, "checkpoint"), "log.entries[0].checkpoint"),
    ],
)
def test_every_manifest_path_must_be_a_member_path(where: tuple[object, ...], name: str) -> None:
    """§3's rule, in step 1: a path "zz\\nOK <hash>" can never reach the output."""
    message = unreadable(changed(where, FORGED))
    assert message.startswith(f"manifest.json: {name}: 'zz\\nOK {HASH[:50]}")
    assert "is not a member path (1–100 bytes of segments" in message
    assert "\n" not in message


@pytest.mark.parametrize("path", ["../etc/passwd", "/abs", "A.txt", "a//b", "x" * 101, "a/\x1b[2J"])
def test_paths_outside_the_rule_are_unreadable(path: str) -> None:
    message = unreadable(changed(("files", 0, "path"), path))
    assert "\x1b" not in message
    assert "is not a member path" in message


@pytest.mark.parametrize(
    ("where", "value", "said"),
    [
        (("files", 3 - 3, "size"), 1e308, "files[0].size: expected an integer, got a number"),
        (("files", 0, "size"), "2", "files[0].size: expected an integer, got a string"),
        (("files", 0, "size"), -1, "files[0].size: expected an integer from 0 to 2^53 − 1"),
        (("files", 0, "path"), 1, "files[0].path: expected a string, got an integer"),
        (("files", 0, "about"), None, "files[0].about: expected a string, got null"),
        (("files", 1), [], "files[1]: expected an object, got a list"),
        (("files", 0, "kind"), "nonsense", "files[0].kind: 'nonsense' is not one of notice"),
        (("files", 0, "sha256"), "AB" * 32, "files[0].sha256: expected 64 lowercase hex"),
        (("signatures", 0, "trust"), "anyone", "signatures[0].trust: 'anyone' is not one of"),
        (
            ("log", "entries", 0, "index"),
            True,
            "log.entries[0].index: expected an integer, got true or false",
        ),
        (("log", "witnesses"), "keys", "log.witnesses: expected a list, got a string"),
        (("tender", "code"), 7, "tender.code: expected a string, got an integer"),
    ],
)
def test_a_member_of_the_wrong_type_is_worded_for_a_person(
    where: tuple[object, ...], value: object, said: str
) -> None:
    assert unreadable(changed(where, value)).startswith(f"manifest.json: {said}")


@pytest.mark.parametrize(
    ("where", "value"),
    [(("built_at",), "yesterday"), (("signatures", 0, "at"), "2026-13-40T00:00:00.000000Z")],
)
def test_a_time_not_in_the_format_is_unreadable(where: tuple[object, ...], value: str) -> None:
    """Any malformation exits 2 (§8), a bad time too: it is not a failed check."""
    message = unreadable(changed(where, value))
    assert message.endswith(f"{value!r} is not a time YYYY-MM-DDTHH:MM:SS.ffffffZ")


def _raw(replacement: bytes) -> bytes:
    return canonical_json(VALID).replace(b'"size":2', b'"size":' + replacement, 1)


@pytest.mark.parametrize(
    ("replacement", "said"),
    [
        (b"NaN", "manifest.json: NaN is not a JSON number"),
        (b"-Infinity", "manifest.json: -Infinity is not a JSON number"),
        (b"1" + b"0" * 400, "manifest.json is not RFC 8785 canonical JSON (a number outside"),
        (b"[" * 100_000 + b"]" * 100_000, "manifest.json is nested too deeply to be read"),
    ],
)
def test_numbers_and_nesting_python_cannot_take_are_worded_without_its_internals(
    replacement: bytes, said: str
) -> None:
    message = unreadable(_raw(replacement))
    assert message.startswith(said)
    assert "Error" not in message


def test_shown_escapes_what_is_not_printable_and_caps_the_length() -> None:
    assert shown("a\nb\x1b[31m\u202ec") == "a\\nb\\x1b[31m\\u202ec"
    assert shown("x" * 100, 10) == "xxxxxxxxxx… (100 characters)"
    assert shown("评标报告") == "评标报告"
