"""`etender bid`: make an age identity, seal a bid part, inspect a sealed part.

Sealing runs on the bidder's machine (DESIGN.md, "Sealed bid"): keys are read from
files (or ``-`` for standard input) and never leave the process. ``seal`` refuses a
committee whose recipient statements do not verify against the trusted CAs.

    etender bid keygen --out bidder.agekey
    etender bid seal --committee committee.json --trust root.crt --cert bidder.crt \\
        --key bidder.key --identity bidder.agekey --tender XC-2026-GC-000123 --lot 1 \\
        --field price=123400 --field duration=90 --file bid.pdf --out-dir sealed/
    etender bid inspect --identity bidder.agekey --trust root.crt sealed/main.age
    etender login --server https://etender.example --username bidder1
    etender bid register-cert --server https://etender.example --cert bidder.crt --key bidder.key
    etender bid submit --server https://etender.example \\
        --tender XC-2026-GC-000123 --lot 1 --cert bidder.crt --key bidder.key sealed/main.age
    etender bid countersign statement-T-1-v1.json --cert member.crt --key member.key \\
        --out member.p7s

Only a certificate registered on the platform by the organisation signs its statements
(``register-cert``, docs/formats/signatures.md §6). A consortium's lead runs ``submit``
with ``--consortium CODE``: it writes the statement and exits 3 until every member's
``countersign`` file is passed with ``--countersignature`` (docs/formats/upload.md §3.1).

``seal`` and ``submit`` take the same ``--tender``: the transaction code or the tender's
id (client/bid/tender_ref.py); ``seal`` needs ``--server`` only to resolve an id.
``register-cert`` and ``submit`` read the token `etender login` saved when none is given.

``submit`` follows docs/formats/upload.md: it resumes an interrupted upload from the
server's committed offset (also after a restart: the upload id is kept in
``--state-dir``), signs the submit statement chained to the previous version, and
writes the receipt (JSON, CMS signature, checkpoint, the receipt CA) to ``--out-dir``,
with the receipt's ``bidder_salt`` once it opens the entry's commitment (docs/cli.md).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import httpx

from client.bid import countersign, keys, seal, submit
from client.errors import ApiError, ClientError, CommandError
from signing.errors import SigningError

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
Command = Callable[[argparse.Namespace], int]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `etender bid …` to the command tree."""
    bid = subparsers.add_parser("bid", help="seal and inspect bids on the bidder's machine")
    commands = bid.add_subparsers(dest="bid_command", required=True, metavar="COMMAND")

    keygen = commands.add_parser("keygen", help="create an age identity (mode 0600)")
    keygen.add_argument("--out", required=True, type=Path, help="identity file to create")
    keygen.set_defaults(func=_guarded(seal.cmd_keygen))

    sealing = commands.add_parser("seal", help="seal one part of a bid to a committee")
    _add_seal_arguments(sealing)
    sealing.set_defaults(func=_guarded(seal.cmd_seal))

    inspect = commands.add_parser("inspect", help="decrypt your own sealed part and verify it")
    inspect.add_argument("sealed", type=Path, metavar="SEALED_FILE")
    inspect.add_argument("--identity", required=True, help="age identity file, or -")
    _add_trust_arguments(inspect)
    inspect.add_argument("--committee", type=Path, help="also check tender, lot and fingerprint")
    inspect.add_argument("--part", default="main", help="part label, with --committee")
    inspect.add_argument("--extract", type=Path, metavar="DIR", help="write the files here")
    inspect.set_defaults(func=_guarded(seal.cmd_inspect))

    submit_parser = commands.add_parser("submit", help="upload sealed parts (resumably) and submit")
    submit.add_arguments(submit_parser)
    submit_parser.set_defaults(func=_guarded(submit.cmd_submit))

    register_cert = commands.add_parser("register-cert", help="register your signing certificate")
    keys.add_arguments(register_cert)
    register_cert.set_defaults(func=_guarded(keys.cmd_register_cert))

    member = commands.add_parser("countersign", help="countersign a consortium's statement")
    countersign.add_arguments(member)
    member.set_defaults(func=_guarded(countersign.cmd_countersign))


def _add_trust_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--trust",
        required=True,
        action="append",
        type=Path,
        metavar="PEM",
        help="trusted root certificate(s); repeat for several CAs",
    )
    parser.add_argument(
        "--intermediate",
        action="append",
        default=[],
        type=Path,
        metavar="PEM",
        help="known intermediate CA certificate(s)",
    )
    parser.add_argument(
        "--crl",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="certificate revocation list(s), PEM or DER",
    )


def _add_seal_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--committee", required=True, type=Path, help="committee.json")
    _add_trust_arguments(parser)
    parser.add_argument("--cert", required=True, type=Path, help="your signing certificate")
    parser.add_argument("--chain", type=Path, help="intermediate certificates to embed")
    parser.add_argument("--key", required=True, help="your signing key (PEM), or -")
    parser.add_argument("--identity", required=True, help="your age identity file, or -")
    parser.add_argument(
        "--tender",
        required=True,
        help="the tender's transaction code, or its id with --server (docs/cli.md)",
    )
    parser.add_argument(
        "--server",
        help="the platform's base URL: resolves --tender through the API (no token is sent)",
    )
    parser.add_argument("--lot", required=True)
    parser.add_argument("--part", default="main", help="part label (main, technical, …)")
    parser.add_argument("--bidder", help="bidder id (default: the certificate's credit code)")
    parser.add_argument("--member", action="append", default=[], help="consortium member id")
    parser.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="opening-form field; price in fen, duration in days",
    )
    parser.add_argument(
        "--file",
        required=True,
        action="append",
        type=Path,
        dest="files",
        metavar="PATH",
        help="a bid document (repeat); stored as files/NAME",
    )
    parser.add_argument("--out-dir", required=True, type=Path, help="writes OUT_DIR/PART.age")
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when stderr is a terminal)",
    )


def _guarded(command: Command) -> Command:
    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except SigningError as exc:
            print(f"etender bid: error: {exc.code}: {exc.message}", file=sys.stderr)
            return EXIT_FAILED
        except ClientError as exc:  # a token file, a tender identifier: bad input
            print(f"etender bid: error: {exc.code}: {exc.message}", file=sys.stderr)
            return EXIT_BAD_INPUT
        except ApiError as exc:  # the server refused (an upload's own refusals say so)
            print(f"etender bid: refused: {exc}", file=sys.stderr)
            return EXIT_FAILED
        except httpx.HTTPError as exc:  # seal's one lookup, or a retry budget spent
            print(f"etender bid: the server could not be reached: {exc}", file=sys.stderr)
            return EXIT_FAILED
        except keys.RegistrationRefused as exc:
            print(f"etender bid: refused: {exc}", file=sys.stderr)
            return EXIT_FAILED
        except (CommandError, countersign.CountersignRefused, OSError) as exc:
            print(f"etender bid: error: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT

    return run
