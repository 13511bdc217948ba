"""The notifications API over HTTP (docs/notifications.md): one's own contacts, masked;
bad input refused with its code and nothing written; failures for centre staff only."""

from __future__ import annotations

import asyncpg
import httpx

from tests.tender.world import World
from tests.web.tender.http_kit import (
    bearer,
    fixture_http_ca,  # noqa: F401
    fixture_settings,  # noqa: F401
    fixture_tokens,  # noqa: F401
    fixture_web_world,  # noqa: F401
)

CONTACTS = "/api/v1/me/notification-contacts"


async def test_a_person_sets_reads_and_removes_their_own_contacts(
    client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    me = bearer(tokens["bidder1"])
    put = await client.put(f"{CONTACTS}/sms", json={"address": "13912345678"}, headers=me)
    assert put.status_code == 200, put.text
    assert (put.json()["channel"], put.json()["address"]) == ("sms", "*******5678")
    listed = await client.get(CONTACTS, headers=me)
    assert [c["address"] for c in listed.json()["items"]] == ["*******5678"]
    other = await client.get(CONTACTS, headers=bearer(tokens["bidder2"]))
    assert other.json()["items"] == []
    assert (await client.delete(f"{CONTACTS}/sms", headers=me)).status_code == 204
    gone = await client.delete(f"{CONTACTS}/sms", headers=me)
    assert (gone.status_code, gone.json()["error"]["code"]) == (
        404,
        "notification_contact_not_found",
    )


async def test_a_bad_address_or_channel_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, tokens: dict[str, str], pool: asyncpg.Pool
) -> None:
    me = bearer(tokens["bidder1"])
    landline = await client.put(f"{CONTACTS}/sms", json={"address": "0563-1234567"}, headers=me)
    unknown = await client.put(f"{CONTACTS}/fax", json={"address": "1"}, headers=me)
    extra = await client.put(f"{CONTACTS}/sms", json={"address": "13912345678", "x": 1}, headers=me)
    assert (landline.status_code, landline.json()["error"]["code"]) == (
        422,
        "notification_contact_invalid",
    )
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (
        422,
        "notification_channel_unknown",
    )
    assert extra.status_code == 422
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM notification_contacts") == 0
    assert (await client.get(CONTACTS)).status_code == 401


async def test_failed_deliveries_are_listed_for_centre_staff_only(
    client: httpx.AsyncClient, tokens: dict[str, str], web_world: World
) -> None:
    staff = await client.get("/api/v1/notifications/failures", headers=bearer(tokens["staff"]))
    assert staff.status_code == 200, staff.text
    assert staff.json() == {"items": []}
    bidder = await client.get("/api/v1/notifications/failures", headers=bearer(tokens["bidder1"]))
    assert (bidder.status_code, bidder.json()["error"]["code"]) == (403, "permission_denied")
