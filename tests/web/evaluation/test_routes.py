"""Opened bid files over HTTP: the committee and supervisors read, everyone else is
refused with a stable code, and every read is in the transparency log. The lot is the
evaluation template's (tests/evaluation/kit.py): its technical parts opened, in the
app's own copy of the opened files."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import cast
from urllib.parse import quote

import asyncpg
import httpx

from tests.evaluation.kit import Template, started
from tests.evaluation.scenario import FILE_NAME, Scenario
from tests.tender.world import entries
from tests.web.evaluation.http import code as _code
from tests.web.evaluation.http import login as _headers
from web.settings import Settings

KIND = "evaluation.bid_file_read"


async def _logged(pool: asyncpg.Pool) -> list[str]:
    """Role and path of every read in the log, oldest first."""
    async with pool.acquire() as proxy:
        found = await entries(cast(asyncpg.Connection, proxy), KIND)
    return [f"{e.actor.role}:{e.data['path']}" for e in found]


async def _start(pool: asyncpg.Pool, template: Template) -> None:
    """The lot's session scheduled and started: its seated members read from then on."""
    async with pool.acquire() as proxy:
        await started(cast(asyncpg.Connection, proxy), template)


async def test_committee_and_supervisor_read_others_are_refused_and_reads_are_logged(
    pool: asyncpg.Pool, evaluation_template: Template, client: httpx.AsyncClient
) -> None:
    """200 for a committee member and the supervisor (bytes match the listed sha256,
    one log entry each); 401/403 for everyone else, even the bidder for its own bid."""
    s = evaluation_template.scenario
    base = f"/api/v1/tenders/{s.tender.id}/lots/1"
    assert _code(await client.get(f"{base}/bid-files")) == (401, "unauthenticated")
    member = await _headers(client, s.committee[0].username)
    # Confirmed in the draw, but no session yet: the committee knows nothing (四不知).
    assert _code(await client.get(f"{base}/bid-files", headers=member)) == (
        403,
        "permission_denied",
    )
    await _start(pool, evaluation_template)
    listing = await client.get(f"{base}/bid-files", headers=member)
    assert listing.status_code == 200, listing.text
    items = listing.json()["items"]
    assert sorted(i["bidder"] for i in items) == sorted(b.org.credit_code for b in s.bidders)
    assert {(i["part"], i["path"]) for i in items} == {("technical", FILE_NAME)}
    own = next(i for i in items if i["bidder"] == s.bidders[0].org.credit_code)
    url = f"{base}/bids/{own['bid_id']}/files/technical/{quote(FILE_NAME)}"
    assert _code(await client.get(url)) == (401, "unauthenticated")
    read = await client.get(url, headers=member)
    assert read.status_code == 200, read.text
    assert hashlib.sha256(read.content).hexdigest() == own["sha256"]
    assert (len(read.content), read.headers["x-content-sha256"]) == (own["size"], own["sha256"])
    assert read.headers["cache-control"] == "no-store"
    supervisor = await _headers(client, "supervisor")
    assert (await client.get(url, headers=supervisor)).content == read.content
    assert (await client.get(f"{base}/bid-files", headers=supervisor)).json()["items"] == items
    assert await _logged(pool) == [f"expert:{FILE_NAME}", f"supervisor:{FILE_NAME}"]
    refused = ["agent", "otheragent", "owner", "staff", "bidder1", "official1",
               s.other_lot_expert.username, s.other_supervisor.username]  # fmt: skip
    for username in refused:
        headers = await _headers(client, username)
        assert _code(await client.get(url, headers=headers)) == (403, "permission_denied")
        listed = await client.get(f"{base}/bid-files", headers=headers)
        assert _code(listed) == (403, "permission_denied")
    assert len(await _logged(pool)) == 2


async def test_sealed_parts_traversals_links_and_unknowns_are_refused_with_their_codes(
    pool: asyncpg.Pool,
    evaluation_template: Template,
    settings: Settings,
    client: httpx.AsyncClient,
) -> None:
    """409 for a sealed commercial part, 422 for a traversal or an absolute path, 404
    for an unlisted file or an unknown tender, lot or bid; a link planted for a listed
    file is never followed: the part is re-derived from its ciphertext and stored key
    (tender/opening/opened.py) and the true file served."""
    s = evaluation_template.scenario
    base = f"/api/v1/tenders/{s.tender.id}/lots/1"
    await _start(pool, evaluation_template)
    member = await _headers(client, s.committee[2].username)
    items = (await client.get(f"{base}/bid-files", headers=member)).json()["items"]
    bid = items[0]["bid_id"]
    files = f"{base}/bids/{bid}/files"
    expected = {
        f"{files}/commercial/{quote(FILE_NAME)}": (409, "bid_part_not_opened_conflict"),
        f"{files}/technical/%2e%2e/technical/manifest.json": (422, "bid_file_path_invalid"),
        f"{files}/technical/..%2Fmanifest.json": (422, "bid_file_path_invalid"),
        f"{files}/technical/%2E%2E%2F%2E%2E%2Fsecret": (422, "bid_file_path_invalid"),
        f"{files}/technical//etc/passwd": (422, "bid_file_path_invalid"),
        f"{files}/technical/manifest.json": (404, "bid_file_not_found"),
        f"{files}/main/{quote(FILE_NAME)}": (404, "bid_part_not_found"),
        f"{base}/bids/{uuid.uuid4()}/files/technical/x": (404, "opened_bid_not_found"),
        f"{base}/bids/not-a-uuid/files/technical/x": (422, "request_invalid"),
        f"/api/v1/tenders/{uuid.uuid4()}/lots/1/bid-files": (404, "tender_not_found"),
        f"/api/v1/tenders/{s.tender.id}/lots/9/bid-files": (404, "tender_lot_not_found"),
    }
    for url, answer in expected.items():
        assert _code(await client.get(url, headers=member)) == answer, url
    planted = _part_dir(settings, s, uuid.UUID(bid)) / "files" / FILE_NAME
    secret = Path(settings.data_dir) / "secret.txt"
    secret.write_bytes(b"s" * items[0]["size"])
    planted.unlink()
    os.symlink(secret, planted)
    assert await _logged(pool) == []
    linked = await client.get(f"{files}/technical/{quote(FILE_NAME)}", headers=member)
    assert linked.status_code == 200
    assert hashlib.sha256(linked.content).hexdigest() == items[0]["sha256"]
    assert not planted.is_symlink()
    assert secret.read_bytes() == b"s" * items[0]["size"]  # nothing written through it


def _part_dir(settings: Settings, s: Scenario, bid: uuid.UUID) -> Path:
    """Where the app's opening put the part (``<data dir>/opened``)."""
    return settings.data_dir / "opened" / str(s.tender.id) / "1" / str(bid) / "technical"
