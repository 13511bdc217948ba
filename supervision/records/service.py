"""Filing and reading supervision records (监督记录, issue 14 item 3).

A supervisor of the tender's department (Action.SUPERVISE_TENDER: its grant scoped to
the tender's ``department_id``) files what it saw and did, attached to the tender, a
lot's opening or an evaluation session of the tender, as a statement it signed with its
own current registered certificate (supervision/records/statements.py). The record is
stored with the exact signed bytes and logged by their SHA-256 in one transaction; it
is never written into what others sign (DESIGN.md, "Trust model": each party signs its
own words). Records are read by the department's supervisors and centre staff.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from accounts.errors import PermissionDenied
from accounts.keys import queries as keys
from accounts.model import Actor
from audit import service as audit
from signing.canonical import sha256_hex
from signing.certs import cert_sha256
from signing.cms import verify_detached
from signing.errors import SigningError
from signing.log.entry import LogEntry, Subject
from signing.trust import TrustStore
from supervision.records import queries
from supervision.records.errors import (
    SupervisionRecordNotFound,
    SupervisionRecordReplayed,
    SupervisionRecordSignatureInvalid,
    SupervisionRecordSignerMismatch,
    SupervisionSessionNotFound,
)
from supervision.records.events import RecordEvent
from supervision.records.model import Attached, Attachment, SupervisionRecord
from supervision.records.statements import parse_record
from tender import access
from tender.errors import LotNotFound
from tender.lifecycle import load
from tender.model import Tender
from tender.submission.signers import require_trust


async def _check_attachment(conn: asyncpg.Connection, tender: Tender, at: Attachment) -> None:
    """The lot is the tender's, the session one of that lot's (else 404, nothing written)."""
    if at.attached is Attached.TENDER:
        return
    assert at.lot is not None
    if not tender.is_public or tender.lot_id(at.lot) is None:
        raise LotNotFound(f"the tender has no lot {at.lot!r} that opens")
    if at.attached is Attached.EVALUATION:
        assert at.session_id is not None
        found = await queries.session_of(conn, at.session_id)
        if found != (tender.id, at.lot):
            raise SupervisionSessionNotFound(
                f"no evaluation session {at.session_id} of lot {at.lot} of this tender",
                details={"session": str(at.session_id)},
            )


async def _check_signer(
    conn: asyncpg.Connection,
    actor: Actor,
    statement: bytes,
    signature: bytes,
    trust: TrustStore | None,
    now: datetime,
) -> str:
    """The signature verifies now over the exact bytes, by the filing supervisor's own
    current registered certificate (as supervisors' notes: evaluation/notes); its hash."""
    try:
        signer = verify_detached(statement, signature, require_trust(trust), now).certificate
    except SigningError as exc:
        raise SupervisionRecordSignatureInvalid(
            f"the signature does not verify: {exc.message}", details={"cause": exc.code}
        ) from None
    digest = cert_sha256(signer)
    mine = await keys.certificate_by_hash(conn, digest)
    if (
        mine is None
        or mine.user_id != actor.user_id
        or (mine.retired_at is not None and mine.retired_at <= now)
    ):
        raise SupervisionRecordSignerMismatch(
            "sign the record with your own current registered certificate"
        )
    return digest


async def file_record(
    conn: asyncpg.Connection,
    actor: Actor,
    tender_id: UUID,
    attachment: Attachment,
    *,
    statement: bytes,
    signature: bytes,
    trust: TrustStore | None,
    now: datetime,
) -> SupervisionRecord:
    """Check, store and log one signed record; refusals change nothing."""
    tender = await load(conn, tender_id)
    log_actor = access.authorise(actor, access.SUPERVISE, tender)
    department = tender.content.department_id
    assert department is not None  # SUPERVISE_TENDER is scoped to it
    await _check_attachment(conn, tender, attachment)
    expected = {
        "tender": str(tender.id), **attachment.statement_fields(),
        "department": str(department), "supervisor": str(actor.user_id),
    }  # fmt: skip
    record_id, text = parse_record(statement, expected)
    signer = await _check_signer(conn, actor, statement, signature, trust, now)
    if await queries.exists(conn, record_id):
        raise SupervisionRecordReplayed("this record was filed before: a signed record counts once")
    sha256 = sha256_hex(statement)
    async with conn.transaction():
        index = await audit.append(
            conn,
            LogEntry(
                kind=RecordEvent.FILED, time=now, actor=log_actor, address=actor.address,
                subject=Subject(type="tender", id=str(tender.id)),
                data={"record": str(record_id), "sha256": sha256,
                      **attachment.statement_fields()},
            ),
        )  # fmt: skip
        record = SupervisionRecord(
            id=record_id, tender_id=tender.id, attachment=attachment, department_id=department,
            author=actor.user_id, author_name="", text=text, sha256=sha256,
            signer_cert_sha256=signer, recorded_at=now, log_index=index,
        )  # fmt: skip
        await queries.insert(conn, record, statement, signature)
    found = await queries.one(conn, record_id)
    assert found is not None
    return found[0]


def _require_reader(actor: Actor, tender: Tender) -> None:
    """The department's supervisors and centre staff read records; anyone else 403."""
    if not access.is_overseer(actor, tender):
        raise PermissionDenied(
            "supervision records are read by the department's supervisors and centre staff",
            details={"action": "read_supervision_records", "resource": "tender"},
        )


async def list_records(
    conn: asyncpg.Connection, actor: Actor, tender_id: UUID
) -> list[SupervisionRecord]:
    """A tender's records, oldest first."""
    tender = await load(conn, tender_id)
    access.hide_draft(actor, tender)
    _require_reader(actor, tender)
    return await queries.of_tender(conn, tender.id)


async def read_record(
    conn: asyncpg.Connection, actor: Actor, record_id: UUID
) -> tuple[SupervisionRecord, bytes, bytes]:
    """One record with its statement and signature; unknown: 404."""
    found = await queries.one(conn, record_id)
    if found is None:
        raise SupervisionRecordNotFound("no supervision record has this id")
    _require_reader(actor, await load(conn, found[0].tender_id))
    return found
