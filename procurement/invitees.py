"""Who was invited, sealed in the log until the award (docs/api-procurement.md, "Log
entries"; docs/audit-log.md §1.2 and §9).

The project hides its invited suppliers from everyone but the agency, the tenderer and
the overseers until the award (service.as_seen_by), so its log entries must not name
them either: a witness reading the log would learn who was invited, and who quoted,
before the award (the outside tester's "Invited suppliers in the log"). Each entry
names a supplier as ``commit(credit code, salt)`` — the commitment of tender bids
(signing.log.entry.commit; docs/formats/upload.md §4.2) — with one salt per supplier
and project (0131), so a supplier's entries agree; ``procurement.suppliers_revealed``,
in the award's transaction, opens every one of them.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

import asyncpg

from accounts.organisations import service as organisations
from procurement import queries
from procurement.events import ProcurementEvent
from signing.log.entry import Actor as LogActor
from signing.log.entry import commit
from tender.lifecycle import PLATFORM, append
from tender.queries import database_now

SALT_BYTES = 32  # docs/audit-log.md §1.2: the platform's salts are 32 random bytes
# A supplier's bidder quoting is logged as this actor, without address, as a listing
# bidder's own act is (docs/audit-log.md §1.1): its user id names its organisation
# (account.user_created), the supplier the entry's commitment hides.
HIDDEN_BIDDER = LogActor(user_id=None, role="bidder")


async def _codes(conn: asyncpg.Connection, ids: Iterable[UUID]) -> dict[UUID, str]:
    return {i: (await organisations.get_organisation(conn, i)).credit_code for i in set(ids)}


async def sealed(
    conn: asyncpg.Connection, tender_id: UUID, suppliers: Iterable[UUID]
) -> dict[UUID, str]:
    """Each supplier's commitment in the project's entries, drawing the salt of one named
    for the first time (in the caller's transaction, under the tender's row lock)."""
    wanted = list(suppliers)
    known = await queries.salts(conn, tender_id)
    fresh = {s: secrets.token_bytes(SALT_BYTES) for s in wanted if s not in known}
    if fresh:
        await queries.add_salts(conn, tender_id, fresh)
        known = await queries.salts(conn, tender_id)
    codes = await _codes(conn, wanted)
    return {s: commit(codes[s], known[s]) for s in wanted}


def listed(commitments: Mapping[UUID, str]) -> list[str]:
    """The plan's suppliers as logged: their commitments in ascending order, so the
    order says nothing of who was named first."""
    return sorted(commitments.values())


async def reveal(
    conn: asyncpg.Connection,
    tender_id: UUID,
    invited: Iterable[UUID],
    *,
    actor: LogActor,
    address: str | None,
) -> list[dict[str, Any]]:
    """Append ``procurement.suppliers_revealed``: every salt drawn for the project (the
    ``invited`` always among them), with the supplier's id and credit code, so anyone
    recomputes each commitment its entries hold (in the award's transaction: from then
    on the project shows its suppliers). Once: a later call appends nothing."""
    if not await queries.mark_revealed(conn, tender_id, await database_now(conn)):
        return []
    await sealed(conn, tender_id, invited)
    salts = await queries.salts(conn, tender_id)
    codes = await _codes(conn, salts)
    opened = [
        {"supplier_id": str(s), "credit_code": codes[s], "salt": salt.hex(),
         "commitment": commit(codes[s], salt)}
        for s, salt in sorted(salts.items(), key=lambda item: str(item[0]))
    ]  # fmt: skip
    await append(
        conn, ProcurementEvent.SUPPLIERS_REVEALED, tender_id,
        actor=actor, address=address, data={"suppliers": opened},
    )  # fmt: skip
    return opened


async def reveal_at_award(conn: asyncpg.Connection, tender_id: UUID) -> None:
    """The reveal at the tender's own award (request for quotations and consultation
    are awarded by tender/results): run by the app's after-award follow-ups
    (web/tender/results/after_award.py), in the award's transaction, by the platform.
    A tender without a project, or a project revealed already (negotiation and single
    source reveal at their own award), is left as it is."""
    project = await queries.project(conn, tender_id)
    if project is not None and project.revealed_at is None:
        await reveal(conn, tender_id, project.plan.suppliers, actor=PLATFORM, address=None)
