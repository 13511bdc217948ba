"""N real `etender serve` processes on ONE PostgreSQL: the harness of the cross-node tests.

Each node is ``python -m web.cli.main serve`` — the production entry point, uvloop,
httptools and the websockets-sansio implementation — with its own port and its own
``ETENDER_DATA_DIR``, all on the same database through ``DATABASE_URL`` (the test's
clone, ``tests/conftest.py``'s ``database`` fixture). Fan-out between the nodes is the
engine's own LISTEN/NOTIFY (DESIGN.md, "Live sessions": the database is the only truth).

What the nodes share and what they do not, as a real cluster would:

- the platform's keys (the log's checkpoint key, the receipt identity, the identity-card
  matching key) and the trust store are made once in a seed directory and copied into
  every node's data dir before it starts: two nodes that signed with different keys
  would not be one platform;
- ``blobs/`` and ``opened/`` are links to one shared directory (a cluster's shared
  storage); ``tmp/`` and the logs are each node's own.

Every wait is bounded by a documented limit (``READY_SECONDS``, ``STOP_SECONDS``), and
leaves nothing running: ``Servers`` is an async context manager that stops (or, failing
that, kills) every node it started, and when the block raises, attaches the tail of
every node's log to the exception (``add_note``: pytest prints it under the failure).

    async with Servers(database.app_dsn, tmp_path, count=2, ca=ca) as nodes:
        a, b = nodes
        ...                      # a.url, a.ws_url, b.kill(), await b.start(), …

and the client side of a test: :func:`bearer_token` (a token without a password
login), :func:`join` (a socket once its ``hello`` arrived), :func:`command` (send, then
the ack or error), :func:`next_frame` (the next ack, error or event), each bounded by
``FRAME_SECONDS``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import websockets
from websockets.asyncio.client import ClientConnection

from accounts.model import User
from accounts.sessions import service as sessions
from accounts.sessions.model import LoginPolicy, SessionKind
from accounts.users import service as users
from signing.certs import dump_pem_certificate
from signing.demo_ca import DemoCA
from tender.submission.receipts import load_or_create as receipt_identity
from tests.conftest import free_port
from web import logkey
from web.services import load_id_card_key
from web.settings import Settings

# The limits every wait of the harness is bounded by (seconds). A node needs about 2 s
# to import, prepare the database (nothing to migrate on a clone) and answer /readyz on
# an idle machine; the bound allows for a machine busy with other tests.
READY_SECONDS = 60.0
STOP_SECONDS = 20.0  # graceful stop (uvicorn's own graceful shutdown is 10 s)
KILL_SECONDS = 10.0  # reaping a killed process
POLL_SECONDS = 0.1  # between two /readyz probes
LOG_TAIL_BYTES = 8_000  # of each node's log, attached to a failure
FRAME_SECONDS = 20.0  # one frame on a socket (loopback: milliseconds when all is well)

SHARED = ("blobs", "opened")  # one directory for every node (the cluster's storage)
ROOT = Path(__file__).resolve().parents[2]


class NodeFailed(AssertionError):
    """A node exited or did not become ready in time (its log is in the message)."""


class Node:
    """One `etender serve` process: its port, data dir, log and process."""

    def __init__(self, index: int, data_dir: Path, env: Mapping[str, str]) -> None:
        self.index = index
        self.data_dir = data_dir
        self.port = free_port()
        self.log_path = data_dir.parent / f"node{index}.log"
        self._env = dict(env)
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        if self.proc is None:
            raise NodeFailed(f"node {self.index} is not running")
        return self.proc.pid

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def live_url(self, session_id: object, after: int = 0) -> str:
        """The WebSocket address of a live session on this node (docs/live-sessions.md)."""
        return f"{self.ws_url}/api/v1/live/{session_id}?after={after}"

    async def start(self) -> None:
        """Start the process (a new one on the same port and data dir after a stop or a
        kill) and return once /readyz answers 200, within ``READY_SECONDS``."""
        if self.running:
            raise NodeFailed(f"node {self.index} is already running")
        env = {**os.environ, **self._env, "ETENDER_PORT": str(self.port)}
        with self.log_path.open("ab") as log:
            log.write(f"--- node {self.index} starting on port {self.port}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "web.cli.main", "serve"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # a signal meant for pytest does not reach it
            )  # fmt: skip
        await self._wait_ready()

    async def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_SECONDS
        async with httpx.AsyncClient(timeout=2) as client:
            while time.monotonic() < deadline:
                if not self.running:
                    raise NodeFailed(f"node {self.index} exited at start:\n{self.log_tail()}")
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(f"{self.url}/readyz")).status_code == 200:
                        return
                await asyncio.sleep(POLL_SECONDS)
        raise NodeFailed(
            f"node {self.index} not ready within {READY_SECONDS:.0f} s:\n{self.log_tail()}"
        )

    def kill(self) -> None:
        """``kill -9``: the process dies at once, its sockets drop, nothing is flushed."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=KILL_SECONDS)

    async def stop(self) -> int | None:
        """SIGTERM (a graceful stop), then SIGKILL if it outlives ``STOP_SECONDS``; the
        exit code (None if it was not running)."""
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return None if proc is None else proc.returncode
        proc.send_signal(signal.SIGTERM)
        try:
            return await asyncio.to_thread(proc.wait, STOP_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            return await asyncio.to_thread(proc.wait, KILL_SECONDS)

    def log_tail(self, size: int = LOG_TAIL_BYTES) -> str:
        """The end of the node's log (stdout and stderr of every start)."""
        if not self.log_path.exists():
            return "(no log)"
        data = self.log_path.read_bytes()
        return data[-size:].decode(errors="replace")

    def rss_kib(self) -> int:
        """The process's resident memory now (VmRSS), KiB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0


def seed_data_dir(seed: Path, ca: DemoCA | None) -> None:
    """Make the keys every node shares (through the functions a server uses at first
    start) and, given a CA, the trust store that trusts it."""
    settings = Settings(data_dir=seed)
    logkey.load_or_create(settings)
    receipt_identity(seed)
    load_id_card_key(seed)
    if ca is not None:
        trust = seed / "trust"
        trust.mkdir(exist_ok=True)
        (trust / "root.pem").write_bytes(dump_pem_certificate(ca.root_cert))
        (trust / "issuing.pem").write_bytes(dump_pem_certificate(ca.issuing_cert))
    for name in SHARED:
        (seed / name).mkdir(exist_ok=True)


class Servers:
    """``count`` nodes on ``database_url``, under ``root``; an async context manager.

    ``env`` adds variables to every node (``ETENDER_POLICY_*``, ``ETENDER_DB_POOL_SIZE``);
    the nodes log at WARNING unless ``env`` says otherwise. ``shared``: the directories
    linked to one (none with ``ETENDER_BLOB_STORE=postgres``); ``keys_dir``: the nodes
    read the seed's keys and trust store as ``ETENDER_KEYS_DIR`` instead of copies
    (tests/multinode, issue 17 item 7).
    """

    def __init__(
        self,
        database_url: str,
        root: Path,
        count: int = 2,
        *,
        ca: DemoCA | None = None,
        env: Mapping[str, str] | None = None,
        shared: tuple[str, ...] = SHARED,
        keys_dir: bool = False,
        seed: Path | None = None,
    ) -> None:
        self.root = root
        # The keys every node shares; one seed kept across several runs on one database
        # (a bench's one then two processes) keeps them the platform's (web/keysource.py).
        self.seed = seed or root / "seed"
        self.seed.mkdir(parents=True, exist_ok=True)
        seed_data_dir(self.seed, ca)
        base = {"DATABASE_URL": database_url, "ETENDER_LOG_LEVEL": "WARNING", **(env or {})}
        self._shared = shared
        self._copied = SHARED + (("keys", "trust") if keys_dir else ())
        if keys_dir:
            base["ETENDER_KEYS_DIR"] = str(self.seed)
        self.nodes = [self._node(i, base) for i in range(count)]

    def _node(self, index: int, env: Mapping[str, str]) -> Node:
        data = self.root / f"node{index}" / "data"
        shutil.copytree(self.seed, data, ignore=shutil.ignore_patterns(*self._copied))
        for name in self._shared:
            (data / name).symlink_to(self.seed / name, target_is_directory=True)
        return Node(index, data, {**env, "ETENDER_DATA_DIR": str(data)})

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes)

    def __getitem__(self, index: int) -> Node:
        return self.nodes[index]

    def __len__(self) -> int:
        return len(self.nodes)

    async def __aenter__(self) -> Servers:
        try:
            await asyncio.gather(*(node.start() for node in self.nodes))
        except BaseException:
            await self.stop()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()
        if exc is not None and not isinstance(exc, NodeFailed):
            exc.add_note(self.logs())

    async def stop(self) -> None:
        """Stop every node that runs (bounded by ``STOP_SECONDS`` + ``KILL_SECONDS``)."""
        await asyncio.gather(*(node.stop() for node in self.nodes), return_exceptions=True)
        for node in self.nodes:  # whatever a failed stop left behind
            node.kill()

    def logs(self) -> str:
        """Every node's log tail, headed by its index, port and exit code."""
        parts = []
        for node in self.nodes:
            code = None if node.proc is None else node.proc.poll()
            parts.append(f"=== node {node.index} (port {node.port}, exit {code}) ===")
            parts.append(node.log_tail())
        return "\n".join(parts)


async def bearer_token(conn: asyncpg.Connection, who: User | UUID) -> str:
    """A bearer token for a user (or a user id), as a login would issue (no password
    check: tests and the bench open many sessions, and scrypt is slow on purpose)."""
    user = who if isinstance(who, User) else await users.get_user(conn, who)
    issued = await sessions.open_session(
        conn, user, address="127.0.0.1", kind=SessionKind.BEARER, policy=LoginPolicy()
    )
    return issued.token


def auth_header(token: str) -> dict[str, str]:
    """The header a command-line client authenticates its socket with."""
    return {"Authorization": f"Bearer {token}"}


async def join(node: Node, session_id: object, token: str, after: int = 0) -> ClientConnection:
    """A participant's socket on ``node`` (bearer token), once its ``hello`` arrived;
    ``after``: the last seq the client saw (docs/live-sessions.md)."""
    ws = await websockets.connect(
        node.live_url(session_id, after),
        additional_headers=auth_header(token),
        open_timeout=FRAME_SECONDS,
    )
    hello = json.loads(await asyncio.wait_for(ws.recv(), FRAME_SECONDS))
    if hello.get("type") != "hello":
        await ws.close()
        raise AssertionError(f"expected hello, got {hello}")
    return ws


async def next_frame(ws: ClientConnection, *types: str) -> dict[str, Any]:
    """The next frame of one of ``types`` (``ack``, ``error``, ``event``); the others
    are skipped. Bounded by ``FRAME_SECONDS`` per frame."""
    while True:
        frame: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), FRAME_SECONDS))
        if frame["type"] in types:
            return frame


async def command(
    ws: ClientConnection, msg_id: str, kind: str, data: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Send one command; its ``ack`` or ``error`` (events in between are skipped)."""
    await ws.send(json.dumps({"id": msg_id, "type": kind, "data": data or {}}))
    return await next_frame(ws, "ack", "error")
