"""The signing bundle served is the one published: its SHA-256 computed once from the
served bytes, named by GET /api/v1/scripts, appended to the transparency log once per new
SHA-256; HTML pages allow no inline or third-party script (issue 12 item 3). The pages'
own scripts are published the same way, as one manifest (issue 16 item 3)."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from pathlib import Path

import asyncpg
import httpx
import pytest

from signing.canonical import canonical_json
from signing.log.entry import LogEntry
from tests.accounts.factory import make_organisation, make_user
from web import jsbundle
from web.jsbundle import (
    BUNDLE,
    PAGE_MANIFEST,
    PAGE_SCRIPTS,
    PUBLISHED,
    load_bundle,
    publish,
    template_context,
)

CSP = (
    "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def test_the_bundle_is_named_by_its_version_and_hashed_from_its_bytes() -> None:
    version = json.loads(jsbundle.PACKAGE_JSON.read_text())["version"]
    path = jsbundle.STATIC_JS / f"etender-sign-{version}.js"
    digest = hashlib.sha256(path.read_bytes()).digest()
    assert BUNDLE.version == version
    assert BUNDLE.url == f"/static/js/etender-sign-{version}.js"
    assert BUNDLE.sha256 == digest.hex()
    assert BUNDLE.sri == "sha256-" + base64.b64encode(digest).decode()
    assert template_context() == {"bundle": BUNDLE}


def test_a_missing_bundle_fails_at_load_not_at_the_first_page(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"version": "9.9.9"}')
    with pytest.raises(FileNotFoundError):
        load_bundle(tmp_path / "package.json", tmp_path)


async def test_scripts_lists_the_served_bytes_sha256_and_its_media_type(
    client: httpx.AsyncClient,
) -> None:
    listed = await client.get("/api/v1/scripts")
    assert listed.status_code == 200
    served = await client.get(BUNDLE.url)
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("text/javascript")
    pages = await client.get(PAGE_SCRIPTS.url)
    assert pages.status_code == 200
    assert pages.headers["content-type"].startswith("application/json")
    assert listed.json() == {
        "items": [
            {
                "name": "etender-sign",
                "version": BUNDLE.version,
                "url": BUNDLE.url,
                "sha256": hashlib.sha256(served.content).hexdigest(),
            },
            {
                "name": "etender-pages",
                "version": PAGE_SCRIPTS.version,
                "url": "/api/v1/scripts/pages",
                "sha256": hashlib.sha256(pages.content).hexdigest(),
            },
        ]
    }


async def test_the_pages_manifest_names_every_script_a_page_loads_with_its_served_bytes(
    client: httpx.AsyncClient,
) -> None:
    """Each script any template loads, and each module those import, is in the manifest
    with the SHA-256 of the bytes the platform serves at its URL (docs/browser-signing.md
    §4): a page script the bidder's files pass through is as published as the bundle."""
    manifest = json.loads(PAGE_MANIFEST)
    assert canonical_json(manifest) == PAGE_MANIFEST
    listed = {s["url"]: s["sha256"] for s in manifest["scripts"]}
    assert [s["url"] for s in manifest["scripts"]] == sorted(listed)
    assert manifest["format"] == "etender-page-scripts-v1"
    templates = Path(jsbundle.__file__).parent / "templates"
    loaded = {
        src
        for page in templates.rglob("*.html")
        for src in re.findall(r'<script[^>]*\ssrc="([^"{]+)"', page.read_text(encoding="utf-8"))
    }
    loaded.discard(BUNDLE.url)
    assert loaded
    assert loaded <= set(listed), loaded - set(listed)
    for url, sha256 in listed.items():
        served = await client.get(url)
        assert served.status_code == 200, url
        assert hashlib.sha256(served.content).hexdigest() == sha256, url
        # Its imports are scripts of the manifest too (relative, same folder).
        for name in re.findall(r'from\s+"\./([\w.-]+\.js)"', served.text):
            assert f"/static/js/{name}" in listed or name.startswith("etender-sign-"), (url, name)


async def test_publish_appends_one_entry_per_new_sha256_and_logs_every_start(
    pool: asyncpg.Pool, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="web.jsbundle"):
        first = await publish(pool)
        again = await publish(pool)
    assert len(first) == 2  # the signing bundle and the pages' manifest
    assert again == []
    assert [r.getMessage() for r in caplog.records].count("web.script_bundle") == 4
    assert caplog.records[0].sha256 == BUNDLE.sha256  # type: ignore[attr-defined]
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT entry FROM log_entries WHERE kind = $1", PUBLISHED)
    entries = [LogEntry.from_bytes(bytes(row["entry"])) for row in rows]
    assert [e.data for e in entries] == [
        {"name": "etender-sign", "version": BUNDLE.version, "sha256": BUNDLE.sha256},
        {"name": "etender-pages", "version": PAGE_SCRIPTS.version, "sha256": PAGE_SCRIPTS.sha256},
    ]
    assert entries[0].actor.user_id is None
    assert entries[0].actor.role == "platform"


@pytest.mark.parametrize("path", ["/", "/login"])
async def test_html_pages_allow_only_same_origin_script_files(
    client: httpx.AsyncClient, path: str
) -> None:
    page = await client.get(path)
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CSP


async def test_a_signed_in_page_allows_only_same_origin_script_files(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    from accounts.model import OrgKind, Role
    from tests.accounts.factory import PASSWORD

    async with pool.acquire() as conn:
        org = await make_organisation(conn, OrgKind.BIDDER)
        user = await make_user(conn, org, Role.BIDDER)
    login = await client.get("/login")
    token = login.text.split('name="csrf_token" value="')[1].split('"')[0]
    signed_in = await client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code in (302, 303)
    home = await client.get("/home")
    assert home.status_code == 200
    assert home.headers["content-security-policy"] == CSP
