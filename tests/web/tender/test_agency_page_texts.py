"""The agency's draft page speaks to people (the outside tester's findings 2 and 7 on
the staff pages): each pre-publication check reads as the catalogue's message in the
page's language with the field's label, never the rule's developer text or an internal
source; a draft's uploaded document reads as published with the notice
(docs/api-tenders.md), not as awaiting a clarification."""

from __future__ import annotations

import asyncpg
import httpx

from tests.tender.world import World
from tests.web.tender.http_kit import (  # noqa: F401  (fixtures)
    bearer,
    draft_json,
    fixture_http_ca,
    fixture_settings,
    fixture_tokens,
    fixture_web_world,
)
from tests.web.tender.test_pages import sign_in
from web import errortext
from web.i18n import LANG_COOKIE
from web.tender import i18n as tender_i18n


async def _draft_without_documents_from(
    client: httpx.AsyncClient, pool: asyncpg.Pool, world: World, token: str
) -> str:
    body = await draft_json(pool, world)
    body["schedule"]["documents_from"] = None
    created = await client.post("/api/v1/tenders", json=body, headers=bearer(token))
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def _checks(html: str) -> str:
    return html.split('id="violations"')[1].split("</ul>")[0]


async def test_each_pre_publication_check_reads_in_the_pages_language(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """Chinese: the catalogue's sentence and the date's label; English likewise; no
    ``documents_from is not set``, no ``DESIGN.md``, no developer advice."""
    tender_id = await _draft_without_documents_from(client, pool, web_world, tokens["agent"])
    await sign_in(client, "agent")
    for lang in ("zh-CN", "en"):
        client.cookies.set(LANG_COOKIE, lang)
        page = await client.get(f"/agency/tenders/{tender_id}")
        assert page.status_code == 200
        checks = _checks(page.text)
        for code in ("schedule_incomplete", "committee_missing"):
            assert errortext.text(code, lang) in checks, (lang, code)
        assert tender_i18n.translate(lang, "td.documents_from") in checks
        for leak in ("is not set", "documents_from", "DESIGN.md", "appoint the opening"):
            assert leak not in checks, (lang, leak)


async def test_a_drafts_uploaded_document_reads_as_published_with_the_notice(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """docs/api-tenders.md: versions uploaded to a draft are published with the notice."""
    tender_id = await _draft_without_documents_from(client, pool, web_world, tokens["agent"])
    uploaded = await client.post(
        f"/api/v1/tenders/{tender_id}/documents?name=招标文件.pdf",
        content=b"%PDF-1.4\n",
        headers={**bearer(tokens["agent"]), "Content-Type": "application/pdf"},
    )
    assert uploaded.status_code == 201, uploaded.text
    await sign_in(client, "agent")
    page = await client.get(f"/agency/tenders/{tender_id}")
    row = page.text.split('data-name="招标文件.pdf"')[1].split("</tr>")[0]
    assert tender_i18n.translate("zh-CN", "td.staged.draft") in row
    assert "澄清" not in row
