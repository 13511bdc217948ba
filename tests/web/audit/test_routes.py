"""The log endpoints outside verifiers rely on, the witness, and `etender audit verify`."""

from __future__ import annotations

import asyncio
import base64
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from audit import service
from signing.log import merkle
from signing.log.checkpoint import open_checkpoint
from signing.log.entry import Actor, LogEntry
from tests import rfc9162
from tests.conftest import LiveServer
from web.services import services

ACTOR = Actor(user_id="u1", role="system_admin")


def entry(n: int) -> LogEntry:
    return LogEntry(
        kind="test.entry", time=datetime(2026, 1, 1, tzinfo=UTC), actor=ACTOR, data={"n": n}
    )


async def append_n(pool: asyncpg.Pool, start: int, count: int) -> list[bytes]:
    async with pool.acquire() as conn:
        for n in range(start, start + count):
            async with conn.transaction():
                await service.append(conn, entry(n))
    return [entry(n).to_bytes() for n in range(start, start + count)]


async def checkpoint(app: Starlette, pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await service.sign_new_checkpoint(conn, services(app).log_identity)


def b64(hashes: list[bytes]) -> list[str]:
    return [base64.b64encode(h).decode() for h in hashes]


# Every tree shape up to 17 leaves (each split of RFC 9162 §2.1.3 up to two levels past a
# power of two), and the sizes around 32 and 64: through HTTP, each proof of these sizes.
# Every size to 64 was 4,160 requests through the whole app (about 45 s of a busy core);
# the stored proofs are checked for every size to 64 in tests/audit/test_service.py.
PROOF_SIZES = (*range(1, 18), 31, 32, 33, 63, 64)


async def test_every_proof_for_sizes_around_powers_of_two_matches_rfc_9162(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """Inclusion and consistency proofs served equal a from-the-RFC implementation."""
    leaves = await append_n(pool, 0, 64)
    for size in PROOF_SIZES:
        # One size's 2 x size requests at once: the server's queries and the test's
        # Python then share the machine's cores instead of taking turns.
        inclusion = [
            client.get("/api/v1/log/proof/inclusion", params={"index": i, "tree_size": size})
            for i in range(size)
        ]
        consistency = [
            client.get("/api/v1/log/proof/consistency", params={"first": f, "second": size})
            for f in range(1, size + 1)
        ]
        got = await asyncio.gather(*inclusion, *consistency)
        assert [r.json() for r in got[:size]] == [
            {"leaf_index": i, "tree_size": size, "hashes": b64(rfc9162.path(i, leaves[:size]))}
            for i in range(size)
        ]
        assert [r.json() for r in got[size:]] == [
            {"hashes": b64(rfc9162.proof(f, leaves[:size]))} for f in range(1, size + 1)
        ]


async def test_checkpoint_covers_the_log_and_verifies_with_the_served_key(
    app: Starlette, client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """The signed checkpoint's root is MTH of the entries; the vkey verifies it."""
    leaves = await append_n(pool, 0, 7)
    await checkpoint(app, pool)
    vkey = (await client.get("/api/v1/log/key")).text.strip()
    note = (await client.get("/api/v1/log/checkpoint")).text
    from signing.log.note import Ed25519Verifier

    parsed, _ = open_checkpoint(note, Ed25519Verifier.from_vkey(vkey))
    assert (parsed.size, parsed.root_hash) == (7, rfc9162.mth(leaves))


@pytest.mark.parametrize(
    ("path", "params", "code"),
    [
        ("/api/v1/log/proof/inclusion", {"index": 0, "tree_size": 9}, "log_proof_range_invalid"),
        ("/api/v1/log/proof/inclusion", {"index": 3, "tree_size": 3}, "log_proof_range_invalid"),
        ("/api/v1/log/proof/inclusion", {"index": "x", "tree_size": 2}, "request_invalid"),
        ("/api/v1/log/proof/inclusion", {"tree_size": 2}, "request_invalid"),
        ("/api/v1/log/proof/consistency", {"first": 2, "second": 9}, "log_proof_range_invalid"),
        ("/api/v1/log/proof/consistency", {"first": 3, "second": 2}, "log_proof_range_invalid"),
        ("/api/v1/log/proof/consistency", {"first": -1, "second": 2}, "request_invalid"),
        ("/api/v1/log/proof/consistency", {"first": 1, "second": 2**63}, "request_invalid"),
        ("/api/v1/log/proof/inclusion", {"index": "١", "tree_size": 2}, "request_invalid"),
    ],
)
async def test_bad_proof_requests_get_a_clear_error(
    client: httpx.AsyncClient, pool: asyncpg.Pool, path: str, params: dict[str, object], code: str
) -> None:
    """A size beyond the tree or a malformed parameter is refused with a stable code."""
    await append_n(pool, 0, 3)
    response = await client.get(path, params=params)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code


async def test_a_cosignature_for_a_size_never_signed_is_a_404(client: httpx.AsyncClient) -> None:
    """A cosignature must name a checkpoint the platform signed."""
    response = await client.post(
        "/api/v1/log/cosignatures", json={"checkpoint_size": 42, "cosignature": "— x AAAA"}
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "log_checkpoint_not_found"


async def test_the_empty_log_is_checkpointed_as_soon_as_the_server_runs(
    client: httpx.AsyncClient,
) -> None:
    """The background signer covers even size 0, so a witness can start at once."""
    for _ in range(50):
        response = await client.get("/api/v1/log/checkpoint")
        if response.status_code == 200:
            break
        await asyncio.sleep(0.1)
    assert response.text.split("\n")[1] == "0"


# --- the witness and `etender audit verify`, as real processes -----------------------


async def etender(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run the CLI without blocking the event loop the live server runs in."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "web.cli.main", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        env=None if env is None else {**os.environ, **env},
    )  # fmt: skip
    out, _ = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode()


async def rewrite_history(owner: asyncpg.Connection, index: int, data: bytes) -> None:
    """Play a DBA who rewrites one leaf and recomputes every stored hash to match."""
    rows = await owner.fetch("SELECT idx, entry FROM log_entries ORDER BY idx")
    leaves = [data if r["idx"] == index else bytes(r["entry"]) for r in rows]
    nodes: dict[tuple[int, int], bytes] = {}
    for size, leaf in enumerate(leaves):
        nodes.update(merkle.hashes_for_append(size, [merkle.leaf_hash(leaf)], nodes))
    async with owner.transaction():
        await owner.execute("SET LOCAL session_replication_role = replica")
        await owner.execute("UPDATE log_entries SET entry = $1 WHERE idx = $2", data, index)
        await owner.execute("DELETE FROM log_nodes")
        await owner.executemany(
            "INSERT INTO log_nodes (level, idx, hash) VALUES ($1, $2, $3)",
            [(level, idx, h) for (level, idx), h in nodes.items()],
        )


async def test_witness_cosigns_a_growing_log_and_refuses_a_fork(
    app: Starlette,
    live_server: LiveServer,
    pool: asyncpg.Pool,
    owner_conn: asyncpg.Connection,
    tmp_path: Path,
) -> None:
    """The witness cosigns each extension, then refuses history rewritten and re-signed."""
    key = tmp_path / "witness.key"
    code, vkey = await etender("witness", "--key", str(key), "--new-key", "county-1.example")
    assert code == 0
    async with pool.acquire() as conn, conn.transaction():
        await service.add_witness(conn, vkey.strip())
    log_key = services(app).log_identity.signer.verifier().to_vkey()
    run = ("witness", "--key", str(key), "--server", live_server.url, "--log-key", log_key,
           "--once")  # fmt: skip

    for grow in (3, 4):
        await append_n(pool, 0, grow)
        await checkpoint(app, pool)
        code, out = await etender(*run)
        assert code == 0, out
    async with httpx.AsyncClient() as http:
        served = (await http.get(f"{live_server.url}/api/v1/log/checkpoint")).text
    assert "— county-1.example " in served  # the cosignature is served with the checkpoint

    saved = tmp_path / "saved.checkpoint"
    code, out = await etender(
        "audit", "verify", "--server", live_server.url, "--log-key", log_key, "--save", str(saved)
    )
    assert code == 0, out

    await rewrite_history(owner_conn, 1, entry(999).to_bytes())
    await append_n(pool, 100, 2)
    await checkpoint(app, pool)

    code, out = await etender(*run)
    assert code == 1
    assert "log_fork_detected" in out
    code, out = await etender(
        "audit", "verify", "--server", live_server.url, "--log-key", log_key,
        "--checkpoint", str(saved),
    )  # fmt: skip
    assert code == 1
    assert "history was rewritten" in out


async def test_cosignature_from_an_unregistered_witness_is_refused(
    app: Starlette, client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """Only registered witness keys may add cosignatures."""
    from signing.log.checkpoint import Checkpoint, Cosigner, generate_private_key

    await append_n(pool, 0, 2)
    await checkpoint(app, pool)
    stranger = Cosigner(name="stranger.example", private_key=generate_private_key())
    async with pool.acquire() as conn:
        root = await service.root_at(conn, 2)
    origin = services(app).log_identity.origin
    line = stranger.cosign(Checkpoint(origin=origin, size=2, root_hash=root), datetime.now(UTC))
    response = await client.post(
        "/api/v1/log/cosignatures", json={"checkpoint_size": 2, "cosignature": line.to_line()}
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "log_witness_not_found"
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM log_cosignatures") == 0


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "malformed_json"),
        (b'{"checkpoint_size": "1", "cosignature": "x"}', 422, "request_invalid"),
        (b'{"checkpoint_size": 1}', 422, "request_invalid"),
        (b'{"checkpoint_size": 1, "cosignature": "x", "extra": 1}', 422, "request_invalid"),
        (b'{"checkpoint_size": 1, "cosignature": "' + b"x" * (2 << 20) + b'"}', 413,
         "body_too_large"),
        (b'{"checkpoint_size": 0, "cosignature": "not a signature line"}', 422,
         "log_note_malformed"),
        # Beyond a PostgreSQL bigint: was a 500 from the database (issue 9, item 12).
        (b'{"checkpoint_size": 9223372036854775808, "cosignature": "\xe2\x80\x94 x AAAA"}',
         422, "request_invalid"),
        (b'{"checkpoint_size": -1, "cosignature": "\xe2\x80\x94 x AAAA"}', 422,
         "request_invalid"),
    ],
)  # fmt: skip
async def test_bad_cosignature_submissions_change_nothing(
    app: Starlette,
    client: httpx.AsyncClient,
    pool: asyncpg.Pool,
    body: bytes,
    status: int,
    code: str,
) -> None:
    """Malformed, mistyped, unknown-field and oversized bodies: a clear error, no row."""
    await checkpoint(app, pool)
    response = await client.post(
        "/api/v1/log/cosignatures", content=body, headers={"content-type": "application/json"}
    )
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM log_cosignatures") == 0


async def supervisor_token(pool: asyncpg.Pool, client: httpx.AsyncClient) -> str:
    """A bearer token of a supervisor, through the real login endpoint."""
    from accounts.model import OrgKind, Role
    from tests.accounts import factory

    async with pool.acquire() as conn:
        department = await factory.make_organisation(conn, OrgKind.INDUSTRY_DEPARTMENT)
        user = await factory.make_user(conn, department, Role.SUPERVISOR, scope=department)
    response = await client.post(
        "/api/v1/auth/login", json={"username": user.username, "password": factory.PASSWORD}
    )
    token: str = response.json()["token"]
    return token


async def test_audit_verify_rehashes_entries_and_catches_a_rewritten_leaf(
    app: Starlette,
    client: httpx.AsyncClient,
    live_server: LiveServer,
    pool: asyncpg.Pool,
    owner_conn: asyncpg.Connection,
    tmp_path: Path,
) -> None:
    """Re-hashing every entry matches the checkpoint until a DBA edits one leaf; the
    token comes from a file or ETENDER_TOKEN (never needs to sit on the command line)."""
    token = await supervisor_token(pool, client)
    await append_n(pool, 0, 5)
    await checkpoint(app, pool)
    log_key = services(app).log_identity.signer.verifier().to_vkey()
    verify = ("audit", "verify", "--server", live_server.url, "--log-key", log_key, "--entries")
    code, out = await etender(*verify, env={"ETENDER_TOKEN": ""})
    assert code == 2
    assert "ETENDER_TOKEN" in out
    (tmp_path / "token").write_text(token + "\n")
    (tmp_path / "token").chmod(0o600)  # a looser token file is refused (docs/cli.md)
    code, out = await etender(*verify, "--token-file", str(tmp_path / "token"))
    assert code == 0, out
    assert "root matches" in out

    async with owner_conn.transaction():
        await owner_conn.execute("SET LOCAL session_replication_role = replica")
        await owner_conn.execute(
            "UPDATE log_entries SET entry = $1 WHERE idx = 2", entry(777).to_bytes()
        )
    code, out = await etender(*verify, env={"ETENDER_TOKEN": token})
    assert code == 1
    assert "does not give the checkpoint's root" in out


async def test_log_entries_need_a_supervisor_or_administrator(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """Anonymous readers get 401; a bidder gets 403; a supervisor gets the bytes."""
    from accounts.model import OrgKind, Role
    from tests.accounts import factory

    await append_n(pool, 0, 2)
    anonymous = await client.get("/api/v1/log/entries", params={"start": 0, "end": 2})
    assert anonymous.status_code == 401
    async with pool.acquire() as conn:
        bidder_org = await factory.make_organisation(conn, OrgKind.BIDDER)
        bidder = await factory.make_user(conn, bidder_org, Role.BIDDER)
    login = await client.post(
        "/api/v1/auth/login", json={"username": bidder.username, "password": factory.PASSWORD}
    )
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    refused = await client.get(
        "/api/v1/log/entries", params={"start": 0, "end": 2}, headers=headers
    )
    assert refused.status_code == 403
    token = await supervisor_token(pool, client)
    allowed = await client.get(
        "/api/v1/log/entries",
        params={"start": 0, "end": 2},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert [base64.b64decode(e["entry"]) for e in allowed.json()["entries"]][:2] == [
        entry(0).to_bytes(),
        entry(1).to_bytes(),
    ]
