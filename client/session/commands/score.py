"""``etender session score``: seal, sign and submit this member's sheet of a phase.

client/session/sealing.py does the work on this machine; this command reads the
findings file, the member's certificate and key, sends the stored ``submit_sheet`` and
waits for its ack. It prints one JSON line: the phase, version, commitment (hex), the
command's id and the ack's seq. The key that sealed the sheet stays in the state
directory until ``etender session reveal``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from client.session.commands.common import (
    add_connection_arguments,
    emit,
    open_store,
    run,
    say,
    session_socket,
)
from client.session.entries import read_findings
from client.session.sealing import Sealed, Signer, seal_findings
from client.session.socket import SessionSocket
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
    parser.add_argument("--seat", type=int, help="your seat (专家N), unless the file names it")
    parser.add_argument("--generation", type=int, help="your generation (default 1)")
    parser.add_argument(
        "--new-version", action="store_true",
        help="resubmit other findings as the next version (before the phase closes)",
    )  # fmt: skip


def cmd_score(args: argparse.Namespace) -> int:
    """Seal and submit the findings."""
    store = open_store(args)
    sealed = seal_findings(
        store, args.phase, read_findings(args.sheet, args.phase),
        read_signer(args.cert, args.key), seat=args.seat, generation=args.generation,
        new_version=args.new_version,
    )  # fmt: skip
    if sealed.again:
        say(f"version {sealed.record.parsed.version} was sealed before: sending it again")
    return run(submit(session_socket(args, store, after=store.load().seq), sealed))


async def submit(sock: SessionSocket, sealed: Sealed) -> int:
    """Send the stored ``submit_sheet`` and print its ack."""
    async with sock:
        ack = await sock.call(sealed.command)
    parsed = sealed.record.parsed
    emit({
        "submitted": parsed.phase, "version": parsed.version, "seat": parsed.seat,
        "commitment": sheets.commitment(sealed.record.sheet).hex(),
        "command": sealed.command.id, "seq": ack.seq,
    })  # fmt: skip
    return 0
