"""The black list refuses a party at the three acts (issue 14, item 2, "Must show"): a
blacklisted bidder is refused at submission, over the real HTTP route, with the reason
and the entry it rests on; the refusal and the entry are in the log; nothing is written."""

from __future__ import annotations

import base64
import datetime as dt
import uuid

import asyncpg
import httpx

from accounts.model import Role
from supervision.credit import service as credit
from tender import service
from tender.queries import database_now
from tests.accounts.factory import PASSWORD, make_user, new_credit_code
from tests.supervision.credit.kit import BASIS, blacklist, logged
from tests.tender.submission.kit import bidder, sign_submit
from tests.tender.world import World, fast_draft, published_tender
from tests.web.tender.http_kit import (
    bearer,
    fixture_http_ca,  # noqa: F401
    fixture_settings,  # noqa: F401
    fixture_tokens,  # noqa: F401
    fixture_web_world,  # noqa: F401
)

_BODY = {
    "statement": base64.b64encode(b"{}").decode(),
    "signature": base64.b64encode(b"x").decode(),
}


async def test_a_blacklisted_bidder_is_refused_at_submission_with_the_reason_and_the_entry(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    async with pool.acquire() as conn:
        tender = await published_tender(conn, web_world)
        entry = await blacklist(conn, web_world.supervisor, web_world.bidder_orgs[0].id)
        bids_before = await conn.fetchval("SELECT count(*) FROM bids")
    refused = await client.post(
        f"/api/v1/tenders/{tender.id}/lots/1/bid", json=_BODY, headers=bearer(tokens["bidder1"])
    )
    assert refused.status_code == 403, refused.text
    error = refused.json()["error"]
    assert error["code"] == "party_blacklisted"
    assert str(entry.id) in error["message"]
    assert BASIS in error["message"]
    assert error["details"]["entry_id"] == str(entry.id)
    assert error["details"]["basis"] == BASIS
    assert error["details"]["action"] == "submit_bid"
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM bids") == bids_before
        entered = await logged(conn, "credit.list_entered")
        refusals = await logged(conn, "credit.blacklisted_refused")
    assert [e["subject"]["id"] for e in entered] == [str(entry.id)]
    assert entered[0]["data"]["basis"] == BASIS
    assert entered[0]["data"]["list"] == "black"
    assert [(e["subject"]["id"], e["data"]["action"]) for e in refusals] == [
        (str(entry.id), "submit_bid")
    ]
    assert refusals[0]["actor"] == {"user_id": str(web_world.bidders[0].user_id), "role": "bidder"}
    # The other bidder, on no list, is not refused by the gate (its statement is bad).
    other = await client.post(
        f"/api/v1/tenders/{tender.id}/lots/1/bid", json=_BODY, headers=bearer(tokens["bidder2"])
    )
    assert other.json()["error"]["code"] != "party_blacklisted"


async def test_a_blacklisted_bidder_is_refused_the_documents_and_no_download_is_recorded(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    async with pool.acquire() as conn:
        tender = await published_tender(conn, web_world)
        entry = await blacklist(conn, web_world.supervisor, web_world.bidder_orgs[0].id)
        version_id = await conn.fetchval(
            "SELECT id FROM tender_document_versions WHERE tender_id = $1 LIMIT 1", tender.id
        )
    version = version_id or uuid.uuid4()
    refused = await client.post(
        f"/api/v1/tenders/{tender.id}/documents/{version}/download",
        headers=bearer(tokens["bidder1"]),
    )
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["details"]["entry_id"] == str(entry.id)
    async with pool.acquire() as conn:
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM tender_downloads WHERE tender_id = $1", tender.id
            )
            == 0
        )
        refusals = await logged(conn, "credit.blacklisted_refused")
    assert [e["data"]["action"] for e in refusals] == ["download_documents"]


async def test_a_red_or_ended_or_future_entry_refuses_nobody(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """Only a black entry in force refuses: one that starts tomorrow does not yet."""
    async with pool.acquire() as conn:
        tender = await published_tender(conn, web_world)
        await blacklist(
            conn, web_world.supervisor, web_world.bidder_orgs[0].id,
            starts_in=dt.timedelta(days=1),
        )  # fmt: skip
    answer = await client.post(
        f"/api/v1/tenders/{tender.id}/lots/1/bid", json=_BODY, headers=bearer(tokens["bidder1"])
    )
    assert answer.json()["error"]["code"] != "party_blacklisted"
    async with pool.acquire() as conn:
        assert await logged(conn, "credit.blacklisted_refused") == []


async def test_a_party_on_an_authoritys_black_list_is_refused_when_it_registers(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World
) -> None:
    """An authority's list names a credit code not registered yet: registering it is refused
    (nothing created), registering another code is not."""
    code = new_credit_code()
    async with pool.acquire() as conn:
        await make_user(conn, web_world.centre, Role.SYSTEM_ADMIN, username="sysadmin")
        now = await database_now(conn)
        entry = await credit.enter_list(
            conn, web_world.supervisor, list_kind="black", credit_code=code, source="authority",
            basis="列入严重失信主体名单", basis_ref="信用中国 2026-0001",
            starts_at=now - dt.timedelta(days=1), ends_at=now + dt.timedelta(days=700), now=now,
        )  # fmt: skip
    login = await client.post(
        "/api/v1/auth/login", json={"username": "sysadmin", "password": PASSWORD}
    )
    auth = bearer(login.json()["token"])
    body = {"credit_code": code, "name": "失信建设有限公司", "kind": "bidder"}
    refused = await client.post("/api/v1/organisations", json=body, headers=auth)
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["code"] == "party_blacklisted"
    assert refused.json()["error"]["details"]["entry_id"] == str(entry.id)
    async with pool.acquire() as conn:
        assert (
            await conn.fetchval("SELECT count(*) FROM organisations WHERE credit_code = $1", code)
            == 0
        )
        refusals = await logged(conn, "credit.blacklisted_refused")
    assert [(e["data"]["action"], e["actor"]["role"]) for e in refusals] == [
        ("register", "system_admin")
    ]
    other = {"credit_code": new_credit_code(), "name": "守信建设有限公司", "kind": "bidder"}
    assert (await client.post("/api/v1/organisations", json=other, headers=auth)).status_code == 201


async def test_the_notice_pages_download_refuses_a_blacklisted_bidder_with_a_page(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """The notice page's download button (a form) is refused too: a 403 page naming the
    code, no download recorded."""
    async with pool.acquire() as conn:
        tender = await published_tender(conn, web_world)
        await blacklist(conn, web_world.supervisor, web_world.bidder_orgs[0].id)
    refused = await client.post(
        f"/tenders/{tender.id}/documents/{uuid.uuid4()}/download",
        headers=bearer(tokens["bidder1"]),
    )
    assert refused.status_code == 403
    assert 'data-code="party_blacklisted"' in refused.text
    assert BASIS in refused.text
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM tender_downloads") == 0


async def test_a_bid_naming_a_blacklisted_consortium_member_is_refused(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """A consortium member is a party to the bid: the lead's bid is refused, naming the
    member's entry; nothing written."""
    member = web_world.bidder_orgs[1]
    async with pool.acquire() as conn:
        tender = await published_tender(conn, web_world)
        entry = await blacklist(conn, web_world.supervisor, member.id)
    signed = sign_submit(tender, bidder(web_world, 0), {"main": "0" * 64},
                         consortium=(member.credit_code,))  # fmt: skip
    body = {
        "statement": base64.b64encode(signed.body).decode(),
        "signature": base64.b64encode(signed.signature).decode(),
    }
    refused = await client.post(
        f"/api/v1/tenders/{tender.id}/lots/1/bid", json=body, headers=bearer(tokens["bidder1"])
    )
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["details"]["entry_id"] == str(entry.id)
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM bids") == 0


async def test_a_blacklisted_bidder_learns_nothing_of_a_draft_tender(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """A draft's documents: 404 as for an unknown id, before any refusal says the tender
    exists (outside tester: party_blacklisted answered for a draft); nothing logged."""
    async with pool.acquire() as conn:
        draft = await service.create_draft(
            conn, web_world.agency, await fast_draft(conn, web_world)
        )
        await blacklist(conn, web_world.supervisor, web_world.bidder_orgs[0].id)
    answer = await client.post(
        f"/api/v1/tenders/{draft.id}/documents/{uuid.uuid4()}/download",
        headers=bearer(tokens["bidder1"]),
    )
    assert (answer.status_code, answer.json()["error"]["code"]) == (404, "tender_not_found")
    async with pool.acquire() as conn:
        assert await logged(conn, "credit.blacklisted_refused") == []
