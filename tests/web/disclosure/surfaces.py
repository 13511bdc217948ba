"""What the public sees of a tender, everywhere at once: the disclosure page, the
disclosure API, the tender's OCDS release and record packages and the whole paged feed
(every package validated against the official schemas)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.tender.disclosure import ocds_schema
from tests.tender.results.kit import Closed


async def everything(client: httpx.AsyncClient, closed: Closed) -> dict[str, Any]:
    """The page, the disclosure API, the tender's package and record, the whole feed."""
    base = f"/api/v1/tenders/{closed.tender_id}"
    package = (await client.get(f"{base}/ocds")).json()
    ocds_schema.assert_release_package(package)
    record = (await client.get(f"{base}/ocds/record")).json()
    ocds_schema.assert_record_package(record)
    feed: list[dict[str, Any]] = []
    url = "/api/v1/ocds/releases?limit=3"
    while (page := await client.get(url)).status_code == 200:
        ocds_schema.assert_release_package(page.json())
        feed += page.json()["releases"]
        url = page.json()["links"]["next"].removeprefix("http://testserver")
        url = url[url.index("/api/") :]
    assert page.status_code == 204, (url, page.status_code, page.text[:300])
    return {
        "page": (await client.get(f"/tenders/{closed.tender_id}/disclosure")).text,
        "api": (await client.get(f"{base}/disclosure")).json(),
        "package": package,
        "record": record,
        "feed": feed,
    }


def awards(seen: dict[str, Any]) -> list[Any]:
    compiled = seen["record"]["records"][0]["compiledRelease"]
    return [*compiled.get("awards", []), *(a for r in seen["feed"] for a in r.get("awards", []))]
