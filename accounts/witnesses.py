"""The log's witnesses as the security administrator keeps them (issue 15, item 3).

三员分立: witness keys are the security administrator's (``manage_witnesses``,
DESIGN.md "Who uses it"); registering one is a ``log.witness_added`` entry naming that
administrator as the actor (the console's registration names the platform). A witness
is only its cosignature verifier key: the platform never holds the witness's private
key (docs/audit-log.md §4).
"""

from __future__ import annotations

import logging

import asyncpg

from accounts.journal import log_address
from accounts.model import Actor
from accounts.permissions import PLATFORM, Action, require_role
from audit import service as audit
from signing.log.entry import Actor as LogActor

log = logging.getLogger(__name__)


async def list_witnesses(conn: asyncpg.Connection, by: Actor) -> list[tuple[str, str]]:
    """Every registered witness as (name, vkey) (security administrator)."""
    require_role(by, Action.MANAGE_WITNESSES, PLATFORM)
    return await audit.registered_witnesses(conn)


async def register_witness(conn: asyncpg.Connection, by: Actor, vkey: str) -> str:
    """Register a witness's verifier key (type 0x04 vkey); returns the witness's name."""
    role = require_role(by, Action.MANAGE_WITNESSES, PLATFORM)
    async with conn.transaction():
        name = await audit.add_witness(
            conn, vkey.strip(), actor=LogActor(user_id=str(by.user_id), role=str(role)),
            address=log_address(by.address),
        )  # fmt: skip
    log.info("accounts.witness_registered", extra={"witness": name})
    return name
