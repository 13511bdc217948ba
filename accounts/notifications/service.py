"""Notifications: people's contacts, queuing by trigger, dispatch with bounded retries.

Triggers (tender/notify, expert_pool/rounds) queue in their own transaction, so a
rolled-back action notifies nobody; `dispatch` sends what is due after the commit,
claiming with ``FOR UPDATE SKIP LOCKED`` so several processes never send twice.
A person is reached on every configured channel they gave an address for; someone
with none is notified on the log channel only (the platform's own record of it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from accounts.errors import PermissionDenied
from accounts.model import Actor, Role
from accounts.notifications import queries
from accounts.notifications.channels import channels, deliver
from accounts.notifications.errors import (
    ContactAddressInvalid,
    ContactChannelUnknown,
    ContactNotFound,
)
from accounts.notifications.model import Channel, Kind, masked, next_attempt
from accounts.notifications.queries import Failure, Row

# Which channels take an address, and its form: a mainland mobile number; an OpenID
# (28 characters in practice; WeChat documents no fixed length, so a bounded range).
ADDRESS_FORMS = {
    "sms": re.compile(r"^1[3-9][0-9]{9}$"),
    "wechat": re.compile(r"^[A-Za-z0-9_-]{16,64}$"),
}


@dataclass(frozen=True, kw_only=True, slots=True)
class Contact:
    """One of a person's addresses, masked (the pages never echo a whole number)."""

    channel: str
    address: str
    updated_at: datetime


async def set_contact(
    conn: asyncpg.Connection, actor: Actor, channel: str, address: str
) -> Contact:
    """Store the caller's own address on a channel (each person sets their own)."""
    form = ADDRESS_FORMS.get(channel)
    if form is None:
        raise ContactChannelUnknown(
            f"no contact on channel {channel!r}: only {', '.join(sorted(ADDRESS_FORMS))}",
            details={"channels": sorted(ADDRESS_FORMS)},
        )
    address = address.strip()
    if not form.match(address):
        what = "an 11-digit mainland mobile number" if channel == "sms" else "a WeChat OpenID"
        raise ContactAddressInvalid(f"the {channel} address must be {what}")
    at = await queries.upsert_contact(conn, actor.user_id, channel, address)
    return Contact(channel=channel, address=masked(address), updated_at=at)


async def remove_contact(conn: asyncpg.Connection, actor: Actor, channel: str) -> None:
    """Remove the caller's address on a channel."""
    if not await queries.delete_contact(conn, actor.user_id, channel):
        raise ContactNotFound(f"you have no {channel} contact")


async def my_contacts(conn: asyncpg.Connection, actor: Actor) -> list[Contact]:
    """The caller's contacts, addresses masked."""
    return [
        Contact(channel=c, address=masked(a), updated_at=at)
        for c, a, at in await queries.contacts(conn, actor.user_id)
    ]


@dataclass(frozen=True, kw_only=True, slots=True)
class Notify:
    """What a trigger asks for: one message to one person (channels are chosen here)."""

    kind: Kind
    key: str  # unique per trigger event and person: the channel is appended
    user_id: UUID
    tender_id: UUID | None
    params: dict[str, str]
    body: str


async def enqueue(
    conn: asyncpg.Connection,
    wanted: Sequence[Notify],
    available: Mapping[str, Channel] | None = None,
) -> int:
    """Queue each message on every configured channel its person has an address on
    (the log channel when none); returns how many were new (a repeat is skipped)."""
    names = sorted(set(channels() if available is None else available) - {"log"})
    reachable = await queries.channels_of(conn, [w.user_id for w in wanted], names)
    rows: list[Row] = []
    for w in wanted:
        picked = [n for n in names if (w.user_id, n) in reachable] or ["log"]
        rows.extend(
            Row(
                kind=w.kind,
                dedupe_key=f"{w.key}:{name}",
                user_id=w.user_id,
                tender_id=w.tender_id,
                channel=name,
                params=w.params,
                body=w.body,
            )
            for name in picked
        )
    return await queries.insert(conn, rows)


async def dispatch(
    conn: asyncpg.Connection,
    now: datetime,
    limit: int = 100,
    available: Mapping[str, Channel] | None = None,
) -> int:
    """Send up to `limit` notifications due at `now`; returns how many were attempted."""
    async with conn.transaction():
        claimed = await queries.claim_due(conn, now, limit)
        for name, attempts, message in claimed:
            delivery = await deliver(name, message, available)
            retry_at = next_attempt(attempts + 1, delivery, now)
            await queries.record_attempt(conn, message.id, delivery, retry_at)
    return len(claimed)


async def failures(conn: asyncpg.Connection, actor: Actor, limit: int = 100) -> list[Failure]:
    """Failed deliveries for centre staff (issue 15: failures visible to the centre)."""
    if not actor.has_role(Role.CENTRE_STAFF):
        raise PermissionDenied("failed notifications are shown to centre staff")
    return await queries.failures(conn, sorted(actor.acting_for(Role.CENTRE_STAFF)), limit)
