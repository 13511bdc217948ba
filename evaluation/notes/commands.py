"""The session's command of supervisors' notes: ``note`` {id, text, signature}.

A supervisor of the tender's department records a note at any time the session is
open, paused or not (a fault is when a note matters most). The signature is CMS
detached over the note's signed form (evaluation/notes/model.py), base64url without
padding as every binary field of a frame, by the supervisor's current registered
certificate. The note is stored, logged by its hash (the log is public; the text is
the supervisor's record) and told to the supervisors only (audience
``role:supervisor``, evaluation.sessions.views): the members never see it and never
sign it.
"""

from __future__ import annotations

import base64
import binascii
from uuid import UUID

from accounts.keys import queries as keys
from evaluation import guards
from evaluation.errors import EvaluationCommandInvalid
from evaluation.events import EvaluationEvent
from evaluation.handlers import Ctx, Handlers
from evaluation.notes import queries
from evaluation.notes.errors import NoteReplayed, NoteSignerMismatch
from evaluation.notes.model import TEXT_MAX, Note, note_form
from evaluation.sessions.views import SUPERVISOR
from live.model import Emit
from signing.canonical import sha256_hex
from signing.certs import cert_sha256
from signing.cms import verify_detached

NOTED = "supervisor.note"
# Every event of the feature and its audience (the room declares them).
EVENTS = {NOTED: SUPERVISOR}
SIGNATURE_MAX = 65536  # a CMS signature with its chain is a few KiB


def _note_id(ctx: Ctx) -> UUID:
    raw = guards.field(ctx.data, "id", str)
    try:
        return UUID(raw)
    except ValueError:
        raise EvaluationCommandInvalid("'id' must be a UUID", details={"field": "id"}) from None


def _signature(ctx: Ctx) -> bytes:
    """``signature``: base64url without padding (docs/formats/evaluation-session.md)."""
    raw = guards.field(ctx.data, "signature", str)
    try:
        if len(raw) > SIGNATURE_MAX * 4 // 3 + 4 or "=" in raw:
            raise ValueError
        decoded = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        if not decoded or base64.urlsafe_b64encode(decoded).rstrip(b"=").decode() != raw:
            raise ValueError
    except (ValueError, binascii.Error):
        raise EvaluationCommandInvalid(
            "'signature' is base64url without padding", details={"field": "signature"}
        ) from None
    return decoded


async def note(ctx: Ctx) -> list[Emit]:
    """A supervisor's signed note, kept with the session, told to supervisors only."""
    guards.require_open(ctx, paused_ok=True)
    guards.require_supervisor(ctx)
    note_id = _note_id(ctx)
    text = guards.text(ctx.data, "text", limit=TEXT_MAX)
    assert text is not None
    signature = _signature(ctx)
    if await queries.exists(ctx.conn, note_id):
        raise NoteReplayed("this note was recorded before: a signed note counts once")
    signed = note_form(ctx.state.id, note_id, text)
    signer = verify_detached(signed, signature, ctx.trust, ctx.now).certificate
    mine = await keys.certificates(ctx.conn, ctx.actor.user_id)
    if cert_sha256(signer) not in {c.cert_sha256 for c in mine if c.retired_at is None}:
        raise NoteSignerMismatch("sign the note with your own current registered certificate")
    stored = Note(
        id=note_id,
        session_id=ctx.state.id,
        author=ctx.actor.user_id,
        text=text,
        sha256=sha256_hex(signed),
        signature=signature,
        signer_cert_sha256=cert_sha256(signer),
        noted_at=ctx.now,
    )
    index = await ctx.ops.log(
        ctx, EvaluationEvent.SUPERVISOR_NOTE, {"note": str(note_id), "sha256": stored.sha256}
    )
    await queries.insert(ctx.conn, stored, index)
    return [Emit(kind=NOTED, data={"id": str(note_id), "sha256": stored.sha256},
                 audience=EVENTS[NOTED])]  # fmt: skip


HANDLERS: Handlers = {"note": note}
