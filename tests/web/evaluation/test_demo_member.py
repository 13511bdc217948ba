"""A member of ``etender demo``'s committee takes part with ``etender session`` and the
key files the demo wrote (issue 11, items 11–12): the demo registered each expert's
certificate to its account, so a sheet the member's client signs is accepted."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from pathlib import Path
from typing import cast
from uuid import UUID

import asyncpg
import pytest
from starlette.applications import Starlette

from evaluation.room.session import EvaluationRoom
from live import queries as live_queries
from live import service as live
from live.model import Command
from tests.conftest import CloneDatabase, LiveServer
from tests.conftest import database as empty_database
from tests.evaluation.servers import bearer_token
from web.evaluation.demo import MAIN_VENUE
from web.evaluation.demo_opening import actor
from web.services import services
from web.settings import Settings

# The demo loads into an empty database, not the evaluation template this folder uses.
database = empty_database
__all__ = ["database"]


@pytest.fixture
def settings(tmp_path: Path, database: CloneDatabase) -> Settings:
    """The server's data dir is the one ``etender demo`` loads (its trust: the demo CA)."""
    return Settings(database_url=database.app_dsn, data_dir=tmp_path / "data")


async def _run(*args: str, cwd: Path, env: dict[str, str]) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "web.cli.main", *args, cwd=cwd, env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def _to_qualification(conn: asyncpg.Connection, app: Starlette, session_id: UUID,
                            committee: list[str]) -> None:  # fmt: skip
    """The host and the committee through sign-in, declarations and the chair's vote."""
    room = EvaluationRoom(trust=lambda: services(app).trust_required())
    session = await live_queries.get_session(conn, session_id)
    assert session is not None
    host = await actor(conn, "centre.staff")
    members = [await actor(conn, name) for name in committee]
    steps = [(host, "open_sign_in", {})]
    for seat, member in enumerate(members, start=1):
        steps += [(member, "sign_in", {"venue": MAIN_VENUE}), (host, "confirm_identity",
                                                                {"seat": seat})]  # fmt: skip
    steps.append((host, "start", {}))
    steps += [(m, "declare", {"conflict": False}) for m in members]
    steps += [(m, "vote_chair", {"seat": 1}) for m in members]
    for n, (who, kind, data) in enumerate(steps):
        await live.apply(conn, room, session, who, Command(id=f"t{n}", type=kind, data=data))


@pytest.mark.slow  # `etender demo` waits about 25 s for its bid deadline: run it early
async def test_a_demo_member_scores_with_the_demos_key_files(
    database: CloneDatabase,
    app: Starlette,
    live_server: LiveServer,
    pool: asyncpg.Pool,
    tmp_path: Path,
) -> None:
    """``etender demo``; the session driven to its qualification review; seat 1 submits
    its signed sheet with ``etender session score`` and the printed key files: acked."""
    env = {"DATABASE_URL": database.owner_dsn, "ETENDER_DATA_DIR": str(tmp_path / "data")}
    code, out, err = await _run("demo", cwd=tmp_path, env=env)
    assert code == 0, err
    session_id = UUID(re.findall(r"session ([0-9a-f-]{36})", out)[0])
    committee = re.findall(r"专家\d (expert\d\d)", out)
    files = dict(re.findall(r"(expert\d\d) (E\d{3})", out.split("key files:")[1]))
    assert len(committee) == 5
    assert list(files) == committee
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        await _to_qualification(conn, app, session_id, committee)
        token = await bearer_token(conn, (await actor(conn, committee[0])).user_id)
    keys = tmp_path / "demo-client" / "keys"
    findings = tmp_path / "findings.json"
    findings.write_text(json.dumps([]))  # the demo lot's method has no qualification item
    code, out, err = await _run(
        "session", "score", "--server", live_server.url, "--session", str(session_id),
        "--phase", "qualification", "--sheet", str(findings),
        "--cert", str(keys / f"{files[committee[0]]}.crt"),
        "--key", str(keys / f"{files[committee[0]]}.key"),
        cwd=tmp_path, env={"HOME": str(tmp_path / "home"), "ETENDER_TOKEN": token},
    )  # fmt: skip
    assert (code, err) == (0, "")
    acked = json.loads(out.splitlines()[0])
    assert (acked["submitted"], acked["seat"], acked["version"]) == ("qualification", 1, 1)
