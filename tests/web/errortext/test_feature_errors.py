"""Every page that shows an error shows it in the page's language: the catalogue's
message (web/errortext/), the code small for support and the request id — never the
API's English developer message on a Chinese page (issue 15, item 4)."""

from __future__ import annotations

import html
import re
import uuid

import asyncpg
import httpx
import pytest

from accounts.model import Role
from tests.web.accounts.test_pages import sign_in, user_with
from web import errortext

NOWHERE = uuid.UUID(int=7)

# (role, page, the code it refuses with): an unknown object on each feature's pages.
REFUSALS = [
    (Role.AGENCY, f"/tenders/{NOWHERE}", "tender_not_found"),
    (Role.AGENCY, f"/tenders/{NOWHERE}/lots/1/opening-hall", "tender_not_found"),
    (Role.AGENCY, "/draws/no-such-draw", "draw_not_found"),
    (Role.SUPERVISOR, f"/supervision/alerts/{NOWHERE}", "alert_not_found"),
    (Role.SUPERVISOR, f"/complaints/{NOWHERE}", "complaint_not_found"),
    (Role.SUPERVISOR, f"/supervision/agencies/{NOWHERE}", "agency_not_found"),
    (Role.SUPERVISOR, f"/supervision/parties/{NOWHERE}", "party_not_found"),
    (Role.SUPERVISOR, f"/evaluations/{NOWHERE}/desk", "evaluation_session_not_found"),
    (Role.SUPERVISOR, f"/tenders/{NOWHERE}/supervision-records", "tender_not_found"),
]
# Pages whose feature says the refusal in its own words (its i18n table, both languages).
OWN_TEXTS = {f"/supervision/alerts/{NOWHERE}"}
CJK = re.compile(r"[\u4e00-\u9fff]")
# The API's developer messages of those refusals: English text no Chinese page shows.
ENGLISH = ("no tender has this id", "no draw has the id", "no such", "has this id")


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_each_feature_shows_its_refusal_in_the_page_language(
    client: httpx.AsyncClient, pool: asyncpg.Pool, lang: str
) -> None:
    roles = sorted({role for role, _, _ in REFUSALS}, key=str)
    users = {role: await user_with(pool, role, f"u-{role.value}") for role in roles}
    for role in roles:
        client.cookies.clear()
        assert (await sign_in(client, users[role].username)).status_code == 303
        client.cookies.set("lang", lang)
        for who, path, code in REFUSALS:
            if who is not role:
                continue
            answer = await client.get(path)
            page = html.unescape(answer.text)
            assert answer.status_code == 404, path
            assert answer.headers["content-type"].startswith("text/html"), path
            assert f'<html lang="{lang}">' in page
            alert = page[page.index('role="alert"') :].split("</p>")[0]
            assert bool(CJK.search(alert)) is (lang == "zh-CN"), (path, alert)
            if path not in OWN_TEXTS:
                assert errortext.text(code, lang) in alert, (path, alert)
            for english in ENGLISH if lang == "zh-CN" else ():
                assert english not in page.lower(), (path, english)
            if path.endswith("supervision-records"):
                continue  # the observer's panel says only the message
            assert f"<code>{code}</code>" in page, path  # small, for support
            assert answer.headers["x-request-id"] in page, path
