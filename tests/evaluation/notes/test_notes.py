"""Supervisors' notes through the real room: signed by the supervisor's own certificate,
kept once, logged by hash, told to supervisors only, read by supervisors and centre
staff only — never by the members (issue 11, item 10)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from accounts.model import Actor
from evaluation.model import DEFAULT_POLICY
from evaluation.notes.model import note_form
from evaluation.notes.service import list_notes
from signing.canonical import sha256_hex
from signing.errors import EtenderError
from tests.evaluation.kit import (
    SessionWorld,
    Template,
    events,
    load,
    send,
    session_world,
)
from tests.tender.world import entries
from tests.web.evaluation.kit import (
    NOTE,
    b64url,
    everything,
    signed_note,
    supervisor_identity,
)


async def _refused(
    conn: asyncpg.Connection, w: SessionWorld, actor: Actor, data: dict[str, Any]
) -> str:
    """Send a note that must be refused: its code; nothing written."""
    before = await everything(conn, w)
    with pytest.raises(EtenderError) as refused:
        await send(conn, w, actor, "note", data)
    assert await everything(conn, w) == before
    return refused.value.code


async def test_a_supervisor_notes_signed_kept_logged_by_hash_and_told_to_supervisors(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The note's event goes to role:supervisor only, with its id and hash; the public
    log names the supervisor and has the hash, never the text."""
    w = await session_world(conn, evaluation_template)
    data = signed_note(w.state.id, await supervisor_identity(conn, w))
    seq = await send(conn, w, w.supervisor, "note", data)
    sha256 = sha256_hex(note_form(w.state.id, uuid.UUID(data["id"]), NOTE))
    (event,) = [e for e in await events(conn, w) if e.seq == seq]
    assert (event.kind, event.data, event.audience) == (
        "supervisor.note",
        {"id": data["id"], "sha256": sha256},
        "role:supervisor",
    )
    (entry,) = await entries(conn, "evaluation.supervisor_note")
    assert (entry.data["sha256"], entry.actor.user_id) == (sha256, str(w.supervisor.user_id))
    assert entry.subject is not None
    assert entry.subject.id == str(w.state.id)
    assert NOTE not in entry.to_bytes().decode()
    (stored,) = await list_notes(conn, w.supervisor, w.state)
    assert (stored.text, stored.sha256, stored.author) == (NOTE, sha256, w.supervisor.user_id)
    assert [n.id for n in await list_notes(conn, w.staff, w.state)] == [stored.id]


async def test_a_paused_session_takes_a_note(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """A fault is when a note matters most: a paused session takes one."""
    w = await session_world(conn, evaluation_template)
    identity = await supervisor_identity(conn, w)
    await send(conn, w, w.staff, "pause", {"reason": "合肥副场断网"})
    assert await send(conn, w, w.supervisor, "note", signed_note(w.state.id, identity))
    assert (await load(conn, w)).paused_at is not None


async def test_a_sealed_session_takes_no_note(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Past the pause's limit the next command seals the session; a note after that is
    refused (the session is over), nothing written."""
    limit = dataclasses.replace(DEFAULT_POLICY, pause_before_start=dt.timedelta(0))
    w = await session_world(conn, evaluation_template, policy=limit)
    identity = await supervisor_identity(conn, w)
    await send(conn, w, w.staff, "pause", {"reason": "主场停电"})
    await send(conn, w, w.staff, "snapshot")  # past the limit: seals instead
    assert (await load(conn, w)).phase == "sealed"
    data = signed_note(w.state.id, identity)
    assert await _refused(conn, w, w.supervisor, data) == "evaluation_session_over_conflict"


async def test_a_replayed_note_is_refused(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The same signed note again (same id): 409, nothing written."""
    w = await session_world(conn, evaluation_template)
    data = signed_note(w.state.id, await supervisor_identity(conn, w))
    await send(conn, w, w.supervisor, "note", data)
    assert await _refused(conn, w, w.supervisor, data) == "evaluation_note_replayed_conflict"


async def test_only_the_departments_supervisors_note(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """A member, centre staff, the agency: supervisor only; another department's
    supervisor and a bidder are no participants at all."""
    w = await session_world(conn, evaluation_template)
    data = signed_note(w.state.id, await supervisor_identity(conn, w))
    for who, expected in (
        (w.member(1), "evaluation_supervisor_only"),
        (w.staff, "evaluation_supervisor_only"),
        (w.agency, "evaluation_supervisor_only"),
        (w.other_supervisor, "evaluation_not_participant"),
        (w.bidder, "evaluation_not_participant"),
    ):
        assert await _refused(conn, w, who, data) == expected


async def test_forged_foreign_and_malformed_notes_are_refused(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Each with its code, nothing written."""
    w = await session_world(conn, evaluation_template)
    mine = await supervisor_identity(conn, w)
    good = signed_note(w.state.id, mine)
    bidder = w.scenario.world.bidder_identities[0]
    other_session = signed_note(uuid.uuid4(), mine, note_id=uuid.UUID(good["id"]))
    cases: list[tuple[dict[str, Any], str]] = [
        (dict(good, text="改过的文字"), "content_digest_mismatch"),
        (dict(good, signature=other_session["signature"]), "content_digest_mismatch"),
        (signed_note(w.state.id, bidder), "evaluation_note_signer_mismatch"),
        (dict(good, signature="!!not base64!!"), "evaluation_command_invalid"),
        (dict(good, signature=good["signature"] + "="), "evaluation_command_invalid"),
        (dict(good, signature=""), "evaluation_command_invalid"),
        (dict(good, signature=b64url(b"\x30\x03\x02\x01\x00")), "signature_malformed"),
        (dict(good, id="nope"), "evaluation_command_invalid"),
        ({"text": NOTE, "signature": good["signature"]}, "evaluation_command_invalid"),
        (dict(good, text="含\x00"), "evaluation_command_invalid"),
        (dict(good, text="长" * 4001), "evaluation_command_invalid"),
        (dict(good, text=12), "evaluation_command_invalid"),
    ]
    for data, expected in cases:
        assert await _refused(conn, w, w.supervisor, data) == expected, data


async def test_nobody_but_supervisors_and_centre_staff_reads_notes(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The members never see the notes they do not sign; the agency, the tenderer, a
    bidder and another department's supervisor are refused (403)."""
    w = await session_world(conn, evaluation_template)
    await send(conn, w, w.supervisor, "note",
               signed_note(w.state.id, await supervisor_identity(conn, w)))  # fmt: skip
    for actor in (w.member(1), w.agency, w.tenderer, w.bidder, w.other_supervisor):
        with pytest.raises(PermissionDenied):
            await list_notes(conn, actor, w.state)
