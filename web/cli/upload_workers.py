"""Upload workers: the processes `etender serve` starts to take upload bodies off the site.

Issue 17 item 4 (docs/performance.md, "The deadline rush"; docs/formats/upload.md §2.2).
``etender serve`` binds the upload port itself and hands the listening socket to
``ETENDER_UPLOAD_WORKERS`` child processes (``python -m web.cli.upload_workers``); the
kernel spreads connections among them. Each runs web/submission/upload_app.py with its
own event loop and one small database pool; the writer lease in the database keeps one
writer per upload whichever process a request reaches.

The parent keeps the socket and restarts a worker that dies (the socket stays bound, so
connections made meanwhile wait in its backlog); stopping the parent stops the workers.
Each worker also holds the read end of a pipe whose write end only the parent holds: if
the parent dies in any way, even ``kill -9``, the pipe reads end-of-file and the worker
shuts down, so no worker outlives its server.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import uvicorn

from web import logs
from web.http_limits import http_protocol
from web.settings import Settings

log = logging.getLogger(__name__)

BACKLOG = 2048  # a rush's connections wait here while a worker (re)starts
STOP_SECONDS = 15.0  # graceful shutdown (10 s, as the site) plus start-up slack
# A worker that ends this soon after it started is failing to start (a bad setting, the
# database away): its restarts back off, doubling up to RESTART_MAX_SECONDS.
SHORT_LIFE_SECONDS = 5.0
RESTART_MAX_SECONDS = 10.0


def listen(host: str, port: int) -> socket.socket:
    """The upload port's listening socket (bound once, by the parent)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(BACKLOG)
    return sock


class UploadWorkers:
    """The parent's side: start ``count`` workers on one socket, restart, stop."""

    def __init__(self, sock: socket.socket, count: int) -> None:
        self.sock = sock
        self.count = count
        self._alive_read, self._alive_write = os.pipe()  # the write end stays here
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._procs: dict[int, subprocess.Popen[bytes]] = {}
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start every worker, each kept by its own thread."""
        for slot in range(self.count):
            thread = threading.Thread(target=self._keep, args=(slot,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def pids(self) -> list[int]:
        """The running workers' process ids."""
        with self._lock:
            return [p.pid for p in self._procs.values() if p.poll() is None]

    def _spawn(self, slot: int) -> subprocess.Popen[bytes] | None:
        with self._lock:
            if self._stopping.is_set():
                return None
            fds = (self.sock.fileno(), self._alive_read)
            command = [sys.executable, "-m", "web.cli.upload_workers", *map(str, fds), str(slot)]
            proc = subprocess.Popen(command, pass_fds=fds)  # noqa: S603 - our own module
            self._procs[slot] = proc
        log.info("serve.upload_worker_started", extra={"slot": slot, "pid": proc.pid})
        return proc

    def _keep(self, slot: int) -> None:
        delay = 0.5
        while (proc := self._spawn(slot)) is not None:
            started = time.monotonic()
            code = proc.wait()
            if self._stopping.is_set():
                return
            log.warning(
                "serve.upload_worker_ended", extra={"slot": slot, "pid": proc.pid, "exit": code}
            )
            if time.monotonic() - started >= SHORT_LIFE_SECONDS:
                delay = 0.5
            else:
                delay = min(delay * 2, RESTART_MAX_SECONDS)
                self._stopping.wait(delay)

    def stop(self) -> None:
        """Stop every worker (SIGTERM: they finish or cut their requests), then reap."""
        self._stopping.set()
        with self._lock:
            procs = list(self._procs.values())
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for thread in self._threads:
            thread.join(timeout=STOP_SECONDS)
        os.close(self._alive_write)
        os.close(self._alive_read)
        self.sock.close()


# --- the worker's side -------------------------------------------------------------------


def _watch_parent(alive_fd: int) -> None:
    """End this worker once the parent is gone (its end of the pipe closed)."""

    def watch() -> None:
        while os.read(alive_fd, 1):
            pass
        os.kill(os.getpid(), signal.SIGTERM)  # uvicorn shuts down gracefully

    threading.Thread(target=watch, daemon=True).start()


def run_worker(listen_fd: int, alive_fd: int, slot: int) -> None:
    """Serve uploads on the inherited socket until SIGTERM or the parent's end."""
    from web.submission.upload_app import create_upload_app  # the child's imports only

    settings = Settings.from_env(os.environ)
    logs.configure(settings.log_level, settings.log_format)
    # Issue 17 item 4: the site's light requests first when the cores are short; an
    # idle core still serves uploads at full speed (nice only weighs contention).
    os.nice(min(settings.upload_worker_nice, 19))
    _watch_parent(alive_fd)
    sock = socket.socket(fileno=listen_fd)
    config = uvicorn.Config(
        create_upload_app(settings),
        loop="uvloop",
        http=http_protocol(settings),  # httptools, its head bounded (as the site)
        ws="none",
        proxy_headers=False,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
    )
    log.info("serve.upload_worker_serving", extra={"slot": slot})
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    run_worker(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
