"""The browser signing module's bundle: which file is served, its SHA-256, its publication.

The member trusts the page it is served (docs/browser-signing.md, "Trust"; issue 12 item
3): so the bundle that signs is one versioned file whose SHA-256 is computed once here,
shown on every signing page, served by ``GET /api/v1/scripts``, and appended to the
transparency log at start-up, once per new SHA-256 (``web.script_bundle_published``),
so anyone can compare what they were served with what the platform published.

The pages' own scripts run beside the bundle and see what it sees (a bid's files and
fields, an age identity read for self-decryption: docs/browser-signing.md §4), so they
are published the same way (issue 16 item 3): one canonical manifest of every other
script under /static/js with its SHA-256, served at ``GET /api/v1/scripts/pages`` and
logged as the item ``etender-pages`` once per new manifest.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import logging
from datetime import datetime
from importlib import metadata
from pathlib import Path

import asyncpg

from audit import queries as audit_queries
from audit import service as audit
from signing.canonical import canonical_json
from signing.log.entry import LogEntry
from web import jsbundle_queries as queries
from web.db.database import acquire

log = logging.getLogger(__name__)

STATIC_JS = Path(__file__).parent / "static" / "js"
PACKAGE_JSON = Path(__file__).parent / "js" / "package.json"
NAME = "etender-sign"
PUBLISHED = "web.script_bundle_published"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Bundle:
    """One served script: its name, version, URL and the SHA-256 of its exact bytes."""

    name: str
    version: str
    url: str
    sha256: str  # lowercase hex, as sha256sum prints it
    sri: str  # the Subresource Integrity value: "sha256-<base64>"

    def api_item(self) -> dict[str, str]:
        return {"name": self.name, "version": self.version, "url": self.url, "sha256": self.sha256}


def load_bundle(package_json: Path = PACKAGE_JSON, static_js: Path = STATIC_JS) -> Bundle:
    """The bundle built by scripts/build-js for web/js/package.json's version."""
    version = str(json.loads(package_json.read_text(encoding="utf-8"))["version"])
    filename = f"{NAME}-{version}.js"
    digest = hashlib.sha256((static_js / filename).read_bytes()).digest()
    return Bundle(
        name=NAME,
        version=version,
        url=f"/static/js/{filename}",
        sha256=digest.hex(),
        sri="sha256-" + base64.b64encode(digest).decode(),
    )


PAGES = "etender-pages"
PAGES_URL = "/api/v1/scripts/pages"
PAGES_FORMAT = "etender-page-scripts-v1"
TEMPLATES = Path(__file__).parent / "templates"
# Scripts a feature serves from its templates folder at its own URL (the same bytes).
TEMPLATE_SCRIPTS = {
    "/evaluation/session.js": "evaluation/session.js",
    "/expert-pool/entropy.js": "expert_pool/entropy.js",
    "/opening/hall.js": "opening/hall.js",
}


def page_manifest(static_js: Path = STATIC_JS, templates: Path = TEMPLATES) -> bytes:
    """RFC 8785 JSON naming every script a page loads but the signing bundle, by URL,
    with the SHA-256 of its bytes, in URL order (docs/browser-signing.md §4)."""
    files = {
        f"/static/js/{path.name}": path
        for path in static_js.glob("*.js")
        if not path.name.startswith(f"{NAME}-")
    }
    files.update({url: templates / name for url, name in TEMPLATE_SCRIPTS.items()})
    scripts = [
        {"url": url, "sha256": hashlib.sha256(files[url].read_bytes()).hexdigest()}
        for url in sorted(files)
    ]
    return canonical_json({"format": PAGES_FORMAT, "scripts": scripts})


def _platform_version() -> str:
    try:
        return metadata.version("etender")
    except metadata.PackageNotFoundError:  # run from a source tree never installed
        return "0"


def load_pages(manifest: bytes) -> Bundle:
    """The pages' scripts as one published item: the manifest's SHA-256."""
    digest = hashlib.sha256(manifest).digest()
    return Bundle(
        name=PAGES,
        version=_platform_version(),
        url=PAGES_URL,
        sha256=digest.hex(),
        sri="sha256-" + base64.b64encode(digest).decode(),
    )


# Computed once, at import: the bytes served are the bytes hashed (the static files
# are part of the release, never changed while the platform runs).
BUNDLE = load_bundle()
PAGE_MANIFEST = page_manifest()
PAGE_SCRIPTS = load_pages(PAGE_MANIFEST)
BUNDLES: tuple[Bundle, ...] = (BUNDLE, PAGE_SCRIPTS)


def template_context() -> dict[str, Bundle]:
    """Merge into a signing page's render context: ``{{ bundle.url }}``, ``bundle.sri``…"""
    return {"bundle": BUNDLE}


def published_entry(bundle: Bundle, now: datetime) -> LogEntry:
    return LogEntry(
        kind=PUBLISHED,
        time=now,
        actor=audit.PLATFORM,
        data={"name": bundle.name, "version": bundle.version, "sha256": bundle.sha256},
    )


async def publish(pool: asyncpg.Pool, bundles: tuple[Bundle, ...] = BUNDLES) -> list[int]:
    """Log each bundle (structured log line) and append it to the transparency log the
    first time its SHA-256 is served; returns the indexes of the entries appended."""
    appended: list[int] = []
    for bundle in bundles:
        log.info(
            "web.script_bundle",
            extra={"bundle": bundle.name, "version": bundle.version, "sha256": bundle.sha256},
        )
        async with acquire(pool) as conn, conn.transaction():
            # Workers start together: the lock makes "seen?" and "append" one step.
            await queries.lock_publication(conn)
            if await queries.bundle_published(conn, PUBLISHED, bundle.sha256):
                continue
            now = await audit_queries.database_now(conn)
            appended.append(await audit.append(conn, published_entry(bundle, now)))
    return appended
