"""Background jobs of submission: freeze lots at their deadline; abandon stale uploads.

DESIGN.md, "Submission, receipt, freeze": at the deadline each lot's freeze list is
written and logged. The deadline itself is enforced by the database clock under the
tender's row lock at every submission, so the job's delay never admits a late bid; it
only decides how soon the freeze list appears. Safe in several processes at once:
:func:`tender.freeze.freeze_tender` runs under the row lock and skips frozen lots.
Interval: ``ETENDER_POLICY_FREEZE_JOB_SECONDS`` (default 2), also that of the job that
signs receipts left waiting for the log's integration (their submitter went away).

Uploads that can never become bids are abandoned and their staged bytes deleted
(tender/submission/cleanup.py, docs/formats/upload.md §2.4); several processes share the
work through ``SKIP LOCKED``. Settings (policy overrides, periods written like the
tender policies' exact periods): ``ETENDER_POLICY_UPLOAD_IDLE_PERIOD`` (default 24h),
``ETENDER_POLICY_UPLOAD_DEADLINE_GRACE`` (default 1m),
``ETENDER_POLICY_UPLOAD_UNSUBMITTED_PERIOD`` (default 1h: complete uploads never
submitted are abandoned that long after their deadline) and
``ETENDER_POLICY_UPLOAD_CLEANUP_JOB_SECONDS`` (default 60).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import timedelta

from starlette.applications import Starlette

from tender.blobs import store as blobs
from tender.errors import PolicyInvalid
from tender.policy import Period
from tender.submission.cleanup import (
    DEFAULT_GRACE,
    DEFAULT_IDLE,
    DEFAULT_UNSUBMITTED_AFTER,
    CleanupRules,
    abandon_stale,
    abandon_unsubmitted,
    sweep_orphans,
)
from tender.submission.freeze import freeze_due
from tender.submission.receipting import issue_pending
from web.background import Job
from web.db.database import acquire
from web.services import services

log = logging.getLogger(__name__)
IDLE_KEY = "upload_idle_period"
GRACE_KEY = "upload_deadline_grace"
UNSUBMITTED_KEY = "upload_unsubmitted_period"


def _period(overrides: Mapping[str, str], key: str, default: timedelta) -> timedelta:
    raw = overrides.get(key, "")
    if not raw:
        return default
    exact = Period.parse(raw).exact
    if exact is None:  # days count by the calendar; housekeeping wants a duration
        raise PolicyInvalid(f"{key} is an exact period like 24h, 30m or 90s, got {raw!r}")
    return exact


def cleanup_rules(overrides: Mapping[str, str]) -> CleanupRules:
    """When uploads are abandoned; a malformed setting is refused (nothing is deleted)."""
    return CleanupRules(
        idle=_period(overrides, IDLE_KEY, DEFAULT_IDLE),
        grace=_period(overrides, GRACE_KEY, DEFAULT_GRACE),
        unsubmitted_after=_period(overrides, UNSUBMITTED_KEY, DEFAULT_UNSUBMITTED_AFTER),
    )


async def freeze_at_deadline(app: Starlette) -> None:
    """Write the freeze lists of tenders whose deadline has passed."""
    async with acquire(services(app).pools.main) as conn:
        frozen = await freeze_due(conn)
    if frozen:
        log.info("bids.freeze_job", extra={"tenders": frozen})


async def issue_pending_receipts(app: Starlette) -> None:
    """Sign the receipts of versions whose submitter went away before the log integrated
    their entries (tender/submission/receipting.py; docs/formats/upload.md §3.1)."""
    async with acquire(services(app).pools.main) as conn:
        issued = await issue_pending(conn, services(app).submission())
    if issued:
        log.info("bids.receipts_issued", extra={"versions": issued})


async def clean_up_uploads(app: Starlette) -> None:
    """Abandon uploads past their deadline or idle too long; delete their staged bytes."""
    rules = cleanup_rules(services(app).settings.policy_overrides)
    store = services(app).blobs
    async with acquire(services(app).pools.main) as conn:
        report = await abandon_stale(conn, store, rules)
        report += await sweep_orphans(conn, store, rules, now=time.time())
        # Blobs of complete uploads never submitted: deleted only through the store's
        # content-addressed guard (a blob no row names: another bid may hold the bytes).
        report += await abandon_unsubmitted(
            conn, rules, lambda c, sha256: blobs.delete_unreferenced(c, store, sha256)
        )
    if report.abandoned or report.orphans_deleted or report.unsubmitted:
        log.info(
            "bids.upload_cleanup",
            extra={
                "abandoned": report.abandoned,
                "past_deadline": report.past_deadline,
                "idle": report.idle,
                "files_deleted": report.files_deleted,
                "orphans_deleted": report.orphans_deleted,
                "unsubmitted": report.unsubmitted,
                "blobs_deleted": report.blobs_deleted,
            },
        )


JOBS = (
    Job("bid-freeze", freeze_at_deadline, lambda settings: settings.freeze_job_seconds),
    Job("bid-receipts", issue_pending_receipts, lambda settings: settings.freeze_job_seconds),
    Job("upload-cleanup", clean_up_uploads, lambda s: s.upload_cleanup_job_seconds),
)
