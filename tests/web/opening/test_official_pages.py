"""The opening official's page: its seats, each hall and the exact release command;
nobody else's seats, and nothing that reads an identity."""

from __future__ import annotations

from typing import cast

import asyncpg
import pytest
from starlette.applications import Starlette

from accounts.model import OrgKind, Role
from tender.committee.served import release_command
from tests.accounts.factory import make_organisation, make_user
from tests.tender.world import World, published_tender
from tests.web.accounts.page_kit import signed_in
from tests.web.tender.http_kit import fixture_http_ca, fixture_settings, fixture_web_world
from web.settings import Settings

__all__ = ["fixture_http_ca", "fixture_settings", "fixture_web_world"]


async def test_an_official_sees_each_lot_it_serves_its_hall_and_the_exact_command(
    app: Starlette, pool: asyncpg.Pool, web_world: World, settings: Settings
) -> None:
    """Seat, Beijing-time deadline, hall link and the command line byte for byte."""
    async with pool.acquire() as proxy:
        tender = await published_tender(cast(asyncpg.Connection, proxy), web_world)
    async with signed_in(app, "official2") as official:
        page = await official.get("/opening/official")
    assert page.status_code == 200
    html = page.text
    assert f'href="/tenders/{tender.id}/lots/1/opening-hall"' in html
    command = release_command(settings.public_url, tender.id, "1")
    assert command.replace("'", "&#39;") in html or command in html
    assert "第 2 席，共 3 席，2 席即可开标" in html
    assert "（北京时间）" in html
    assert "本平台的任何页面都不会读取它" in html  # why the page reads no identity
    assert 'type="file"' not in html
    assert "AGE-SECRET-KEY" not in html


async def test_an_official_on_no_committee_sees_none_and_no_one_elses_seats(
    app: Starlette, pool: asyncpg.Pool, web_world: World
) -> None:
    """Seats are the official's own: another official's lots are not listed."""
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        tender = await published_tender(conn, web_world)
        await make_user(conn, web_world.centre, Role.OPENING_OFFICIAL, username="official9")
    async with signed_in(app, "official9") as official:
        page = await official.get("/opening/official")
    assert page.status_code == 200
    assert "您目前不在任何开标委员会中。" in page.text
    assert str(tender.id) not in page.text


@pytest.mark.parametrize("role", [Role.BIDDER, Role.CENTRE_STAFF])
async def test_someone_without_the_official_role_is_refused(
    app: Starlette, pool: asyncpg.Pool, role: Role
) -> None:
    """403 with the refusal's code; signed out, the page sends to the login."""
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        kind = OrgKind.BIDDER if role is Role.BIDDER else OrgKind.CITY_CENTRE
        org = await make_organisation(conn, kind)
        await make_user(conn, org, role, username="someone")
    async with signed_in(app, "someone") as other:
        page = await other.get("/opening/official")
        assert page.status_code == 403
        assert "permission_denied" in page.text
        other.client.cookies.clear()
        anonymous = await other.get("/opening/official")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/login"


async def test_the_home_card_of_an_official_links_to_its_page(
    app: Starlette, pool: asyncpg.Pool, web_world: World
) -> None:
    """The card is open, no longer "API only"."""
    async with signed_in(app, "official1") as official:
        home = await official.get("/home")
    assert 'href="/opening/official"' in home.text
