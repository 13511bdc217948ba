"""The session client's fixtures: the echo kind of live session and a stand-in of the
evaluation kind on a real server, a relay in front of it that fails like a network
(tests/client/session/kit.py), and a committee member's certificate and key."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import cast
from uuid import UUID

import asyncpg
import pytest
from starlette.applications import Starlette

from live import queries
from signing.certs import Identity, dump_pem_certificate, dump_pem_private_key
from signing.trust import TrustStore
from tests.client.session.kit import Relay
from tests.client.session.stand_in import StandInEvaluation
from tests.conftest import LiveServer
from tests.signing.conftest import IssueUser, openssl
from tests.web.live.echo import echo, session_id, tokens
from web.services import services

__all__ = ["echo", "openssl", "session_id", "tokens"]


@pytest.fixture
async def relay(live_server: LiveServer) -> AsyncIterator[Relay]:
    """A relay to the live server, listening; closed at the end."""
    found = Relay(live_server.port)
    await found.start()
    yield found
    await found.kill()


@pytest.fixture
def evaluation(app: Starlette, trust: TrustStore, valid_time: dt.datetime) -> StandInEvaluation:
    """The stand-in evaluation kind on the app, and its report route."""
    kind = StandInEvaluation(trust, valid_time)
    services(app).live.kinds[kind.name] = kind
    app.router.routes.insert(0, kind.route())
    return kind


@pytest.fixture
async def evaluation_id(evaluation: StandInEvaluation, pool: asyncpg.Pool) -> UUID:
    """An evaluation session (its live session row)."""
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        return (await queries.open_session(conn, "evaluation", "tender/1/1")).id


@pytest.fixture(scope="session")
def member(issue_user: IssueUser) -> Identity:
    """A committee member's signing identity (the demo CA's)."""
    return issue_user("评标专家三")


@pytest.fixture
def member_files(tmp_path: Path, member: Identity) -> tuple[Path, Path]:
    """The member's certificate (+ chain) and key as PEM files."""
    cert, key = tmp_path / "member.crt", tmp_path / "member.key"
    cert.write_bytes(b"".join(dump_pem_certificate(c) for c in (member.certificate, *member.chain)))
    key.write_bytes(dump_pem_private_key(member.key))
    return cert, key
