"""web/db/faults.py and web/errormap.py: a lost or refused database connection is
database_unavailable (503, Retry-After), a full disk storage_full (507), anything else
stays what it was (docs/faults.md)."""

from __future__ import annotations

import errno
from pathlib import Path

import asyncpg
import pytest

from web.db.database import open_pool
from web.db.faults import as_unavailable
from web.errormap import known, status_for
from web.errors import DatabaseUnavailable, StorageFull


@pytest.mark.parametrize(
    "exc",
    [
        asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.CrashShutdownError("terminating connection due to crash of another process"),
        asyncpg.CannotConnectNowError("the database system is starting up"),
        asyncpg.InterfaceError("cannot call Connection.fetch(): connection is closed"),
    ],
)
def test_a_lost_connection_is_503_with_retry_after(exc: Exception) -> None:
    found = as_unavailable(exc)
    assert isinstance(found, DatabaseUnavailable)
    assert found.details == {"retry_after_seconds": 1}
    assert status_for(exc) == 503


@pytest.mark.parametrize(
    "exc",
    [
        asyncpg.UniqueViolationError("duplicate key"),
        asyncpg.QueryCanceledError("canceling statement due to statement timeout"),
        asyncpg.InterfaceError("cannot perform operation: another operation is in progress"),
        OSError(errno.EACCES, "Permission denied"),  # a file's, not the database's
    ],
)
def test_anything_else_is_left_alone(exc: Exception) -> None:
    assert as_unavailable(exc) is None
    assert status_for(exc) == 500


@pytest.mark.parametrize(
    "exc",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        OSError(errno.EDQUOT, "Disk quota exceeded"),
        asyncpg.DiskFullError("could not extend file: No space left on device"),
    ],
)
def test_a_full_disk_is_507_storage_full(exc: Exception) -> None:
    """A file's or PostgreSQL's: the platform's storage, not a bug (docs/faults.md)."""
    found = known(exc)
    assert isinstance(found, StorageFull)
    assert (found.code, status_for(exc)) == ("storage_full", 507)
    assert as_unavailable(exc) is None


async def test_a_pool_whose_database_is_gone_answers_database_unavailable(tmp_path: Path) -> None:
    """A connection refused (no socket at all) is the 503, not a bare OSError (500)."""
    with pytest.raises(DatabaseUnavailable, match="not reachable"):
        await open_pool(f"postgresql:///x?host={tmp_path}", min_size=1, max_size=1)
