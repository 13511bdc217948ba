"""The bid-deadline reminder: to every user who took the documents, once, within the lead."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import asyncpg
import pytest

from accounts.notifications.model import Kind
from tender import queries, service
from tender.blobs.store import LocalBlobStore
from tender.documents import service as documents
from tender.errors import PolicyInvalid
from tender.notify import service as notify
from tests.tender.documents.test_service import upload
from tests.tender.world import World, appoint, fast_draft


async def test_bidders_who_took_the_documents_are_reminded_once_within_the_lead(
    conn: asyncpg.Connection, world: World, tmp_path: Path
) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    draft = await service.create_draft(conn, world.agency, await fast_draft(conn, world))
    version = await upload(conn, world, store, draft)
    await appoint(conn, world, draft)
    tender = await service.publish(conn, world.agency, draft.id, world.setup())
    took = world.bidders[0]
    await documents.download_document(conn, took, tender.id, version.id)
    await documents.download_document(conn, took, tender.id, version.id)  # twice: one reminder
    now = await queries.database_now(conn)
    assert await notify.queue_reminders(conn, now, dt.timedelta(hours=1)) == 0  # not yet
    assert await notify.queue_reminders(conn, now, dt.timedelta(hours=24)) == 1
    assert await notify.queue_reminders(conn, now, dt.timedelta(hours=24)) == 0  # once
    row = await conn.fetchrow(
        "SELECT kind, user_id, tender_id, channel, params, body FROM notifications"
    )
    assert (row["kind"], row["user_id"], row["tender_id"], row["channel"]) == (
        str(Kind.BID_DEADLINE),
        took.user_id,
        tender.id,
        "log",
    )
    assert tender.code is not None
    assert tender.code in row["body"]
    assert tender.deadline is not None
    beijing = tender.deadline.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert beijing.strftime("%Y-%m-%d %H:%M") in row["body"]


def test_the_reminder_lead_is_policy_data_in_exact_units() -> None:
    assert notify.reminder_lead({}) == dt.timedelta(hours=24)
    assert notify.reminder_lead({"notify_bid_reminder": "90m"}) == dt.timedelta(minutes=90)
    with pytest.raises(PolicyInvalid):
        notify.reminder_lead({"notify_bid_reminder": "1d"})
