"""Supervision records (监督记录, issue 14 item 3): a supervisor of the tender's
department files what it saw and did, attached to the tender, an opening or an
evaluation session, signed with its own registered certificate; stored with the exact
bytes, logged by hash — and every bad input refused with nothing changed."""

from __future__ import annotations

import dataclasses
import json
import uuid
from typing import Any

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from accounts.model import Actor
from signing.canonical import sha256_hex
from signing.certs import Identity
from signing.cms import sign_detached
from signing.errors import EtenderError
from supervision.records import service
from supervision.records.model import Attached, Attachment
from tender.queries import database_now
from tests.evaluation.kit import SessionWorld, Template, session_world
from tests.supervision.records.kit import TEXT, footprint, signed, supervisor_key
from tests.tender.world import entries


@pytest.fixture
async def w(conn: asyncpg.Connection, evaluation_template: Template) -> SessionWorld:
    """Lot 1's session, scheduled through the core."""
    return await session_world(conn, evaluation_template)


@pytest.fixture
async def key(conn: asyncpg.Connection, w: SessionWorld) -> Identity:
    """The department's supervisor's registered signing certificate."""
    return await supervisor_key(conn, w.scenario.world.ca, w.supervisor.user_id)


def _session(w: SessionWorld) -> Attachment:
    return Attachment(attached=Attached.EVALUATION, lot="1", session_id=w.state.id)


def _statement(w: SessionWorld, who: Actor, at: Attachment, identity: Any, **extra: Any) -> Any:
    return signed(
        identity, tender=w.scenario.tender.id, attachment=at,
        department=w.scenario.world.department.id, supervisor=who.user_id, **extra,
    )  # fmt: skip


async def _file(
    conn: asyncpg.Connection, w: SessionWorld, who: Actor, at: Attachment, data: dict[str, Any]
) -> Any:
    return await service.file_record(
        conn, who, w.scenario.tender.id, at, statement=data["statement"],
        signature=data["signature"], trust=w.scenario.world.ca.trust_store(),
        now=await database_now(conn),
    )  # fmt: skip


async def _refused(
    conn: asyncpg.Connection, w: SessionWorld, who: Actor, at: Attachment, data: dict[str, Any]
) -> EtenderError:
    before = await footprint(conn)
    with pytest.raises(EtenderError) as refused:
        await _file(conn, w, who, at, data)
    assert await footprint(conn) == before
    return refused.value


async def test_a_supervisor_files_a_signed_record_on_the_session_stored_and_logged_by_hash(
    conn: asyncpg.Connection, w: SessionWorld, key: Identity
) -> None:
    data = _statement(w, w.supervisor, _session(w), key)
    record = await _file(conn, w, w.supervisor, _session(w), data)
    assert (record.text, record.author, record.attachment) == (
        TEXT,
        w.supervisor.user_id,
        _session(w),
    )
    assert record.sha256 == sha256_hex(data["statement"])
    (entry,) = await entries(conn, "supervision.record_filed")
    assert entry.data == {
        "record": str(record.id), "sha256": record.sha256, "attached": "evaluation",
        "lot": "1", "session": str(w.state.id),
    }  # fmt: skip
    assert TEXT not in entry.to_bytes().decode()  # the log is public; the text is not
    _stored, statement, signature = await service.read_record(conn, w.staff, record.id)
    assert (statement, signature) == (data["statement"], data["signature"])
    listed = await service.list_records(conn, w.supervisor, w.scenario.tender.id)
    assert [r.id for r in listed] == [record.id]


async def test_records_attach_to_the_tender_and_to_a_lots_opening(
    conn: asyncpg.Connection, w: SessionWorld, key: Identity
) -> None:
    for at in (
        Attachment(attached=Attached.TENDER),
        Attachment(attached=Attached.OPENING, lot="1"),
    ):
        record = await _file(conn, w, w.supervisor, at, _statement(w, w.supervisor, at, key))
        assert record.attachment == at


async def test_the_record_is_not_inside_what_others_sign(
    conn: asyncpg.Connection, w: SessionWorld, key: Identity
) -> None:
    """A record of its own: the opening records' bytes do not change when one is filed."""
    query = "SELECT body FROM opening_records ORDER BY lot_id, part"
    before = [bytes(r["body"]) for r in await conn.fetch(query)]
    at = Attachment(attached=Attached.OPENING, lot="1")
    await _file(conn, w, w.supervisor, at, _statement(w, w.supervisor, at, key))
    assert [bytes(r["body"]) for r in await conn.fetch(query)] == before
    assert all(TEXT.encode() not in body for body in before)


async def test_a_supervisor_of_another_department_is_refused_with_details(
    conn: asyncpg.Connection, w: SessionWorld, key: Identity
) -> None:
    theirs = await supervisor_key(conn, w.scenario.world.ca, w.other_supervisor.user_id)
    data = _statement(w, w.other_supervisor, _session(w), theirs)
    refused = await _refused(conn, w, w.other_supervisor, _session(w), data)
    assert isinstance(refused, PermissionDenied)
    assert refused.details == {"action": "supervise_tender", "resource": "tender"}


async def test_a_bidder_is_refused(
    conn: asyncpg.Connection, w: SessionWorld, key: Identity
) -> None:
    bidder = w.scenario.bidders[0]
    data = _statement(w, bidder.actor, _session(w), bidder.identity)
    refused = await _refused(conn, w, bidder.actor, _session(w), data)
    assert refused.code == "permission_denied"


async def test_an_unknown_session_or_lot_is_not_found(
    conn: asyncpg.Connection, w: SessionWorld, key: Identity
) -> None:
    unknown = Attachment(attached=Attached.EVALUATION, lot="1", session_id=uuid.uuid4())
    data = _statement(w, w.supervisor, unknown, key)
    refused = await _refused(conn, w, w.supervisor, unknown, data)
    assert (refused.code, refused.status) == ("supervision_record_session_not_found", 404)
    wrong_lot = Attachment(attached=Attached.EVALUATION, lot="2", session_id=w.state.id)
    data = _statement(w, w.supervisor, wrong_lot, key)
    refused = await _refused(conn, w, w.supervisor, wrong_lot, data)
    assert refused.code in {"supervision_record_session_not_found", "tender_lot_not_found"}


async def test_a_statement_naming_another_session_is_refused_naming_the_field(
    conn: asyncpg.Connection, w: SessionWorld, key: Identity
) -> None:
    other = Attachment(attached=Attached.EVALUATION, lot="1", session_id=uuid.uuid4())
    data = _statement(w, w.supervisor, other, key)  # signed for another session
    refused = await _refused(conn, w, w.supervisor, _session(w), data)
    assert refused.code == "supervision_record_statement_invalid"
    assert refused.details == {"field": "session"}


async def test_an_unsigned_a_forged_or_a_non_canonical_statement_is_refused(
    conn: asyncpg.Connection, w: SessionWorld, key: Identity
) -> None:
    good = _statement(w, w.supervisor, _session(w), key)
    unsigned = {**good, "signature": b""}
    refused = await _refused(conn, w, w.supervisor, _session(w), unsigned)
    assert refused.code == "supervision_record_signature_invalid"
    assert refused.details == {"cause": "signature_malformed"}
    # The signature of other bytes: the text was changed after signing.
    forged = {**good, "statement": good["statement"].replace(TEXT.encode(), "一切正常".encode())}
    refused = await _refused(conn, w, w.supervisor, _session(w), forged)
    assert refused.code == "supervision_record_signature_invalid"
    assert refused.details["cause"] == "content_digest_mismatch"
    spaced = json.dumps(json.loads(good["statement"]), ensure_ascii=False).encode()
    data = {"statement": spaced, "signature": sign_detached(spaced, key.certificate, key.key)}
    refused = await _refused(conn, w, w.supervisor, _session(w), data)
    assert refused.code == "supervision_record_statement_invalid"


async def test_another_persons_certificate_is_refused(
    conn: asyncpg.Connection, w: SessionWorld, key: Identity
) -> None:
    """A valid signature by a certificate that is not the filing supervisor's own."""
    other = await supervisor_key(conn, w.scenario.world.ca, w.other_supervisor.user_id)
    data = _statement(w, w.supervisor, _session(w), other)
    refused = await _refused(conn, w, w.supervisor, _session(w), data)
    assert refused.code == "supervision_record_signer_mismatch"


async def test_the_same_signed_record_counts_once(
    conn: asyncpg.Connection, w: SessionWorld, key: Identity
) -> None:
    data = _statement(w, w.supervisor, _session(w), key)
    await _file(conn, w, w.supervisor, _session(w), data)
    refused = await _refused(conn, w, w.supervisor, _session(w), data)
    assert (refused.code, refused.status) == ("supervision_record_replayed_conflict", 409)


async def test_records_are_read_by_the_department_and_the_centre_only(
    conn: asyncpg.Connection, w: SessionWorld, key: Identity
) -> None:
    record = await _file(
        conn, w, w.supervisor, _session(w), _statement(w, w.supervisor, _session(w), key)
    )
    for reader in (w.other_supervisor, w.agency, w.bidder, w.member(1)):
        with pytest.raises(PermissionDenied):
            await service.list_records(conn, reader, w.scenario.tender.id)
        with pytest.raises(PermissionDenied):
            await service.read_record(conn, reader, record.id)
    with pytest.raises(EtenderError) as unknown:
        await service.read_record(conn, w.staff, uuid.uuid4())
    assert unknown.value.code == "supervision_record_not_found"


async def test_the_table_keeps_records_unchanged(
    owner_conn: asyncpg.Connection, conn: asyncpg.Connection, w: SessionWorld, key: Identity
) -> None:
    """The database refuses to rewrite or delete a record (constraints in the DB too)."""
    record = await _file(
        conn, w, w.supervisor, _session(w), _statement(w, w.supervisor, _session(w), key)
    )
    with pytest.raises(asyncpg.PostgresError):
        await owner_conn.execute(
            "UPDATE supervision_records SET text = 'x' WHERE id = $1", record.id
        )
    with pytest.raises(asyncpg.PostgresError):
        await owner_conn.execute("DELETE FROM supervision_records WHERE id = $1", record.id)


def test_an_attachment_names_exactly_its_own_keys() -> None:
    with pytest.raises(ValueError):
        Attachment(attached=Attached.TENDER, lot="1")
    with pytest.raises(ValueError):
        Attachment(attached=Attached.EVALUATION, lot="1")
    assert dataclasses.asdict(Attachment(attached=Attached.OPENING, lot="1"))["lot"] == "1"
