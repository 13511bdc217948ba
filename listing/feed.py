"""Listings in the platform's OCDS feed (``GET /api/v1/ocds/releases``; issue 18 item 5).

The composition root hands :func:`releases` to the tenders' feed (tender/disclosure:
``MoreReleases``), which interleaves them with the tenders' releases in (date, id) order
and accepts a cursor naming one of them. Each listing gives its stage releases
(listing/ocds.py ``stage_releases``): names appear only in the decision's release, as
everywhere else (numbers only until the decision).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from accounts.organisations import service as organisations
from listing import ocds, queries, reads


async def releases(
    conn: asyncpg.Connection, now: datetime, *, base_url: str, ocid_prefix: str
) -> list[tuple[tuple[datetime, str], dict[str, Any]]]:
    """Every listing's releases out by ``now``, keyed by (date, release id)."""
    out: list[tuple[tuple[datetime, str], dict[str, Any]]] = []
    for found in await queries.listings_for_feed(conn):
        winner = await reads.winner_of(conn, found)
        names = {
            org: (await organisations.get_organisation(conn, org)).name
            for org in {found.seller_id, *([winner] if winner else [])}
        }
        dates = [found.published_at, found.decided_at]
        built = ocds.stage_releases(
            found, names=names, winner=winner, ocid_prefix=ocid_prefix, base_url=base_url
        )
        out.extend(
            ((date, release["id"]), release)
            for date, release in zip(dates, built, strict=False)
            if date is not None and date <= now
        )
    return out
