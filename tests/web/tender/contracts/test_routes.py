"""The contract API (docs/api-contracts.md): who may record what, what anyone reads, and
bad input refused with nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest

from tests.tender.contracts.factory import Awarded, awarded
from tests.tender.results.kit import Closed
from tests.web.evaluation.http import code, login

pytestmark = pytest.mark.usefixtures("app")


def contract_json(w: Awarded, **change: Any) -> dict[str, Any]:
    """A contract on exactly the winning bid's terms."""
    return {
        "lot": "1",
        "supplier_id": str(w.winner_id),
        "price_fen": w.fields["price"],
        "duration_days": w.fields["duration"],
        "scope": w.tender.content.lots[0].title,
        "document_sha256": "ef" * 32,
        "signed_on": "2026-03-02",
    } | change


def url(w: Awarded, tail: str = "contracts") -> str:
    return f"/api/v1/tenders/{w.tender.id}/{tail}"


async def rows(conn: asyncpg.Connection, table: str) -> int:
    value: int = await conn.fetchval(f"SELECT count(*) FROM {table}")
    return value


async def test_the_agency_records_the_contract_and_anyone_reads_its_key_terms(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    w = await awarded(conn, closed)
    before = await client.get(url(w))
    assert before.json() == {"contracts": [], "changes": [], "performance": []}
    agency = await login(client, closed.agency)
    answer = await client.post(url(w), json=contract_json(w), headers=agency)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["price_fen"] == w.fields["price"]
    assert body["late"] is False
    public = (await client.get(url(w))).json()
    assert public["contracts"] == [body]
    status = (await client.get(f"/api/v1/tenders/{w.tender.id}")).json()["status"]
    assert status == "contract"


async def test_changes_and_performance_are_recorded_by_the_agency_and_public(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    w = await awarded(conn, closed)
    agency = await login(client, closed.agency)
    assert (await client.post(url(w), json=contract_json(w), headers=agency)).status_code == 201
    change = {"what": "开工日期", "description": "推迟 10 日", "reason": "场地移交推迟",
              "effective_on": "2026-03-08"}  # fmt: skip
    paid = {
        "kind": "payment",
        "title": "预付款",
        "amount_fen": 900_000,
        "occurred_on": "2026-03-10",
    }
    done = await client.post(url(w, "contracts/1/changes"), json=change, headers=agency)
    assert done.status_code == 201, done.text
    done = await client.post(url(w, "contracts/1/performance"), json=paid, headers=agency)
    assert done.status_code == 201, done.text
    public = (await client.get(url(w))).json()
    assert [c["what"] for c in public["changes"]] == ["开工日期"]
    assert [(p["kind"], p["amount_fen"]) for p in public["performance"]] == [("payment", 900_000)]


@pytest.mark.parametrize("who", ["other_agency", "staff", "supervisor", "tenderer", "bidder"])
async def test_only_the_tenders_own_agency_records_over_http(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed, who: str
) -> None:
    """Per-object authorisation: another agency's user is refused on this tender's id."""
    w = await awarded(conn, closed)
    actor = closed.bidder(1) if who == "bidder" else getattr(closed, who)
    headers = await login(client, actor)
    answer = await client.post(url(w), json=contract_json(w), headers=headers)
    assert code(answer) == (403, "permission_denied")
    for tail in ("contracts/1/changes", "contracts/1/performance"):
        assert (await client.post(url(w, tail), json={}, headers=headers)).status_code in (403, 422)
    assert await rows(conn, "tender_contracts") == 0


async def test_anonymous_writes_are_refused(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    w = await awarded(conn, closed)
    assert (await client.post(url(w), json=contract_json(w))).status_code == 401


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"price_fen": 1}, (422, "contract_terms_differ")),
        ({"duration_days": 999}, (422, "contract_terms_differ")),
        ({"scope": "另一标段"}, (422, "contract_terms_differ")),
        ({"lot": "7"}, (404, "tender_lot_not_found")),
        ({"document_sha256": "nothex"}, (422, "contract_input_invalid")),
        ({"price_fen": "90"}, (422, "request_invalid")),
        ({"signed_on": "yesterday"}, (422, "request_invalid")),
        ({"unknown": 1}, (422, "request_invalid")),
        ({"price_fen": -1}, (422, "contract_input_invalid")),
    ],
)
async def test_bad_contracts_are_refused_and_nothing_is_written(
    client: httpx.AsyncClient,
    conn: asyncpg.Connection,
    closed: Closed,
    change: dict[str, Any],
    expected: tuple[int, str],
) -> None:
    w = await awarded(conn, closed)
    agency = await login(client, closed.agency)
    answer = await client.post(url(w), json=contract_json(w, **change), headers=agency)
    assert code(answer) == expected, answer.text
    assert await rows(conn, "tender_contracts") == 0


async def test_a_contract_differing_names_the_term_and_both_values(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    w = await awarded(conn, closed)
    agency = await login(client, closed.agency)
    answer = await client.post(url(w), json=contract_json(w, price_fen=1), headers=agency)
    details = answer.json()["error"]["details"]
    assert (details["term"], details["contract"], details["expected"]) == (
        "price", 1, w.fields["price"],
    )  # fmt: skip


async def test_a_contract_before_the_award_or_late_without_a_reason_is_refused(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    early = await awarded(conn, closed, award=False)
    agency = await login(client, closed.agency)
    answer = await client.post(url(early), json=contract_json(early), headers=agency)
    assert code(answer) == (409, "contract_before_award")
    assert await rows(conn, "tender_contracts") == 0


async def test_a_late_contract_needs_its_reason(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    w = await awarded(conn, closed, decided_ago=dt.timedelta(days=40))
    agency = await login(client, closed.agency)
    answer = await client.post(url(w), json=contract_json(w), headers=agency)
    assert code(answer) == (409, "contract_deadline_passed")
    late = contract_json(w, late_reason="中标人内部审批延误")
    answer = await client.post(url(w), json=late, headers=agency)
    assert answer.status_code == 201, answer.text
    assert answer.json()["late"] is True


async def test_an_unknown_tender_is_not_found(client: httpx.AsyncClient, closed: Closed) -> None:
    agency = await login(client, closed.agency)
    answer = await client.get(f"/api/v1/tenders/{uuid4()}/contracts")
    assert code(answer) == (404, "tender_not_found")
    answer = await client.post(f"/api/v1/tenders/{uuid4()}/contracts", json={}, headers=agency)
    assert answer.status_code in (404, 422)


async def test_bad_performance_records_are_refused_and_nothing_is_written(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    w = await awarded(conn, closed)
    agency = await login(client, closed.agency)
    assert (await client.post(url(w), json=contract_json(w), headers=agency)).status_code == 201
    base = {"kind": "payment", "title": "进度款", "amount_fen": 5, "occurred_on": "2026-04-01"}
    for bad, expected in (
        ({"amount_fen": None}, (422, "contract_input_invalid")),
        ({"kind": "milestone"}, (422, "contract_input_invalid")),
        ({"kind": "gift"}, (422, "request_invalid")),
        ({"title": ""}, (422, "contract_input_invalid")),
    ):
        answer = await client.post(
            url(w, "contracts/1/performance"), json=base | bad, headers=agency
        )
        assert code(answer) == expected, (bad, answer.text)
    answer = await client.post(url(w, "contracts/2/performance"), json=base, headers=agency)
    assert answer.status_code == 404
    assert await rows(conn, "tender_performance") == 0


async def test_centre_staff_suspend_and_resume_and_anyone_reads_suspensions(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    w = await awarded(conn, closed)
    agency = await login(client, closed.agency)
    staff = await login(client, closed.staff)
    for who in (closed.agency, closed.other_supervisor, closed.bidder(1), closed.tenderer):
        headers = await login(client, who)
        refused = await client.post(url(w, "suspensions"), json={"reason": "投诉"}, headers=headers)
        assert code(refused) == (403, "permission_denied"), who.username
    assert await rows(conn, "tender_suspensions") == 0
    supervisor = await login(client, closed.supervisor)
    other = await login(client, closed.other_supervisor)
    started = await client.post(url(w, "suspensions"), json={"reason": "投诉"}, headers=staff)
    assert started.status_code == 201, started.text
    again = await client.post(url(w, "suspensions"), json={"reason": "投诉"}, headers=staff)
    assert code(again) == (409, "suspension_conflict")
    # A contract waits while the procedure is suspended.
    blocked = await client.post(url(w), json=contract_json(w), headers=agency)
    assert code(blocked) == (409, "contract_state_conflict")
    end = url(w, f"suspensions/{started.json()['id']}/end")
    assert code(await client.post(end, headers=other)) == (403, "permission_denied")
    ended = await client.post(end, headers=supervisor)
    assert ended.status_code == 200, ended.text
    assert ended.json()["ends_at"] is not None
    assert code(await client.post(end, headers=staff)) == (409, "suspension_conflict")
    missing = url(w, f"suspensions/{uuid4()}/end")
    assert code(await client.post(missing, headers=staff)) == (404, "suspension_not_found")
    listed = (await client.get(url(w, "suspensions"))).json()["items"]
    assert [s["id"] for s in listed] == [started.json()["id"]]
    bad = await client.post(url(w, "suspensions"), json={"reason": "x", "source": "Bad!"},
                            headers=staff)  # fmt: skip
    assert code(bad) == (422, "contract_input_invalid")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"reason": None}, (422, "request_invalid")),
        ({"what": ""}, (422, "contract_input_invalid")),
        ({"reason": " 理由"}, (422, "contract_input_invalid")),
        ({"effective_on": "2026-02-30"}, (422, "request_invalid")),
        ({"extra": True}, (422, "request_invalid")),
    ],
)
async def test_bad_changes_are_refused_and_nothing_is_written(
    client: httpx.AsyncClient,
    conn: asyncpg.Connection,
    closed: Closed,
    change: dict[str, Any],
    expected: tuple[int, str],
) -> None:
    w = await awarded(conn, closed)
    agency = await login(client, closed.agency)
    assert (await client.post(url(w), json=contract_json(w), headers=agency)).status_code == 201
    body = {"what": "工期", "description": "延长 10 日", "reason": "设计变更",
            "effective_on": "2026-04-01"} | change  # fmt: skip
    answer = await client.post(url(w, "contracts/1/changes"), json=body, headers=agency)
    assert code(answer) == expected, answer.text
    assert await rows(conn, "tender_contract_changes") == 0
