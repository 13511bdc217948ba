"""The archive over HTTP: centre staff make it on demand once the procedure has ended;
the centre, the supervising department and the agency download it; nobody else."""

from __future__ import annotations

import hashlib

import asyncpg
import httpx

from signing.archive.supplement import verify_supplement
from signing.archive.verify import verify_package
from tender import lifecycle
from tender.archive import service
from tender.model import TenderStatus
from tender.submission.receipts import load_or_create
from tests.evaluation.kit import Template
from tests.web.evaluation.http import code, get, login
from web.settings import Settings


def url(template: Template) -> str:
    return f"/api/v1/tenders/{template.scenario.tender.id}/archive"


async def end(conn: asyncpg.Connection, template: Template) -> None:
    tender_id = template.scenario.tender.id
    await lifecycle.change_status(conn, tender_id, TenderStatus.FAILED, reason="测试：流标")


async def test_centre_staff_make_the_package_and_readers_download_it(
    client: httpx.AsyncClient, conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    await end(conn, evaluation_template)
    made = await client.post(url(evaluation_template), headers=await login(client, "staff"))
    assert made.status_code == 201, made.text
    for who in ("staff", "supervisor", "agent"):
        got = await get(client, url(evaluation_template), who)
        assert got.status_code == 200, (who, got.text)
        assert got.headers["content-type"] == "application/x-tar"
        assert got.headers["x-archive-sha256"] == made.json()["sha256"]
        assert hashlib.sha256(got.content).hexdigest() == made.json()["sha256"]
    verify_package(got.content)
    status = await conn.fetchval(
        "SELECT status FROM tenders WHERE id = $1", evaluation_template.scenario.tender.id
    )
    assert status == "archived"


async def test_a_bidder_and_another_agency_may_not_download_it(
    client: httpx.AsyncClient, conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    await end(conn, evaluation_template)
    made = await client.post(url(evaluation_template), headers=await login(client, "staff"))
    assert made.status_code == 201, made.text
    bidder = evaluation_template.scenario.bidders[0].actor
    for who in (bidder, "otheragent"):
        assert code(await get(client, url(evaluation_template), who)) == (
            403,
            "permission_denied",
        )


async def test_only_centre_staff_make_it_and_only_at_the_end(
    client: httpx.AsyncClient, conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    early = await client.post(url(evaluation_template), headers=await login(client, "staff"))
    assert code(early) == (409, "tender_archive_not_ended")
    await end(conn, evaluation_template)
    agent = await client.post(url(evaluation_template), headers=await login(client, "agent"))
    assert code(agent) == (403, "permission_denied")
    assert code(await get(client, url(evaluation_template), "staff")) == (
        404,
        "tender_archive_not_found",
    )


async def test_a_supplement_is_served_to_the_packages_readers(
    client: httpx.AsyncClient,
    conn: asyncpg.Connection,
    evaluation_template: Template,
    settings: Settings,
) -> None:
    await end(conn, evaluation_template)
    made = await client.post(url(evaluation_template), headers=await login(client, "staff"))
    assert made.status_code == 201, made.text
    tender_id = evaluation_template.scenario.tender.id
    signer = load_or_create(settings.data_dir)  # the app's platform identity
    _, body = await service.add_supplement(conn, tender_id, {"payments": []}, signer)
    first = await get(client, f"{url(evaluation_template)}/supplements/1", "supervisor")
    assert first.status_code == 200, first.text
    assert first.content == body
    package = (await get(client, url(evaluation_template), "staff")).content
    assert hashlib.sha256(package).hexdigest() == made.json()["sha256"]
    verify_supplement(package, first.content, "supplement-1.tar")
    for missing in ("2", "0", "x"):
        answer = await get(client, f"{url(evaluation_template)}/supplements/{missing}", "staff")
        assert code(answer) == (404, "tender_archive_not_found")
    bidder = evaluation_template.scenario.bidders[0].actor
    refused = await get(client, f"{url(evaluation_template)}/supplements/1", bidder)
    assert code(refused) == (403, "permission_denied")


async def test_a_supplement_with_nothing_new_since_the_package_is_refused_409(
    client: httpx.AsyncClient, conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """No contract, no performance: POST …/supplements makes no empty supplement."""
    await end(conn, evaluation_template)
    staff = await login(client, "staff")
    assert (await client.post(url(evaluation_template), headers=staff)).status_code == 201
    again = await client.post(f"{url(evaluation_template)}/supplements", headers=staff)
    assert code(again) == (409, "tender_archive_supplement_unchanged_conflict")
    assert await conn.fetchval("SELECT count(*) FROM tender_archive_supplements") == 0
