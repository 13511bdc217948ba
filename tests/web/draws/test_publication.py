"""The award publishes the tender's draws, and only the award (issue 13, item 3; the
holes issue): seed, picks, pool digests and the seated members' names, readable by
anyone afterwards and by nobody as public data before; the pools stay with the
supervisors; the published transcript still passes ``etender draw verify``."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import uuid
from pathlib import Path

import asyncpg
import httpx

from expert_pool.draws.model import seated_experts
from expert_pool.publication.service import publish_draws
from expert_pool.views import service as views
from signing.draw.transcript import Transcript
from tests.evaluation.kit import Template
from tests.tender.world import entries
from tests.web.evaluation.http import get

ROOT = Path(__file__).resolve().parents[3]
NOW = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)


async def _draw_id(conn: asyncpg.Connection, template: Template) -> str:
    tender = template.scenario.tender
    found: str = await conn.fetchval(
        "SELECT id FROM draws WHERE tender_id = $1 AND status = 'complete'", str(tender.id)
    )
    return found


async def test_nothing_of_the_draw_is_public_before_the_award(
    client: httpx.AsyncClient, conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Before the award: no publication, no transcript, no names, no pools for the public."""
    tender = evaluation_template.scenario.tender
    draw_id = await _draw_id(conn, evaluation_template)
    listed = await client.get(f"/api/v1/tenders/{tender.id}/draw-publications")
    assert listed.status_code == 200
    assert listed.json() == {"items": []}
    unknown = await client.get(f"/api/v1/tenders/{uuid.uuid4()}/draw-publications")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "tender_not_found")
    one = await client.get(f"/api/v1/draws/{draw_id}/publication")
    assert one.status_code == 404
    assert one.json()["error"]["code"] == "draw_not_found"
    for view in ("transcript", "members", "pools"):
        assert (await client.get(f"/api/v1/draws/{draw_id}/{view}")).status_code == 401
    bidder = evaluation_template.scenario.world.bidders[0]
    for view in ("transcript", "members", "pools"):
        assert (await get(client, f"/api/v1/draws/{draw_id}/{view}", bidder)).status_code == 403


async def test_the_award_publishes_seed_picks_digests_and_the_seated_names(
    client: httpx.AsyncClient, conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The published document: the seed revealed, every pick, the pool digests and the
    seated experts' names — and not the pools; its SHA-256 is logged."""
    tender = evaluation_template.scenario.tender
    draw_id = await _draw_id(conn, evaluation_template)
    async with conn.transaction():  # the award's transaction
        assert await publish_draws(conn, tender.id, NOW) == [draw_id]
    listed = (await client.get(f"/api/v1/tenders/{tender.id}/draw-publications")).json()
    [item] = listed["items"]
    response = await client.get(f"/api/v1/draws/{draw_id}/publication")
    assert response.status_code == 200
    assert item["sha256"] == hashlib.sha256(response.content).hexdigest()
    doc = response.json()
    assert (doc["type"], doc["format"], doc["draw_id"]) == ("etender.draw-publication", 1, draw_id)
    transcript = Transcript.from_json(json.dumps(doc["transcript"]))
    assert transcript.platform_seed is not None
    assert transcript.rounds
    assert set(transcript.pool_digests) == {c.label for c in transcript.categories}
    seated = list(seated_experts(transcript))
    assert len(seated) == len(evaluation_template.scenario.committee)
    assert [m["expert_id"] for m in doc["members"]] == seated
    rows = await conn.fetch("SELECT id, name FROM experts WHERE id = ANY($1::text[])", seated)
    assert {m["expert_id"]: m["name"] for m in doc["members"]} == {r["id"]: r["name"] for r in rows}
    assert "pools" not in doc
    pools = await views.pools(conn, evaluation_template.scenario.world.supervisor, draw_id)
    for ids in pools.values():  # no eligible-but-unpicked expert is named anywhere
        unpicked = set(ids) - {p.expert_id for rd in transcript.rounds for p in rd.picks}
        assert not any(x in response.text for x in unpicked)
    [logged] = await entries(conn, "draw.publication_stored")
    assert logged.data == {"draw_id": draw_id, "sha256": item["sha256"]}
    # The pools stay a supervisor's read after the award too.
    assert (await client.get(f"/api/v1/draws/{draw_id}/pools")).status_code == 401
    bidder = evaluation_template.scenario.world.bidders[0]
    assert (await get(client, f"/api/v1/draws/{draw_id}/pools", bidder)).status_code == 403
    assert (await get(client, f"/api/v1/draws/{draw_id}/members", bidder)).status_code == 403
    # Attendance (who was late, who was absent) is not part of what the award publishes.
    assert (await get(client, f"/api/v1/draws/{draw_id}/attendance", bidder)).status_code == 403
    assert (await client.get(f"/api/v1/draws/{draw_id}/transcript")).status_code == 200


async def test_publishing_again_changes_nothing(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """A second call (a later award of another lot) leaves the document and the log as is."""
    tender = evaluation_template.scenario.tender
    draw_id = await _draw_id(conn, evaluation_template)
    assert await publish_draws(conn, tender.id, NOW) == [draw_id]
    before = await conn.fetchval("SELECT body FROM draw_publications WHERE draw_id = $1", draw_id)
    assert await publish_draws(conn, tender.id, NOW + dt.timedelta(days=1)) == []
    after = await conn.fetchval("SELECT body FROM draw_publications WHERE draw_id = $1", draw_id)
    assert before == after
    assert len(await entries(conn, "draw.publication_stored")) == 1
    assert len(await entries(conn, "draw.published")) == 1


async def test_etender_draw_verify_verifies_the_published_transcript(
    client: httpx.AsyncClient,
    conn: asyncpg.Connection,
    evaluation_template: Template,
    tmp_path: Path,
) -> None:
    """The published transcript and the supervisor's pools pass `etender draw verify`;
    a changed pick in the published transcript fails it (docs/formats/draw.md §13)."""
    tender = evaluation_template.scenario.tender
    draw_id = await _draw_id(conn, evaluation_template)
    await publish_draws(conn, tender.id, NOW)
    doc = (await client.get(f"/api/v1/draws/{draw_id}/publication")).json()
    pools = await views.pools(conn, evaluation_template.scenario.world.supervisor, draw_id)
    (tmp_path / "t.json").write_text(json.dumps(doc["transcript"]))
    (tmp_path / "p.json").write_text(json.dumps({k: list(v) for k, v in pools.items()}))
    command = [str(ROOT / ".venv" / "bin" / "python"), "-m", "web.cli.main", "draw", "verify",
               str(tmp_path / "t.json"), str(tmp_path / "p.json")]  # fmt: skip
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "all match" in run.stdout
    first = doc["transcript"]["rounds"][0]["picks"][0]
    others = [x for ids in pools.values() for x in ids if x != first["expert_id"]]
    first["expert_id"] = others[0]
    (tmp_path / "t.json").write_text(json.dumps(doc["transcript"]))
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "pick_mismatch" in run.stdout
