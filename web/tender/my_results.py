"""The bidder's results page (issue 15): every lot its organisation bid on, the lot's
stage, its publicised rank, and its award or result notices to download (the signed
PDF and the platform's .p7s, through the award notices' own routes, which check each
notice again). Only the bidder's own organisation's bids, and of each lot only what is
public (tender/results/bidder.py). Chinese first, English through the switch; no script.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from accounts.errors import AccountsError
from tender.results import bidder
from web import pages
from web.db.database import acquire
from web.errormap import status_for
from web.errors import WebError
from web.services import services
from web.tender.results import i18n as i18n_results

render = pages.feature_renderer("tender", i18n_results, {})
PATH = "/bidder/results"


async def results_page(request: Request) -> Response:
    async with acquire(services(request).pools.main) as conn:
        try:
            actor = await pages.signed_in(request, conn)
        except WebError as refused:
            return render(
                request, "error.html", status_for(refused), code=refused.code, violations=[],
                back="/",
            )  # fmt: skip
        if actor is None:
            return RedirectResponse("/login", status_code=303)
        try:
            found = await bidder.my_results(conn, actor)
        except AccountsError as refused:  # not a bidder: permission_denied (403)
            return render(
                request, "error.html", status_for(refused), actor=actor, code=refused.code,
                violations=[], back="/",
            )  # fmt: skip
    return render(request, "my_results.html", actor=actor, results=found)


def routes() -> list[BaseRoute]:
    """The bidder's results page, for the one route list."""
    return [Route(PATH, results_page, methods=["GET"])]
