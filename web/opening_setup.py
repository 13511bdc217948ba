"""The opening's composition (blob store, trust store, platform key, output directory).

Built once per application; every use gets the trust store as of that use (issue 9,
item 5). The opening hall (tender/opening/session.py), the opening routes and the
opening job are given it; the Services object of issue 10 is to build it up front.

Imported as a module (``from web import opening_setup``): it reads the blob store from
web/routes/tender_common.py, and the route package imports this module back.
"""

from __future__ import annotations

import dataclasses

from starlette.applications import Starlette

from signing.trust import TrustStore
from tender.errors import TrustStoreMissing
from tender.opening.lot import Opening
from tender.submission.receipts import load_or_create
from web.routes.tender_common import blob_store
from web.trust import platform_trust


def of(app: Starlette) -> Opening:
    """The opening's composition (blobs, trust, platform key), built once per application."""
    cached: Opening | None = getattr(app.state, "opening", None)
    if cached is None:
        settings = app.state.settings
        cached = Opening(
            store=blob_store(app),
            trust=_trust_now(app),
            signer=load_or_create(settings.data_dir).identity,
            output_root=settings.data_dir / "opened",
        )
        app.state.opening = cached
        return cached
    # The trust store as of this use, never the first one's (issue 9, item 5).
    return dataclasses.replace(cached, trust=_trust_now(app))


def _trust_now(app: Starlette) -> TrustStore:
    trust = platform_trust(app).current()
    if trust is None:
        raise TrustStoreMissing("the platform has no trust store: nothing can be verified")
    return trust
