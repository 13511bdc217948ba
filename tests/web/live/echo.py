"""A test kind of live session ("echo") and the socket helpers of the live tests.

The protocol, ordering, idempotency, reconnection, audiences and cross-node fan-out are
the engine's; the opening hall and evaluation sessions plug their own kinds into the
same machinery.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest
import websockets
from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection

from accounts.model import Actor, OrgKind, Role
from live import queries
from live.model import Command, Emit, LiveSession
from tests.accounts import factory
from tests.conftest import CloneDatabase, LiveServer
from web.app import create_app
from web.services import services
from web.settings import Settings


class DomainRuleBroken(Exception):
    code = "echo_rule_broken"
    message = "the echo rule was broken"


class EchoKind:
    """Everyone signed in may join; 'say' broadcasts, 'whisper' goes to oneself."""

    name = "echo"
    commands = frozenset({"say", "whisper"})
    events = frozenset({"said", "whispered"})
    audiences_named: frozenset[str] = frozenset()
    regroup_on: frozenset[str] = frozenset()

    async def audiences(
        self, conn: asyncpg.Connection, actor: Actor, session: LiveSession
    ) -> frozenset[str] | None:
        if actor.username.startswith("outsider"):
            return None
        return frozenset({"all", f"user:{actor.user_id}"})

    async def handle(
        self,
        conn: asyncpg.Connection,
        actor: Actor,
        session: LiveSession,
        command: Command,
    ) -> list[Emit]:
        if command.type == "say":
            return [Emit(kind="said", data={"text": command.data.get("text", "")})]
        if command.type == "whisper":
            return [Emit(kind="whispered", data=command.data, audience=f"user:{actor.user_id}")]
        raise DomainRuleBroken


@pytest.fixture
def echo(app: Starlette) -> Starlette:
    services(app).live.kinds[EchoKind.name] = EchoKind()
    return app


@pytest.fixture
async def session_id(echo: Starlette, pool: asyncpg.Pool) -> UUID:
    async with pool.acquire() as conn:
        return (await queries.open_session(conn, "echo", "subject-1")).id


async def token_for(pool: asyncpg.Pool, client: httpx.AsyncClient, name: str) -> str:
    async with pool.acquire() as conn:
        org = await factory.make_organisation(conn, OrgKind.BIDDER)
        user = await factory.make_user(conn, org, Role.BIDDER, username=name)
    response = await client.post(
        "/api/v1/auth/login", json={"username": user.username, "password": factory.PASSWORD}
    )
    token: str = response.json()["token"]
    return token


async def connect(
    server: LiveServer, session: UUID, token: str, after: int = 0
) -> ClientConnection:
    ws = await websockets.connect(
        f"{server.ws_url}/api/v1/live/{session}?after={after}",
        additional_headers={"Authorization": f"Bearer {token}"},
    )
    hello = json.loads(await ws.recv())
    assert hello["type"] == "hello"
    _STASH[id(ws)] = []  # a new socket may reuse a closed one's id
    return ws


# Messages of other types that arrived while a test waited for one type, per socket:
# an event and the ack of the command that caused it may arrive in either order
# (docs/live-sessions.md), so nothing read past may be dropped.
_STASH: dict[int, list[dict[str, Any]]] = {}


async def receive(ws: ClientConnection, kind: str) -> dict[str, Any]:
    """The next message of a type; messages of other types wait for their own turn."""
    stash = _STASH.setdefault(id(ws), [])
    for i, message in enumerate(stash):
        if message["type"] == kind:
            return stash.pop(i)
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if message["type"] == kind:
            return message
        stash.append(message)


@pytest.fixture
async def tokens(pool: asyncpg.Pool, client: httpx.AsyncClient) -> list[str]:
    return [await token_for(pool, client, f"member{n}") for n in range(2)]


async def second_node(database: CloneDatabase, tmp_path: Path) -> tuple[Starlette, asyncpg.Pool]:
    """Another application process on the same database (its own pool and hub)."""
    other_pool = await asyncpg.create_pool(database.app_dsn, min_size=0, max_size=5)
    assert other_pool is not None
    settings = Settings(database_url=database.app_dsn, data_dir=tmp_path / "node2")
    node = create_app(settings, pool=other_pool)
    services(node).live.kinds[EchoKind.name] = EchoKind()
    return node, other_pool
