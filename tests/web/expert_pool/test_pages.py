"""The pool's pages over HTTP: messages in both languages, forms with CSRF, refusals."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from accounts.model import Actor
from expert_pool.draws.model import DrawStatus, MemberStatus
from expert_pool.model import ExpertStatus, Title
from expert_pool.policy import Offence
from expert_pool.pools.exclusions import ExclusionReason
from expert_pool.records.model import Sanction
from expert_pool.records.service import AttendanceEvent
from tests.accounts.factory import PASSWORD
from tests.expert_pool import fixtures
from tests.expert_pool.world import World, add_experts
from web import i18n
from web.expert_pool import i18n as i18n_expert_pool

conn, pool_ca, world = fixtures.conn, fixtures.pool_ca, fixtures.world
TEMPLATES = Path(i18n.__file__).parent / "templates" / "expert_pool"
HIDDEN_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']""")


def test_every_message_has_chinese_and_english() -> None:
    """No empty text in either language."""
    for key, (zh, en) in i18n_expert_pool.catalogue().items():
        assert zh.strip(), key
        assert en.strip(), key


def test_every_key_the_pages_use_exists() -> None:
    """Literal keys in the templates and keys built from every enumeration."""
    known = set(i18n_expert_pool.catalogue()) | set(i18n.keys())
    for template in TEMPLATES.glob("*.html"):
        for key in KEY.findall(template.read_text(encoding="utf-8")):
            # A key ending in "." is a prefix completed from an enumeration (below).
            assert key in known or key.endswith("."), (template.name, key)
    built = [
        *(f"ep.status.{s}" for s in DrawStatus),
        *(f"ep.member.{s}" for s in MemberStatus),
        *(f"ep.expert.{s}" for s in ExpertStatus),
        *(f"ep.title.{s}" for s in Title),
        *(f"ep.event.{s}" for s in AttendanceEvent),
        *(f"ep.offence.{s}" for s in Offence),
        *(f"ep.sanction.{s}" for s in Sanction),
        *(
            f"ep.reason.{r}"
            for r in ExclusionReason
            if r not in ("outside_region", "not_in_specialty")
        ),
    ]
    assert [k for k in built if k not in known] == []


async def _sign_in(client: httpx.AsyncClient, actor: Actor) -> str:
    form = await client.get("/login")
    token = HIDDEN_CSRF.search(form.text)
    assert token is not None
    data = {"csrf_token": token.group(1), "username": actor.username, "password": PASSWORD}
    response = await client.post("/login", data=data)
    assert response.status_code == 303
    page = await client.get("/home")
    session = HIDDEN_CSRF.search(page.text)
    assert session is not None
    return session.group(1)


async def test_an_expert_keeps_the_calendar_and_reads_the_record(
    client: httpx.AsyncClient, world: World
) -> None:
    """Add an interval through the form (CSRF), see it, switch to English, remove it."""
    await add_experts(world, ["E001"], accounts=True, passwords=True)
    expert = await world.actor(world.expert_users["E001"])
    assert (await client.get("/expert/record")).headers["location"] == "/login"
    csrf = await _sign_in(client, expert)
    form = {
        "csrf_token": csrf,
        "start": "2030-05-01T09:00",
        "end": "2030-05-01T18:00",
        "note": "出差",
    }
    without = await client.post(
        "/expert/record", data={k: v for k, v in form.items() if k != "csrf_token"}
    )
    assert without.status_code == 403  # refused: no CSRF token (docs/api-auth.md)
    assert 'data-code="csrf_token_invalid"' in without.text
    added = await client.post("/expert/record", data=form)
    assert added.status_code == 303
    page = await client.get("/expert/record")
    assert "2030-05-01 09:00" in page.text
    assert "出差" in page.text
    assert "我的年度记录" in page.text
    client.cookies.set("lang", "en")
    english = await client.get("/expert/record")
    assert "My yearly record" in english.text
    item = re.search(r'name="remove" value="([0-9a-f-]{36})"', english.text)
    assert item is not None
    removed = await client.post(
        "/expert/record", data={"csrf_token": csrf, "remove": item.group(1)}
    )
    assert removed.status_code == 303
    assert "2030-05-01 09:00" not in (await client.get("/expert/record")).text
    notices = await client.get("/expert/invitations")
    assert "No draw notices" in notices.text


async def test_the_operator_cannot_browse_the_pool_and_a_bidder_sees_no_draw(
    client: httpx.AsyncClient, world: World
) -> None:
    """Centre staff get 403 on the pool page; the pool search works for a supervisor."""
    await add_experts(world, ["E001", "E002"])
    await _sign_in(client, world.centre_staff)
    refused = await client.get("/expert-pool")
    assert refused.status_code == 403
    assert "permission_denied" in refused.text
    api = await client.get("/api/v1/experts")
    assert (api.status_code, api.json()["error"]["code"]) == (403, "permission_denied")
    client.cookies.clear()
    await _sign_in(client, world.supervisor)
    found = await client.get("/expert-pool", params={"specialty": "A"})
    assert found.status_code == 200
    assert "E001" in found.text
    assert "E002" in found.text
    client.cookies.clear()
    await _sign_in(client, world.bidder)
    assert (await client.get("/draws/D-0000000000000000")).status_code == 404
