"""The expert pool over HTTP: a draw verified from outside, steering refused, the list sealed."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from starlette.applications import Starlette

from accounts.keys import queries as key_queries
from accounts.model import Actor
from expert_pool.requests import close as service_close
from expert_pool.rounds import queries as queries_rounds
from signing.certs import cert_sha256, dump_pem_certificate, dump_pem_private_key
from signing.cms import verify_detached
from signing.demo_ca import DemoCA, issue_identity
from signing.draw.commit_check import check_commit_proof
from signing.draw.entropy_statement import EntropyStatement
from signing.draw.errors import DrawCommitProofInvalid
from signing.draw.response import Decision
from signing.log.checkpoint import Cosigner, generate_private_key
from signing.log.entry import LogEntry
from signing.log.note import Ed25519Signer
from tests.accounts.factory import PASSWORD
from tests.conftest import LiveServer
from tests.expert_pool import fixtures
from tests.expert_pool.world import (
    REMOTE,
    World,
    add_experts,
    fresh_entropy,
    new_tender,
    sign_checkpoint,
    signed,
)
from tests.web.trust_dir import trust_ca
from web.cli.main import main as etender
from web.services import services

CATEGORIES = [["A08@local", 3], ["C01@remote", 2]]
# The pool's database fixtures, shared with tests/expert_pool.
conn, pool_ca, world = fixtures.conn, fixtures.pool_ca, fixtures.world


class Api:
    """A client speaking for several people with their bearer tokens."""

    def __init__(self, client: httpx.AsyncClient, app: Starlette, conn: asyncpg.Connection) -> None:
        self.client = client
        self.app = app
        self.conn = conn
        self.tokens: dict[str, str] = {}
        self._tender: str | None = None

    async def tender(self, world: World) -> str:
        """The agency's draft tender the test's draws belong to (one per test)."""
        if self._tender is None:
            self._tender = await new_tender(world)
        return self._tender

    async def headers(self, actor: Actor) -> dict[str, str]:
        if actor.username not in self.tokens:
            response = await self.client.post(
                "/api/v1/auth/login", json={"username": actor.username, "password": PASSWORD}
            )
            assert response.status_code == 200, response.text
            self.tokens[actor.username] = response.json()["token"]
        return {"Authorization": f"Bearer {self.tokens[actor.username]}"}

    async def call(
        self, method: str, path: str, actor: Actor | None, body: Any = None
    ) -> httpx.Response:
        headers = await self.headers(actor) if actor is not None else {}
        return await self.client.request(method, path, json=body, headers=headers)


@pytest.fixture
def api(client: httpx.AsyncClient, app: Starlette, pool_ca: DemoCA, world: World) -> Api:
    """The HTTP client; the app trusts the demo CA for signed answers."""
    trust_ca(services(app).settings.data_dir, pool_ca)
    return Api(client, app, world.conn)


async def _pool(world: World) -> None:
    await add_experts(world, [f"L{n:03d}" for n in range(12)], accounts=True, passwords=True)
    await add_experts(
        world,
        [f"R{n:03d}" for n in range(7)],
        specialty="C01",
        region=REMOTE,
        accounts=True,
        passwords=True,
    )


def _request_body(world: World, **extra: Any) -> dict[str, Any]:
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    body = {
        "tender_id": "XC-2026-0042",
        "lot": "1",
        "project_id": "P-0042",
        "agency_id": str(world.agency.id),
        "department_id": str(world.department.id),
        "tenderer": world.tenderer_code,
        "session_start": start.isoformat(),
        "session_end": (start + dt.timedelta(hours=4)).isoformat(),
        "categories": CATEGORIES,
    }
    return body | extra


async def _committed(api: Api, world: World, **extra: Any) -> str:
    body = _request_body(world, tender_id=await api.tender(world), **extra)
    created = await api.call("POST", "/api/v1/draws", world.agency_actor, body)
    assert created.status_code == 201, created.text
    draw_id: str = created.json()["id"]
    prepared = await api.call("POST", f"/api/v1/draws/{draw_id}/prepare", world.centre_staff)
    assert prepared.status_code == 200, prepared.text
    committed = await api.call("POST", f"/api/v1/draws/{draw_id}/commit", world.centre_staff)
    assert committed.status_code == 201, committed.text
    return draw_id


async def _entropy(
    api: Api,
    actor: Actor,
    draw_id: str,
    r: int,
    value: str | None = None,
    *,
    checkpoint: bool = True,
) -> httpx.Response:
    """A contributor's client: the checkpoint job runs (driven directly, no clock), the
    client fetches the commit's proof and names the commit and checkpoint it checked."""
    if checkpoint:
        await sign_checkpoint(api.conn, services(api.app).log_identity)
    fixed: dict[str, Any] = {"commit_hash": "0" * 64, "checkpoint_size": 1}
    proof = await api.call("GET", f"/api/v1/draws/{draw_id}/commit", actor)
    if proof.status_code == 200:
        doc = proof.json()
        fixed = {"commit_hash": doc["commit_hash"], "checkpoint_size": doc["checkpoint_size"]}
    body = {"round": r, "entropy": value or fresh_entropy()} | fixed
    return await api.call("POST", f"/api/v1/draws/{draw_id}/entropy", actor, body)


async def _answer(
    api: Api, world: World, draw_id: str, expert_id: str, decision: Decision
) -> httpx.Response:
    statement, signature = signed(world, draw_id, expert_id, decision)
    actor = await world.actor(world.expert_users[expert_id])
    body = {
        "statement": base64.b64encode(statement).decode(),
        "signature": base64.b64encode(signature).decode(),
    }
    return await api.call("POST", f"/api/v1/draws/{draw_id}/answers", actor, body)


async def _seated(api: Api, world: World, draw_id: str) -> list[str]:
    members = await api.call("GET", f"/api/v1/draws/{draw_id}/members", world.supervisor)
    assert members.status_code == 200, members.text
    return [m["expert_id"] for m in members.json()["members"] if m["seated"]]


async def _waiting(api: Api, world: World, draw_id: str) -> list[str]:
    members = await api.call("GET", f"/api/v1/draws/{draw_id}/members", world.supervisor)
    return [
        m["expert_id"]
        for m in members.json()["members"]
        if m["seated"] and m["status"] == "notified"
    ]


async def test_a_draw_with_declines_and_two_replacement_rounds_verifies_from_outside(
    api: Api, world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Fetched over HTTP, transcript and pools pass `etender draw verify`; tampering fails."""
    await _pool(world)
    draw_id = await _committed(api, world)
    assert (await _entropy(api, world.supervisor, draw_id, 0)).json()["status"] == "drawing"
    first = await _seated(api, world, draw_id)
    assert (await _answer(api, world, draw_id, first[0], Decision.DECLINE)).status_code == 200
    assert (await _answer(api, world, draw_id, first[4], Decision.DECLINE)).status_code == 200
    assert (await _entropy(api, world.supervisor, draw_id, 1)).status_code == 200
    second = await _seated(api, world, draw_id)
    newcomer = next(x for x in second if x not in first)
    assert (await _answer(api, world, draw_id, newcomer, Decision.DECLINE)).status_code == 200
    assert (await _entropy(api, world.supervisor, draw_id, 2)).status_code == 200
    for expert_id in await _waiting(api, world, draw_id):
        assert (await _answer(api, world, draw_id, expert_id, Decision.CONFIRM)).status_code == 200
    status = (await api.call("GET", f"/api/v1/draws/{draw_id}", world.agency_actor)).json()
    assert status["status"] == "complete"
    assert [s["confirmed"] for s in status["seats"]] == [3, 2]
    transcript = await api.call("GET", f"/api/v1/draws/{draw_id}/transcript", world.supervisor)
    pools = await api.call("GET", f"/api/v1/draws/{draw_id}/pools", world.supervisor)
    doc = transcript.json()
    assert list(doc) == [
        "algorithm",
        "draw_id",
        "categories",
        "pool_digests",
        "pool_sizes",
        "seed_commitment",
        "commit_hash",
        "commit_log_index",
        "rounds",
        "shortfalls",
        "platform_seed",
    ]
    assert doc["platform_seed"] is not None
    assert [len(rd["picks"]) for rd in doc["rounds"]] == [5, 2, 1]
    assert set(pools.json()) == {"pools"}
    (tmp_path / "t.json").write_text(transcript.text)
    (tmp_path / "p.json").write_text(pools.text)  # exactly as served
    assert etender(["draw", "verify", str(tmp_path / "t.json"), str(tmp_path / "p.json")]) == 0
    # Order and inclusion from the transcript alone: each contribution's entry is logged
    # after the commit and names it (issue 9, item 2).
    logged = [x for rd in doc["rounds"] for x in rd["entropy_log_indexes"]]
    assert [len(rd["entropy_log_indexes"]) for rd in doc["rounds"]] == [1, 1, 1]
    assert doc["commit_log_index"] < logged[0] < logged[1] < logged[2]
    for index in logged:
        raw = await api.conn.fetchval("SELECT entry FROM log_entries WHERE idx = $1", index)
        entry = LogEntry.from_bytes(raw)
        assert entry.kind == "draw.entropy_contributed"
        assert entry.data["commit_hash"] == doc["commit_hash"]
        assert entry.data["checkpoint_size"] > doc["commit_log_index"]
    swapped = json.loads(transcript.text)
    swapped["rounds"][0]["entropy_log_indexes"] = [doc["commit_log_index"] - 1]
    (tmp_path / "t.json").write_text(json.dumps(swapped))
    assert etender(["draw", "verify", str(tmp_path / "t.json"), str(tmp_path / "p.json")]) == 1
    assert "log_order_invalid round 0" in capsys.readouterr().out
    doc["rounds"][1]["picks"][0]["expert_id"] = first[1]
    (tmp_path / "t.json").write_text(json.dumps(doc))
    assert etender(["draw", "verify", str(tmp_path / "t.json"), str(tmp_path / "p.json")]) == 1
    assert "pick_mismatch round 1" in capsys.readouterr().out


async def test_steering_attempts_are_refused(api: Api, world: World) -> None:
    """No supervisor entropy, short entropy, early entropy, stale entropy, no approval."""
    await _pool(world)
    tender = await api.tender(world)
    bad = _request_body(world, tender_id=tender, entropy_roles=["agency"])
    refused = await api.call("POST", "/api/v1/draws", world.agency_actor, bad)
    assert refused.json()["error"]["code"] == "draw_request_invalid"
    body = _request_body(world, tender_id=tender)
    created = await api.call("POST", "/api/v1/draws", world.agency_actor, body)
    draw_id = created.json()["id"]
    early = await _entropy(api, world.supervisor, draw_id, 0)
    assert (early.status_code, early.json()["error"]["code"]) == (422, "draw_not_committed")
    await api.call("POST", f"/api/v1/draws/{draw_id}/prepare", world.centre_staff)
    await api.call("POST", f"/api/v1/draws/{draw_id}/commit", world.centre_staff)
    short = await _entropy(api, world.supervisor, draw_id, 0, "ab" * 15)
    assert short.json()["error"]["code"] == "draw_entropy_too_short"
    agency = await _entropy(api, world.agency_actor, draw_id, 0)
    assert agency.json()["error"]["code"] == "draw_entropy_role_invalid"
    other = await _entropy(api, world.other_supervisor, draw_id, 0)
    assert other.status_code == 403
    used = fresh_entropy()
    assert (await _entropy(api, world.supervisor, draw_id, 0, used)).status_code == 200
    again = await _entropy(api, world.supervisor, draw_id, 0)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "draw_round_conflict")
    nothing = await _entropy(api, world.supervisor, draw_id, 1)
    assert nothing.json()["error"]["code"] == "draw_round_invalid"  # no decline to refill
    first = await _seated(api, world, draw_id)
    await _answer(api, world, draw_id, first[0], Decision.DECLINE)
    by_agency = await _entropy(api, world.agency_actor, draw_id, 1)
    assert by_agency.json()["error"]["code"] == "draw_entropy_missing"
    stale = await _entropy(api, world.supervisor, draw_id, 1, used)
    assert stale.json()["error"]["code"] == "draw_entropy_reused"
    cancel = {"reason": "会场冲突"}
    no_approval = await api.call(
        "POST", f"/api/v1/draws/{draw_id}/cancel", world.centre_staff, cancel
    )
    assert no_approval.json()["error"]["code"] == "draw_approval_missing"
    approve = await api.call(
        "POST", f"/api/v1/draws/{draw_id}/redraw-approval", world.supervisor, cancel
    )
    assert approve.status_code == 200
    assert (
        await api.call("POST", f"/api/v1/draws/{draw_id}/cancel", world.centre_staff, cancel)
    ).status_code == 200
    again_id = await _committed(api, world)
    second = await api.call("GET", f"/api/v1/draws/{again_id}", world.agency_actor)
    assert second.json()["attempt"] == 2
    second_cancel = await api.call(
        "POST", f"/api/v1/draws/{again_id}/cancel", world.agency_actor, cancel
    )
    assert second_cancel.json()["error"]["code"] == "draw_approval_missing"


async def test_answers_must_be_signed_by_the_drawn_expert(api: Api, world: World) -> None:
    """Unsigned, wrongly signed and someone else's answers are refused; a real one counts."""
    await _pool(world)
    draw_id = await _committed(api, world)
    await _entropy(api, world.supervisor, draw_id, 0)
    seated = await _seated(api, world, draw_id)
    target = seated[0]
    actor = await world.actor(world.expert_users[target])
    statement, _ = signed(world, draw_id, target, Decision.DECLINE)
    path = f"/api/v1/draws/{draw_id}/answers"
    unsigned = {"statement": base64.b64encode(statement).decode(), "signature": ""}
    response = await api.call("POST", path, actor, unsigned)
    assert response.json()["error"]["code"] == "draw_response_signature_invalid"
    other_statement, other_signature = signed(world, draw_id, seated[1], Decision.DECLINE)
    forged = {
        "statement": base64.b64encode(statement).decode(),
        "signature": base64.b64encode(other_signature).decode(),
    }
    response = await api.call("POST", path, actor, forged)
    assert response.json()["error"]["code"] == "draw_response_signature_invalid"
    outsider = next(x for x in world.expert_users if x not in seated)
    stranger = await world.actor(world.expert_users[outsider])
    borrowed = {
        "statement": base64.b64encode(other_statement).decode(),
        "signature": base64.b64encode(other_signature).decode(),
    }
    response = await api.call("POST", path, stranger, borrowed)
    assert (response.status_code, response.json()["error"]["code"]) == (
        403,
        "draw_response_forbidden",
    )
    response = await api.call("POST", path, actor, borrowed)  # signed by seated[1], names seated[1]
    assert response.json()["error"]["code"] == "draw_response_signer_mismatch"
    ok = await _answer(api, world, draw_id, target, Decision.DECLINE)
    assert ok.json()["status"] == "declined"
    twice = await _answer(api, world, draw_id, target, Decision.CONFIRM)
    assert (twice.status_code, twice.json()["error"]["code"]) == (409, "draw_response_conflict")


async def test_the_list_is_sealed_until_the_award(api: Api, world: World) -> None:
    """Agency, bidder and an unrelated expert get 403 on names, transcript and pools."""
    await _pool(world)
    draw_id = await _committed(api, world)
    await _entropy(api, world.supervisor, draw_id, 0)
    for expert_id in await _seated(api, world, draw_id):
        await _answer(api, world, draw_id, expert_id, Decision.CONFIRM)
    seated = await _seated(api, world, draw_id)
    outsider = next(x for x in world.expert_users if x not in seated)
    unrelated = await world.actor(world.expert_users[outsider])
    member = await world.actor(world.expert_users[seated[0]])
    for who in (
        world.agency_actor,
        world.bidder,
        unrelated,
        world.centre_staff,
        member,
        world.other_supervisor,
    ):
        for view in ("members", "transcript", "pools", "transcript.pdf"):
            response = await api.call("GET", f"/api/v1/draws/{draw_id}/{view}", who)
            assert response.status_code == 403, (who.username, view)
    anonymous = await api.call("GET", f"/api/v1/draws/{draw_id}/transcript", None)
    assert anonymous.status_code == 401
    counts = await api.call("GET", f"/api/v1/draws/{draw_id}", world.agency_actor)
    assert seated[0] not in counts.text
    assert (await api.call("GET", f"/api/v1/draws/{draw_id}", world.bidder)).status_code == 403
    # At sign-in the committee sees its own list.
    signed_in = await api.call(
        "POST",
        f"/api/v1/draws/{draw_id}/attendance",
        member,
        {"expert_id": seated[0], "event": "signed_in"},
    )
    assert signed_in.status_code == 422  # the session is days away: sign-in not open yet
    # No route publishes the list (issue 9, item 4): only the tender's result does.
    route = await api.call("POST", f"/api/v1/draws/{draw_id}/publish", world.supervisor)
    assert route.status_code == 404
    for view in ("members", "transcript", "pools"):
        assert (await api.call("GET", f"/api/v1/draws/{draw_id}/{view}", None)).status_code == 401
    await service_close.publish_after_award(api.conn, None, draw_id)  # the result's use case
    assert (await api.call("GET", f"/api/v1/draws/{draw_id}/transcript", None)).status_code == 200
    # Issue 13, item 3: the pools stay with the supervisors and the public reads the
    # seated members' names in the draw's publication, never the whole sealed list.
    for view in ("members", "pools"):
        assert (await api.call("GET", f"/api/v1/draws/{draw_id}/{view}", None)).status_code == 401
        after = await api.call("GET", f"/api/v1/draws/{draw_id}/{view}", world.bidder)
        assert after.status_code == 403
    pdf = await api.call("GET", f"/api/v1/draws/{draw_id}/transcript.pdf", None)
    assert pdf.content.startswith(b"%PDF")


async def test_the_statement_to_sign_is_the_same_on_every_load(
    api: Api, world: World, conn: Any
) -> None:
    """Reloading the invitations never changes the bytes to sign (issue 9, item 20).

    The notice is dated an hour back, so a statement stamped with the request's time
    would differ from one stamped with the notice's.
    """
    await _pool(world)
    draw_id = await _committed(api, world)
    await _entropy(api, world.supervisor, draw_id, 0)
    expert_id = (await _seated(api, world, draw_id))[0]
    await conn.execute(
        "UPDATE draw_notifications SET created_at = created_at - interval '1 hour'"
        " WHERE draw_id = $1",
        draw_id,
    )
    actor = await world.actor(world.expert_users[expert_id])
    loads = [
        (await api.call("GET", "/api/v1/expert-invitations", actor)).json()["items"][0]
        for _ in range(2)
    ]
    assert loads[0]["confirm_statement"] == loads[1]["confirm_statement"]
    assert loads[0]["decline_statement"] == loads[1]["decline_statement"]
    statement = json.loads(base64.b64decode(loads[0]["confirm_statement"]))
    sent = dt.datetime.fromisoformat(loads[0]["sent_at"]).astimezone(dt.UTC)
    assert statement["issued_at"] == sent.strftime("%Y-%m-%dT%H:%M:%SZ")


async def test_the_entropy_command_checks_the_commit_proof_before_it_sends(
    api: Api,
    world: World,
    live_server: LiveServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`etender draw entropy --server` sends nothing unless the signed checkpoint includes
    the commit entry, with the pinned log key and each named witness (issue 9, item 2)."""
    await _pool(world)
    draw_id = await _committed(api, world)
    await sign_checkpoint(api.conn, services(api.app).log_identity)
    await api.headers(world.supervisor)
    monkeypatch.setenv("ETENDER_TOKEN", api.tokens[world.supervisor.username])
    log_vkey = services(api.app).log_identity.signer.verifier().to_vkey()
    args = ["draw", "entropy", "--server", live_server.url, "--draw", draw_id, "--wait", "0"]
    stranger = Cosigner(name="witness.example/absent", private_key=generate_private_key())
    other_log = Ed25519Signer(
        name=services(api.app).log_identity.origin, private_key=generate_private_key()
    )
    for extra, why in (
        (["--log-key", log_vkey, "--witness", stranger.verifier().to_vkey()], "did not cosign"),
        (["--log-key", other_log.verifier().to_vkey()], "does not verify"),
    ):
        assert await asyncio.to_thread(etender, [*args, *extra]) == 1
        assert why in capsys.readouterr().err
    assert (await queries_rounds.entropy(api.conn, draw_id)) == []
    assert await asyncio.to_thread(etender, [*args, "--log-key", log_vkey]) == 0
    status = await api.call("GET", f"/api/v1/draws/{draw_id}", world.supervisor)
    assert status.json()["status"] == "drawing"
    # The same check refuses a proof doctored on the way.
    doc = (await api.call("GET", f"/api/v1/draws/{draw_id}/commit", world.supervisor)).json()
    assert doc["inclusion"]
    check_commit_proof(doc, draw_id=draw_id, log_vkey=log_vkey)
    for doctored in (
        doc | {"commit_hash": "ab" * 32},
        doc | {"inclusion": [doc["inclusion"][0], *doc["inclusion"]]},
        doc | {"log_index": doc["log_index"] - 1},
    ):
        with pytest.raises(DrawCommitProofInvalid):
            check_commit_proof(doctored, draw_id=draw_id, log_vkey=log_vkey)
    with pytest.raises(DrawCommitProofInvalid):
        check_commit_proof(doc, draw_id="D-0000000000000000", log_vkey=log_vkey)


async def test_a_signed_entropy_statement_names_the_commit_and_is_kept(
    api: Api,
    world: World,
    pool_ca: DemoCA,
    live_server: LiveServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """`etender draw entropy --cert --key` signs the statement naming draw, round, value,
    commit_hash and checkpoint; the server checks it against the contributor's registered
    certificate, keeps the signature and logs the statement's hash (issue 9, item 2)."""
    await _pool(world)
    draw_id = await _committed(api, world)
    await sign_checkpoint(api.conn, services(api.app).log_identity)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    mine = issue_identity(pool_ca, name="监督员", now=now)
    other = issue_identity(pool_ca, name="他人", now=now)
    der = mine.certificate.public_bytes(Encoding.DER)
    sha = cert_sha256(mine.certificate)
    await key_queries.replace_certificate(api.conn, world.supervisor.user_id, sha, der, "监督员")
    doc = (await api.call("GET", f"/api/v1/draws/{draw_id}/commit", world.supervisor)).json()
    statement = EntropyStatement(
        draw_id=draw_id,
        round=0,
        entropy=fresh_entropy(),
        commit_hash=doc["commit_hash"],
        checkpoint_size=doc["checkpoint_size"],
    )
    path = f"/api/v1/draws/{draw_id}/entropy"
    fields = {"round": 0, "commit_hash": doc["commit_hash"]} | {
        "checkpoint_size": doc["checkpoint_size"]
    }

    def signed(s: EntropyStatement, who: Any) -> dict[str, str]:
        return {
            "statement": base64.b64encode(s.to_bytes()).decode(),
            "signature": base64.b64encode(s.sign(who.certificate, who.key, who.chain)).decode(),
        }

    for body in (
        fields | {"entropy": statement.entropy} | signed(statement, other),  # not registered
        fields | {"entropy": fresh_entropy()} | signed(statement, mine),  # another value
    ):
        refused = await api.call("POST", path, world.supervisor, body)
        assert refused.json()["error"]["code"] == "draw_entropy_statement_invalid", refused.text
    assert await queries_rounds.entropy(api.conn, draw_id) == []
    (tmp_path / "me.crt").write_bytes(dump_pem_certificate(mine.certificate))
    (tmp_path / "me.key").write_bytes(dump_pem_private_key(mine.key))
    (tmp_path / "chain.pem").write_bytes(b"".join(dump_pem_certificate(c) for c in mine.chain))
    await api.headers(world.supervisor)
    monkeypatch.setenv("ETENDER_TOKEN", api.tokens[world.supervisor.username])
    args = [
        "draw", "entropy", "--server", live_server.url, "--draw", draw_id, "--wait", "0",
        "--log-key", services(api.app).log_identity.signer.verifier().to_vkey(),
        "--cert", str(tmp_path / "me.crt"), "--key", str(tmp_path / "me.key"),
        "--chain", str(tmp_path / "chain.pem"),
    ]  # fmt: skip
    assert await asyncio.to_thread(etender, args) == 0
    raw = await api.conn.fetchval(
        "SELECT entry FROM log_entries WHERE kind = 'draw.entropy_contributed'"
    )
    data = LogEntry.from_bytes(raw).data
    assert data["signer_cert_sha256"] == sha
    kept = await api.conn.fetchval("SELECT statement_signature FROM draw_entropy")
    value = data["entropy"]
    again = EntropyStatement(
        draw_id=draw_id,
        round=0,
        entropy=value,
        commit_hash=doc["commit_hash"],
        checkpoint_size=data["checkpoint_size"],
    )
    assert data["statement_sha256"] == hashlib.sha256(again.to_bytes()).hexdigest()
    assert verify_detached(again.to_bytes(), kept, pool_ca.trust_store(), dt.datetime.now(dt.UTC))
