"""The public page of a tender's contracts, their changes and performance (issue 13,
items 4-5; DOMAIN.md "Results and disclosure": contract and performance are published).
Nothing shows before the first contract is recorded."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from accounts.organisations import service as organisations
from tender.contracts import performance
from tender.errors import TenderNotFound
from tender.lifecycle import load
from web.db.database import acquire
from web.errormap import status_for
from web.services import services
from web.tender.common import tender_id
from web.tender.pages import render


async def contract_page(request: Request) -> Response:
    try:
        which = tender_id(request)
        async with acquire(services(request).pools.main) as conn:
            contracts, changes, records = await performance.published(conn, None, which)
            tender = await load(conn, which)
            names = {
                c.supplier_id: (await organisations.get_organisation(conn, c.supplier_id)).name
                for c in contracts
            }
    except TenderNotFound as missing:
        return render(
            request, "error.html", status_for(missing), code=missing.code,
            violations=[], back="/tenders",
        )  # fmt: skip
    return render(
        request, "contract.html", tender=tender, contracts=contracts, changes=changes,
        performance=records, names=names,
    )  # fmt: skip


def routes() -> list[BaseRoute]:
    """The contract page, for the one route list."""
    return [Route("/tenders/{tender_id}/contract", contract_page, methods=["GET"])]
