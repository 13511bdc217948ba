"""Background tasks an application instance runs while it serves.

Each is registered here with the interval it runs at; every one is safe to run in
several processes at once (they take advisory locks where it matters).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette

log = logging.getLogger(__name__)

Job = Callable[[Starlette], Awaitable[None]]

# (name, job, interval in seconds read from settings by the job's own getter)
JOBS: list[tuple[str, Job, Callable[[Starlette], float]]] = []


def register(name: str, interval: Callable[[Starlette], float]) -> Callable[[Job], Job]:
    """Add a job that runs every ``interval(app)`` seconds."""

    def decorator(job: Job) -> Job:
        JOBS.append((name, job, interval))
        return job

    return decorator


async def _loop(app: Starlette, name: str, job: Job, interval: float) -> None:
    while True:
        try:
            await job(app)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background.job_failed", extra={"job": name})
        await asyncio.sleep(interval)


def start(app: Starlette) -> list[asyncio.Task[None]]:
    """Start every registered job unless the settings turn background work off."""
    if not getattr(app.state, "run_background", True):
        return []
    return [
        asyncio.create_task(_loop(app, name, job, interval(app)), name=f"etender:{name}")
        for name, job, interval in JOBS
    ]


async def stop(tasks: list[asyncio.Task[None]]) -> None:
    """Cancel the jobs and wait for them to finish."""
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
