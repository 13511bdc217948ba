"""docs/api-listing.md is exact: its error table, endpoints, log kinds, policies and the
deal statement are the code's (tests name the rule: docs stay byte-exact with behaviour)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import re
import uuid
from pathlib import Path

from listing import errors
from listing.journal import ListingEvent
from listing.model import Listing, ListingKind, Status, deal_statement
from listing.policy import ListingPolicies
from web.listing.routes import ROUTES

DOCS = Path(__file__).parents[2] / "docs"
DOC = (DOCS / "api-listing.md").read_text(encoding="utf-8")


def test_every_error_of_listings_is_in_the_table_with_its_status() -> None:
    rows = dict(re.findall(r"^\| `(listing_[a-z_]+)` \| (\d{3}) \|", DOC, flags=re.MULTILINE))
    classes = [
        c for _, c in inspect.getmembers(errors, inspect.isclass)
        if issubclass(c, errors.ListingError)
    ]  # fmt: skip
    assert {c.code: str(c.status) for c in classes} == rows


def test_the_endpoint_table_is_the_routes() -> None:
    rows = re.findall(r"^\| `([A-Z]+) (/api/v1/listings[^`]*)` \|", DOC, flags=re.MULTILINE)
    assert sorted(rows) == sorted((r.method, r.path) for r in ROUTES)


def test_the_log_table_is_the_entry_kinds_and_audit_log_md_names_them() -> None:
    rows = re.findall(r"^\| `(listing\.[a-z_]+)` \|", DOC, flags=re.MULTILINE)
    assert rows == [str(k) for k in ListingEvent]
    audit_log = (DOCS / "audit-log.md").read_text(encoding="utf-8")
    assert all(f"`{k}`" in audit_log for k in ListingEvent)


def test_the_policy_table_is_the_defaults() -> None:
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| `([0-9a-z]+)` \|", DOC, flags=re.MULTILINE))
    assert rows == {k: str(v) for k, v in ListingPolicies().to_json().items()}


def test_the_documented_deal_statement_is_the_builders_bytes() -> None:
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    listing = Listing(
        id=uuid.uuid4(), serial=1, code="XC-GP-2026-0001", kind=ListingKind.LAND_USE,
        title="宣州区 2026-18 号地块", seller_id=uuid.uuid4(), agency_id=uuid.uuid4(),
        published_at=at, starts_at=at, ends_at=at, start_price_fen=1, increment_fen=1,
        deposit_fen=1, countdown_seconds=300, has_reserve=True, committee_k=2, officials=(),
        committee=b"", policies={}, status=Status.DECIDED, auction_id=1, reserve_sha256=None,
        reserve_fen=None, outcome=None, winner_number="482913", price_fen=1_250_000_000,
        decided_at=None, concluded_at=None,
    )  # fmt: skip
    body = deal_statement(
        listing=dataclasses.replace(listing), seller="11341800MB0000000B",
        buyer="91341800MA2N000006", number="482913", price_fen=1_250_000_000,
    )  # fmt: skip
    assert re.findall(r"```\n(\{.*\})\n```", DOC) == [body.decode()]
