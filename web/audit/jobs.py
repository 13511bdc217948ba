"""Background jobs of the transparency log: checkpoints and security summaries
(web/background.py runs them)."""

from __future__ import annotations

import logging

from starlette.applications import Starlette

from audit import service
from web.background import Job
from web.db.database import acquire
from web.services import services

log = logging.getLogger(__name__)


async def sign_checkpoints(app: Starlette) -> None:
    """Sign a checkpoint whenever the log has grown, so every entry is soon covered."""
    async with acquire(services(app).pools.main) as conn, conn.transaction():
        # A transaction-scoped lock must be taken inside the transaction it guards:
        # outside one it would end with its own statement and guard nothing.
        if await service.try_checkpoint_lock(conn):
            await service.sign_new_checkpoint(conn, services(app).log_identity)


async def summarise_security_events(app: Starlette) -> None:
    """Fold closed minutes of refusals into one log entry (DESIGN.md, "Transparency log")."""
    async with acquire(services(app).pools.main) as conn, conn.transaction():
        await service.summarise_security_events(conn)


JOBS = (
    Job("checkpoint", sign_checkpoints, lambda settings: settings.checkpoint_interval_seconds),
    Job("security-summary", summarise_security_events, lambda _settings: 60.0),
)
