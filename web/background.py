"""Background tasks an application instance runs while it serves.

Each feature lists its jobs (``web/<feature>/jobs.py``, ``JOBS``) and web/features.py
collects them; nothing registers itself on import. Every job is safe to run in
several processes at once (they take advisory locks where it matters).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Sequence

from starlette.applications import Starlette

from web.services import services
from web.settings import Settings

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True, slots=True)
class Job:
    """A job: its name, what it does, and its interval read from the settings."""

    name: str
    run: Callable[[Starlette], Awaitable[None]]
    interval: Callable[[Settings], float]


async def _loop(app: Starlette, job: Job, interval: float) -> None:
    while True:
        try:
            await job.run(app)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background.job_failed", extra={"job": job.name})
        await asyncio.sleep(interval)


def start(app: Starlette, jobs: Sequence[Job]) -> list[asyncio.Task[None]]:
    """Start every job unless the settings turn background work off."""
    settings = services(app).settings
    if not settings.run_background:
        return []
    chosen = settings.background_jobs
    return [
        asyncio.create_task(_loop(app, job, job.interval(settings)), name=f"etender:{job.name}")
        for job in jobs
        if chosen is None or job.name in chosen
    ]


async def stop(tasks: list[asyncio.Task[None]]) -> None:
    """Cancel the jobs and wait for them to finish."""
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
