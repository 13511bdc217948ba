"""The disclosure page and the home page's lists: every message translated, Chinese
first with English; a bad feed limit is a clear error (docs/open-data.md)."""

from __future__ import annotations

import re
from pathlib import Path

import asyncpg
import httpx
import pytest

from evaluation.method.model import RejectionReason
from signing.demo_ca import DemoCA
from tender.disclosure.stages import STAGES
from tests.tender.world import World, build_world, live_ca, published_tender
from web import i18n
from web.disclosure import i18n as texts

TEMPLATES = Path(__file__).parents[3] / "web" / "templates"
DYNAMIC = {
    "dc.kind.": ["award", "drop_out", "retender"],
    "dc.part.": ["main", "technical", "commercial"],
    "dc.reason.": list(RejectionReason),
    "dc.status.": ["failed", "cancelled"],
    "dc.milestone.": ["scheduled", "met", "notMet", "partiallyMet"],
    "public.stage.": ["candidates", "result", "failed", "cancelled"],
    "public.stages.": list(STAGES),
}


def _used(template: Path, prefix: str) -> set[str]:
    return set(re.findall(rf't\("({prefix}[a-zA-Z0-9_.]*)"', template.read_text(encoding="utf-8")))


def test_every_message_key_of_the_pages_is_translated() -> None:
    """dc.* on the disclosure page, public.* on the home page, each with its dynamic values."""
    used = _used(TEMPLATES / "disclosure" / "tender.html", r"dc\.")
    used |= _used(TEMPLATES / "public.html", r"public\.")
    keys = {k for k in used if not k.endswith(".")}
    keys |= {p + v for p in used & set(DYNAMIC) for v in DYNAMIC[p]}
    assert {k for k in used if k.endswith(".")} <= set(DYNAMIC)
    known = set(texts.catalogue()) | set(i18n.keys())
    assert sorted(keys - known) == []
    assert all(len(t) == 2 and all(t) for t in texts.catalogue().values())


@pytest.fixture(scope="module")
def ca() -> DemoCA:
    return live_ca()


async def test_the_disclosure_page_is_in_chinese_and_in_english(
    client: httpx.AsyncClient, conn: asyncpg.Connection, ca: DemoCA
) -> None:
    """The stages' headings in both languages; the stages not out say so."""
    world: World = await build_world(conn, ca)
    tender = await published_tender(conn, world)
    zh = await client.get(f"/tenders/{tender.id}/disclosure")
    assert zh.status_code == 200
    assert "开标记录" in zh.text
    assert "尚未公开" in zh.text
    assert "default-src 'self'" in zh.headers["content-security-policy"]
    client.cookies.set("lang", "en")
    en = await client.get(f"/tenders/{tender.id}/disclosure")
    assert "Opening record" in en.text
    assert "Not public yet." in en.text
    home = await client.get("/")
    assert "Current notices" in home.text
    notice = await client.get(f"/tenders/{tender.id}")
    assert f'href="/tenders/{tender.id}/disclosure"' in notice.text


@pytest.mark.parametrize("limit", ["0", "101", "x", "²"])
async def test_a_bad_feed_limit_is_refused(client: httpx.AsyncClient, limit: str) -> None:
    """request_invalid (422), naming the parameter."""
    answer = await client.get("/api/v1/ocds/releases", params={"limit": limit})
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "request_invalid"
    assert answer.json()["error"]["details"]["param"] == "limit"
