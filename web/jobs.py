"""The background jobs every application instance runs (see web/background.py)."""

from __future__ import annotations

import logging

from starlette.applications import Starlette

from audit import service
from web import background

log = logging.getLogger(__name__)


@background.register("checkpoint", lambda app: app.state.settings.checkpoint_interval_seconds)
async def sign_checkpoints(app: Starlette) -> None:
    """Sign a checkpoint whenever the log has grown, so every entry is soon covered."""
    async with app.state.pool.acquire() as conn, conn.transaction():
        # A transaction-scoped lock must be taken inside the transaction it guards:
        # outside one it would end with its own statement and guard nothing.
        if await service.try_checkpoint_lock(conn):
            await service.sign_new_checkpoint(conn, app.state.log_identity)


@background.register("security-summary", lambda app: 60.0)
async def summarise_security_events(app: Starlette) -> None:
    """Fold closed minutes of refusals into one log entry (DESIGN.md, "Transparency log")."""
    async with app.state.pool.acquire() as conn, conn.transaction():
        await service.summarise_security_events(conn)


JOB_NAMES = ("checkpoint", "security-summary")
from web import (  # noqa: E402  (the jobs register themselves on import)
    jobs_expert_pool,  # noqa: F401  (registers the expert-pool jobs)
    jobs_opening,  # noqa: F401  (registers the opening settle job)
    jobs_submission,  # noqa: F401  (registers the bid freeze job)
    jobs_tender,  # noqa: F401  (registers the tender jobs)
)
