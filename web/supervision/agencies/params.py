"""Query parameters of the supervision API and pages (dates, YYYY-MM-DD)."""

from __future__ import annotations

import re
from datetime import date

from starlette.requests import Request

from web.errors import RequestInvalid

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def date_param(request: Request, name: str) -> date | None:
    """An optional query parameter holding a date (YYYY-MM-DD)."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        if not _DATE.fullmatch(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise RequestInvalid(f"'{name}' is a date, YYYY-MM-DD", details={"param": name}) from None


def period_params(request: Request) -> tuple[date | None, date | None]:
    """The statistics period the query names (``from``, ``to``; either may be left out)."""
    return date_param(request, "from"), date_param(request, "to")
