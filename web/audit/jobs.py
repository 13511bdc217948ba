"""Background jobs of the transparency log: the sequencer's leader and security
summaries (web/background.py runs them)."""

from __future__ import annotations

import logging

import asyncpg
from starlette.applications import Starlette

from audit import leader, service
from web.background import Job
from web.db.database import acquire, target_for
from web.services import services

log = logging.getLogger(__name__)


async def lead_the_log(app: Starlette) -> None:
    """Integrate queued entries and sign checkpoints while this node leads
    (audit/leader.py). Another node leads: return, and try again next interval — so a
    node takes over within one interval of the leader's connection dying."""
    found = services(app)
    dsn = target_for(found.settings).app_dsn
    await leader.lead(
        lambda: asyncpg.connect(dsn),
        found.log_identity,
        interval=found.settings.checkpoint_interval_seconds,
    )


async def summarise_security_events(app: Starlette) -> None:
    """Fold closed minutes of refusals into one log entry (DESIGN.md, "Transparency log")."""
    async with acquire(services(app).pools.main) as conn, conn.transaction():
        await service.summarise_security_events(conn)


JOBS = (
    Job("log-leader", lead_the_log, lambda settings: settings.checkpoint_interval_seconds),
    Job("security-summary", summarise_security_events, lambda _settings: 60.0),
)
