"""An error page's "back" link stays on this site (web.pages.back_link): the Referer is
chosen by whatever page sent the browser here, so only its path is ever used."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from web.pages import back_link


def _request(referer: str | None) -> Request:
    headers = [] if referer is None else [(b"referer", referer.encode("latin-1"))]
    return Request({"type": "http", "method": "GET", "path": "/credit/x", "headers": headers})


@pytest.mark.parametrize(
    ("referer", "back"),
    [
        (None, "/credit"),
        ("", "/credit"),
        ("https://evil.example/phish", "/phish"),  # the path only, on this site
        ("https://evil.example", "/credit"),
        ("//evil.example/x", "/x"),
        ("https://a.example//evil.example/x", "/credit"),  # a scheme-relative path
        ("javascript:alert(1)", "/credit"),
        ("http://localhost:8000/credit/parties?q=a", "/credit/parties"),
        ("/supervision/alerts", "/supervision/alerts"),
    ],
)
def test_back_is_a_path_on_this_site_or_the_default(referer: str | None, back: str) -> None:
    assert back_link(_request(referer), "/credit") == back
