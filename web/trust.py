"""The application's one trust store, reached through one typed accessor.

``create_app`` builds a :class:`tender.trust.PlatformTrust` before the first request
and keeps it in ``app.state.trust``; every verifier — certificate login, key
registration, submit and withdraw statements, draw answers, the opening — asks it here
for the store as of now (issue 9, item 5; the refresh rule is in tender/trust.py and
docs/formats/signatures.md, "Trust store refresh").
"""

from __future__ import annotations

from starlette.applications import Starlette

from tender.trust import PlatformTrust


def platform_trust(app: Starlette) -> PlatformTrust:
    """The application's trust store (built by ``create_app``)."""
    trust = app.state.trust
    if not isinstance(trust, PlatformTrust):  # the composition root's bug, never a user's
        raise TypeError("create_app did not build the trust store")
    return trust
