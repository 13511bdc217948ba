"""Bodies of the notifications API (docs/notifications.md; msgspec, unknown fields refused)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from accounts.notifications.queries import Failure
from accounts.notifications.service import Contact


class Model(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Base of the notifications API's bodies: unknown fields are refused."""


class ContactSet(Model, frozen=True, kw_only=True):
    address: Annotated[str, msgspec.Meta(max_length=128)]


class ContactBody(Model, frozen=True, kw_only=True):
    channel: str
    address: str  # masked: the last four characters only
    updated_at: datetime


class ContactList(Model, frozen=True, kw_only=True):
    items: list[ContactBody]


class FailureBody(Model, frozen=True, kw_only=True):
    source: str
    id: str
    kind: str
    channel: str
    tender_code: str
    attempts: int
    detail: str
    at: datetime


class FailureList(Model, frozen=True, kw_only=True):
    items: list[FailureBody]


def contact_body(c: Contact) -> ContactBody:
    return ContactBody(channel=c.channel, address=c.address, updated_at=c.updated_at)


def failure_body(f: Failure) -> FailureBody:
    return FailureBody(
        source=f.source,
        id=f.id,
        kind=f.kind,
        channel=f.channel,
        tender_code=f.tender_code,
        attempts=f.attempts,
        detail=f.detail,
        at=f.at,
    )
