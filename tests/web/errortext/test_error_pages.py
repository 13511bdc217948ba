"""404, 405 and 500 are pages for a browser and the one error body for the API and for
scripts (issue 15, item 4: "404 is raw JSON")."""

from __future__ import annotations

import logging

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web import errortext

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
SECRET = "the-fault-says-this-secret"


async def _boom(request: Request) -> Response:
    raise RuntimeError(SECRET)


def _add_faulty_routes(app: Starlette) -> None:
    """Two routes that fail as no route should: a page's and the API's."""
    app.router.routes.insert(0, Route("/faulty-page", _boom))
    app.router.routes.insert(0, Route("/api/v1/faulty", _boom))


async def test_a_browser_gets_a_404_page_in_chinese_by_default(client: httpx.AsyncClient) -> None:
    answer = await client.get("/no-such-page", headers=BROWSER)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["content-security-policy"].startswith("default-src 'self'")
    assert '<html lang="zh-CN">' in answer.text
    assert "找不到页面" in answer.text
    assert errortext.text("not_found", "zh-CN") in answer.text
    assert answer.headers["x-request-id"] in answer.text  # to quote to support


async def test_the_404_page_follows_the_language_cookie(client: httpx.AsyncClient) -> None:
    client.cookies.set("lang", "en")
    answer = await client.get("/no-such-page", headers=BROWSER)
    assert answer.status_code == 404
    assert "Page not found" in answer.text
    assert errortext.text("not_found", "en") in answer.text
    assert "找不到" not in answer.text


async def test_the_api_and_scripts_keep_the_json_error_body(client: httpx.AsyncClient) -> None:
    for path, headers in [
        ("/api/v1/no-such-thing", BROWSER),  # the API is JSON whatever the Accept
        ("/no-such-page", {"Accept": "*/*"}),  # a page's fetch()
        ("/no-such-page", {"Accept": "application/json"}),
        ("/no-such-page", {"Accept": "text/html;q=0"}),
    ]:
        answer = await client.get(path, headers=headers)
        assert answer.status_code == 404, path
        assert answer.headers["content-type"] == "application/json", (path, headers)
        assert answer.json()["error"]["code"] == "not_found"


async def test_a_browser_gets_a_405_page_that_still_says_what_is_allowed(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.post("/healthz", headers=BROWSER)
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, HEAD"
    assert answer.headers["content-type"].startswith("text/html")
    assert errortext.text("method_not_allowed", "zh-CN") in answer.text
    api = await client.delete("/api/v1/organisations", headers=BROWSER)
    assert api.status_code == 405
    assert api.json()["error"]["code"] == "method_not_allowed"


async def test_a_browser_gets_a_500_page_that_leaks_nothing_but_the_request_id(
    app: Starlette, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    _add_faulty_routes(app)
    with caplog.at_level(logging.ERROR, logger="web.http"):
        answer = await client.get("/faulty-page", headers=BROWSER)
    # The cause is in the log, under the request id the page shows.
    logged = [r for r in caplog.records if r.getMessage() == "http.internal_error"]
    assert [getattr(r, "request_id", None) for r in logged] == [answer.headers["x-request-id"]]
    assert logged[0].exc_info is not None
    assert answer.status_code == 500
    assert answer.headers["content-type"].startswith("text/html")
    assert "服务暂时出错" in answer.text
    assert errortext.text("internal_error", "zh-CN") in answer.text
    assert answer.headers["x-request-id"] in answer.text
    assert SECRET not in answer.text
    assert "RuntimeError" not in answer.text
    assert "Traceback" not in answer.text
    api = await client.get("/api/v1/faulty", headers=BROWSER)
    assert api.status_code == 500
    assert api.json()["error"]["code"] == "internal_error"
    assert SECRET not in api.text


async def test_pages_scripts_get_the_catalogue_in_each_language(client: httpx.AsyncClient) -> None:
    for lang in errortext.LANGS:
        answer = await client.get(f"/errortext/{lang}.json")
        assert answer.status_code == 200
        assert answer.json() == dict(errortext.table(lang))
        assert answer.headers["cache-control"] == "public, max-age=3600"
    assert (await client.get("/errortext/fr.json")).status_code == 404
