"""The OCDS 1.1 release of a listing (issue 18, item 5: the auction's result as an award).

A listing is a sale, not a purchase; OCDS has no sale release, so the mapping is the
nearest honest one (docs/api-listing.md, "OCDS"): the seller is the ``buyer`` and the
``procuringEntity`` (its party has both roles, as OCDS wants of every referenced party),
the listing is the ``tender`` (method ``open``, the listing period as ``tenderPeriod``,
the start price as ``value``), and once decided the deal is an ``award`` to the winner
(``supplier``), or the tender is ``unsuccessful`` (流拍). Before the decision no bidder
appears (numbers only until the end). Amounts are CNY (fen / 100). Pure: no I/O.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from listing.model import Listing, Outcome
from signing.log.entry import format_time

_METHOD_DETAILS = {
    "land_use": "国有建设用地使用权挂牌出让 Listing of land use rights",
    "mining": "采矿权挂牌出让 Listing of mining rights",
    "state_property": "企业国有资产挂牌转让 Listing of state-owned property",
}


def _value(fen: int) -> dict[str, Any]:
    return {"amount": fen / 100, "currency": "CNY"}


def _party(organisation_id: UUID, name: str, roles: list[str]) -> dict[str, Any]:
    return {"id": str(organisation_id), "name": name, "roles": roles}


def release(
    found: Listing, *, names: Mapping[UUID, str], winner: UUID | None, ocid_prefix: str,
    base_url: str,
) -> dict[str, Any]:  # fmt: skip
    """The listing's release as it stands: tender only, or tender and award once decided."""
    decided = found.decided_at is not None
    seller = {"id": str(found.seller_id), "name": names[found.seller_id]}
    parties = [_party(found.seller_id, names[found.seller_id], ["buyer", "procuringEntity"])]
    tender: dict[str, Any] = {
        "id": found.code,
        "title": found.title,
        "status": "active",
        "procurementMethod": "open",
        "procurementMethodDetails": _METHOD_DETAILS[str(found.kind)],
        "procuringEntity": dict(seller),
        "value": _value(found.start_price_fen),
        "minValue": _value(found.start_price_fen),
        "tenderPeriod": {
            "startDate": format_time(found.starts_at),
            "endDate": format_time(found.ends_at),
        },
        "documents": [
            {
                "id": "notice",
                "documentType": "tenderNotice",
                "url": f"{base_url}/listings/{found.id}",
                "datePublished": format_time(found.published_at),
            }
        ],
    }
    body: dict[str, Any] = {
        "ocid": f"{ocid_prefix}-{found.code}",
        "id": f"{found.code}-{'award' if decided else 'tender'}",
        "date": format_time(
            found.decided_at if decided and found.decided_at else found.published_at
        ),
        "tag": ["tender", "award"] if decided else ["tender"],
        "initiationType": "tender",
        "language": "zh",
        "parties": parties,
        "buyer": dict(seller),
        "tender": tender,
    }
    if not decided:
        return body
    assert found.decided_at is not None
    if found.outcome is Outcome.SOLD and winner is not None and found.price_fen is not None:
        tender["status"] = "complete"
        parties.append(_party(winner, names[winner], ["tenderer", "supplier"]))
        body["awards"] = [
            {
                "id": f"{found.code}-1",
                "status": "active",
                "date": format_time(found.decided_at),
                "value": _value(found.price_fen),
                "suppliers": [{"id": str(winner), "name": names[winner]}],
            }
        ]
    else:
        tender["status"] = "unsuccessful"
    return body


def stage_releases(
    found: Listing, *, names: Mapping[UUID, str], winner: UUID | None, ocid_prefix: str,
    base_url: str,
) -> list[dict[str, Any]]:  # fmt: skip
    """The listing's releases for the platform's feed, each as it stood when its fact
    became public, so that it never changes once out (docs/open-data.md, "The feed"): the
    notice (``<code>-tender``, dated its publication) and, once decided, the result
    (``<code>-award``, dated the decision)."""
    notice = dataclasses.replace(found, decided_at=None)
    out = [release(notice, names=names, winner=None, ocid_prefix=ocid_prefix, base_url=base_url)]
    if found.decided_at is not None:
        out.append(
            release(found, names=names, winner=winner, ocid_prefix=ocid_prefix, base_url=base_url)
        )
    return out
