"""Officials who registered their own keys, as /me/keys or the command line would: the
signing certificate, then the age recipient by a recipient statement signed with it
(accounts/keys/service.py checks the statement against the world's CA for real)."""

from __future__ import annotations

import datetime as dt

import asyncpg

from accounts.keys import service as keys
from signing.statements.recipient import RecipientStatement
from tests.accounts.factory import actor_for
from tests.tender.world import World, register_certificate


async def register_official_keys(conn: asyncpg.Connection, world: World) -> None:
    """Each of the world's officials registers its certificate and its recipient."""
    now = dt.datetime.now(dt.UTC)
    for official in world.officials:
        person = official.identity
        await register_certificate(conn, official.user.id, person)
        statement = RecipientStatement.for_certificate(
            official.age.recipient().encode(), person.certificate, now
        ).sign(person.certificate, person.key, chain=person.chain)
        await keys.register_recipient(
            conn, await actor_for(conn, official.user), statement=statement.body,
            signature=statement.signature, trust=world.ca.trust_store(),
        )  # fmt: skip
