"""What the bid commands read from the bidder's machine (keys, trust, fields) and the
progress bar they draw on stderr."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from client.errors import CommandError
from signing.age import X25519Identity
from signing.certs import load_crl, load_pem_certificates
from signing.manifest import FieldValue
from signing.trust import TrustStore

PROGRESS_MIN_BYTES = 1 << 20
_FIELD = re.compile(r"([a-z][a-z0-9_]{0,63})=(.*)", re.DOTALL)
_INTEGER = re.compile(r"0|[1-9][0-9]*")


def now() -> dt.datetime:
    # The command line is the I/O shell: here, and only here, "now" is the clock.
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


# --- reading keys and trust ---


def read_input(name: str | Path) -> bytes:
    """A file's bytes, or standard input for ``-``."""
    if str(name) == "-":
        return sys.stdin.buffer.read()
    return Path(name).read_bytes()


def read_identity(name: str | Path) -> X25519Identity:
    """The one identity in an age identity file (``#`` comments and blank lines allowed)."""
    lines = read_input(name).decode("utf-8").splitlines()
    keys = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    if len(keys) != 1:
        raise CommandError(f"{name}: expected one AGE-SECRET-KEY-1… line, found {len(keys)}")
    return X25519Identity.parse(keys[0])


def trust_store(args: argparse.Namespace) -> TrustStore:
    roots = tuple(c for path in args.trust for c in load_pem_certificates(path.read_bytes()))
    inter = tuple(c for p in args.intermediate for c in load_pem_certificates(p.read_bytes()))
    crls = tuple(load_crl(path.read_bytes()) for path in args.crl)
    return TrustStore(roots=roots, intermediates=inter, crls=crls)


def parse_fields(items: Sequence[str]) -> dict[str, FieldValue]:
    """``name=value`` pairs; decimal integers become numbers (price in fen, days)."""
    fields: dict[str, FieldValue] = {}
    for item in items:
        match = _FIELD.fullmatch(item)
        if match is None:
            raise CommandError(f"--field {item!r}: expected name=value, name [a-z][a-z0-9_]*")
        name, value = match.groups()
        if name in fields:
            raise CommandError(f"--field {name} given twice")
        fields[name] = int(value) if _INTEGER.fullmatch(value) else value
    return fields


# --- progress ---


class ProgressBar:
    """A one-line progress bar on a terminal stream, redrawn at most once per percent."""

    def __init__(self, total: int, stream: TextIO, label: str) -> None:
        self._total = max(total, 1)
        self._stream = stream
        self._label = label
        self._done = 0
        self._shown = -1

    def __call__(self, count: int) -> None:
        self._done += count
        percent = min(100, self._done * 100 // self._total)
        if percent != self._shown:
            self._shown = percent
            bar = "#" * (percent // 4)
            self._stream.write(f"\r{self._label} [{bar:<25}] {percent:3d}%")
            self._stream.flush()

    def finish(self) -> None:
        """End the line."""
        if self._shown >= 0:
            self._stream.write("\n")
            self._stream.flush()


def progress_bar(enabled: bool | None, total: int, label: str) -> ProgressBar | None:
    wanted = sys.stderr.isatty() if enabled is None else enabled
    return ProgressBar(total, sys.stderr, label) if wanted and total >= PROGRESS_MIN_BYTES else None
