"""The complaints pages over HTTP: every key in both languages; the desk lists the
department's complaints only; a complaint's page shows its deadlines and steps, in
Chinese first and English."""

from __future__ import annotations

import re
from pathlib import Path

import asyncpg
import httpx

import web
from supervision.complaints.model import Matter, Status, Step
from tests.supervision.complaints.kit import filed_complaint
from tests.tender.results.kit import Closed
from tests.web.evaluation.http import login
from web import i18n
from web.supervision.complaints import i18n as texts

TEMPLATES = Path(web.__file__).parent / "templates" / "supervision" / "complaints"


def test_every_message_of_the_pages_has_both_languages() -> None:
    used: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r't\("(cp\.[a-z_.]+)"', template.read_text(encoding="utf-8")))
    dynamic = {"cp.matter.": list(Matter), "cp.status.": list(Status), "cp.step.": list(Step),
               "cp.decision.": ["upheld", "dismissed", "withdrawn"],
               "cp.deadline.": ["filing", "acceptance", "decision"]}  # fmt: skip
    keys = {key for key in used if not key.endswith(".")}
    keys |= {prefix + str(value) for prefix in dynamic for value in dynamic[prefix]}
    assert sorted(key for key in keys if not texts.has(key)) == []
    assert all(len(pair) == 2 and all(pair) for pair in texts.catalogue().values())


async def _page(client: httpx.AsyncClient, url: str, who: object) -> httpx.Response:
    headers = await login(client, who)  # type: ignore[arg-type]
    return await client.get(url, headers=headers)


async def test_the_desk_and_the_complaints_page_in_both_languages(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    filed = await filed_complaint(conn, closed)
    desk = await _page(client, "/complaints", closed.supervisor)
    assert desk.status_code == 200
    assert "投诉受理台" in desk.text
    assert f'data-complaint="{filed.id}"' in desk.text
    other = await _page(client, "/complaints", closed.other_supervisor)
    assert f'data-complaint="{filed.id}"' not in other.text
    page = await _page(client, f"/complaints/{filed.id}", closed.bidder(2))
    assert page.status_code == 200
    assert "受理期限：3个工作日（第六十一条）" in page.text
    assert 'data-deadline="filing"' in page.text
    assert 'value="withdraw"' in page.text  # the complainant may withdraw
    stranger = await _page(client, f"/complaints/{filed.id}", closed.bidder(3))
    assert stranger.status_code == 404
    client.cookies.set(i18n.LANG_COOKIE, "en")
    english = await _page(client, f"/complaints/{filed.id}", closed.supervisor)
    assert "Acceptance: 3 working days (Reg. 61)" in english.text
    assert 'value="accept"' in english.text
    new = await _page(client, f"/tenders/{closed.tender_id}/complaints/new", closed.bidder(2))
    assert "File a complaint" in new.text
    assert f'data-complainant="{closed.candidates[1].credit_code}"' in new.text
