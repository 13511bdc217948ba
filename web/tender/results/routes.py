"""JSON API of a tender's results: the candidates' publicity, objections to them, the
award decisions, the result, failure and cancellation, and the written report on the
procedure (docs/api-results.md). Handlers are thin: parse, call one use case, serialise.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from signing.canonical import canonical_json
from tender.results import award, objections, outcomes, publicity, report
from tender.results import queries as results_queries
from web.auth import signed_in
from web.http import JSON_TYPE, json_response, read_json
from web.services import services
from web.tender.common import lot_number, maybe_signed_in, path_uuid, route, tender_id
from web.tender.results import bodies as b
from web.tender.results.after_award import after_award

# --- the candidates' publicity (Reg. 54) -----------------------------------------------


async def publish_candidates(request: Request) -> Response:
    which, lot = tender_id(request), lot_number(request)
    body = await read_json(request, b.PublishCandidates)
    async with signed_in(request) as (conn, actor):
        done = await publicity.publish_candidates(
            conn, actor, which, lot, setup=services(request).tender_setup(),
            late_reason=body.late_reason,
        )  # fmt: skip
    return json_response(b.publicity_body(done), 201)


async def list_candidates(request: Request) -> b.PublicityList:
    which = tender_id(request)
    async with maybe_signed_in(request) as (conn, _actor):
        found = await publicity.public_publicities(conn, which)
    return b.PublicityList(items=[b.publicity_body(p) for p in found])


async def lot_candidates(request: Request) -> Response:
    """The exact canonical bytes whose SHA-256 was logged."""
    which, lot = tender_id(request), lot_number(request)
    async with maybe_signed_in(request) as (conn, _actor):
        found = await publicity.public_candidates(conn, which, lot)
    return Response(canonical_json(found.body), media_type=JSON_TYPE)


# --- objections to the candidates -------------------------------------------------------


async def file_objection(request: Request) -> Response:
    which, lot = tender_id(request), lot_number(request)
    body = await read_json(request, b.SignedStatementBody)
    statement, signature = b.b64(body.statement, "statement"), b.b64(body.signature, "signature")
    async with signed_in(request) as (conn, actor):
        filed = await objections.file_objection(
            conn, actor, which, lot, statement=statement, signature=signature,
            setup=services(request).tender_setup(),
        )  # fmt: skip
    return json_response(b.objection_body(filed), 201)


async def list_objections(request: Request) -> b.CandidateObjectionList:
    which = tender_id(request)
    async with signed_in(request) as (conn, actor):
        found = await objections.list_objections(conn, actor, which)
    return b.CandidateObjectionList(items=[b.objection_body(o) for o in found])


async def get_objection(request: Request) -> b.CandidateObjectionSigned:
    which, objection_id = tender_id(request), path_uuid(request, "objection_id")
    async with signed_in(request) as (conn, actor):
        found, signed = await objections.get_objection(conn, actor, which, objection_id)
    return b.CandidateObjectionSigned(
        objection=b.objection_body(found),
        statement=b.b64_or_none(signed["statement"]) or "",
        signature=b.b64_or_none(signed["signature"]) or "",
        answer_statement=b.b64_or_none(signed["answer_statement"]),
        answer_signature=b.b64_or_none(signed["answer_signature"]),
    )


async def answer_objection(request: Request) -> b.CandidateObjectionBody:
    which, objection_id = tender_id(request), path_uuid(request, "objection_id")
    body = await read_json(request, b.SignedStatementBody)
    statement, signature = b.b64(body.statement, "statement"), b.b64(body.signature, "signature")
    async with signed_in(request) as (conn, actor):
        answered = await objections.answer_objection(
            conn, actor, which, objection_id, statement=statement, signature=signature,
            setup=services(request).tender_setup(),
        )  # fmt: skip
    return b.objection_body(answered)


# --- the award (Reg. 55) ------------------------------------------------------------------


async def declare_funding(request: Request) -> b.FundingResult:
    which = tender_id(request)
    body = await read_json(request, b.FundingBody)
    async with signed_in(request) as (conn, actor):
        funded = await award.declare_funding(
            conn, actor, which, state_funded=body.state_funded, reason=body.reason
        )
    return b.FundingResult(state_funded=funded)


async def award_lot(request: Request) -> Response:
    which, lot = tender_id(request), lot_number(request)
    body = await read_json(request, b.AwardBody)
    built = services(request)
    async with signed_in(request) as (conn, actor):
        done = await award.award(
            conn, actor, which, lot, bid_id=body.bid, reason=body.reason,
            setup=built.tender_setup(), after=after_award(built),
        )  # fmt: skip
    return json_response(b.decision_body(done), 201)


async def drop_out(request: Request) -> Response:
    which, lot = tender_id(request), lot_number(request)
    body = await read_json(request, b.AwardBody)
    async with signed_in(request) as (conn, actor):
        done = await award.drop_out(
            conn, actor, which, lot, bid_id=body.bid, reason=body.reason,
            setup=services(request).tender_setup(),
        )  # fmt: skip
    return json_response(b.decision_body(done), 201)


async def retender_lot(request: Request) -> Response:
    which, lot = tender_id(request), lot_number(request)
    body = await read_json(request, b.ReasonBody)
    async with signed_in(request) as (conn, actor):
        done = await award.retender(
            conn, actor, which, lot, reason=body.reason, setup=services(request).tender_setup()
        )
    return json_response(b.decision_body(done), 201)


async def list_decisions(request: Request) -> b.AwardDecisionList:
    which = tender_id(request)
    async with maybe_signed_in(request) as (conn, _actor):
        await outcomes.public_result(conn, which)  # nothing before the result
        found = await results_queries.decisions(conn, which)
    return b.AwardDecisionList(items=[b.decision_body(d) for d in found])


async def get_result(request: Request) -> b.ResultBody:
    which = tender_id(request)
    async with maybe_signed_in(request) as (conn, _actor):
        found, closure = await outcomes.public_result(conn, which)
    return b.result_body(found, closure)


# --- failure, cancellation, the written report ------------------------------------------


async def declare_failed(request: Request) -> Response:
    which = tender_id(request)
    body = await read_json(request, b.ReasonBody)
    async with signed_in(request) as (conn, actor):
        done = await outcomes.declare_failed(
            conn, actor, which, reason=body.reason, setup=services(request).tender_setup()
        )
    return json_response(b.closure_body(done), 201)


async def cancel_tender(request: Request) -> Response:
    which = tender_id(request)
    body = await read_json(request, b.ReasonBody)
    async with signed_in(request) as (conn, actor):
        done = await outcomes.cancel(
            conn, actor, which, reason=body.reason, setup=services(request).tender_setup()
        )
    return json_response(b.closure_body(done), 201)


async def submit_report(request: Request) -> Response:
    which = tender_id(request)
    body = await read_json(request, b.SignedStatementBody)
    statement, signature = b.b64(body.statement, "statement"), b.b64(body.signature, "signature")
    async with signed_in(request) as (conn, actor):
        done = await report.submit_report(
            conn, actor, which, statement=statement, signature=signature,
            setup=services(request).tender_setup(),
        )  # fmt: skip
        signed = {"statement": statement, "signature": signature}
    return json_response(b.report_body(done, signed), 201)


async def read_report(request: Request) -> b.ProcedureReportBody:
    which = tender_id(request)
    async with signed_in(request) as (conn, actor):
        found, signed = await report.read_report(conn, actor, which)
    return b.report_body(found, signed)


_T = "/tenders/{tender_id}"
_L = "/tenders/{tender_id}/lots/{lot}"
_O = "/tenders/{tender_id}/candidate-objections/{objection_id}"

ROUTES = [
    route(
        "POST", f"{_L}/candidates/publish", publish_candidates,
        "Publicise a lot's candidates (agency; Reg. 54)",
        body=b.PublishCandidates, response=b.PublicityBody, status=201,
    ),
    route(
        "GET", f"{_T}/candidates", list_candidates, "Every publicised lot's candidates",
        auth=False, response=b.PublicityList,
    ),
    route(
        "GET", f"{_L}/candidates", lot_candidates,
        "A lot's publicised candidates: the exact canonical bytes", auth=False,
    ),
    route(
        "POST", f"{_L}/objections", file_objection,
        "Object to a lot's candidates (a bidder of the lot, signed)",
        body=b.SignedStatementBody, response=b.CandidateObjectionBody, status=201,
    ),
    route(
        "GET", f"{_T}/candidate-objections", list_objections,
        "Objections to the candidates (all for the parties, a bidder its own)",
        response=b.CandidateObjectionList,
    ),
    route(
        "GET", _O, get_objection, "One objection with its signed statements",
        response=b.CandidateObjectionSigned,
    ),
    route(
        "POST", f"{_O}/answer", answer_objection, "Answer an objection (agency, signed)",
        body=b.SignedStatementBody, response=b.CandidateObjectionBody,
    ),
    route(
        "POST", f"{_T}/funding", declare_funding,
        "Declare whether the project is state-funded (agency, once, before the award)",
        body=b.FundingBody, response=b.FundingResult,
    ),
    route(
        "POST", f"{_L}/award", award_lot, "Award a lot to a candidate (agency; Reg. 55)",
        body=b.AwardBody, response=b.AwardDecisionBody, status=201,
    ),
    route(
        "POST", f"{_L}/drop-out", drop_out, "Record a candidate's drop-out (agency)",
        body=b.AwardBody, response=b.AwardDecisionBody, status=201,
    ),
    route(
        "POST", f"{_L}/retender", retender_lot, "Re-tender a lot (agency)",
        body=b.ReasonBody, response=b.AwardDecisionBody, status=201,
    ),
    route(
        "GET", f"{_T}/award-decisions", list_decisions, "The award decisions, in order",
        auth=False, response=b.AwardDecisionList,
    ),
    route(
        "GET", f"{_T}/result", get_result,
        "The result announcements, or the failure or cancellation notice",
        auth=False, response=b.ResultBody,
    ),
    route(
        "POST", f"{_T}/fail", declare_failed,
        "Declare the tender failed: too few bids or every bid rejected (agency)",
        body=b.ReasonBody, response=b.ClosureBody, status=201,
    ),
    route(
        "POST", f"{_T}/cancel", cancel_tender, "Cancel the tender before its award (agency)",
        body=b.ReasonBody, response=b.ClosureBody, status=201,
    ),
    route(
        "POST", f"{_T}/procedure-report", submit_report,
        "Submit the written report on the procedure (agency, signed; Law 47)",
        body=b.SignedStatementBody, response=b.ProcedureReportBody, status=201,
    ),
    route(
        "GET", f"{_T}/procedure-report", read_report,
        "The written report: its due time and, once submitted, its statement",
        response=b.ProcedureReportBody,
    ),
]  # fmt: skip
