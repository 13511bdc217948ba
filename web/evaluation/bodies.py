"""Request and response bodies of the evaluation sessions' JSON API
(docs/api-evaluation.md), with the conversions from the domain's values.

Who sees what of a session is decided by :func:`session_body` from the viewer's
standing (evaluation/clarifications/parties.py): names, user ids and venues only for
centre staff and the department's supervisors — and a member's own seat for that
member (两随机、四不知); the tender's agency and tenderer see seats; a bidder sees the
phase only.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from evaluation.clarifications.model import Clarification
from evaluation.clarifications.parties import Standing, Viewer
from evaluation.model import Member, SessionState
from evaluation.notes.model import Note
from evaluation.sessions.views import started
from evaluation.venues.model import Handover
from live.model import LiveEvent
from web.errors import RequestInvalid

# The documented limits (docs/api-evaluation.md); the domain checks the text itself.
Answer = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
Signature = Annotated[str, msgspec.Meta(min_length=4, max_length=90000)]
VenueNote = Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
Sha256 = Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{64}$")]
PoolId = Annotated[str, msgspec.Meta(pattern="^[A-Za-z0-9_-]{1,64}$")]
Lot = Annotated[str, msgspec.Meta(pattern="^[0-9]{1,2}$")]
Aware = Annotated[datetime, msgspec.Meta(tz=True)]


class ScheduleBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Centre staff schedule a lot's session: where it sits, who represents the
    tenderer (users; Law 37: at most a third of the committee), when it starts."""

    tender_id: UUID
    lot: Lot
    main_venue_id: PoolId
    representatives: Annotated[list[UUID], msgspec.Meta(max_length=16)] = []
    starts_at: Aware


class SeatBody(msgspec.Struct, frozen=True, kw_only=True):
    """A seat (专家n); ``name``, ``user_id`` and ``venue_id`` only where the viewer may."""

    seat: int
    label: str
    kind: str
    status: str
    generation: int
    present: bool
    name: str | None = None
    user_id: str | None = None
    venue_id: str | None = None


class SessionBody(msgspec.Struct, frozen=True, kw_only=True):
    """One evaluation session as the viewer may see it; connect to ``websocket``."""

    id: str
    live_session_id: str
    websocket: str
    tender_id: str | None  # None to a member before the start (四不知: the project unknown)
    lot: str | None
    attempt: int
    phase: str
    phase_deadline: str | None
    paused: bool
    chair_seat: int | None
    seats_present: int | None
    seats: list[SeatBody] | None
    main_venue_id: str | None


class SessionList(msgspec.Struct, frozen=True, kw_only=True):
    """A lot's sessions the viewer may see, first attempt first."""

    items: list[SessionBody]


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _seat(member: Member, viewer: Viewer, own: bool, names: Mapping[UUID, str]) -> SeatBody:
    named = viewer.standing is Standing.OVERSEER or own
    return SeatBody(
        seat=member.seat,
        label=member.label,
        kind=str(member.kind),
        status=str(member.status),
        generation=member.generation,
        present=member.present,
        name=names.get(member.user_id) if named else None,
        user_id=str(member.user_id) if named else None,
        venue_id=member.venue_id if named else None,
    )


def session_body(
    state: SessionState, viewer: Viewer, viewer_id: UUID, names: Mapping[UUID, str]
) -> SessionBody:
    """The session for one viewer (``names``: display names of the members it may see)."""
    seats = None
    # 四不知 (DOMAIN.md): the committee learns the project only at the start.
    hidden = viewer.standing is Standing.MEMBER and not started(state.phase)
    if viewer.standing is not Standing.BIDDER:
        seats = [_seat(m, viewer, m.user_id == viewer_id, names) for m in state.seated]
    return SessionBody(
        id=str(state.id),
        live_session_id=str(state.id),
        websocket=f"/api/v1/live/{state.id}",
        tender_id=None if hidden else str(state.tender_id),
        lot=None if hidden else state.lot,
        attempt=state.attempt,
        phase=str(state.phase),
        phase_deadline=_iso(state.phase_deadline),
        paused=state.paused_at is not None,
        chair_seat=state.chair_seat,
        seats_present=None if seats is None else sum(m.present for m in state.seated),
        seats=seats,
        main_venue_id=state.main_venue_id if viewer.standing is Standing.OVERSEER else None,
    )


class EventBody(msgspec.Struct, frozen=True, kw_only=True):
    """One event of the session as the live engine stored it (docs/live-sessions.md)."""

    seq: int
    kind: str
    audience: str
    data: dict[str, Any]
    at: str


class EventList(msgspec.Struct, frozen=True, kw_only=True):
    """The events after ``after`` that the viewer's audiences see; ``last_seq`` is the
    last one read (ask again with it for more)."""

    items: list[EventBody]
    last_seq: int


def events_body(events: Sequence[LiveEvent], audiences: frozenset[str], after: int) -> EventList:
    """The events the viewer may see, as the socket would send them."""
    items = [
        EventBody(seq=e.seq, kind=e.kind, audience=e.audience, data=e.data,
                  at=e.created_at.isoformat())
        for e in events
        if e.audience in audiences
    ]  # fmt: skip
    return EventList(items=items, last_seq=events[-1].seq if events else after)


class AnswerBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A bidder's answer and its CMS detached signature (DER, standard base64) over the
    canonical answer form (docs/api-evaluation.md, "The signed answer")."""

    answer: Answer
    signature: Signature


class ClarificationBody(msgspec.Struct, frozen=True, kw_only=True):
    """A question to a bidder, its answer and the chair's refusal, if any."""

    id: str
    session_id: str
    bid_id: str
    bidder: str
    question: str
    question_sha256: str
    asked_by_seat: int
    asked_at: str
    status: str
    answer: str | None
    answer_signature: str | None
    answered_at: str | None
    refusal: str | None
    refused_at: str | None


class ClarificationList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[ClarificationBody]


def clarification_body(found: Clarification) -> ClarificationBody:
    """The JSON of a clarification."""
    signature = found.answer_signature
    return ClarificationBody(
        id=str(found.id),
        session_id=str(found.session_id),
        bid_id=str(found.bid_id),
        bidder=found.bidder,
        question=found.question,
        question_sha256=found.question_sha256,
        asked_by_seat=found.asked_seat,
        asked_at=found.asked_at.isoformat(),
        status=found.status,
        answer=found.answer,
        answer_signature=None if signature is None else base64.b64encode(signature).decode(),
        answered_at=_iso(found.answered_at),
        refusal=found.refusal,
        refused_at=_iso(found.refused_at),
    )


class NoteBody(msgspec.Struct, frozen=True, kw_only=True):
    """A supervisor's signed note (signature: DER, standard base64)."""

    id: str
    session_id: str
    author: str
    author_name: str | None
    text: str
    sha256: str
    signature: str
    signer_cert_sha256: str
    noted_at: str


class NoteList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[NoteBody]


def note_body(found: Note, author_name: str | None) -> NoteBody:
    """The JSON of a note."""
    return NoteBody(
        id=str(found.id),
        session_id=str(found.session_id),
        author=str(found.author),
        author_name=author_name,
        text=found.text,
        sha256=found.sha256,
        signature=base64.b64encode(found.signature).decode(),
        signer_cert_sha256=found.signer_cert_sha256,
        noted_at=found.noted_at.isoformat(),
    )


class HandoverRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A venue's records bundle, by SHA-256, and an optional note."""

    records_sha256: Sha256
    note: VenueNote | None = None


class HandoverBody(msgspec.Struct, frozen=True, kw_only=True):
    """An assisting venue's handover: due, done or not, late or not."""

    session_id: str
    venue_id: str
    closed_at: str
    working_days: int
    due_at: str | None
    handed_over: bool
    late: bool | None
    records_sha256: str | None
    note: str | None
    recorded_by: str | None
    handed_over_at: str | None
    alerted: bool


class HandoverList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[HandoverBody]


def handover_body(found: Handover, due: datetime | None, now: datetime) -> HandoverBody:
    """The JSON of a handover (``due`` None: the calendar lacks its year)."""
    done = found.handed_over_at
    return HandoverBody(
        session_id=str(found.session_id),
        venue_id=found.venue_id,
        closed_at=found.closed_at.isoformat(),
        working_days=found.working_days,
        due_at=_iso(due),
        handed_over=done is not None,
        late=None if due is None else (done or now) > due,
        records_sha256=found.records_sha256,
        note=found.note,
        recorded_by=None if found.recorded_by is None else str(found.recorded_by),
        handed_over_at=_iso(done),
        alerted=found.alerted_at is not None,
    )


def b64(value: str, name: str) -> bytes:
    """A standard base64 field's bytes; malformed → ``request_invalid``."""
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise RequestInvalid(f"'{name}' must be base64", details={"field": name}) from None
