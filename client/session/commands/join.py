"""``etender session join``: the session's events as JSON lines on stdout.

It connects after the last event it printed before (the state's ``seq``; ``--after``
overrides), asks for a snapshot and prints every event up to it — the member's view of
the session now — then stops, or with ``--follow`` keeps printing until the session
closes (``session.closed``, ``session.sealed``, or a phase ``closed``/``sealed``) or
reaches the ``--until`` phase. Each line is the event frame as received
(docs/live-sessions.md); the state's ``seq`` advances only after the line is written and
flushed, so a crash repeats at most the last line and never skips one.
"""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from client.session.commands.common import (
    ENDING_KINDS,
    ENDING_PHASES,
    PHASE_KINDS,
    SNAPSHOT,
    add_connection_arguments,
    open_store,
    run,
    session_socket,
    through,
)
from client.session.protocol import Event
from client.session.socket import SessionSocket
from client.session.state import StateStore


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``join``'s arguments."""
    add_connection_arguments(parser)
    parser.add_argument(
        "--after", type=int, metavar="SEQ",
        help="print the events after this seq (default: after the last one printed; 0: all)",
    )  # fmt: skip
    parser.add_argument("--follow", action="store_true", help="keep printing new events")
    parser.add_argument(
        "--until", metavar="PHASE", help="follow until the session reaches this phase"
    )
    parser.add_argument(
        "--snapshot-command", default=SNAPSHOT, metavar="TYPE",
        help="the command asking for the current view (default: %(default)s; "
        "the opening hall's is 'status')",
    )  # fmt: skip


def cmd_join(args: argparse.Namespace) -> int:
    """Print the session's events."""
    store = open_store(args)
    after = store.load().seq if args.after is None else args.after
    # Any kind of live session: the opening hall too (load tests, watchers).
    sock = session_socket(args, store, after=after, kind=None)
    follow = bool(args.follow or args.until)
    return run(join(sock, store, out=None, command=args.snapshot_command, follow=follow,
                    until=args.until))  # fmt: skip


async def join(
    sock: SessionSocket,
    store: StateStore,
    *,
    out: TextIO | None,
    command: str = SNAPSHOT,
    follow: bool = False,
    until: str | None = None,
) -> int:
    """Print events up to a snapshot, then (following) until the session ends."""
    async with sock:
        async for event in through(sock, store.command(None, command, {})):
            _print(event, store, out)
            if ends(event, until):
                return 0
        while follow:
            event = await sock.next_event()
            _print(event, store, out)
            if ends(event, until):
                return 0
    return 0


def _print(event: Event, store: StateStore, out: TextIO | None) -> None:
    line = json.dumps(event.raw, ensure_ascii=False, separators=(",", ":"))
    print(line, file=out, flush=True)
    store.advance_seq(event.seq)


def ends(event: Event, until: str | None) -> bool:
    """The session closed or was sealed, or reached the phase asked for."""
    if event.kind in ENDING_KINDS:
        return True
    phase = event.data.get("phase") if event.kind in PHASE_KINDS else None
    return phase in ENDING_PHASES or (until is not None and phase == until)
