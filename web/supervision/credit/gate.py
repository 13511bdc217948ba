"""The black list's gate at the three acts it refuses (issue 14, item 2): an organisation's
registration, a bidder's download of tender documents, a bid's submission.

The routes of those acts call these before their use case: a refusal is logged in its
own transaction and raises ``party_blacklisted`` (403), so nothing of the act is written.
The time is the database clock (DESIGN.md, "Time").
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from accounts.model import Actor, Role
from signing.errors import SigningError
from signing.statements.bid import SubmitStatement
from supervision.credit import service as credit
from supervision.credit.errors import CreditError
from supervision.credit.model import Gate
from tender import access
from tender.lifecycle import load
from tender.queries import database_now

# The pages that call the gate render its refusal (CreditError) like their own errors.
__all__ = [
    "CreditError",
    "Gate",
    "refuse_blacklisted_bidder",
    "refuse_blacklisted_consortium",
    "refuse_blacklisted_registration",
]


async def refuse_blacklisted_bidder(
    conn: asyncpg.Connection, actor: Actor, action: Gate, tender_id: UUID | None = None
) -> None:
    """Refuse a user acting for a bidder organisation that is on the black list.

    ``tender_id``: the tender acted on is looked at first — one the actor may not see
    (a draft, an unknown id) is not found, before any refusal says it exists."""
    if tender_id is not None:
        access.hide_draft(actor, await load(conn, tender_id))
    bidders = sorted(actor.acting_for(Role.BIDDER))
    if not bidders:
        return  # the agency, tenderer, centre and department read documents as before
    now = await database_now(conn)
    for organisation_id in bidders:
        await credit.require_not_blacklisted(
            conn, organisation_id, action, now, actor=actor, role=str(Role.BIDDER)
        )


async def refuse_blacklisted_consortium(
    conn: asyncpg.Connection, actor: Actor, statement: bytes
) -> None:
    """Refuse a bid whose submit statement names a blacklisted consortium member (联合体:
    each member is a party to the bid). A statement that does not parse is left to the
    submission, which refuses it with its own error."""
    try:
        members = SubmitStatement.from_bytes(statement).consortium
    except SigningError:
        return
    now = await database_now(conn)
    for code in members:
        await credit.require_code_not_blacklisted(
            conn, code, Gate.SUBMIT_BID, now, actor=actor, role=str(Role.BIDDER)
        )


async def refuse_blacklisted_registration(
    conn: asyncpg.Connection, credit_code: str, actor: Actor | None
) -> None:
    """Refuse registering an organisation whose credit code is on the black list."""
    now = await database_now(conn)
    await credit.require_code_not_blacklisted(
        conn, credit_code, Gate.REGISTER, now, actor=actor, role=str(Role.SYSTEM_ADMIN)
    )
