"""The engine's use cases: entering a session, applying a command once, presence.

A command's events are numbered and stored in one transaction with whatever the kind
changed; the client's id makes a retry answer as the first attempt did, on any node.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from accounts.model import Actor
from live import queries
from live.errors import LiveCommandIdReused, LiveSessionNotFound
from live.kinds import CommitsAlone, Kinds, LiveKind, UndeclaredEmit, check_emits
from live.model import Command, Emit, LiveSession, Reply, command_digest, user_audience


async def enter(
    conn: asyncpg.Connection, kinds: Kinds, session_id: UUID, actor: Actor
) -> tuple[LiveSession, frozenset[str] | None]:
    """The session and the actor's audiences in it (None: not a participant)."""
    session = await queries.get_session(conn, session_id)
    if session is None or session.kind not in kinds:
        raise LiveSessionNotFound("no such live session")
    return session, await kinds[session.kind].audiences(conn, actor, session)


async def apply(
    conn: asyncpg.Connection, kind: LiveKind, session: LiveSession, actor: Actor, command: Command
) -> int | Reply | None:
    """Apply the command once; a retried id returns the seq of its first event, and an
    id used before for another body is refused (LiveCommandIdReused). A query (the
    handler replied: model.Emit.reply) stores nothing and returns its Reply."""
    digest = command_digest(command)
    earlier = await queries.command_by_client_msg(conn, session.id, actor.user_id, command.id)
    if earlier is not None:
        return _same(earlier, digest, command)
    try:
        if isinstance(kind, CommitsAlone) and kind.commits_alone(command):
            return await kind.apply_alone(conn, actor, session, command, digest)
        async with conn.transaction():
            emits = await kind.handle(conn, actor, session, command)
            check_emits(kind, emits)
            if any(emit.reply for emit in emits):
                return await _reply(conn, kind, session, actor, emits)
            first = None
            for n, emit in enumerate(emits):
                event = await queries.append_event(
                    conn, session.id, kind=emit.kind, data=dict(emit.data),
                    audience=emit.audience, actor_id=actor.user_id,
                    client_msg_id=command.id if n == 0 else None,
                    command_sha256=digest if n == 0 else None,
                )  # fmt: skip
                first = first or event.seq
            return first
    except asyncpg.UniqueViolationError:
        # The same id raced in on another socket and won: answer as it did.
        again = await queries.command_by_client_msg(conn, session.id, actor.user_id, command.id)
        return _same(again, digest, command) if again else None


def _same(earlier: tuple[int, str | None], digest: str, command: Command) -> int:
    """The first event's seq, if the retry is the command the id was first used for."""
    seq, first = earlier
    if first is not None and first != digest:  # None: stored before migration 0065
        raise LiveCommandIdReused(
            f"the id {command.id!r} was used for another command in this session: "
            "send a retry with the same type and data, a new command with a new id",
            details={"id": command.id, "seq": seq},
        )
    return seq


async def _reply(
    conn: asyncpg.Connection, kind: LiveKind, session: LiveSession, actor: Actor, emits: list[Emit]
) -> Reply:
    """A query's one reply, to its sender, with the session's last seq read in its
    transaction (the view it replied is as of that seq)."""
    if len(emits) != 1 or emits[0].audience != user_audience(actor.user_id):
        raise UndeclaredEmit(f"{kind.name}: a reply is one emit, to its sender alone")
    emit = emits[0]
    current = await queries.get_session(conn, session.id)
    assert current is not None  # the session row is never deleted
    return Reply(kind=emit.kind, data=emit.data, after=current.last_seq)


async def record_presence(
    conn: asyncpg.Connection, session: LiveSession, actor: Actor, event: str, *, node: str
) -> None:
    """A join, leave, idle or active of the actor: the attendance record (考勤)."""
    await queries.record_presence(
        conn, session.id, actor.user_id, event, address=actor.address or "", node=node
    )
