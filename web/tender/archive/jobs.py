"""The archive job: a package for every tender whose procedure has ended.

DOMAIN.md "Records": one file per project within 30 days of the end. Every run builds
the packages of tenders that ended (performance, failed, cancelled) at least the policy
``archive_after`` ago (15 days: the complaint window, Reg. 60, has passed) and have
none, one transaction each, and alerts (``archive_overdue``) for those still without
one ``archive_within`` (30 days) after the end. The tender's row lock and the
one-package-per-tender key make two processes at once safe (the loser's build is
refused and rolled back). A build that cannot be made now (its entries not yet under a
checkpoint of the log key) is tried again at the next run. The interval is the tender
alerts job's.
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette

from tender.archive import service
from tender.errors import TenderError
from web.background import Job
from web.db.database import acquire
from web.services import services

log = logging.getLogger(__name__)


async def archive_ended(app: Starlette) -> None:
    """Build the package of each tender ended ``archive_after`` ago; alert the late ones."""
    built = services(app)
    policies = built.setup.policies
    async with acquire(built.pools.main) as conn:
        for tender_id in await service.due(conn, policies):
            try:
                await service.build(conn, tender_id, built.archiving())
            except TenderError as exc:  # a missing blob, a log not yet checkpointed…
                log.warning("tender.archive_deferred",
                            extra={"tender_id": str(tender_id), "code": exc.code})  # fmt: skip
        if raised := await service.raise_overdue(conn, policies):
            log.warning("tender.archive_overdue", extra={"count": raised})


JOBS = (Job("tender-archive", archive_ended, lambda s: s.tender_alerts_job_seconds),)
