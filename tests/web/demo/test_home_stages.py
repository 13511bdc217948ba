"""From a fresh database, ``etender demo`` then the public home page shows a tender at
every stage, each link working (issue 15, "Must show" 3)."""

from __future__ import annotations

import re

import asyncpg
import httpx
import pytest

from tender.disclosure.stages import STAGES
from tests.web.demo.conftest import DemoTemplate
from tests.web.demo.procurement_kit import assert_a_project_of_each_method_at_a_useful_stage
from web.demo.stages import TITLES

pytestmark = pytest.mark.slow

STAGE_ITEM = re.compile(r'<li data-stage="([a-z_]+)"[^>]*>.*?<a href="([^"]+)">([^<]+)</a>')


async def test_the_public_home_links_a_tender_at_every_stage(
    client: httpx.AsyncClient, pool: asyncpg.Pool, demo_template: DemoTemplate
) -> None:
    """Open for bids, opening today, in evaluation, candidates published and awarded:
    each listed with the demo's tender, in lifecycle order, no sign-in needed — the
    demo's procurement projects (published first) take none of these places, and each
    is at a stage to act on (tests/web/demo/procurement_kit.py)."""
    home = await client.get("/")  # Chinese: the default
    assert home.status_code == 200
    listed = STAGE_ITEM.findall(home.text)
    assert [stage for stage, _, _ in listed] == list(STAGES)
    assert {stage: title for stage, _, title in listed} == dict(TITLES)
    bidding = re.findall(r'<li data-stage="open[a-z_]*".*?</li>', home.text)
    assert len(bidding) == 2
    assert all("（北京时间）" in item for item in bidding)  # the deadline, in Beijing time
    assert "今日开标" in home.text
    assert "已定标" in home.text
    assert demo_template.loaded.stages is not None
    await assert_a_project_of_each_method_at_a_useful_stage(client, pool, demo_template)


async def test_each_stages_link_shows_that_stages_tender(client: httpx.AsyncClient) -> None:
    """The notice for the two bidding stages, the disclosure for the evaluation, the
    candidates' publicity and the award on the results page."""
    home = await client.get("/")
    for stage, href, title in STAGE_ITEM.findall(home.text):
        page = await client.get(href)
        assert page.status_code == 200, (stage, href)
        assert title in page.text, stage
    links = dict((stage, href) for stage, href, _ in STAGE_ITEM.findall(home.text))
    candidates = (await client.get(links["candidates"])).text
    awarded = (await client.get(links["awarded"])).text
    assert 'id="candidates-1"' in candidates  # the publicity, no award yet
    assert 'id="result"' not in candidates
    assert '<tr data-kind="award">' in awarded  # the award decision, published
    assert "排名第一的中标候选人" in awarded  # its reason


async def test_the_english_home_names_the_stages_in_english(client: httpx.AsyncClient) -> None:
    """Chinese first, English second: the stages' names follow the page's language."""
    client.cookies.set("lang", "en")
    home = await client.get("/")
    for name in ("Open for bids", "Opening today", "In evaluation", "Candidates published",
                 "Awarded"):  # fmt: skip
        assert name in home.text
    assert "(Beijing time)" in home.text
