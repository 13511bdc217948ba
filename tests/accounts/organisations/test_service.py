"""Organisations through the service, on a real PostgreSQL."""

from __future__ import annotations

import dataclasses
import uuid

import asyncpg
import pytest

from accounts import errors
from accounts.model import Organisation, OrgKind
from accounts.organisations import service as organisations
from signing.log.entry import LogEntry
from tests.accounts.factory import (
    CONSOLE,
    actor_for,
    count_rows,
    ids,
    log_size,
    make_organisation,
    make_user,
    new_credit_code,
    newest_entry,
)


async def test_creating_an_organisation_appends_its_log_entry(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """The organisation and its account.organisation_created entry commit together."""
    before = await log_size(conn)
    county = await make_organisation(
        conn, OrgKind.COUNTY_CENTRE, parent=centre, name="宁国市分中心", region="341881"
    )
    assert await log_size(conn) == before + 1
    raw = await newest_entry(conn)
    entry = LogEntry.from_bytes(raw)
    assert entry.kind == "account.organisation_created"
    assert entry.actor.role == "console"
    assert entry.subject is not None
    assert entry.subject.id == str(county.id)
    assert entry.data["parent_id"] == str(centre.id)
    assert entry.data["credit_code"] == county.credit_code


async def test_a_taken_credit_code_is_refused_and_nothing_is_logged(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """credit_code_exists; no row and no entry."""
    before = (await log_size(conn), await count_rows(conn, "organisations"))
    with pytest.raises(errors.CreditCodeTaken) as refused:
        await organisations.create_organisation(
            conn, CONSOLE, credit_code=centre.credit_code, name="冒名", kind=OrgKind.BIDDER
        )
    assert refused.value.code == "credit_code_exists"
    assert (await log_size(conn), await count_rows(conn, "organisations")) == before


async def test_a_wrong_check_character_is_refused(conn: asyncpg.Connection) -> None:
    """The credit code's check character is verified before anything is stored."""
    code = new_credit_code()
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(errors.CreditCodeInvalid):
        await organisations.create_organisation(
            conn, CONSOLE, credit_code=wrong, name="x", kind=OrgKind.OTHER
        )
    assert await count_rows(conn, "organisations") == 0


async def test_a_county_centre_needs_an_existing_city_centre(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """The "1+6" rule: a missing parent is organisation_not_found, a wrong one is refused."""
    agency = await make_organisation(conn, OrgKind.AGENCY)
    with pytest.raises(errors.ParentOrganisationInvalid):
        await make_organisation(conn, OrgKind.COUNTY_CENTRE, parent=agency)
    with pytest.raises(errors.ParentOrganisationInvalid):
        await make_organisation(conn, OrgKind.COUNTY_CENTRE)
    ghost = dataclasses.replace(centre, id=uuid.uuid4())
    with pytest.raises(errors.OrganisationNotFound):
        await make_organisation(conn, OrgKind.COUNTY_CENTRE, parent=ghost)


async def test_organisations_page_through_with_a_cursor(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    """Every organisation appears once, in creation order, across pages."""
    created = [centre] + [await make_organisation(conn, OrgKind.BIDDER) for _ in range(4)]
    reader = await actor_for(conn, await make_user(conn, centre))
    seen, cursor, pages = [], None, 0
    while True:
        page = await organisations.list_organisations(conn, reader, cursor=cursor, limit=2)
        seen += ids(page.items)
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == ids(created)
    assert pages == 3
    with pytest.raises(errors.CursorInvalid):
        await organisations.list_organisations(conn, reader, cursor="bogus", limit=2)
