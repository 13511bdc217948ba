"""Appointing a committee from the officials' registered keys (the centre's page).

DESIGN.md, "Opening committee": each official's age recipient is bound to the
official's certificate by a recipient statement the official signed. Officials
register both themselves (accounts/keys: the certificate by proof of possession, the
recipient by its statement); the centre then only chooses whom to seat, in order, and
the threshold k — it never types or uploads a key, so it cannot substitute one. The
appointment itself, with every check of the statements against the trust store, is
:func:`tender.committee.service.appoint_committee`.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg
from cryptography import x509

from accounts.keys import official_queries
from accounts.keys.model import RegisteredOfficial
from accounts.model import Actor
from signing.certs import dump_pem_certificate
from signing.statements.base import SignedStatement
from tender import access
from tender.committee.model import Roster
from tender.committee.service import OfficialInput, appoint_committee
from tender.errors import TenderInputInvalid
from tender.lifecycle import load
from tender.setup import Setup


async def appointable_officials(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID
) -> list[RegisteredOfficial]:
    """The officials the actor may seat on this tender's committees (its centre's staff)."""
    access.authorise(actor, access.APPOINT_COMMITTEE, await load(conn, tender_id))
    return await official_queries.registered_officials(conn)


def _official_input(official: RegisteredOfficial) -> OfficialInput:
    certificate = x509.load_der_x509_certificate(official.certificate)
    return OfficialInput(
        user_id=official.user_id,
        recipient=official.recipient,
        certificate_pem=dump_pem_certificate(certificate),
        statement=SignedStatement(body=official.statement, signature=official.signature),
    )


async def appoint_registered(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    lot: str,
    *,
    k: int,
    user_ids: Sequence[UUID],
    setup: Setup,
) -> Roster:
    """Seat these officials (x in the given order) with their registered keys."""
    access.authorise(actor, access.APPOINT_COMMITTEE, await load(conn, tender_id))
    if len(set(user_ids)) != len(user_ids):
        raise TenderInputInvalid("an official is chosen once", details={"field": "officials"})
    found = {o.user_id: o for o in await official_queries.registered_officials(conn, user_ids)}
    missing = [str(u) for u in user_ids if u not in found]
    if missing:
        raise TenderInputInvalid(
            "an official chosen has no registered keys",
            details={"field": "officials", "user_ids": missing},
        )
    officials = [_official_input(found[u]) for u in user_ids]
    return await appoint_committee(
        conn, actor, tender_id, lot, k=k, officials=officials, setup=setup
    )
