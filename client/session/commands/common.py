"""What every ``etender session`` command shares: its arguments, the state directory, the
socket, catching up with the session, and one JSON line per result on stdout."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import AsyncIterator, Coroutine
from pathlib import Path
from typing import Any
from uuid import UUID

from client.console import add_token_arguments, read_token
from client.session.errors import SessionUnauthenticated, SessionUrlInvalid
from client.session.files import default_directory
from client.session.protocol import Event
from client.session.socket import GIVE_UP, RetryPolicy, SessionSocket
from client.session.state import StateStore, StoredCommand

EVALUATION = "evaluation"  # the live session kind these commands speak (evaluation/model.py)
SNAPSHOT = "snapshot"  # docs/formats/evaluation-session.md: the participant's view, now
# Events that end a session (docs/formats/evaluation-session.md): closed, or sealed
# after a fault outlasted the policy's limits.
ENDING_KINDS = frozenset({"session.closed", "session.sealed"})
ENDING_PHASES = frozenset({"closed", "sealed"})
PHASE_KINDS = frozenset({"session.phase", SNAPSHOT})  # events whose data.phase is the phase


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    """--server (repeatable), --session, the token, --state-dir, --give-up."""
    parser.add_argument(
        "--server", action="append", required=True, metavar="URL",
        help="the platform's base URL; repeat it to name every server process: "
        "a client whose server dies moves to the next",
    )  # fmt: skip
    parser.add_argument("--session", required=True, type=_uuid, help="the session id")
    add_token_arguments(parser, "the member")
    parser.add_argument(
        "--state-dir", type=Path, metavar="DIR",
        help="where this member's client keeps its state and sheet keys "
        "(default: ~/.etender/sessions/SESSION/, mode 0700)",
    )  # fmt: skip
    parser.add_argument(
        "--give-up", type=float, default=GIVE_UP, metavar="SECONDS",
        help="stop after this long without a connection (default: %(default)s)",
    )  # fmt: skip


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a session id (a UUID)") from None


def open_store(args: argparse.Namespace) -> StateStore:
    """The member's state directory for the session (created 0700 if missing)."""
    directory = args.state_dir or default_directory(str(args.session))
    return StateStore(Path(directory), args.session)


def token_of(args: argparse.Namespace) -> str:
    """The bearer token (client/console.py: --token, --token-file, ETENDER_TOKEN or the
    file `etender login` saved, sent only to the servers named if the file names one)."""
    token = read_token(args, args.server)
    if not token:
        raise SessionUnauthenticated(
            "no token: run `etender login`, pass --token-file or --token, or set ETENDER_TOKEN"
        )
    return token


def session_socket(
    args: argparse.Namespace, store: StateStore, *, after: int, kind: str | None = EVALUATION
) -> SessionSocket:
    """The member's socket as the command line asked for it."""
    if args.give_up <= 0:
        raise SessionUrlInvalid("--give-up must be a positive number of seconds")
    retry = RetryPolicy(give_up=args.give_up)
    return SessionSocket(store, args.server, token_of(args), after=after, kind=kind, retry=retry)


def run(work: Coroutine[Any, Any, int]) -> int:
    """Run a command's coroutine (its exceptions end as one line in web/cli/main.py)."""
    return asyncio.run(work)


def emit(result: dict[str, Any]) -> None:
    """One JSON line on stdout: what the command did."""
    print(json.dumps(result, ensure_ascii=False, sort_keys=True), flush=True)


async def through(sock: SessionSocket, command: StoredCommand) -> AsyncIterator[Event]:
    """Send ``command`` and yield every event up to and including the one it caused
    (its ack's seq): the server sends a socket's events in seq order, so once that one
    is here everything before it that this member may see is too. A query's answer
    (``snapshot``) comes after every event up to the seq it was read at: the events
    received before it, then the answer itself (as an event of its kind), end the run."""
    answer = asyncio.ensure_future(sock.call(command))
    last = 0
    try:
        while True:
            if answer.done():
                ack = answer.result()
                if ack.reply is not None:
                    while (queued := await sock.next_event_unless(answer)) is not None:
                        yield queued
                    yield ack.reply
                    return
                if ack.seq is None or last >= ack.seq:
                    return
            event = await sock.next_event_unless(None if answer.done() else answer)
            if event is not None:
                last = event.seq
                yield event
    finally:
        if not answer.done():
            answer.cancel()


async def catch_up(sock: SessionSocket, store: StateStore) -> list[Event]:
    """Every event of the session this member may see, up to a fresh snapshot of it."""
    return [event async for event in through(sock, store.command(None, SNAPSHOT, {}))]


def current_phase(events: list[Event]) -> str | None:
    """The session's phase as the last phase-bearing event says (None: none yet)."""
    phase = None
    for event in events:
        found = event.data.get("phase")
        if event.kind in PHASE_KINDS and isinstance(found, str):
            phase = found
        if event.kind in ENDING_KINDS:
            phase = "sealed" if event.kind == "session.sealed" else "closed"
    return phase


def say(line: str) -> None:
    """A line for the person running the command (stderr: stdout is for results)."""
    print(f"etender session: {line}", file=sys.stderr, flush=True)
