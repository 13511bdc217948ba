"""JSON API of the market-party registry and credit supervision (docs/api-credit.md).
Handlers are thin: parse, call one use case, serialise. The time is the database clock."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from supervision.credit import records
from supervision.credit import service as credit
from supervision.parties import service as parties
from tender.queries import database_now
from web.auth import signed_in
from web.db.database import acquire
from web.http import ApiRoute, Handler, json_response, read_json
from web.services import services
from web.supervision.credit import bodies as b
from web.tender.common import limit_param, path_uuid


async def public_lists(request: Request) -> b.PublicLists:
    async with acquire(services(request).pools.main) as conn:
        now = await database_now(conn)
        lists = await records.public_lists(conn, now)
    red, black = (lists[k] for k in sorted(lists, key=lambda k: str(k) != "red"))
    return b.PublicLists(
        as_of=now,
        red=[b.public_entry_body(e) for e in red],
        black=[b.public_entry_body(e) for e in black],
    )


async def list_entries(request: Request) -> b.EntryList:
    limit = limit_param(request, 100)
    async with signed_in(request) as (conn, actor):
        found = await records.all_entries(conn, actor, limit)
    return b.EntryList(items=[b.entry_body(e) for e in found])


async def enter_list(request: Request) -> Response:
    body = await read_json(request, b.EntryCreate)
    async with signed_in(request) as (conn, actor):
        made = await credit.enter_list(
            conn, actor, list_kind=body.list, basis=body.basis, basis_ref=body.basis_ref,
            starts_at=body.starts_at, ends_at=body.ends_at, now=await database_now(conn),
            organisation_id=body.organisation_id, credit_code=body.credit_code,
            violation_id=body.violation_id, source=body.source,
        )  # fmt: skip
    return json_response(b.entry_body(made), 201)


async def get_entry(request: Request) -> b.EntryWithAppeals:
    which = path_uuid(request, "entry_id")
    async with signed_in(request) as (conn, actor):
        entry, appeals = await records.entry_with_appeals(conn, actor, which)
    return b.EntryWithAppeals(
        entry=b.entry_body(entry), appeals=[b.appeal_body(a) for a in appeals]
    )


async def file_appeal(request: Request) -> Response:
    which = path_uuid(request, "entry_id")
    body = await read_json(request, b.AppealCreate)
    async with signed_in(request) as (conn, actor):
        made = await credit.file_appeal(conn, actor, which, body.grounds, await database_now(conn))
    return json_response(b.appeal_body(made), 201)


async def pending_appeals(request: Request) -> b.AppealList:
    async with signed_in(request) as (conn, actor):
        found = await records.pending_appeals(conn, actor)
    return b.AppealList(items=[b.appeal_body(a) for a in found])


async def decide_appeal(request: Request) -> b.AppealBody:
    which = path_uuid(request, "appeal_id")
    body = await read_json(request, b.AppealDecisionCreate)
    async with signed_in(request) as (conn, actor):
        done = await credit.decide_appeal(
            conn, actor, which, body.decision, body.reasons, await database_now(conn)
        )
    return b.appeal_body(done)


async def record_violation(request: Request) -> Response:
    body = await read_json(request, b.ViolationCreate)
    async with signed_in(request) as (conn, actor):
        made = await credit.record_violation(
            conn, actor, organisation_id=body.organisation_id, kind=body.kind,
            description=body.description, finding_source=body.finding_source,
            finding_ref=body.finding_ref, found_at=body.found_at, tender_id=body.tender_id,
            now=await database_now(conn),
        )  # fmt: skip
    return json_response(b.violation_body(made), 201)


async def impose_sanction(request: Request) -> Response:
    body = await read_json(request, b.SanctionCreate)
    async with signed_in(request) as (conn, actor):
        made = await credit.impose_sanction(
            conn, actor, violation_id=body.violation_id, kind=body.kind, detail=body.detail,
            amount_fen=body.amount_fen, starts_at=body.starts_at, ends_at=body.ends_at,
            now=await database_now(conn),
        )  # fmt: skip
    return json_response(b.sanction_body(made), 201)


async def list_parties(request: Request) -> b.PartyList:
    search, limit = request.query_params.get("search", ""), limit_param(request, 100)
    async with signed_in(request) as (conn, actor):
        found = await records.registry(conn, actor, search=search, limit=limit)
    return b.PartyList(items=[b.party_body(p) for p in found])


async def party_record(request: Request) -> b.PartyRecordBody:
    which = path_uuid(request, "organisation_id")
    policy = services(request).credit_policy
    async with signed_in(request) as (conn, actor):
        found = await records.party_record(conn, actor, which, policy, await database_now(conn))
    return b.record_body(found)


async def record_qualification(request: Request) -> Response:
    which = path_uuid(request, "organisation_id")
    body = await read_json(request, b.QualificationCreate)
    async with signed_in(request) as (conn, actor):
        made = await parties.record_qualification(
            conn, actor, which, kind=body.kind, grade=body.grade, number=body.number,
            issuer=body.issuer, valid_from=body.valid_from, valid_to=body.valid_to,
            now=await database_now(conn),
        )  # fmt: skip
    return json_response(b.qualification_body(made), 201)


async def record_person(request: Request) -> Response:
    which = path_uuid(request, "organisation_id")
    body = await read_json(request, b.PersonCreate)
    key = services(request).id_card_key
    async with signed_in(request) as (conn, actor):
        made = await parties.record_person(
            conn, actor, which, role=body.role, name=body.name, id_number=body.id_number,
            id_key=key, now=await database_now(conn),
        )  # fmt: skip
    return json_response(b.person_body(made), 201)


async def record_relation(request: Request) -> Response:
    body = await read_json(request, b.RelationCreate)
    async with signed_in(request) as (conn, actor):
        made = await parties.record_relation(
            conn, actor, from_org=body.from_org, to_org=body.to_org, kind=body.kind,
            basis=body.basis, now=await database_now(conn),
        )  # fmt: skip
    return json_response(b.relation_body(made), 201)


def _route(method: str, path: str, handler: Handler, summary: str, **extra: Any) -> ApiRoute:
    return ApiRoute(
        method=method, path=f"/api/v1{path}", handler=handler, summary=summary, tag="credit",
        **extra,
    )  # fmt: skip


_LIMIT = ("limit", int, "at most this many, 1–100 (default 100)", False)
ROUTES = [
    _route("GET", "/credit/lists", public_lists,
           "The red and black lists in force (public)", auth=False, response=b.PublicLists),
    _route("GET", "/credit/entries", list_entries,
           "Every list entry, ended and revoked too (supervisors, the centre)",
           response=b.EntryList, query=[_LIMIT]),
    _route("POST", "/credit/entries", enter_list,
           "Put a party on the red or black list (a supervisor)",
           body=b.EntryCreate, response=b.EntryBody, status=201),
    _route("GET", "/credit/entries/{entry_id}", get_entry,
           "A list entry and its appeals (supervisors, the centre, the listed party)",
           response=b.EntryWithAppeals),
    _route("POST", "/credit/entries/{entry_id}/appeals", file_appeal,
           "Appeal a list entry (the listed party)",
           body=b.AppealCreate, response=b.AppealBody, status=201),
    _route("GET", "/credit/appeals", pending_appeals,
           "Appeals awaiting a decision (supervisors, the centre)", response=b.AppealList),
    _route("POST", "/credit/appeals/{appeal_id}/decision", decide_appeal,
           "Decide an appeal (a supervisor of the entering department)",
           body=b.AppealDecisionCreate, response=b.AppealBody),
    _route("POST", "/credit/violations", record_violation,
           "Record a violation resting on a finding (a supervisor)",
           body=b.ViolationCreate, response=b.ViolationBody, status=201),
    _route("POST", "/credit/sanctions", impose_sanction,
           "Impose a sanction for a recorded violation (a supervisor)",
           body=b.SanctionCreate, response=b.SanctionBody, status=201),
    _route("GET", "/parties", list_parties,
           "The market parties (supervisors, the centre)", response=b.PartyList,
           query=[("search", str, "part of the name, or the credit code", False), _LIMIT]),
    _route("GET", "/parties/{organisation_id}", party_record,
           "A party's record and credit (supervisors, the centre, the party itself)",
           response=b.PartyRecordBody),
    _route("POST", "/parties/{organisation_id}/qualifications", record_qualification,
           "Record a party's qualification (supervisors, centre staff)",
           body=b.QualificationCreate, response=b.QualificationBody, status=201),
    _route("POST", "/parties/{organisation_id}/people", record_person,
           "Record one of a party's people by name and ID number (kept as its hash)",
           body=b.PersonCreate, response=b.PersonBody, status=201),
    _route("POST", "/parties/relations", record_relation,
           "Record a relation between two parties (supervisors, centre staff)",
           body=b.RelationCreate, response=b.RelationBody, status=201),
]  # fmt: skip
