"""Each participant of a session as a real client: the member's client library
(client/session: its socket resumes by sequence, resends unanswered commands with their
ids and moves to the next server URL when its server dies), recording every frame the
server sent it.

A participant's socket lists its home node first and the other node second, so a
``kill -9`` of the home node moves it to the other (client/session/socket.py). Every
raw text frame the socket receives — ``hello``, events, acks, errors, on every
connection — is kept in ``frames`` exactly as it arrived: the library's frame parser is
wrapped (``record_frames``) and each socket's connection task says, through a context
variable, which list is its own. ``events`` are the events the library delivered, in
order. Every wait is bounded (``WAIT_SECONDS``) and says what it waited for.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import json
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from client.session import protocol
from client.session import socket as client_socket
from client.session.protocol import Event
from client.session.sealing import Signer
from client.session.socket import RetryPolicy, SessionSocket
from client.session.state import StateStore

# Bound of any wait for an event or an ack (loopback: milliseconds when all is well; a
# node's death costs a reconnect; the bound allows for a machine loaded by other tests).
WAIT_SECONDS = 60.0
RETRY = RetryPolicy(give_up=60.0, answer_timeout=WAIT_SECONDS, open_timeout=5.0)

_FRAMES: ContextVar[list[str] | None] = ContextVar("frames", default=None)


def _recording_parse(text: str | bytes) -> protocol.Frame:
    frames = _FRAMES.get()
    if frames is not None:
        frames.append(text if isinstance(text, str) else text.decode())
    return protocol.parse_frame(text)


def record_frames(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now to the test's end, every RecordingSocket keeps each frame it receives."""
    monkeypatch.setattr(client_socket, "parse_frame", _recording_parse)


class RecordingSocket(SessionSocket):
    """The library's socket; its connection task records into ``frames``."""

    def __init__(self, *args: Any, frames: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.frames = frames

    async def _run(self) -> None:
        _FRAMES.set(self.frames)  # this task's own context: its connections inherit it
        await super()._run()


@dataclasses.dataclass(eq=False, kw_only=True)
class Participant:
    """One participant: who it is, what it may see, its socket and what it received."""

    name: str  # "专家3", "staff", …: for failure messages
    user_id: UUID
    audiences: frozenset[str]  # docs/formats/evaluation-session.md §6, as the test reads it
    servers: tuple[str, ...]  # home node first
    token: str
    state_dir: Path
    session: UUID
    seat: int | None = None
    signer: Signer | None = None
    frames: list[str] = dataclasses.field(default_factory=list)
    events: list[Event] = dataclasses.field(default_factory=list)
    acks: dict[str, int | None] = dataclasses.field(default_factory=dict)  # purpose → seq

    def __post_init__(self) -> None:
        self.store = StateStore(self.state_dir, self.session)
        self.sock = RecordingSocket(
            self.store, list(self.servers), self.token, after=0, kind="evaluation",
            retry=RETRY, frames=self.frames, warn=lambda line: None,
        )  # fmt: skip
        self._arrived = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None
        self._ids = itertools.count(1)

    async def connect(self) -> None:
        """Open the socket and read its events until closed; returns once it said hello."""
        await self.sock.__aenter__()
        self._reader = asyncio.create_task(self._read())
        await self.until_connected()

    async def until_connected(self) -> None:
        async with asyncio.timeout(WAIT_SECONDS):
            await self.sock.connected.wait()

    async def _read(self) -> None:
        try:
            while True:
                self.events.append(await self.sock.next_event())
                self._arrived.set()
        finally:
            self._arrived.set()  # a waiter learns that no event will come

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        await self.sock.close()

    # --- waiting ---

    async def until(self, found: Callable[[Event], bool], what: str) -> Event:
        """The first event (from the beginning) for which ``found`` is true."""
        seen = 0
        try:
            async with asyncio.timeout(WAIT_SECONDS):
                while True:
                    for event in self.events[seen:]:
                        if found(event):
                            return event
                    seen = len(self.events)
                    if self._reader is not None and self._reader.done():
                        raise AssertionError(f"{self.name}: the socket ended: {self._ended()}")
                    self._arrived.clear()
                    await self._arrived.wait()
        except TimeoutError:
            kinds = [(e.seq, e.kind) for e in self.events[-8:]]
            raise AssertionError(f"{self.name} never saw {what}; last events {kinds}") from None

    def _ended(self) -> str:
        assert self._reader is not None
        return repr(None if self._reader.cancelled() else self._reader.exception())

    async def until_phase(self, phase: str) -> Event:
        return await self.until(
            lambda e: e.kind == "session.phase" and e.data.get("phase") == phase,
            f"phase {phase}",
        )

    async def until_seq(self, seq: int) -> None:
        """Until this participant has been delivered everything up to ``seq``."""
        await self.until(lambda e: e.seq >= seq, f"an event at or after seq {seq}")

    def of_kind(self, kind: str) -> list[Event]:
        return [e for e in self.events if e.kind == kind]

    # --- commands ---

    async def command(
        self, kind: str, data: Mapping[str, object] | None = None, *, purpose: str | None = None
    ) -> int:
        """Store the command (its id written before it is sent), send it, wait for its ack
        (a refusal raises SessionCommandRefused); the ack's seq."""
        purpose = purpose or f"{kind}:{next(self._ids)}"
        stored = self.store.command(purpose, kind, dict(data or {}))
        ack = await self.sock.call(stored)
        assert ack.seq is not None, f"{self.name}: {kind} caused no event"
        self.acks[purpose] = ack.seq
        return ack.seq


def seen_seqs(frames: list[str]) -> list[int]:
    """The seq of every event frame among raw frames, in arrival order."""
    out = []
    for text in frames:
        body = json.loads(text)
        if body.get("type") == "event":
            out.append(body["seq"])
    return out
