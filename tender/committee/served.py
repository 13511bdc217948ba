"""The lots an opening official serves, and the command that releases its shares.

Issue 15, item 2: an official releases only with ``etender opening release`` on its
own machine — its age identity serves every committee it sits on, so no page this
server sends may ask for it or read it (DESIGN.md, "Trust model": the server never
holds a private key). The page lists the official's seats and the exact command
line; :func:`release_command` builds it here, as pure data (no I/O), so that page and
tests agree on it byte for byte. The use case is ``service.served_lots``.
"""

from __future__ import annotations

import dataclasses
import shlex
from datetime import datetime
from uuid import UUID

# The identity file the command names: the official's own, kept on its machine.
IDENTITY_FILE = "official.agekey"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ServedLot:
    """One seat of the official: a lot of a tender, and where its opening stands."""

    tender_id: UUID
    code: str | None
    title: str
    status: str
    deadline: datetime | None
    lot: str
    lot_title: str
    x: int
    k: int
    n: int
    approved: bool
    frozen: bool
    released: int

    @property
    def hall(self) -> str:
        """The lot's opening hall (web/opening/pages.py)."""
        return f"/tenders/{self.tender_id}/lots/{self.lot}/opening-hall"


def release_command(server: str, tender_id: UUID, lot: str) -> str:
    """The exact ``etender opening release`` line for one lot (client/opening.py); the
    bearer token comes from ``ETENDER_TOKEN``, never from the command line (it would
    stay in the shell's history)."""
    return shlex.join([
        "etender", "opening", "release", "--server", server, "--identity", IDENTITY_FILE,
        "--tender", str(tender_id), "--lot", lot,
    ])  # fmt: skip
