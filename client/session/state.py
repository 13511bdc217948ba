"""A member's session state: the last event seen and every command not yet answered.

docs/live-sessions.md, "Reconnecting": keep the highest ``seq`` received; after a
dropped connection resend every command that was not acknowledged, with the same id.
``state.json`` in the state directory (client/session/files.py) holds, for one session:

    {"format": "etender-session-state-v1", "session": "<uuid>", "seq": 17, "counter": 4,
     "commands": [{"id": "3f9a0c1e-4", "purpose": "reveal:scoring:1",
                   "sha256": "<hex of the frame>", "frame": "<the exact frame text>",
                   "answer": null}]}

A command is written here with its id BEFORE it is sent, as the exact text of its frame,
and every resend sends that text byte for byte: nothing rebuilds a frame from parts, so
a copied or edited state can never put a different body under an id the server already
answered. ``sha256`` catches a frame edited by hand; a state copied from another session
names that session and is refused. Ids are ``<prefix>-<counter>``: the counter is kept
here and the prefix is drawn afresh by every run, so two copies of one state directory
never give one id two bodies. ``purpose`` names what a command is for (``submit_sheet:
scoring:1``): running the same step again resends the stored frame — the server answers
an id it applied with its first ack — unless it was refused (``answer`` ``{"error":
code}``), when a new command is built. ``answer`` is ``{"seq": n}`` once acknowledged.
Commands without a purpose (``snapshot``) are dropped once answered.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from uuid import UUID

from client.session.errors import SessionStateCorrupt
from client.session.files import locked, make_private_dir, read_private, write_atomic
from client.session.protocol import MAX_SEQ, command_frame, frame_id

FORMAT = "etender-session-state-v1"
STATE_FILE = "state.json"
_KEYS = {"format", "session", "seq", "counter", "commands"}
_COMMAND_KEYS = {"id", "purpose", "sha256", "frame", "answer"}


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class StoredCommand:
    """A command as stored: its id, what it is for, its exact frame and its answer."""

    id: str
    purpose: str | None
    frame: str
    answer: dict[str, Any] | None = None

    @property
    def refused(self) -> bool:
        """The server answered it with an error (nothing was applied)."""
        return self.answer is not None and "error" in self.answer

    @property
    def type(self) -> str:
        """The command's type, read back from its frame."""
        return str(json.loads(self.frame)["type"])

    def to_json(self) -> dict[str, Any]:
        sha = hashlib.sha256(self.frame.encode()).hexdigest()
        return {"id": self.id, "purpose": self.purpose, "sha256": sha,
                "frame": self.frame, "answer": self.answer}  # fmt: skip


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class SessionState:
    """What ``state.json`` holds."""

    session: UUID
    seq: int = 0
    counter: int = 0
    commands: tuple[StoredCommand, ...] = ()

    def to_bytes(self) -> bytes:
        body = {
            "format": FORMAT, "session": str(self.session), "seq": self.seq,
            "counter": self.counter, "commands": [c.to_json() for c in self.commands],
        }  # fmt: skip
        return json.dumps(body, ensure_ascii=False, indent=1).encode() + b"\n"

    def by_purpose(self, purpose: str) -> StoredCommand | None:
        """The live (not refused) command stored for ``purpose``."""
        found = [c for c in self.commands if c.purpose == purpose and not c.refused]
        return found[-1] if found else None

    def unanswered(self) -> tuple[StoredCommand, ...]:
        """Every command sent (or about to be) without an answer yet, oldest first."""
        return tuple(c for c in self.commands if c.answer is None)


def parse_state(data: bytes, path: Path, session: UUID) -> SessionState:
    """``state.json`` checked field by field; anything unexpected is refused, not mended."""
    try:
        body = json.loads(data)
        if not isinstance(body, dict) or set(body) != _KEYS or body["format"] != FORMAT:
            raise ValueError(f"not an {FORMAT} object with exactly {sorted(_KEYS)}")
        if body["session"] != str(session):
            raise ValueError(f"it is the state of session {body['session']}, not {session}")
        commands = tuple(_command(raw) for raw in body["commands"])
        if len({c.id for c in commands}) != len(commands):
            raise ValueError("two commands share an id")
        return SessionState(
            session=session, seq=_count(body["seq"], MAX_SEQ, "seq"),
            counter=_count(body["counter"], 10**18, "counter"), commands=commands,
        )  # fmt: skip
    except (ValueError, KeyError, TypeError) as exc:
        raise SessionStateCorrupt(
            f"{path} cannot be trusted ({exc}); nothing was sent — move it away to start afresh"
        ) from exc


def _count(value: object, limit: int, name: str) -> int:
    if type(value) is not int or not 0 <= value <= limit:
        raise ValueError(f"'{name}' must be an integer from 0 to {limit}")
    return value


def _command(raw: object) -> StoredCommand:
    if not isinstance(raw, dict) or set(raw) != _COMMAND_KEYS:
        raise ValueError(f"a command must have exactly {sorted(_COMMAND_KEYS)}")
    frame, purpose, answer = raw["frame"], raw["purpose"], raw["answer"]
    if not isinstance(frame, str) or hashlib.sha256(frame.encode()).hexdigest() != raw["sha256"]:
        raise ValueError(f"the frame of command {raw['id']!r} is not the one stored")
    if frame_id(frame) != raw["id"]:
        raise ValueError(f"the frame of command {raw['id']!r} carries another id")
    if purpose is not None and not isinstance(purpose, str):
        raise ValueError("'purpose' must be a string or null")
    if answer is not None and not (
        isinstance(answer, dict) and (set(answer) == {"seq"} or set(answer) == {"error"})
    ):
        raise ValueError("'answer' must be null, {seq} or {error}")
    return StoredCommand(id=raw["id"], purpose=purpose, frame=frame, answer=answer)


class StateStore:
    """The state directory of one member in one session (files 0600, directory 0700)."""

    def __init__(self, directory: Path, session: UUID) -> None:
        make_private_dir(directory)
        self.directory = directory
        self.session = session
        # Fresh for every run: two copies of one directory never reuse an id.
        self.prefix = secrets.token_hex(4)
        self.path = directory / STATE_FILE
        with locked(directory):
            if read_private(self.path) is None:
                write_atomic(self.path, SessionState(session=session).to_bytes())
        self.load()  # refuse a corrupt state before anything connects

    def load(self) -> SessionState:
        """The state as it is on disk now."""
        data = read_private(self.path)
        if data is None:
            raise SessionStateCorrupt(f"{self.path} has disappeared")
        return parse_state(data, self.path, self.session)

    def update(self, change: Callable[[SessionState], SessionState]) -> SessionState:
        """Read, change and write back under the directory's lock."""
        with locked(self.directory):
            changed = change(self.load())
            write_atomic(self.path, changed.to_bytes())
            return changed

    def command(
        self, purpose: str | None, command: str, data: Mapping[str, object]
    ) -> StoredCommand:
        """The stored command for ``purpose`` (unless refused), else a new one, written
        before it is returned (and so before it is ever sent)."""
        made: list[StoredCommand] = []

        def add(state: SessionState) -> SessionState:
            existing = state.by_purpose(purpose) if purpose is not None else None
            if existing is not None:
                made.append(existing)
                return state
            counter = state.counter + 1
            command_id = f"{self.prefix}-{counter}"
            stored = StoredCommand(
                id=command_id, purpose=purpose, frame=command_frame(command_id, command, data)
            )
            made.append(stored)
            return dataclasses.replace(
                state, counter=counter, commands=(*_live(state.commands, purpose), stored)
            )

        self.update(add)
        return made[0]

    def answer(self, command_id: str, answer: dict[str, Any]) -> None:
        """Record the server's answer (``{"seq": n}`` or ``{"error": code}``)."""

        def record(state: SessionState) -> SessionState:
            kept = []
            for c in state.commands:
                if c.id != command_id:
                    kept.append(c)
                elif c.purpose is not None:
                    # An ack stands: an id the server applied is never refused later.
                    acked = c.answer is not None and "seq" in c.answer
                    kept.append(c if acked else dataclasses.replace(c, answer=answer))
            return dataclasses.replace(state, commands=tuple(kept))

        self.update(record)

    def advance_seq(self, seq: int) -> None:
        """Keep the highest seq delivered (``join`` calls it after printing the event)."""
        self.update(lambda s: dataclasses.replace(s, seq=max(s.seq, seq)))


def _live(commands: tuple[StoredCommand, ...], purpose: str | None) -> tuple[StoredCommand, ...]:
    """A refused command of the purpose is replaced by the new one (nothing was applied)."""
    if purpose is None:
        return commands
    return tuple(c for c in commands if not (c.purpose == purpose and c.refused))
