"""First-start key files: created by whichever process comes first, read whole by all.

`etender serve` starts the site and its upload workers together (web/cli/upload_workers.py),
and each builds its services from the same data directory: on a new one, each may find a
key missing. Without a lock one process read another's half-written file (CI: "a signer
key starts with PRIVATE+KEY+" from an empty ``log.skey``), and two creating at once would
each make a key and pair one's certificate with the other's key. So the check and the
creation happen under an exclusive ``flock`` on a lock file beside the keys: the first
process creates and closes every file before it lets go; the others then find them.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

LOCK_FILE = ".create.lock"


@contextlib.contextmanager
def creating(directory: Path) -> Iterator[None]:
    """Hold the directory's creation lock (made 0700 if missing) for a check-and-create."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(directory / LOCK_FILE, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def write_new(path: Path, data: bytes) -> None:
    """Write ``data`` whole under a hidden name, then rename it into place (0600): a
    process that checks for the file without the lock sees it absent or complete."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
