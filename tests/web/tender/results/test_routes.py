"""The results over HTTP: nothing public before its time, each action by its party
only (another party's ids refused), the exact bytes and the error codes of
docs/api-results.md."""

from __future__ import annotations

import base64
import hashlib

import asyncpg
import httpx

from accounts.model import Actor
from signing.cms import sign_detached
from tender.results.statements import report_statement
from tests.tender.results.kit import Closed
from tests.tender.results.steps import answer, objection, publicise, publicise_briefly
from tests.web.evaluation.http import code, get, login


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _signed(signed: dict[str, bytes]) -> dict[str, str]:
    return {key: _b64(value) for key, value in signed.items()}


async def post(
    client: httpx.AsyncClient, url: str, who: Actor | None, body: object
) -> httpx.Response:
    headers = await login(client, who) if who is not None else {}
    return await client.post(url, json=body, headers=headers)


async def test_the_candidates_are_public_only_once_the_agency_publishes_them(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    """Before: 404 candidates_publicity_not_found, an empty list. A bidder may not
    publish (403). After: anyone reads the exact canonical bytes whose hash was logged."""
    base = f"/api/v1/tenders/{closed.tender_id}"
    lot_url = f"{base}/lots/1/candidates"
    assert code(await get(client, lot_url, None)) == (404, "candidates_publicity_not_found")
    assert (await get(client, f"{base}/candidates", None)).json() == {"items": []}
    refused = await post(client, f"{lot_url}/publish", closed.bidder(1), {})
    assert code(refused) == (403, "permission_denied")
    published = await post(client, f"{lot_url}/publish", closed.agency, {})
    assert published.status_code == 201, published.text
    sha = published.json()["sha256"]
    shown = await get(client, lot_url, None)
    assert shown.status_code == 200
    assert hashlib.sha256(shown.content).hexdigest() == sha
    assert [c["rank"] for c in shown.json()["candidates"]] == [1, 2, 3]
    again = await post(client, f"{lot_url}/publish", closed.agency, {})
    assert again.status_code == 409


async def test_objections_are_read_by_their_parties_and_answered_by_the_agency(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    """Bidder 2 objects (signed, base64); bidder 3 and another department's supervisor
    do not see it (404, empty list); the supervisor does; only the agency answers."""
    p = await publicise(conn, closed)
    base = f"/api/v1/tenders/{closed.tender_id}"
    signed = objection(closed, p, 2)
    filed = await post(client, f"{base}/lots/1/objections", closed.bidder(2), _signed(signed))
    assert filed.status_code == 201, filed.text
    one = f"{base}/candidate-objections/{filed.json()['id']}"
    for who in (closed.bidder(3), closed.other_supervisor):
        assert code(await get(client, one, who)) == (404, "candidate_objection_not_found")
        assert (await get(client, f"{base}/candidate-objections", who)).json() == {"items": []}
    seen = await get(client, one, closed.supervisor)
    assert base64.b64decode(seen.json()["statement"]) == signed["statement"]
    reply = _signed(answer(closed, filed.json()["id"], signed["statement"], upheld=True))
    assert code(await post(client, f"{one}/answer", closed.bidder(2), reply))[0] == 403
    answered = await post(client, f"{one}/answer", closed.agency, reply)
    assert answered.json()["upheld"] is True
    unsigned = dict(_signed(signed), signature=_b64(b"not a signature"))
    refused = await post(client, f"{base}/lots/1/objections", closed.bidder(3), unsigned)
    assert code(refused) == (422, "objection_statement_invalid")
    assert code(
        await post(
            client,
            f"{base}/lots/1/objections",
            closed.bidder(2),
            {"statement": "%", "signature": ""},
        )
    ) == (422, "request_invalid")


async def test_the_award_is_announced_and_refused_out_of_order(
    client: httpx.AsyncClient,
    conn: asyncpg.Connection,
    owner_conn: asyncpg.Connection,
    closed: Closed,
) -> None:
    """Before the award the result is not found; rank 2 is award_out_of_order (422);
    another agency is refused; rank 1 wins and the result names it with its price."""
    base = f"/api/v1/tenders/{closed.tender_id}"
    assert code(await get(client, f"{base}/result", None)) == (404, "tender_result_not_found")
    assert code(await get(client, f"{base}/award-decisions", None))[0] == 404
    await publicise_briefly(conn, owner_conn, closed)
    second, first = closed.candidates[1], closed.candidates[0]
    body = {"bid": str(second.bid_id), "reason": "第二名"}
    assert code(await post(client, f"{base}/lots/1/award", closed.agency, body)) == (
        422, "award_out_of_order",
    )  # fmt: skip
    body = {"bid": str(first.bid_id), "reason": "第一名"}
    assert code(await post(client, f"{base}/lots/1/award", closed.other_agency, body))[0] == 403
    done = await post(client, f"{base}/lots/1/award", closed.agency, body)
    assert done.status_code == 201, done.text
    assert (done.json()["step"], done.json()["current"]) == (1, True)
    result = (await get(client, f"{base}/result", None)).json()
    [announced] = result["announcements"]
    assert announced["body"]["candidate"]["name"] == first.bidder_name
    assert announced["body"]["candidate"]["price_fen"] == first.price_fen
    decisions = (await get(client, f"{base}/award-decisions", None)).json()["items"]
    assert [d["kind"] for d in decisions] == ["award"]


async def test_the_written_report_follows_the_award_and_is_read_by_the_parties(
    client: httpx.AsyncClient,
    conn: asyncpg.Connection,
    owner_conn: asyncpg.Connection,
    closed: Closed,
) -> None:
    """Before the award 409; then the agency's signed statement; the department reads
    it, another department's supervisor and a bidder do not."""
    base = f"/api/v1/tenders/{closed.tender_id}"
    tender = await conn.fetchrow("SELECT code FROM tenders WHERE id = $1", closed.tender_id)
    body = report_statement(
        tender=str(closed.tender_id), code=tender["code"],
        agency=closed.world.agency_org.credit_code, department=str(closed.department_id),
        text="本项目招标投标情况书面报告……",
    )  # fmt: skip
    who = closed.agency_identity
    signed = _signed(
        {"statement": body, "signature": sign_detached(body, who.certificate, who.key)}
    )
    early = await post(client, f"{base}/procedure-report", closed.agency, signed)
    assert code(early) == (409, "procedure_report_not_due_conflict")
    await publicise_briefly(conn, owner_conn, closed)
    award = {"bid": str(closed.candidates[0].bid_id), "reason": "第一名"}
    assert (await post(client, f"{base}/lots/1/award", closed.agency, award)).status_code == 201
    done = await post(client, f"{base}/procedure-report", closed.agency, signed)
    assert done.status_code == 201, done.text
    again = await post(client, f"{base}/procedure-report", closed.agency, signed)
    assert code(again) == (409, "procedure_report_submitted_conflict")
    read = await get(client, f"{base}/procedure-report", closed.supervisor)
    assert base64.b64decode(read.json()["statement"]) == body
    for other in (closed.other_supervisor, closed.bidder(1)):
        assert code(await get(client, f"{base}/procedure-report", other)) == (
            403,
            "permission_denied",
        )


async def test_the_agency_cancels_with_a_public_notice(
    client: httpx.AsyncClient, closed: Closed
) -> None:
    """A bidder may not cancel; the agency does; anyone reads the notice."""
    base = f"/api/v1/tenders/{closed.tender_id}"
    assert code(await post(client, f"{base}/cancel", closed.bidder(1), {"reason": "x"}))[0] == 403
    done = await post(client, f"{base}/cancel", closed.agency, {"reason": "项目取消"})
    assert done.status_code == 201, done.text
    result = (await get(client, f"{base}/result", None)).json()
    assert result["closure"]["cause"] == "cancelled"
    assert result["closure"]["body"]["reason"] == "项目取消"
    again = await post(client, f"{base}/cancel", closed.agency, {"reason": "再次"})
    assert code(again) == (409, "tender_cancel_refused_conflict")


async def test_funding_drop_out_retender_and_failure_are_the_agencys_alone(
    client: httpx.AsyncClient,
    conn: asyncpg.Connection,
    owner_conn: asyncpg.Connection,
    closed: Closed,
) -> None:
    """Each refused to a bidder or another agency (403); the agency's answers in order:
    funding once, a drop-out of the winner, a re-tender that fails the tender; an
    unfounded failure is 409."""
    base = f"/api/v1/tenders/{closed.tender_id}"
    funding = {"state_funded": False, "reason": "企业自筹"}
    for who in (closed.bidder(1), closed.other_agency):
        assert code(await post(client, f"{base}/funding", who, funding))[0] == 403
        assert code(await post(client, f"{base}/fail", who, {"reason": "x"}))[0] == 403
    assert (await post(client, f"{base}/funding", closed.agency, funding)).json() == {
        "state_funded": False
    }
    unfounded = await post(client, f"{base}/fail", closed.agency, {"reason": "流标"})
    assert code(unfounded) == (409, "tender_failure_unfounded_conflict")
    await publicise_briefly(conn, owner_conn, closed)
    winner = {"bid": str(closed.candidates[2].bid_id), "reason": "非国有资金项目"}
    assert (await post(client, f"{base}/lots/1/award", closed.agency, winner)).status_code == 201
    for who in (closed.bidder(3), closed.other_agency):
        assert code(await post(client, f"{base}/lots/1/drop-out", who, winner))[0] == 403
    dropped = await post(client, f"{base}/lots/1/drop-out", closed.agency, winner)
    assert (dropped.json()["kind"], dropped.json()["step"]) == ("drop_out", 2)
    again = await post(client, f"{base}/lots/1/drop-out", closed.agency, winner)
    assert code(again) == (409, "award_not_current_conflict")
    done = await post(client, f"{base}/lots/1/retender", closed.agency, {"reason": "重新招标"})
    assert done.json()["kind"] == "retender"
    closure = (await get(client, f"{base}/result", None)).json()["closure"]
    assert (closure["kind"], closure["cause"]) == ("failed", "every_lot_retendered")
