"""`etender bid countersign`: a consortium member signs the lead's submit statement.

docs/formats/upload.md §3.2: the consortium (联合体) is named inside the signed submit
statement and every member countersigns the same bytes (a CMS detached signature, DER),
so nobody can be named a member without its own signature. The lead runs
`etender bid submit … --consortium CODE`: with a member's countersignature missing it
uploads the parts, writes the exact statement bytes to ``statement-<tender>-<lot>-v<N>.json``
and stops; each member checks and countersigns that file here; the lead runs the same
submit again with ``--countersignature FILE`` per member (the statement is rebuilt byte
for byte: same parts, version and previous hash).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from signing.certs import load_pem_certificates, load_pem_private_key, subject_credit_code
from signing.statements.bid import SubmitStatement, countersign


class CountersignRefused(Exception):
    """The statement does not name the member this certificate speaks for."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The countersign command's arguments."""
    parser.add_argument("statement", type=Path, metavar="STATEMENT", help="the lead's statement")
    parser.add_argument("--cert", required=True, type=Path, help="your signing certificate")
    parser.add_argument("--key", required=True, type=Path, help="its private key (PEM)")
    parser.add_argument("--out", required=True, type=Path, help="countersignature file (DER)")


def describe(statement: SubmitStatement) -> str:
    """What the member is about to sign, in one paragraph."""
    parts = ", ".join(f"{p.label} {p.sha256}" for p in statement.parts)
    return (
        f"tender {statement.tender}  lot {statement.lot}  version {statement.bid_version}\n"
        f"lead {statement.bidder}  members {', '.join(statement.consortium)}\n"
        f"parts {parts}"
    )


def cmd_countersign(args: argparse.Namespace) -> int:
    """Countersign the statement's exact bytes if it names this certificate's organisation."""
    body = args.statement.read_bytes()
    statement = SubmitStatement.from_bytes(body)
    certs = load_pem_certificates(args.cert.read_bytes())
    code = subject_credit_code(certs[0])
    if code is None or code not in statement.consortium:
        raise CountersignRefused(
            f"the statement's members are {', '.join(statement.consortium) or 'none'}; "
            f"this certificate speaks for {code or 'no organisation'}"
        )
    key = load_pem_private_key(args.key.read_bytes())
    signature = countersign(body, certs[0], key, chain=certs[1:])
    with open(args.out, "xb") as sink:  # never overwrite another signature
        sink.write(signature)
    print(describe(statement), file=sys.stderr)
    print(f"countersigned as {code}: {args.out}")
    return 0
