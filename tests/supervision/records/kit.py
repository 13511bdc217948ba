"""What the supervision records' tests share: a supervisor's registered certificate,
a signed record statement and the rows a refusal must leave unchanged."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from uuid import UUID

import asyncpg

from signing.certs import Identity
from signing.cms import sign_detached
from signing.demo_ca import DemoCA, issue_identity
from supervision.records.model import Attachment
from supervision.records.statements import record_statement
from tests.accounts.factory import COMMITTED_LOG_ENTRIES
from tests.tender.world import register_certificate

TEXT = "14:05 监督员到场，开标过程规范，副场网络中断约3分钟后恢复。"


async def supervisor_key(conn: asyncpg.Connection, ca: DemoCA, user_id: UUID) -> Identity:
    """A supervisor's signing certificate, registered on the platform for ``user_id``."""
    identity = issue_identity(
        ca, name="监督员", now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    )
    await register_certificate(conn, user_id, identity)
    return identity


def signed(
    who: Identity,
    *,
    tender: UUID,
    attachment: Attachment,
    department: UUID,
    supervisor: UUID,
    text: str = TEXT,
    record: UUID | None = None,
) -> dict[str, Any]:
    """A record's statement and ``who``'s CMS detached signature over it."""
    body = record_statement(
        record=record or uuid.uuid4(), tender=tender, attachment=attachment,
        department=department, supervisor=supervisor, text=text,
    )  # fmt: skip
    signature = sign_detached(body, who.certificate, who.key, chain=who.chain)
    return {"statement": body, "signature": signature}


async def footprint(conn: asyncpg.Connection) -> tuple[int, int]:
    """(records, log entries): what a refusal leaves as it was."""
    records = await conn.fetchval("SELECT count(*) FROM supervision_records")
    entries = await conn.fetchval(COMMITTED_LOG_ENTRIES)  # queued too (audit-log.md §2.2)
    return records, entries
