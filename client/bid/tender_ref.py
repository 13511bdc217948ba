"""One tender identifier for `bid seal` and `bid submit` (docs/cli.md, "Naming a tender"):
the transaction code (``XC-2026-GC-000123``, what the notice and the committee file
show) or the tender's id (a UUID, what the API's paths take), resolved through the API.

The sealed part's manifest names the tender by its code (sealed-bid.md §7, the
committee's ``tender``); the upload paths take the id. Resolving either through the
API means a bidder copies whichever the page shows, and a code that names no published
tender is refused before anything is sealed or sent.
"""

from __future__ import annotations

import argparse
import re
import uuid
from dataclasses import dataclass

from client.console import read_token
from client.errors import (
    ApiError,
    NotSignedIn,
    TenderIdentifierInvalid,
    TenderIdentifierUnknown,
)
from client.http import Api

# A transaction code is {centre}-{year}-{category}-{sequence}; the centre part is a
# policy (tender/policy.py), so only its alphabet is checked here: a character that
# would change a URL or a query (/ ? # % space), a control character or non-ASCII is
# refused as not an identifier at all.
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_PAGE = 100  # the list's largest page (GET /api/v1/tenders?limit=)


@dataclass(frozen=True, slots=True)
class TenderRef:
    """A published tender as both names: its id and its transaction code."""

    id: str
    code: str


def parse(text: str) -> uuid.UUID | str:
    """A UUID, or a transaction code (upper-cased), else ``tender_identifier_invalid``."""
    value = text.strip()
    try:
        return uuid.UUID(value)
    except ValueError:
        pass
    if not _CODE.fullmatch(value):
        raise TenderIdentifierInvalid(
            f"{text!r} is neither a transaction code (e.g. XC-2026-GC-000123) nor a tender id"
        )
    return value.upper()


def resolve_tender(api: Api, text: str, *, retry: bool = True) -> TenderRef:
    """Both names of the published tender ``text`` names (GET /api/v1/tenders/{id}, or
    the list searched by code). Unknown, not yet published or not visible to this
    caller: ``tender_identifier_unknown``, the same for every case (another party's
    draft is not told apart from no tender). ``retry``: across dropped connections, as
    an upload does (``submit``); ``seal`` asks once, a mistyped --server says so now."""
    which = parse(text)
    get = api.retrying if retry else api.call
    if isinstance(which, uuid.UUID):
        try:
            body = get("GET", f"/api/v1/tenders/{which}")
        except ApiError as exc:
            if exc.status == 404:
                raise TenderIdentifierUnknown(f"no published tender has the id {which}") from exc
            raise
        code = body.get("code")
        if not isinstance(code, str) or not code:
            raise TenderIdentifierUnknown(f"the tender {which} is not published")
        return TenderRef(id=str(which), code=code)
    found = get("GET", f"/api/v1/tenders?q={which}&limit={_PAGE}")
    items = found.get("items")
    matches = [
        item
        for item in (items if isinstance(items, list) else [])
        if isinstance(item, dict) and item.get("code") == which
    ]
    if len(matches) != 1:  # the code is UNIQUE: 0 (unknown) or, never, several
        raise TenderIdentifierUnknown(f"no published tender has the transaction code {which}")
    return TenderRef(id=str(matches[0]["id"]), code=which)


def bearer_token(args: argparse.Namespace) -> str:
    """The bidder's token (--token, --token-file, ETENDER_TOKEN or the login file), only
    for the server that issued it; none at all is ``not_signed_in``."""
    token = read_token(args, [args.server])
    if not token:
        raise NotSignedIn(
            "no token: run `etender login --server … --username …` first "
            "(or pass --token-file, --token or set ETENDER_TOKEN)"
        )
    return token
