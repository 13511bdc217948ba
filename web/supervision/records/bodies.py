"""Bodies of the supervision records API (docs/api-supervision-records.md; msgspec,
unknown fields refused)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from supervision.records.model import Attached, Attachment, SupervisionRecord
from web.errors import RequestInvalid
from web.tender.bodies import Model
from web.tender.results.bodies import Base64, b64, b64_or_none


class FileRecordBody(Model, frozen=True, kw_only=True):
    """What the record is attached to, and the signed statement (both base64)."""

    attached: Literal["tender", "opening", "evaluation"]
    lot: str | None = None
    session: UUID | None = None
    statement: Base64
    signature: Base64

    def attachment(self) -> Attachment:
        """The attachment, or ``request_invalid`` when a key is missing or extra."""
        try:
            return Attachment(
                attached=Attached(self.attached), lot=self.lot, session_id=self.session
            )
        except ValueError:
            raise RequestInvalid(
                "'tender' takes no lot or session, 'opening' a lot, 'evaluation' a lot and "
                "a session", details={"field": "attached"},
            ) from None  # fmt: skip

    def signed(self) -> tuple[bytes, bytes]:
        return b64(self.statement, "statement"), b64(self.signature, "signature")


class SupervisionRecordBody(Model, frozen=True, kw_only=True):
    id: UUID
    tender_id: UUID
    attached: str
    lot: str | None
    session: UUID | None
    department_id: UUID
    author: UUID
    author_name: str
    text: str
    sha256: str
    signer_cert_sha256: str
    recorded_at: datetime
    log_index: int


class SupervisionRecordList(Model, frozen=True, kw_only=True):
    items: list[SupervisionRecordBody]


class SupervisionRecordSigned(Model, frozen=True, kw_only=True):
    record: SupervisionRecordBody
    statement: str
    signature: str


def record_body(r: SupervisionRecord) -> SupervisionRecordBody:
    a = r.attachment
    return SupervisionRecordBody(
        id=r.id, tender_id=r.tender_id, attached=str(a.attached), lot=a.lot,
        session=a.session_id, department_id=r.department_id, author=r.author,
        author_name=r.author_name, text=r.text, sha256=r.sha256,
        signer_cert_sha256=r.signer_cert_sha256, recorded_at=r.recorded_at,
        log_index=r.log_index,
    )  # fmt: skip


def signed_body(
    r: SupervisionRecord, statement: bytes, signature: bytes
) -> SupervisionRecordSigned:
    return SupervisionRecordSigned(
        record=record_body(r),
        statement=b64_or_none(statement) or "",
        signature=b64_or_none(signature) or "",
    )
