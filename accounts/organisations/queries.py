"""All SQL of the organisation tree.

Rows leave as domain objects and database errors as domain errors.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from accounts.errors import CreditCodeTaken, OrganisationNotFound
from accounts.model import Organisation, OrgKind


def _organisation(row: asyncpg.Record) -> Organisation:
    return Organisation(
        id=row["id"],
        credit_code=row["credit_code"],
        name=row["name"],
        kind=OrgKind(row["kind"]),
        parent_id=row["parent_id"],
        region=row["region"],
        created_at=row["created_at"],
    )


INSERT_ORGANISATION = """
INSERT INTO organisations (credit_code, name, kind, parent_id, region)
VALUES ($1, $2, $3, $4, $5)
RETURNING id, credit_code, name, kind, parent_id, region, created_at
"""


async def insert_organisation(
    conn: asyncpg.Connection,
    *,
    credit_code: str,
    name: str,
    kind: OrgKind,
    parent_id: UUID | None,
    region: str,
) -> Organisation:
    """Insert an organisation; a credit code already in use raises CreditCodeTaken."""
    try:
        row = await conn.fetchrow(INSERT_ORGANISATION, credit_code, name, kind, parent_id, region)
    except asyncpg.UniqueViolationError:
        raise CreditCodeTaken("an organisation with this credit code exists") from None
    except asyncpg.ForeignKeyViolationError:
        raise OrganisationNotFound("the parent organisation does not exist") from None
    assert row is not None
    return _organisation(row)


SELECT_ORGANISATION = """
SELECT id, credit_code, name, kind, parent_id, region, created_at
FROM organisations WHERE id = $1
"""


async def organisation(conn: asyncpg.Connection, organisation_id: UUID) -> Organisation | None:
    """The organisation with this id, if any."""
    row = await conn.fetchrow(SELECT_ORGANISATION, organisation_id)
    return None if row is None else _organisation(row)


SELECT_ORGANISATION_BY_CODE = """
SELECT id, credit_code, name, kind, parent_id, region, created_at
FROM organisations WHERE credit_code = $1
"""


async def organisation_by_code(conn: asyncpg.Connection, credit_code: str) -> Organisation | None:
    """The organisation with this credit code, if any."""
    row = await conn.fetchrow(SELECT_ORGANISATION_BY_CODE, credit_code)
    return None if row is None else _organisation(row)


# Keyset pagination in creation order; the cursor is the last row's (created_at, id).
LIST_ORGANISATIONS = """
SELECT id, credit_code, name, kind, parent_id, region, created_at FROM organisations
WHERE $1::timestamptz IS NULL OR (created_at, id) > ($1::timestamptz, $2::uuid)
ORDER BY created_at, id
LIMIT $3
"""


async def list_organisations(
    conn: asyncpg.Connection, *, after: tuple[datetime, UUID] | None, limit: int
) -> list[Organisation]:
    """Up to ``limit`` organisations after the cursor position, oldest first."""
    created_at, last_id = after if after is not None else (None, None)
    rows = await conn.fetch(LIST_ORGANISATIONS, created_at, last_id, limit)
    return [_organisation(row) for row in rows]
