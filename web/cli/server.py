"""``etender serve``, ``etender migrate`` and ``etender db start|stop|status|psql``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import sys

import uvicorn

from client.console import fail
from live.limits import MAX_FRAME_BYTES
from web import logs
from web.cli.common import guarded, settings
from web.cli.upload_workers import UploadWorkers, listen
from web.db.database import prepare, target_for
from web.db.embedded import DATABASE, SUPERUSER, find_bindir
from web.http_limits import http_protocol
from web.settings import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the server and database commands."""
    serve = sub.add_parser("serve", help="run the server (embedded PostgreSQL by default)")
    serve.add_argument("--host", help="listen address (default ETENDER_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="listen port (default ETENDER_PORT or 8000)")
    serve.add_argument("--workers", type=int, help="worker processes (default 1)")
    serve.add_argument(
        "--upload-workers", type=int,
        help="upload worker processes (default ETENDER_UPLOAD_WORKERS or 1; 0: none)",
    )  # fmt: skip
    serve.set_defaults(func=cmd_serve)

    migrate = sub.add_parser("migrate", help="apply pending database migrations")
    migrate.set_defaults(func=cmd_migrate)

    db = sub.add_parser("db", help="manage the embedded PostgreSQL cluster by hand")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    for name, help_text in (
        ("start", "start the embedded cluster (and migrate)"),
        ("stop", "stop the embedded cluster"),
        ("status", "say whether the embedded cluster runs"),
        ("psql", "open psql on the application database as the superuser"),
    ):
        db_sub.add_parser(name, help=help_text).set_defaults(func=cmd_db, action=name)


def cmd_serve(args: argparse.Namespace) -> int:
    """Prepare the database, serve until SIGINT/SIGTERM, then stop the embedded cluster."""
    # --host/--port stand for ETENDER_HOST/ETENDER_PORT, so the public URL they imply
    # (unless ETENDER_PUBLIC_URL is set) names the log's origin at first start and the
    # WebSocket origin check, in every worker that reads the environment (web/asgi.py).
    if args.host:
        os.environ["ETENDER_HOST"] = args.host
    if args.port:
        os.environ["ETENDER_PORT"] = str(args.port)
    if args.upload_workers is not None:
        os.environ["ETENDER_UPLOAD_WORKERS"] = str(args.upload_workers)
    config = settings()
    if config.upload_workers and config.upload_url is None:
        # The address the API hands out for uploads (docs/formats/upload.md §2.2), in
        # every site process: behind a proxy (ETENDER_PUBLIC_URL set) the public URL —
        # the proxy routes PUT /api/v1/uploads/ to the upload port —, else the port.
        behind_proxy = "ETENDER_PUBLIC_URL" in os.environ
        url = config.public_url if behind_proxy else f"http://{config.host}:{config.upload_port}"
        os.environ["ETENDER_UPLOAD_URL"] = url
        config = settings()
    logs.configure(config.log_level, config.log_format)
    target = target_for(config)

    def run() -> int:
        # uvicorn shuts down gracefully on SIGINT/SIGTERM, then re-raises the signal to
        # the handler that was installed before it: ours ends the process normally, so
        # the embedded database below is always stopped.
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        applied = asyncio.run(prepare(target))
        if applied:
            print(f"etender: applied migrations {', '.join(applied)}", file=sys.stderr)
        print(
            f"etender: serving on {config.public_url}/ — Ctrl-C stops the server and the database",
            file=sys.stderr,
        )
        uploads = _start_upload_workers(config)
        try:
            with contextlib.suppress(_Stopped):
                uvicorn.run(
                    "web.asgi:application",
                    factory=True,
                    host=config.host,
                    port=config.port,
                    workers=args.workers or config.workers,
                    loop="uvloop",
                    http=http_protocol(config),  # httptools, its head bounded
                    ws="websockets-sansio",
                    ws_max_size=MAX_FRAME_BYTES,  # docs/live-sessions.md, "Limits": 1009
                    proxy_headers=False,
                    log_config=None,
                    access_log=False,
                    timeout_graceful_shutdown=10,
                )
        finally:
            if uploads is not None:
                uploads.stop()
            if target.cluster is not None:
                target.cluster.stop()
        return 0

    return guarded(run)


def _start_upload_workers(config: Settings) -> UploadWorkers | None:
    """The upload workers on their port (none when ETENDER_UPLOAD_WORKERS is 0)."""
    if not config.upload_workers:
        return None
    workers = UploadWorkers(listen(config.host, config.upload_port), config.upload_workers)
    workers.start()
    print(
        f"etender: {config.upload_workers} upload worker(s) on port {config.upload_port}; "
        f"uploads go to {config.upload_url}/",
        file=sys.stderr,
    )
    return workers


class _Stopped(Exception):
    """SIGINT or SIGTERM arrived: leave the server loop and clean up."""


def _stop(signum: int, frame: object) -> None:
    raise _Stopped


def cmd_migrate(args: argparse.Namespace) -> int:
    """Apply migrations and say which."""

    def run() -> int:
        applied = asyncio.run(prepare(target_for(settings())))
        print("applied: " + ", ".join(applied) if applied else "nothing to migrate")
        return 0

    return guarded(run)


def cmd_db(args: argparse.Namespace) -> int:
    """Start, stop, inspect or open psql on the embedded cluster."""
    target = target_for(settings())
    cluster = target.cluster
    if cluster is None:
        return fail("DATABASE_URL is set: the embedded cluster is not in use")

    def run() -> int:
        assert cluster is not None
        if args.action == "start":
            asyncio.run(prepare(target))
            print(f"running; socket in {cluster.socket_dir}")
        elif args.action == "stop":
            cluster.stop()
            print("stopped")
        elif args.action == "status":
            running = cluster.status()
            print("running" if running else "stopped")
            return 0 if running else 3
        else:
            psql = shutil.which("psql") or str(find_bindir() / "psql")
            dsn = cluster.dsn(user=SUPERUSER, database=DATABASE)
            os.execvp(psql, [psql, dsn])  # noqa: S606 - replaces this process by design
        return 0

    return guarded(run)
