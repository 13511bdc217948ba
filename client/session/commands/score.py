"""``etender session score``: seal, sign and submit this member's sheet of a phase.

client/session/sealing.py does the work on this machine; this command reads the
findings file, the member's certificate and key, takes the member's seat and generation
from the options, the file or else the session's snapshot (its ``you``), sends the
stored ``submit_sheet`` and waits for its ack. It prints one JSON line: the phase,
version, seat, generation, commitment (hex), the command's id and the ack's seq. The
key that sealed the sheet stays in the state directory until ``etender session reveal``.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from client.session.commands.common import (
    SNAPSHOT,
    add_connection_arguments,
    emit,
    open_store,
    run,
    say,
    session_socket,
    through,
)
from client.session.entries import Findings, read_findings
from client.session.protocol import Ack
from client.session.sealing import Sealed, Signer, seal_findings
from client.session.socket import SessionSocket
from client.session.state import StateStore
from signing import sheets
from signing.certs import load_pem_certificates, load_pem_private_key


def add_signer_arguments(parser: argparse.ArgumentParser, *, required: bool) -> None:
    """--cert and --key: the member's registered certificate (+ chain) and its key."""
    parser.add_argument(
        "--cert", type=Path, required=required, help="your registered certificate (+ chain), PEM"
    )
    parser.add_argument(
        "--key", type=Path, required=required, help="its private key, PEM (never sent)"
    )


def read_signer(cert: Path, key: Path) -> Signer:
    """The certificate chain and private key files."""
    certs = load_pem_certificates(cert.read_bytes())
    return Signer(cert=certs[0], key=load_pem_private_key(key.read_bytes()), chain=certs[1:])


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``score``'s arguments."""
    add_connection_arguments(parser)
    parser.add_argument("--phase", required=True, choices=sheets.PHASES, help="the sheet phase")
    parser.add_argument(
        "--sheet", type=Path, required=True, metavar="FILE.json", help="your findings (entries)"
    )
    add_signer_arguments(parser, required=True)
    parser.add_argument(
        "--seat", type=int, help="your seat (专家N); default: the file's, else the session's"
    )
    parser.add_argument(
        "--generation", type=int,
        help="your generation on the seat; default: the file's, else the session's, else 1",
    )  # fmt: skip
    parser.add_argument(
        "--new-version", action="store_true",
        help="resubmit other findings as the next version (before the phase closes)",
    )  # fmt: skip


def cmd_score(args: argparse.Namespace) -> int:
    """Seal and submit the findings."""
    store = open_store(args)
    findings = read_findings(args.sheet, args.phase)
    signer = read_signer(args.cert, args.key)
    sock = session_socket(args, store, after=store.load().seq)
    return run(score(sock, store, args.phase, findings, signer, seat=args.seat,
                     generation=args.generation, new_version=args.new_version))  # fmt: skip


async def score(
    sock: SessionSocket,
    store: StateStore,
    phase: str,
    findings: Findings,
    signer: Signer,
    *,
    seat: int | None = None,
    generation: int | None = None,
    new_version: bool = False,
) -> int:
    """Seal (asking the session for the member's seat and generation if neither the
    file nor the options give them), keep, send, wait for the ack."""
    async with sock:
        seat = seat if seat is not None else findings.seat
        generation = generation if generation is not None else findings.generation
        if seat is None or generation is None:
            you = await member_view(sock, store)
            seat = seat if seat is not None else _count(you.get("seat"))
            generation = generation if generation is not None else _count(you.get("generation"))
        sealed = seal_findings(
            store, phase, dataclasses.replace(findings, seat=None, generation=None), signer,
            seat=seat, generation=generation, new_version=new_version,
        )  # fmt: skip
        if sealed.again:
            say(f"version {sealed.record.parsed.version} was sealed before: sending it again")
        ack = await sock.call(sealed.command)
    _print(sealed, ack)
    return 0


async def member_view(sock: SessionSocket, store: StateStore) -> dict[str, object]:
    """``you`` of a fresh snapshot (docs/formats/evaluation-session.md): seat, generation."""
    events = [e async for e in through(sock, store.command(None, SNAPSHOT, {}))]
    mine = events[-1].data.get("you") if events and events[-1].kind == SNAPSHOT else None
    return mine if isinstance(mine, dict) else {}


def _count(value: object) -> int | None:
    return value if type(value) is int and value >= 1 else None


async def submit(sock: SessionSocket, sealed: Sealed) -> int:
    """Send a sealed sheet's stored ``submit_sheet`` and print its ack."""
    async with sock:
        ack = await sock.call(sealed.command)
    _print(sealed, ack)
    return 0


def _print(sealed: Sealed, ack: Ack) -> None:
    parsed = sealed.record.parsed
    emit({
        "submitted": parsed.phase, "version": parsed.version, "seat": parsed.seat,
        "generation": parsed.generation,
        "commitment": sheets.commitment(sealed.record.sheet).hex(),
        "command": sealed.command.id, "seq": ack.seq,
    })  # fmt: skip
