"""Supervisors' notes against PostgreSQL: signed by the supervisor's own certificate,
kept once, logged by hash, told to supervisors only, read by supervisors and centre
staff only — never by the members (issue 11, item 10)."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from evaluation.model import Phase
from evaluation.notes.commands import note
from evaluation.notes.errors import NoteReplayed, NoteSignerMismatch
from evaluation.notes.model import note_form
from evaluation.notes.service import list_notes
from signing.canonical import sha256_hex
from signing.certs import Identity
from signing.cms import sign_detached
from signing.errors import EtenderError
from tests.accounts.factory import actor_for
from tests.tender.world import World, entries
from tests.web.evaluation.kit import SessionWorld, context, counts, session_world

TEXT = "14:05 专家4所在副场网络中断约3分钟，已恢复，评分未受影响。"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signed_note(sw: SessionWorld, text: str = TEXT, who: Identity | None = None,
                note_id: uuid.UUID | None = None) -> dict[str, Any]:  # fmt: skip
    note_id = note_id or uuid.uuid4()
    who = who or sw.supervisor_identity
    form = note_form(sw.state.id, note_id, text)
    signature = sign_detached(form, who.certificate, who.key, chain=who.chain)
    return {"id": str(note_id), "text": text, "signature": b64url(signature)}


async def _note(
    conn: asyncpg.Connection, sw: SessionWorld, actor: Any, data: dict[str, Any]
) -> Any:
    async with conn.transaction():
        return await note(await context(conn, sw, actor, data))


async def test_a_supervisor_notes_signed_kept_logged_by_hash_and_told_to_supervisors(
    conn: asyncpg.Connection, world: World
) -> None:
    """The note's event goes to the supervisor audience only, with its id and hash; the
    public log has the hash, never the text."""
    sw = await session_world(conn, world)
    data = signed_note(sw)
    emits = await _note(conn, sw, world.supervisor, data)
    sha256 = sha256_hex(note_form(sw.state.id, uuid.UUID(data["id"]), TEXT))
    assert [(e.kind, dict(e.data), e.audience) for e in emits] == [
        ("supervisor.note", {"id": data["id"], "sha256": sha256}, "supervisor")
    ]
    (entry,) = await entries(conn, "evaluation.supervisor_note")
    assert entry.data["sha256"] == sha256
    assert TEXT not in entry.to_bytes().decode()
    (stored,) = await list_notes(conn, world.supervisor, sw.state)
    assert (stored.text, stored.sha256, stored.author) == (TEXT, sha256, world.supervisor.user_id)
    assert [n.id for n in await list_notes(conn, world.staff, sw.state)] == [stored.id]


async def test_notes_are_taken_while_paused_but_not_after_the_close(
    conn: asyncpg.Connection, world: World
) -> None:
    """A fault is when a note matters most; a closed session changes no more."""
    sw = await session_world(conn, world)
    sw.with_phase(Phase.SCORING, paused_at=sw.state.members[0].signed_in_at)
    assert await _note(conn, sw, world.supervisor, signed_note(sw))
    sw.with_phase(Phase.CLOSED, paused_at=None)
    with pytest.raises(EtenderError) as refused:
        await _note(conn, sw, world.supervisor, signed_note(sw))
    assert refused.value.code == "evaluation_session_over_conflict"


async def test_a_replayed_note_is_refused(conn: asyncpg.Connection, world: World) -> None:
    """The same signed note again (same id): 409, nothing written."""
    sw = await session_world(conn, world)
    data = signed_note(sw)
    await _note(conn, sw, world.supervisor, data)
    before = await counts(conn)
    with pytest.raises(NoteReplayed):
        await _note(conn, sw, world.supervisor, data)
    assert await counts(conn) == before


async def test_only_the_departments_supervisors_note(
    conn: asyncpg.Connection, world: World
) -> None:
    """A member (even the chair), centre staff, the agency: supervisor only."""
    sw = await session_world(conn, world)
    before = await counts(conn)
    for who in (sw.expert(1), world.staff, world.agency, world.bidders[0]):
        with pytest.raises(EtenderError) as refused:
            await _note(conn, sw, who, signed_note(sw))
        assert refused.value.code == "evaluation_supervisor_only"
    assert await counts(conn) == before


async def test_forged_foreign_and_malformed_notes_are_refused(
    conn: asyncpg.Connection, world: World
) -> None:
    """Each with its code, nothing written."""
    sw = await session_world(conn, world)
    good = signed_note(sw)
    other_text = dict(good, text="改过的文字")
    padded = dict(good, signature=good["signature"] + "=")
    cases: list[tuple[dict[str, Any], str]] = [
        (other_text, "content_digest_mismatch"),
        (signed_note(sw, who=world.bidder_identities[0]), NoteSignerMismatch.code),
        (dict(good, signature="!!not base64!!"), "evaluation_command_invalid"),
        (padded, "evaluation_command_invalid"),
        (dict(good, signature=""), "evaluation_command_invalid"),
        (dict(good, signature=b64url(b"\x30\x03\x02\x01\x00")), "signature_malformed"),
        (dict(good, id="nope"), "evaluation_command_invalid"),
        ({"text": TEXT, "signature": good["signature"]}, "evaluation_command_invalid"),
        (dict(good, text="含\x00"), "evaluation_command_invalid"),
        (dict(good, text="长" * 4001), "evaluation_command_invalid"),
        (dict(good, text=12), "evaluation_command_invalid"),
    ]
    before = await counts(conn)
    for data, code in cases:
        with pytest.raises(EtenderError) as refused:
            await _note(conn, sw, world.supervisor, data)
        assert refused.value.code == code, data
    assert await counts(conn) == before


async def test_nobody_but_supervisors_and_centre_staff_reads_notes(
    conn: asyncpg.Connection, world: World
) -> None:
    """The members never see the notes they do not sign; the agency, the tenderer, a
    bidder and another department's supervisor are refused (403)."""
    sw = await session_world(conn, world)
    await _note(conn, sw, world.supervisor, signed_note(sw))
    for actor in (await actor_for(conn, sw.expert(1)), world.agency, world.tenderer,
                  world.bidders[0], world.other_agency):  # fmt: skip
        with pytest.raises(PermissionDenied):
            await list_notes(conn, actor, sw.state)
