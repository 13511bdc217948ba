"""``etender session reveal``: release the key of this member's latest sheet of a phase.

DESIGN.md, "Blind scoring": the key is the only thing that opens the sealed sheet, so
this client releases it only when the session says it is in the phase's reveal
(``<phase>_reveal``: every seated member submitted or the time limit passed) — a key
sent earlier would let the operator read the sheet before the others are in. The
session's phase is read from the events up to a fresh snapshot. It first checks that
the stored ``submit_sheet`` seals exactly the stored sheet under this key
(records.check_sealed), so the key opens what the server holds and nothing else. A
reveal already sent is sent again as it was (the same id: the server answers as the
first time), whatever the phase is now.
"""

from __future__ import annotations

import argparse

from client.session.commands.common import (
    add_connection_arguments,
    catch_up,
    current_phase,
    emit,
    open_store,
    run,
    session_socket,
)
from client.session.errors import RevealTooEarly, SheetNotSealed
from client.session.records import SheetRecord, check_sealed, load_sheets
from client.session.socket import SessionSocket
from client.session.state import StateStore, StoredCommand
from signing import sheets


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``reveal``'s arguments."""
    add_connection_arguments(parser)
    parser.add_argument("--phase", required=True, choices=sheets.PHASES, help="the sheet phase")


def cmd_reveal(args: argparse.Namespace) -> int:
    """Release the key of the latest sheet of the phase."""
    store = open_store(args)
    return run(reveal(session_socket(args, store, after=0), store, args.phase))


def latest_sent(store: StateStore, phase: str) -> tuple[SheetRecord, StoredCommand]:
    """The latest sheet of the phase whose ``submit_sheet`` was not refused."""
    state = store.load()
    for record in reversed(load_sheets(store, phase)):
        stored = state.by_purpose(record.purpose)
        if stored is not None:
            check_sealed(record, stored)
            return record, stored
    raise SheetNotSealed(f"no {phase} sheet was sealed from {store.directory}")


def reveal_purpose(record: SheetRecord) -> str:
    """The purpose of a sheet's ``reveal`` in state.json."""
    parsed = record.parsed
    return f"reveal:{parsed.phase}:{parsed.version}"


async def reveal(sock: SessionSocket, store: StateStore, phase: str) -> int:
    """Check the phase, then send the key (or resend the reveal sent before)."""
    record, submitted = latest_sent(store, phase)
    async with sock:
        if submitted.answer is None:  # resent on connecting: its answer first
            await sock.answer(submitted)
        command = store.load().by_purpose(reveal_purpose(record))
        if command is None:
            now = current_phase(await catch_up(sock, store))
            if now != f"{phase}_reveal":
                raise RevealTooEarly(
                    f"the session is in phase {now!r}, not {phase}_reveal: the key stays here"
                )
            data = sheets.reveal_data(phase, record.key)
            command = store.command(reveal_purpose(record), "reveal", data)
        ack = await sock.call(command)
    parsed = record.parsed
    emit({"revealed": phase, "version": parsed.version, "command": command.id, "seq": ack.seq})
    return 0
