"""The state directory's files: private to the member, replaced atomically, locked.

A sheet's key lives here until the reveal (DESIGN.md, "Blind scoring"), so the
directory is 0700 and every file 0600, owned by the user running the client; anything
looser is refused rather than silently fixed (another user may already have read it).
A file is never rewritten in place: the new bytes go to a temporary file in the same
directory, are fsynced, renamed over the old one, and the directory is fsynced, so a
crash leaves the old file or the new one, never half of each (rename(2) is atomic
within a file system). An exclusive flock on ``.lock`` serialises the read-change-write
of two clients of the same member (``join --follow`` beside ``score``).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

from client.session.errors import SessionStateInsecure

DIR_MODE = 0o700
FILE_MODE = 0o600
LOCK_FILE = ".lock"


def default_directory(session: str) -> Path:
    """``~/.etender/sessions/<session id>/``."""
    return Path.home() / ".etender" / "sessions" / session


def make_private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) 0700; refuse an existing one others may read."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):
            directory.mkdir(mode=DIR_MODE)
        os.chmod(directory, DIR_MODE)  # mkdir's mode is masked by the umask
    check_private(path, directory=True)


def check_private(path: Path, *, directory: bool, info: os.stat_result | None = None) -> None:
    """``path`` is ours, of the expected type, and nobody else may read or write it."""
    info = info or path.lstat()
    kind_ok = stat.S_ISDIR(info.st_mode) if directory else stat.S_ISREG(info.st_mode)
    if not kind_ok:
        what = "a directory" if directory else "a regular file"
        raise SessionStateInsecure(f"{path} is not {what} (a link is not followed)")
    if info.st_uid != os.getuid():
        raise SessionStateInsecure(f"{path} belongs to another user")
    if info.st_mode & 0o077:
        mode = oct(stat.S_IMODE(info.st_mode))
        wanted = oct(DIR_MODE if directory else FILE_MODE)
        raise SessionStateInsecure(f"{path} is mode {mode}; it holds sheet keys: chmod {wanted}")


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``, mode 0600: temporary file (a fresh name, created
    exclusively, no link followed), fsync, rename, fsync the directory. A failure leaves
    the old file (or none), never half of it."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), FILE_MODE)  # 0600 whatever the umask took away
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (POSIX: the entry lives in the directory)."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_private(path: Path) -> bytes | None:
    """The bytes of a state file (None if there is none), after checking it is private."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return None
    except OSError as exc:  # ELOOP: a symbolic link where a state file should be
        raise SessionStateInsecure(f"{path} cannot be opened safely: {exc.strerror}") from exc
    with os.fdopen(fd, "rb") as handle:
        check_private(path, directory=False, info=os.fstat(handle.fileno()))
        return handle.read()


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold the directory's exclusive lock (blocks while another client holds it)."""
    fd = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
