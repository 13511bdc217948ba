"""What every command needs: settings from the environment, a prepared database."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg

from client.console import fail
from web.db.database import DatabaseTarget, prepare, target_for
from web.errors import WebError
from web.settings import Settings

T = TypeVar("T")


def settings() -> Settings:
    """Settings from the process environment (read once, here)."""
    return Settings.from_env(os.environ)


def run_with_database(
    work: Callable[[asyncpg.Connection, Settings], Awaitable[T]],
) -> T:
    """Start/migrate the database, run ``work`` on an application connection."""

    async def main() -> T:
        config = settings()
        target: DatabaseTarget = target_for(config)
        await prepare(target)
        conn = await asyncpg.connect(target.app_dsn)
        try:
            return await work(conn, config)
        finally:
            await conn.close()

    return asyncio.run(main())


def guarded(func: Callable[[], int]) -> int:
    """Turn our errors into one line and exit code 1 instead of a traceback."""
    try:
        return func()
    except WebError as exc:
        return fail(exc.message, 1)
