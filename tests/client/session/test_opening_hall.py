"""The member's socket on the one real session kind on this branch: the opening hall
(tender/opening/session.py; its ``status`` answers the asker with ``hall.status``).

The evaluation kind is built beside this client; the hall shows the socket layer on a
kind the application registers itself, with its own audiences and refusals."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import cast
from uuid import UUID

import asyncpg
import httpx

from client.session.commands.join import join
from client.session.socket import RetryPolicy, SessionSocket
from client.session.state import StateStore
from live import queries
from tests.accounts.factory import PASSWORD
from tests.client.session.kit import Relay, stored_events, wait_for_events
from tests.conftest import LiveServer
from tests.tender.world import World, published_tender
from tests.web.tender.http_kit import fixture_http_ca, fixture_settings, fixture_web_world

__all__ = ["fixture_http_ca", "fixture_settings", "fixture_web_world"]


async def hall(pool: asyncpg.Pool, world: World) -> UUID:
    """A published tender's lot 1 hall (before its deadline: the countdown only)."""
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        tender = await published_tender(conn, world, setup=world.setup())
        return (await queries.open_session(conn, "opening", f"{tender.id}/1")).id


async def login(client: httpx.AsyncClient, who: str) -> str:
    response = await client.post("/api/v1/auth/login", json={"username": who, "password": PASSWORD})
    token: str = response.json()["token"]
    return token


def agent_socket(
    store: StateStore, servers: list[str], token: str, after: int = 0
) -> SessionSocket:
    retry = RetryPolicy(give_up=20.0, answer_timeout=30.0)
    return SessionSocket(
        store, servers, token, after=after, kind="opening", retry=retry, warn=[].append
    )


async def test_a_hall_status_whose_ack_was_lost_is_resent_and_answered_once(
    pool: asyncpg.Pool,
    web_world: World,
    live_server: LiveServer,
    client: httpx.AsyncClient,
    relay: Relay,
    tmp_path: Path,
) -> None:
    """The agency asks the hall's status; the answer is committed, the connection dies
    before it arrives; the resent id gets the first ack: one hall.status row."""
    session = await hall(pool, web_world)
    store = StateStore(tmp_path / "state", session)
    async with agent_socket(store, [relay.url], await login(client, "agent")) as sock:
        command = store.command("status", "status", {})
        await sock.connected.wait()
        relay.downstream.clear()
        answer = asyncio.ensure_future(sock.call(command))
        await wait_for_events(pool, session, 1)
        await relay.kill()
        relay.downstream.set()
        await relay.revive()
        assert (await answer).seq == 1
        event = await sock.next_event()
    assert (event.seq, event.kind, event.data["lot"]) == (1, "hall.status", "1")
    assert [kind for _, kind, _ in await stored_events(pool, session)] == ["hall.status"]


async def test_join_with_the_halls_status_prints_the_countdown_and_resumes_after_it(
    pool: asyncpg.Pool,
    web_world: World,
    live_server: LiveServer,
    client: httpx.AsyncClient,
    tmp_path: Path,
) -> None:
    """``join --snapshot-command status``: each run prints only its own new lines."""
    session = await hall(pool, web_world)
    store = StateStore(tmp_path / "state", session)
    token = await login(client, "agent")
    lines = []
    for _ in range(2):
        out = io.StringIO()
        sock = agent_socket(store, [live_server.url], token, after=store.load().seq)
        await join(sock, store, out=out, command="status")
        lines.append([json.loads(line) for line in out.getvalue().splitlines()])
    assert [[(e["seq"], e["kind"]) for e in run] for run in lines] == [
        [(1, "hall.status")],
        [(2, "hall.status")],
    ]
    assert lines[0][0]["data"]["frozen"] is False
