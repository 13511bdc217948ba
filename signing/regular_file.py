"""Reading a small input file named by an operator or an auditor: a regular file only, and
never more than a limit.

Shared by ``etender archive verify`` (client/archive.py) and the holiday calendar's reader
(tender/calendar.py; breaker F10: a calendar file linked to /dev/zero was read until the
machine ran out of memory, a named pipe hung the command and every server start). The
file is opened with O_NONBLOCK, so a named pipe without a writer never blocks, and its
kind and size are taken from the opened descriptor (fstat), so what is checked is what is
read; then at most ``limit + 1`` bytes are read, so a file growing meanwhile is still
caught. A symbolic link is followed to what it names, which must itself be a regular file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_NOT_REGULAR = (
    (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory"), (stat.S_ISSOCK, "a socket"),
)  # fmt: skip


class FileRefused(OSError):
    """A file that is not read: not a regular file, or larger than the limit. An
    ``OSError`` with the file's name, so a command reports it as a file it cannot read."""

    def __init__(self, path: Path, reason: str, *, too_large: bool) -> None:
        super().__init__(0, reason, str(path))
        self.path = path
        self.too_large = too_large


def read_regular(path: Path, limit: int) -> bytes:
    """A regular file's bytes, at most ``limit``; anything else is refused unread."""
    # O_NONBLOCK: opening a named pipe must not wait for a writer (it is refused next).
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as handle:
        found = os.fstat(fd)
        for test, what in _NOT_REGULAR:
            if test(found.st_mode):
                raise FileRefused(path, f"not a regular file ({what})", too_large=False)
        if not stat.S_ISREG(found.st_mode):
            raise FileRefused(path, "not a regular file", too_large=False)
        data = handle.read(limit + 1) if found.st_size <= limit else b""
        if found.st_size > limit or len(data) > limit:
            raise FileRefused(path, f"larger than the limit of {limit} bytes", too_large=True)
    return data
