"""Objections to the candidates (Reg. 54): only during the publicity, signed by the
bidder's registered certificate, answered by the agency (signed) once; logged."""

from __future__ import annotations

import datetime as dt
from uuid import uuid4

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from signing.canonical import sha256_hex
from signing.cms import sign_detached
from tender.results import objections as service
from tender.results import queries
from tender.results.alerts import raise_results_alerts
from tender.results.errors import (
    CandidateObjectionAnswered,
    CandidateObjectionNotFound,
    ObjectionNotABidder,
    ObjectionSignatureInvalid,
    ObjectionSignerNotRegistered,
    ObjectionStatementInvalid,
    ObjectionWindowClosed,
    PublicityNotFound,
)
from tender.results.model import CandidateObjection
from tender.results.statements import objection_statement
from tests.supervision.alerts_kit import alerts_of
from tests.tender.results.kit import Closed
from tests.tender.results.steps import (
    answer,
    footprint,
    objection,
    publicise,
    publicise_briefly,
    set_policies,
)
from tests.tender.world import entries, wait_until


async def _file(
    conn: asyncpg.Connection, closed: Closed, rank: int, signed: dict[str, bytes]
) -> CandidateObjection:
    return await service.file_objection(
        conn, closed.bidder(rank), closed.tender_id, closed.lot, setup=closed.setup(), **signed
    )


async def test_a_bidder_objects_during_the_publicity_with_its_registered_certificate(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Stored with the exact signed bytes, an answer due in 3 days, logged."""
    p = await publicise(conn, closed)
    signed = objection(closed, p, 2)
    filed = await _file(conn, closed, 2, signed)
    assert (filed.lot, filed.organisation_id) == (closed.lot, closed.candidates[1].bidder_id)
    assert (filed.text, filed.answer) == ("报价低于成本", None)
    assert filed.answer_due > filed.filed_at + dt.timedelta(days=3)
    assert await queries.open_objections(conn, closed.tender_id, closed.lot) == 1
    logged = (await entries(conn, "tender.candidate_objection_filed"))[-1]
    assert logged.data["statement_sha256"] == sha256_hex(signed["statement"])


async def test_nothing_is_objected_to_before_the_publicity(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Before the candidates are publicised there is nothing to object to."""
    body = objection_statement(
        tender=str(closed.tender_id), lot="1", publicity_sha256="0" * 64,
        bidder=closed.candidates[1].credit_code, text="异议",
    )  # fmt: skip
    who = closed.bidder_identity(2)
    signed = {"statement": body, "signature": sign_detached(body, who.certificate, who.key)}
    with pytest.raises(PublicityNotFound):
        await _file(conn, closed, 2, signed)


async def test_an_objection_after_the_window_is_refused_with_its_end(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, closed: Closed
) -> None:
    """objection_window_closed names the end; nothing is written."""
    p = await publicise_briefly(conn, owner_conn, closed)
    before = await footprint(conn, closed)
    with pytest.raises(ObjectionWindowClosed) as refused:
        await _file(conn, closed, 2, objection(closed, p, 2))
    assert refused.value.details == {"ends_at": p.body["ends_at"]}
    assert p.body["ends_at"] in refused.value.message
    assert await footprint(conn, closed) == before


async def test_a_statement_that_is_not_this_objections_or_not_its_signers_is_refused(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Another publicity's hash, another bidder's name, bytes the signature does not
    cover, another organisation's certificate: each refused, nothing written."""
    p = await publicise(conn, closed)
    before = await footprint(conn, closed)
    other = dict(objection(closed, p, 2))
    other["statement"] = other["statement"].replace(p.sha256.encode(), b"0" * 64)
    with pytest.raises(ObjectionStatementInvalid):
        await _file(conn, closed, 2, other)
    with pytest.raises(ObjectionStatementInvalid):
        await _file(conn, closed, 2, objection(closed, p, 3))  # names bidder 3
    signed = objection(closed, p, 2)
    tampered = {
        "statement": signed["statement"],
        "signature": objection(closed, p, 2, "别的")["signature"],
    }
    with pytest.raises(ObjectionSignatureInvalid):
        await _file(conn, closed, 2, tampered)
    third = closed.bidder_identity(3)
    forged = {
        "statement": signed["statement"],
        "signature": sign_detached(signed["statement"], third.certificate, third.key),
    }
    with pytest.raises(ObjectionSignerNotRegistered):
        await _file(conn, closed, 2, forged)
    assert await footprint(conn, closed) == before


async def test_only_a_bidder_of_the_lot_objects(conn: asyncpg.Connection, closed: Closed) -> None:
    """The agency, another agency, the tenderer: objection_not_a_bidder."""
    p = await publicise(conn, closed)
    for who in (closed.agency, closed.other_agency, closed.tenderer):
        with pytest.raises(ObjectionNotABidder):
            await service.file_objection(
                conn, who, closed.tender_id, closed.lot, setup=closed.setup(),
                **objection(closed, p, 2),
            )  # fmt: skip


async def test_the_agency_answers_once_signed_and_each_party_reads_what_it_may(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Upheld or not, signed by the agency's registered certificate; a second answer is
    refused; the objector and the overseers read it, another bidder does not."""
    p = await publicise(conn, closed)
    signed = objection(closed, p, 2)
    filed = await _file(conn, closed, 2, signed)
    reply = answer(closed, str(filed.id), signed["statement"], upheld=False)
    with pytest.raises(PermissionDenied):
        await service.answer_objection(
            conn, closed.other_agency, closed.tender_id, filed.id, setup=closed.setup(), **reply
        )
    answered = await service.answer_objection(
        conn, closed.agency, closed.tender_id, filed.id, setup=closed.setup(), **reply
    )
    assert (answered.upheld, answered.answer) == (False, "经核查，异议不成立。")
    assert await queries.open_objections(conn, closed.tender_id, closed.lot) == 0
    with pytest.raises(CandidateObjectionAnswered):
        await service.answer_objection(
            conn, closed.agency, closed.tender_id, filed.id, setup=closed.setup(), **reply
        )
    for who in (closed.bidder(2), closed.agency, closed.supervisor, closed.staff):
        found, stored = await service.get_objection(conn, who, closed.tender_id, filed.id)
        assert (bytes(stored["statement"]), found.upheld) == (signed["statement"], False)
    for who in (closed.bidder(3), closed.other_supervisor):
        with pytest.raises(CandidateObjectionNotFound):
            await service.get_objection(conn, who, closed.tender_id, filed.id)
        assert await service.list_objections(conn, who, closed.tender_id) == []
    with pytest.raises(CandidateObjectionNotFound):
        await service.answer_objection(
            conn, closed.agency, closed.tender_id, uuid4(), setup=closed.setup(), **reply
        )


async def test_an_answer_overdue_raises_one_alert(
    conn: asyncpg.Connection, owner_conn: asyncpg.Connection, closed: Closed
) -> None:
    """Past its answer time (here 1 s) an unanswered objection is alerted once."""
    await set_policies(owner_conn, closed, candidate_objection_answer="1s")
    p = await publicise(conn, closed)
    filed = await _file(conn, closed, 2, objection(closed, p, 2))
    await wait_until(conn, filed.answer_due)
    assert await raise_results_alerts(conn, closed.setup()) == 1
    assert await raise_results_alerts(conn, closed.setup()) == 0
    kinds = await alerts_of(conn, closed.tender_id)
    assert kinds == [("candidate_objection_answer_overdue", str(filed.id))]
