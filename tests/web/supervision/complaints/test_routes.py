"""Complaints over HTTP (docs/api-complaints.md): a party files, the department reads
its desk and takes signed steps, another department's supervisor is refused (403), the
exact signed bytes are served back, the error codes of the page."""

from __future__ import annotations

import base64
from uuid import UUID

import asyncpg
import httpx

from accounts.model import Actor, OrgKind, Role
from signing.canonical import sha256_hex
from supervision.complaints import queries
from supervision.complaints.statements import statement_commitment
from tests.accounts.factory import make_organisation, make_user
from tests.supervision.complaints.kit import (
    complaint_body,
    department_identity,
    objected,
    step_body,
    today,
)
from tests.tender.results.kit import Closed
from tests.tender.world import entries
from tests.web.evaluation.http import code, get, login


def _signed(signed: dict[str, bytes]) -> dict[str, str]:
    return {key: base64.b64encode(value).decode() for key, value in signed.items()}


async def post(client: httpx.AsyncClient, url: str, who: Actor, body: object) -> httpx.Response:
    return await client.post(url, json=body, headers=await login(client, who))


async def test_a_complaint_is_filed_followed_and_decided_over_http(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    objection, _ = await objected(conn, closed, 2)
    url = f"/api/v1/tenders/{closed.tender_id}/complaints"
    signed = complaint_body(
        closed, 2, matter="candidates", objection_id=str(objection.id), known_on=await today(conn)
    )
    filed = await post(client, url, closed.bidder(2), _signed(signed))
    assert filed.status_code == 201, filed.text
    body = filed.json()
    assert (body["status"], body["matter"], body["late"]) == ("filed", "candidates", False)
    one = f"/api/v1/complaints/{body['id']}"
    assert code(await get(client, one, closed.bidder(3))) == (404, "complaint_not_found")
    desk = await get(client, "/api/v1/complaints", closed.supervisor)
    assert [c["id"] for c in desk.json()["items"]] == [body["id"]]
    other = await get(client, "/api/v1/complaints", closed.other_supervisor)
    assert other.json() == {"items": []}
    # Staff of the tender's centre list it; a county centre's staff neither list nor read
    # it: the list names the complainant, a party secret until the deadline (F2).
    hosts = await get(client, "/api/v1/complaints", closed.staff)
    assert [c["id"] for c in hosts.json()["items"]] == [body["id"]]
    county = await make_organisation(
        conn, OrgKind.COUNTY_CENTRE, parent=closed.world.centre, name="郎溪县交易分中心"
    )
    await make_user(conn, county, Role.CENTRE_STAFF, username="countystaff")
    assert (await get(client, "/api/v1/complaints", "countystaff")).json() == {"items": []}
    assert code(await get(client, one, "countystaff")) == (404, "complaint_not_found")
    dept = await department_identity(conn, closed)
    stored = await queries.complaint(conn, UUID(body["id"]))
    assert stored is not None
    accept = await step_body(conn, stored, "accept", dept, closed.world.department.credit_code)
    refused = await post(client, f"{one}/steps", closed.other_supervisor, _signed(accept))
    assert code(refused) == (403, "permission_denied")
    accepted = await post(client, f"{one}/steps", closed.supervisor, _signed(accept))
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["complaint"]["status"] == "accepted"
    shown = (await get(client, one, closed.bidder(2))).json()
    assert [s["step"] for s in shown["steps"]] == ["accept"]
    assert set(shown["deadlines"]) == {"filing", "acceptance", "decision"}
    bytes_back = (await get(client, f"{one}/statements/1", closed.bidder(2))).json()
    assert base64.b64decode(bytes_back["statement"]) == accept["statement"]
    filing_back = (await get(client, f"{one}/statements/0", closed.supervisor)).json()
    for spelled in ("00", "01", "+1", "１"):  # one spelling per statement (F20)
        refused = await get(client, f"{one}/statements/{spelled}", closed.supervisor)
        assert code(refused) == (422, "request_invalid"), spelled
    assert base64.b64decode(filing_back["statement"]) == signed["statement"]
    # The readers' salt opens the entries' statement commitments (Log entries).
    salt = bytes.fromhex(shown["statement_salt"])
    desk_view = (await get(client, one, closed.supervisor)).json()
    assert desk_view["statement_salt"] == shown["statement_salt"]
    [entry] = await entries(conn, "complaint.filed")
    assert entry.data["statement"] == statement_commitment(sha256_hex(signed["statement"]), salt)


async def test_bad_complaints_over_http_get_their_codes(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    url = f"/api/v1/tenders/{closed.tender_id}/complaints"
    day = await today(conn)
    no_matter = complaint_body(closed, 2, matter="", objection_id="", known_on=day)
    assert code(await post(client, url, closed.bidder(2), _signed(no_matter))) == (
        422, "complaint_matter_required",
    )  # fmt: skip
    no_objection = complaint_body(closed, 2, matter="opening", objection_id="", known_on=day)
    assert code(await post(client, url, closed.bidder(2), _signed(no_objection))) == (
        422, "complaint_objection_required",
    )  # fmt: skip
    stranger = await post(client, url, closed.other_agency, _signed(no_matter))
    assert code(stranger) == (403, "complaint_not_a_party")
    assert (await conn.fetchval("SELECT count(*) FROM complaints")) == 0
