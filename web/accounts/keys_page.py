"""The signing keys page, /me/keys (issue 12 item 3; CONTRACTS.md §4).

The page itself holds nothing secret: its script (web/static/js/keys-page.js) uses the
signing bundle (web/jsbundle.py) to make or import the member's keys in the browser,
ask the demo CA or take an issued certificate, register it by proof of possession,
and list the keys, this device's signatures and the platform's record of them.

A bidder also makes its age identity here (issue 16 item 1; web/static/js/keys-age.js):
made in the page, downloaded once, never sent; only its recipient is registered, by a
recipient statement the page signs with the bidder's registered key.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from accounts.model import Role
from web import i18n, jsbundle, pages
from web.accounts import i18n_keys as texts
from web.db.database import acquire
from web.services import services


async def keys_page(request: Request) -> Response:
    async with acquire(services(request).pools.main) as conn:
        actor = await pages.signed_in(request, conn)
    if actor is None:
        return RedirectResponse("/login", status_code=303, headers={"Cache-Control": "no-store"})
    lang = i18n.negotiate(request)
    context = {
        "actor": actor,
        # Issue 16 item 1: a bidder makes its age identity here (sealed-bid.md §2).
        "age_section": actor.has_role(Role.BIDDER),
        "script_texts": json.dumps(texts.script_texts(lang), ensure_ascii=False),
        **jsbundle.template_context(),
    }
    return pages.render(request, "keys/keys.html", texts.translate, context)


def routes() -> list[BaseRoute]:
    """The keys page (its script is a static file under /static/js/)."""
    return [Route("/me/keys", keys_page, methods=["GET"])]
