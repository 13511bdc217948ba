"""The notification pages over HTTP: a person sets and removes their own addresses
through forms; a bad address shows the page's message in its language and stores
nothing; undelivered notifications are shown to centre staff only."""

from __future__ import annotations

import re

import asyncpg
import httpx

from tests.accounts.factory import PASSWORD
from tests.tender.world import World
from tests.web.tender.http_kit import (
    fixture_http_ca,  # noqa: F401
    fixture_settings,  # noqa: F401
    fixture_web_world,  # noqa: F401
)
from web.notifications import i18n as i18n_notifications

HIDDEN_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def sign_in(client: httpx.AsyncClient, username: str) -> str:
    """Log in through the form; the session's CSRF token of the contacts page."""
    form = await client.get("/login")
    match = HIDDEN_CSRF.search(form.text)
    assert match is not None
    answer = await client.post(
        "/login", data={"csrf_token": match[1], "username": username, "password": PASSWORD}
    )
    assert answer.status_code == 303
    token = HIDDEN_CSRF.search((await client.get("/me/notifications")).text)
    assert token is not None
    return token[1]


def test_every_text_has_chinese_and_english() -> None:
    texts = i18n_notifications.catalogue().values()
    assert all(len(pair) == 2 and all(pair) and pair[0] != pair[1] for pair in texts)


async def test_a_person_sets_and_removes_an_address_through_the_forms(
    client: httpx.AsyncClient, web_world: World
) -> None:
    csrf = await sign_in(client, "bidder1")
    saved = await client.post(
        "/me/notifications/sms", data={"csrf_token": csrf, "address": "13912345678"}
    )
    assert (saved.status_code, saved.headers["location"]) == (303, "/me/notifications?done=saved")
    page = await client.get("/me/notifications?done=saved")
    assert "当前：*******5678" in page.text
    assert "13912345678" not in page.text
    assert "已保存。" in page.text
    removed = await client.post("/me/notifications/sms/delete", data={"csrf_token": csrf})
    assert removed.status_code == 303
    assert "*******5678" not in (await client.get("/me/notifications")).text


async def test_a_bad_address_shows_the_pages_message_and_stores_nothing(
    client: httpx.AsyncClient, web_world: World, pool: asyncpg.Pool
) -> None:
    csrf = await sign_in(client, "bidder1")
    refused = await client.post(
        "/me/notifications/sms", data={"csrf_token": csrf, "address": "0563-1234567"}
    )
    assert refused.status_code == 422
    assert "号码格式不正确" in refused.text
    assert 'data-code="notification_contact_invalid"' in refused.text
    forged = await client.post("/me/notifications/sms", data={"address": "13912345678"})
    assert forged.status_code == 403
    await client.get("/lang/en?next=/me/notifications")
    english = await client.post(
        "/me/notifications/wechat", data={"csrf_token": csrf, "address": "短"}
    )
    assert "That address is not right" in english.text
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM notification_contacts") == 0


async def test_undelivered_notifications_are_shown_to_centre_staff_only(
    client: httpx.AsyncClient, web_world: World
) -> None:
    await sign_in(client, "bidder1")
    refused = await client.get("/notifications/failures")
    assert refused.status_code == 403
    assert "仅向交易中心工作人员显示" in refused.text
    client.cookies.clear()
    await sign_in(client, "staff")
    staff = await client.get("/notifications/failures")
    assert staff.status_code == 200
    assert 'id="no-failures"' in staff.text
    assert 'id="failures-link"' in (await client.get("/me/notifications")).text
