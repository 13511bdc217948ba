"""docs/admin-pages.md lists exactly the routes, notices and event kinds the code has."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.routing import Route

from accounts.security_report import ACCOUNT_CHANGE_KINDS, REFUSAL_KINDS
from web.accounts import admin_pages, security_pages
from web.accounts.admin_render import NOTICES
from web.opening import official_pages

DOC = (Path(__file__).parents[3] / "docs" / "admin-pages.md").read_text(encoding="utf-8")


def test_the_documented_routes_are_the_pages_routes() -> None:
    documented = {
        (method, path.split("?")[0])
        for method, path in re.findall(r"^\| (GET|POST) \| `([^`]+)` \|", DOC, flags=re.M)
    }
    documented.add(("GET", "/opening/official"))  # its own section's title
    served = {
        (method, re.sub(r"\{[a-z_]+\}", "{id}", route.path))
        for module in (admin_pages, security_pages, official_pages)
        for route in module.routes()
        if isinstance(route, Route)
        for method in (route.methods or set()) - {"HEAD"}
    }
    assert documented == served


def test_the_documented_notices_and_kinds_are_the_codes() -> None:
    notices = re.search(r"The notices are a fixed list:\s+(.+?); anything", DOC, flags=re.S)
    assert notices is not None
    assert set(re.findall(r"`([a-z]+)`", notices.group(1))) == NOTICES
    for kind in (*REFUSAL_KINDS, *ACCOUNT_CHANGE_KINDS):
        assert f"`{kind}`" in DOC
    assert "eighteen" in DOC
    assert len(REFUSAL_KINDS) + len(ACCOUNT_CHANGE_KINDS) == 18
