"""Supervision records over HTTP (docs/api-supervision-records.md): filed by a
supervisor of the tender's department, read by it and the centre; every bad input a
stable code with nothing written."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import asyncpg
import httpx

from accounts.model import Actor
from signing.certs import Identity
from supervision.records.model import Attached, Attachment
from tests.evaluation.kit import SessionWorld
from tests.supervision.records.kit import TEXT, footprint, signed, supervisor_key
from tests.web.evaluation.http import code, login


def _body(w: SessionWorld, who: Actor, key: Identity, **over: Any) -> dict[str, Any]:
    """The request of a record attached to the session, signed by ``key``."""
    at = Attachment(
        attached=Attached.EVALUATION, lot="1", session_id=over.pop("sign_session", w.state.id)
    )
    data = signed(
        key, tender=w.scenario.tender.id, attachment=at,
        department=w.scenario.world.department.id, supervisor=who.user_id,
    )  # fmt: skip
    return {
        "attached": "evaluation", "lot": "1", "session": str(w.state.id),
        "statement": base64.b64encode(data["statement"]).decode(),
        "signature": base64.b64encode(data["signature"]).decode(), **over,
    }  # fmt: skip


def _url(w: SessionWorld) -> str:
    return f"/api/v1/tenders/{w.scenario.tender.id}/supervision-records"


async def test_a_supervisor_files_a_record_read_back_with_its_exact_statement(
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    key = await supervisor_key(conn, w.scenario.world.ca, w.supervisor.user_id)
    body = _body(w, w.supervisor, key)
    filed = await client.post(_url(w), json=body, headers=await login(client, w.supervisor))
    assert filed.status_code == 201, filed.text
    record = filed.json()
    assert (record["attached"], record["lot"], record["session"], record["text"]) == (
        "evaluation", "1", str(w.state.id), TEXT,
    )  # fmt: skip
    listed = await client.get(_url(w), headers=await login(client, w.staff))
    assert [r["id"] for r in listed.json()["items"]] == [record["id"]]
    one = await client.get(
        f"/api/v1/supervision-records/{record['id']}", headers=await login(client, w.supervisor)
    )
    assert (one.json()["statement"], one.json()["signature"]) == (
        body["statement"], body["signature"]
    )  # fmt: skip


async def test_bad_input_is_refused_with_a_stable_code_and_nothing_written(
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    key = await supervisor_key(conn, w.scenario.world.ca, w.supervisor.user_id)
    other = await supervisor_key(conn, w.scenario.world.ca, w.other_supervisor.user_id)
    bidder = w.scenario.bidders[0]
    cases = [
        (w.other_supervisor, _body(w, w.other_supervisor, other), (403, "permission_denied")),
        (bidder.actor, _body(w, bidder.actor, bidder.identity), (403, "permission_denied")),
        (w.supervisor, _body(w, w.supervisor, key, sign_session=uuid.uuid4()),
         (422, "supervision_record_statement_invalid")),
        (w.supervisor, _body(w, w.supervisor, key, sign_session=uuid.UUID(int=7),
                             session=str(uuid.UUID(int=7))),
         (404, "supervision_record_session_not_found")),
        (w.supervisor, _body(w, w.supervisor, key, signature=""),
         (422, "supervision_record_signature_invalid")),
        (w.supervisor, _body(w, w.supervisor, key, signature="not base64!"),
         (422, "request_invalid")),
        (w.supervisor, _body(w, w.supervisor, key, attached="tender"), (422, "request_invalid")),
        (w.supervisor, _body(w, w.supervisor, key, attached="minutes"), (422, "request_invalid")),
    ]  # fmt: skip
    for who, body, expected in cases:
        headers = await login(client, who)  # a login is logged: before the footprint
        before = await footprint(conn)
        response = await client.post(_url(w), json=body, headers=headers)
        assert code(response) == expected, (body, response.text)
        assert await footprint(conn) == before
    refused = await client.post(
        _url(w), json=cases[0][1], headers=await login(client, w.other_supervisor)
    )
    assert refused.json()["error"]["details"] == {
        "action": "supervise_tender",
        "resource": "tender",
    }
    for who in (w.agency, w.bidder, w.other_supervisor):
        listed = await client.get(_url(w), headers=await login(client, who))
        assert code(listed) == (403, "permission_denied")
