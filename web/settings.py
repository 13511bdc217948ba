"""Settings, read once from the environment into a frozen object and passed down.

Nothing else in etender reads ``os.environ``: the composition root calls
:func:`Settings.from_env` once and hands the result to whoever needs it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path

from accounts.notifications.config import ChannelSettings
from accounts.notifications.errors import NotificationConfigInvalid
from web.errors import SettingsInvalid

POLICY_PREFIX = "ETENDER_POLICY_"
# The read caches' bounds when the environment does not set them (web/read_caches.py).
CHECKPOINT_CACHE_SECONDS = 1.0
SESSION_CACHE_SECONDS = 2.0


class BlobBackend(StrEnum):
    """Where blobs live (ETENDER_BLOB_STORE; issue 17, item 7, docs/deployment.md)."""

    LOCAL = "local"  # <data dir>/blobs: one node, or a filesystem the nodes share
    POSTGRES = "postgres"  # the database: every node reads every blob, one backup


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Settings:
    """Everything configurable about one etender process."""

    database_url: str | None = None
    data_dir: Path = Path("var")
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = "http://127.0.0.1:8000"
    log_level: str = "INFO"
    log_format: str = "json"
    session_ttl_seconds: int = 8 * 3600
    token_ttl_seconds: int = 24 * 3600
    max_body_bytes: int = 1 << 20
    max_part_bytes: int = 1 << 30  # one sealed bid part (DOMAIN.md: size limits at the rush)
    # A multipart form (web/form_body.py): above the largest tender document the agency
    # page uploads (tender.policy document_max_bytes, 200 MiB by default).
    max_form_bytes: int = 256 << 20
    form_read_timeout_seconds: float = 20.0
    # A request's head, bounded as it arrives (web/http_limits.py; nginx's default total).
    max_header_bytes: int = 32 * 1024
    max_header_count: int = 100
    header_read_timeout_seconds: float = 20.0
    # The bearer token /metrics asks for (web/health/routes.py); None: loopback only.
    metrics_token: str | None = dataclasses.field(default=None, repr=False)
    checkpoint_interval_seconds: float = 1.0
    # Per-process read caches and their staleness bounds (web/read_caches.py). Off (0)
    # unless set: from_env turns them on with the documented defaults below, so tests
    # see every change at once unless they test the caches.
    checkpoint_cache_seconds: float = 0.0
    session_cache_seconds: float = 0.0
    # The trust store's refresh bound (tender/trust.py): a change to <data dir>/trust the
    # directory listing cannot show applies at most this long after it.
    trust_refresh_seconds: float = 5.0
    secure_cookies: bool = False
    workers: int = 1
    db_pool_size: int = 20
    # The bid-submission routes' own pool (web/submission/routes.py): a bulkhead, so a deadline
    # rush queues for these connections and never for the rest of the site's.
    db_upload_pool_size: int = 10
    # Upload workers (web/cli/upload_workers.py, docs/formats/upload.md §2.2): processes
    # `etender serve` starts to take upload bodies off the site's event loop (issue 17
    # item 4), on their own port; ``upload_url`` is the address the API hands out for
    # them (None: the site's own address as the request reached it — no workers).
    upload_workers: int = 1
    upload_port: int = 8001
    upload_url: str | None = None
    # The workers' CPU priority below the site's (nice(2) increment): on a machine short
    # of cores, a light request of the site wakes ahead of upload bodies being hashed.
    upload_worker_nice: int = 5
    # The opening's worker processes (tender/opening/workers.py, issue 17 item 1); 0,
    # the default, opens parts on threads in the server process. Processes were not
    # faster than threads on two cores (docs/performance.md, "The opening") and hold
    # about 150 MB more, against the rush's 200 MB aim.
    opening_processes: int = 0
    # Background jobs (web/background.py): off for tests that count connections; each
    # job's interval in seconds (ETENDER_POLICY_<NAME>_JOB_SECONDS, at least 0.2; a
    # value that is no number keeps the default).
    run_background: bool = True
    # Which jobs run, by name (None: every job). Not read from the environment: every
    # job is safe on every node. Tests name the ones they need — each job's first pass
    # at an app's start cost a web test about 75 ms of its 250 (tests/conftest.py).
    background_jobs: frozenset[str] | None = None
    freeze_job_seconds: float = 2.0
    upload_cleanup_job_seconds: float = 60.0
    opening_job_seconds: float = 10.0
    auction_job_seconds: float = 1.0  # countdowns that ran out (web/auction/jobs.py)
    draw_job_seconds: float = 5.0
    tender_alerts_job_seconds: float = 60.0
    evaluation_handover_job_seconds: float = 300.0  # late venue records (web/evaluation/jobs.py)
    # DEMO ONLY: a demo CA folder (`etender ca init`, `etender demo`'s <client dir>/ca)
    # that POST /api/v1/demo/ca/certificates issues from; None: the platform issues no
    # certificates (docs/api-auth.md, "The demo CA").
    demo_ca_dir: Path | None = None
    # Notifications (issue 15, docs/notifications.md): the SMS and WeChat channels and
    # their credentials (ETENDER_SMS_*, ETENDER_WECHAT_*); the sending job's interval.
    notification_channels: ChannelSettings = dataclasses.field(
        default_factory=ChannelSettings, repr=False
    )
    notify_job_seconds: float = 10.0
    policy_overrides: Mapping[str, str] = dataclasses.field(default_factory=dict)
    blob_store: BlobBackend = BlobBackend.LOCAL
    # The platform keys and trust store every node shares, given by the operator
    # (docs/deployment.md, "Keys"): read from here, never created; None: the data dir's,
    # created at first start (one node).
    keys_dir: Path | None = None

    @property
    def key_root(self) -> Path:
        """Where keys/ and trust/ are read: the shared keys dir, else the data dir."""
        return self.keys_dir or self.data_dir

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Build settings from an environment mapping; refuse malformed values."""
        d = cls()  # the defaults (slots dataclasses have no class-level defaults)
        host = environ.get("ETENDER_HOST", d.host)
        port = _int(environ, "ETENDER_PORT", d.port)
        public_url = environ.get("ETENDER_PUBLIC_URL", f"http://{host}:{port}")
        upload_url = environ.get("ETENDER_UPLOAD_URL") or None
        log_format = environ.get("ETENDER_LOG_FORMAT", d.log_format)
        try:
            notification_channels = ChannelSettings.from_env(environ)
        except NotificationConfigInvalid as exc:
            raise SettingsInvalid(exc.message) from None
        if log_format not in ("json", "text"):
            raise SettingsInvalid("ETENDER_LOG_FORMAT must be 'json' or 'text'")
        return cls(
            database_url=environ.get("DATABASE_URL") or None,
            data_dir=Path(environ.get("ETENDER_DATA_DIR", "var")).absolute(),
            host=host,
            port=port,
            public_url=public_url.rstrip("/"),
            log_level=environ.get("ETENDER_LOG_LEVEL", d.log_level).upper(),
            log_format=log_format,
            session_ttl_seconds=_int(environ, "ETENDER_SESSION_TTL", d.session_ttl_seconds),
            token_ttl_seconds=_int(environ, "ETENDER_TOKEN_TTL", d.token_ttl_seconds),
            max_body_bytes=_int(environ, "ETENDER_MAX_BODY_BYTES", d.max_body_bytes),
            max_part_bytes=_int(environ, "ETENDER_MAX_PART_BYTES", d.max_part_bytes),
            max_form_bytes=_int(environ, "ETENDER_MAX_FORM_BYTES", d.max_form_bytes),
            form_read_timeout_seconds=_positive_float(
                environ, "ETENDER_FORM_READ_TIMEOUT", d.form_read_timeout_seconds
            ),
            max_header_bytes=_positive(environ, "ETENDER_MAX_HEADER_BYTES", d.max_header_bytes),
            max_header_count=_positive(environ, "ETENDER_MAX_HEADER_COUNT", d.max_header_count),
            header_read_timeout_seconds=_positive_float(
                environ, "ETENDER_HEADER_READ_TIMEOUT", d.header_read_timeout_seconds
            ),
            metrics_token=environ.get("ETENDER_METRICS_TOKEN") or None,
            checkpoint_interval_seconds=_float(
                environ, "ETENDER_CHECKPOINT_INTERVAL", d.checkpoint_interval_seconds
            ),
            checkpoint_cache_seconds=_cache_bound(
                environ, "ETENDER_CHECKPOINT_CACHE_SECONDS", CHECKPOINT_CACHE_SECONDS
            ),
            session_cache_seconds=_cache_bound(
                environ, "ETENDER_SESSION_CACHE_SECONDS", SESSION_CACHE_SECONDS
            ),
            trust_refresh_seconds=_float(
                environ, "ETENDER_TRUST_REFRESH_SECONDS", d.trust_refresh_seconds
            ),
            secure_cookies=public_url.startswith("https://"),
            workers=_int(environ, "ETENDER_WORKERS", d.workers),
            db_pool_size=_positive(environ, "ETENDER_DB_POOL_SIZE", d.db_pool_size),
            opening_processes=_optional_int(environ, "ETENDER_OPENING_PROCESSES") or 0,
            db_upload_pool_size=_positive(
                environ, "ETENDER_DB_UPLOAD_POOL_SIZE", d.db_upload_pool_size
            ),
            upload_workers=_int(environ, "ETENDER_UPLOAD_WORKERS", d.upload_workers),
            upload_port=_int(environ, "ETENDER_UPLOAD_PORT", port + 1),
            upload_url=upload_url.rstrip("/") if upload_url else None,
            upload_worker_nice=_int(environ, "ETENDER_UPLOAD_WORKER_NICE", d.upload_worker_nice),
            freeze_job_seconds=_job_seconds(environ, "FREEZE", d.freeze_job_seconds),
            upload_cleanup_job_seconds=_job_seconds(
                environ, "UPLOAD_CLEANUP", d.upload_cleanup_job_seconds
            ),
            opening_job_seconds=_job_seconds(environ, "OPENING", d.opening_job_seconds),
            auction_job_seconds=_job_seconds(environ, "AUCTION", d.auction_job_seconds),
            draw_job_seconds=_job_seconds(environ, "DRAW", d.draw_job_seconds),
            tender_alerts_job_seconds=_job_seconds(
                environ, "TENDER_ALERTS", d.tender_alerts_job_seconds
            ),
            evaluation_handover_job_seconds=_job_seconds(
                environ, "EVALUATION_HANDOVER", d.evaluation_handover_job_seconds
            ),
            demo_ca_dir=_path(environ, "ETENDER_DEMO_CA_DIR"),
            notification_channels=notification_channels,
            notify_job_seconds=_job_seconds(environ, "NOTIFY", d.notify_job_seconds),
            blob_store=_blob_backend(environ),
            keys_dir=_path(environ, "ETENDER_KEYS_DIR"),
            policy_overrides={
                key.removeprefix(POLICY_PREFIX).lower(): value
                for key, value in environ.items()
                if key.startswith(POLICY_PREFIX)
            },
        )


def _blob_backend(environ: Mapping[str, str]) -> BlobBackend:
    raw = environ.get("ETENDER_BLOB_STORE") or BlobBackend.LOCAL.value
    try:
        return BlobBackend(raw)
    except ValueError:
        raise SettingsInvalid(
            f"ETENDER_BLOB_STORE must be 'local' or 'postgres', got {raw!r}"
        ) from None


def _job_seconds(environ: Mapping[str, str], job: str, default: float) -> float:
    """A job's interval: ``ETENDER_POLICY_<JOB>_JOB_SECONDS``, at least 0.2 s; a value
    that is no number keeps the default (as the jobs read it before it was a setting)."""
    raw = environ.get(f"{POLICY_PREFIX}{job}_JOB_SECONDS", "")
    try:
        return max(0.2, float(raw)) if raw else default
    except ValueError:
        return default


def _cache_bound(environ: Mapping[str, str], name: str, default: float) -> float:
    """A read cache's staleness bound: 0 (off) to 60 seconds, so that a revoked session
    is never honoured for long (web/read_caches.py)."""
    value = _float(environ, name, default)
    if not 0 <= value <= 60:
        raise SettingsInvalid(f"{name} must be 0 to 60 seconds, got {value}")
    return value


def _path(environ: Mapping[str, str], name: str) -> Path | None:
    raw = environ.get(name)
    return Path(raw).absolute() if raw else None


def _positive(environ: Mapping[str, str], name: str, default: int) -> int:
    value = _int(environ, name, default)
    if value < 1:
        raise SettingsInvalid(f"{name} must be at least 1, got {value}")
    return value


def _positive_float(environ: Mapping[str, str], name: str, default: float) -> float:
    value = _float(environ, name, default)
    if not value > 0:
        raise SettingsInvalid(f"{name} must be more than 0, got {value}")
    return value


def _optional_int(environ: Mapping[str, str], name: str) -> int | None:
    """A whole number ≥ 0, or None when not set (the setting's own default applies)."""
    return _int(environ, name, 0) if environ.get(name) else None


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsInvalid(f"{name} must be a whole number, got {raw!r}") from None
    if value < 0:
        raise SettingsInvalid(f"{name} must not be negative, got {raw!r}")
    return value


def _float(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise SettingsInvalid(f"{name} must be a number, got {raw!r}") from None
