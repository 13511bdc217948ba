"""What the tests read outside the session: OpenSSL's verdict on a signature, every row
of every table as text, and a search for secret values in text and parsed JSON."""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import asyncpg

from signing.certs import dump_pem_certificate
from signing.demo_ca import DemoCA

OPENSSL = "/usr/bin/openssl"  # the independent implementation (tests/signing/conftest.py)


class OpenSsl:
    """``openssl cms -verify`` of detached DER signatures against the demo CA's root."""

    def __init__(self, ca: DemoCA, workdir: Path) -> None:
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.ca_file = workdir / "ca.pem"
        self.ca_file.write_bytes(dump_pem_certificate(ca.root_cert))
        self._n = 0

    def verify(self, content: bytes, signature: bytes) -> subprocess.CompletedProcess[bytes]:
        """The exact command of the brief: -binary over the bytes, -purpose any."""
        self._n += 1
        body, sig = self.workdir / f"{self._n}.bin", self.workdir / f"{self._n}.p7s"
        body.write_bytes(content)
        sig.write_bytes(signature)
        return subprocess.run(
            [OPENSSL, "cms", "-verify", "-binary", "-inform", "DER", "-in", str(sig),
             "-content", str(body), "-CAfile", str(self.ca_file), "-purpose", "any",
             "-out", "/dev/null"],
            capture_output=True, check=False,
        )  # fmt: skip


async def every_row(owner: asyncpg.Connection) -> list[tuple[str, str]]:
    """(where, text) of every row of every table of every schema but the catalogs:
    ``SELECT t::text FROM <table> t`` (PostgreSQL's text form, bytea as hex) through
    the owner's connection, and besides, each bytea value that is UTF-8 text as that text
    (a sheet or a log entry stored as bytes would not show in hex)."""
    tables = await owner.fetch(
        "SELECT c.oid, n.nspname, c.relname FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
        " AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 2, 3"
    )
    out = []
    for table in tables:
        name = f'"{table["nspname"]}"."{table["relname"]}"'
        for n, row in enumerate(await owner.fetch(f"SELECT t::text FROM {name} t")):
            out.append((f"{name} row {n}", row[0]))
        binary = await owner.fetch(
            "SELECT attname FROM pg_attribute WHERE attrelid = $1 AND attnum > 0"
            " AND NOT attisdropped AND atttypid = 'bytea'::regtype",
            table["oid"],
        )
        for column in binary:
            field = f'"{column["attname"]}"'
            for n, row in enumerate(await owner.fetch(f"SELECT {field} FROM {name}")):
                with contextlib.suppress(UnicodeDecodeError, AttributeError):
                    out.append((f"{name}.{field} row {n}", row[0].decode()))
    return out


def bounded(value: int | str) -> re.Pattern[str]:
    """``value`` standing alone: not inside a longer number, word, UUID, base64 or hex
    run, nor a decimal or a timestamp part (none of ``A–Z a–z 0–9 _ - + / = .`` beside it)."""
    text = re.escape(str(value))
    return re.compile(rf"(?<![0-9A-Za-z_\-+/=.]){text}(?![0-9A-Za-z_\-+/=.])")


def find(patterns: Iterable[re.Pattern[str]], texts: Iterable[tuple[str, str]]) -> list[str]:
    """Every (where, pattern) hit, as lines for an assertion message."""
    hits = []
    compiled = list(patterns)
    for where, text in texts:
        for pattern in compiled:
            match = pattern.search(text)
            if match is not None:
                start = max(0, match.start() - 60)
                hits.append(f"{where}: {pattern.pattern!r} in …{text[start : match.end() + 60]}…")
    return hits


def numbers(value: Any) -> Iterator[int]:
    """Every integer in parsed JSON (keys that are digits too: tallies are keyed by seat)."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key.isdigit():
                yield int(key)
            yield from numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from numbers(item)
    elif isinstance(value, str) and value.isdigit():
        yield int(value)


def frame_numbers(frames: Iterable[str]) -> set[int]:
    """Every integer in every frame, parsed."""
    found: set[int] = set()
    for text in frames:
        found.update(numbers(json.loads(text)))
    return found
