"""``kill -9`` of one server process mid-session (issue 11, Must show): its clients
reconnect to the other process and resume by sequence; no acknowledged command is lost
and none is applied twice. Two real server processes (tests/client/session/node.py) on
one PostgreSQL; the members' clients are client/session/socket.py with both URLs."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import UUID

import asyncpg
import httpx
import pytest

from client.session.socket import RetryPolicy, SessionSocket
from client.session.state import StateStore
from tests.client.session.kit import stored_events, wait_for_events
from tests.conftest import CloneDatabase, free_port
from tests.evaluation.servers import seed_data_dir
from tests.web.live.echo import token_for

MEMBERS = 3
COMMANDS = 6  # per member


@contextlib.asynccontextmanager
async def node(
    database: CloneDatabase, tmp_path: Path, name: str
) -> AsyncIterator[tuple[str, asyncio.subprocess.Process]]:
    """A server process; its URL once it listens. Killed (SIGKILL) when the test ends.

    Every node starts with the platform's one set of keys (a node with keys of its own
    refuses to start: web/keysource.py), copied from a seed as a cluster's operator would.
    """
    seed = tmp_path / "seed"
    if not seed.exists():
        seed_data_dir(seed, None)
    shutil.copytree(seed, tmp_path / name)
    port = free_port()
    log = (tmp_path / f"{name}.log").open("wb")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.client.session.node",
        database.app_dsn, str(tmp_path / name), str(port),
        stdout=log, stderr=log,
    )  # fmt: skip
    try:
        for _ in range(600):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.1):
                break
            assert process.returncode is None, (tmp_path / f"{name}.log").read_text()
            await asyncio.sleep(0.05)
        yield f"http://127.0.0.1:{port}", process
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()
        log.close()


async def collect(sock: SessionSocket, seen: list[int]) -> None:
    while len(seen) < MEMBERS * COMMANDS:
        seen.append((await sock.next_event()).seq)


@pytest.mark.slow
async def test_kill_9_of_a_server_moves_its_clients_to_the_other_without_loss_or_duplicate(
    database: CloneDatabase,
    pool: asyncpg.Pool,
    client: httpx.AsyncClient,
    session_id: UUID,
    tmp_path: Path,
) -> None:
    """Three members on process A send commands; A is killed with SIGKILL mid-way; each
    client goes to B with ?after=, resends what had no ack: every command once in the
    database, every member saw every event once, in order, acks equal to the stored seqs."""
    tokens = [await token_for(pool, client, f"expert{n}") for n in range(MEMBERS)]
    async with (
        node(database, tmp_path, "a") as (a_url, a),
        node(database, tmp_path, "b") as (b_url, _),
    ):
        retry = RetryPolicy(give_up=60.0, answer_timeout=120.0)
        socks = [
            SessionSocket(
                StateStore(tmp_path / f"state{n}", session_id),
                [a_url, b_url],
                tokens[n],
                after=0,
                kind="echo",
                retry=retry,
                warn=[].append,
            )
            for n in range(MEMBERS)
        ]
        seen: list[list[int]] = [[] for _ in range(MEMBERS)]
        async with contextlib.AsyncExitStack() as stack:
            for sock in socks:
                await stack.enter_async_context(sock)
            sending = [
                asyncio.ensure_future(_send(sock, f"expert{n}")) for n, sock in enumerate(socks)
            ]
            watching = [asyncio.ensure_future(collect(s, seen[n])) for n, s in enumerate(socks)]
            await wait_for_events(pool, session_id, MEMBERS * 2)
            a.kill()  # kill -9, mid-session
            await a.wait()
            acks = await asyncio.gather(*sending)
            await asyncio.gather(*watching)
    stored = await stored_events(pool, session_id)
    texts = sorted(data["text"] for _, _, data in stored)
    assert texts == sorted(f"expert{m}:{n}" for m in range(MEMBERS) for n in range(COMMANDS))
    by_text = {data["text"]: seq for seq, _, data in stored}
    for m in range(MEMBERS):
        assert acks[m] == [by_text[f"expert{m}:{n}"] for n in range(COMMANDS)]
        assert seen[m] == sorted(seq for seq, _, _ in stored)  # each once, in order
        assert socks[m].stats.servers[0] == a_url
        assert socks[m].stats.servers[-1] == b_url
        assert socks[m].store.load().unanswered() == ()


async def _send(sock: SessionSocket, name: str) -> list[int | None]:
    acks = []
    for n in range(COMMANDS):
        command = sock.store.command(f"score:{n}", "say", {"text": f"{name}:{n}"})
        acks.append((await sock.call(command)).seq)
        await asyncio.sleep(0.05)  # a member's pace; the kill lands between commands or on one
    return acks
