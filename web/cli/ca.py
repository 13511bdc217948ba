"""`etender ca`: the DEMO ONLY certificate authority (DESIGN.md, "Signatures").

A directory holds the demo root and issuing CA, their keys (mode 0600), the list of
issued certificates and the revocations. Real deployments trust real CAs instead;
nothing here is fit for production.

    DIR/root.crt  root.key  issuing.crt  issuing.key  issued.json  revoked.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography import x509

from signing.certs import (
    KeyAlgorithm,
    cert_sha256,
    dump_pem_certificate,
    dump_pem_crl,
    dump_pem_private_key,
    load_pem_certificate,
    load_pem_private_key,
)
from signing.demo_ca import DemoCA, Revocation, create_demo_ca, issue_crl, issue_identity
from signing.errors import SigningError

DEMO = "DEMO ONLY - not for production."
EXIT_BAD_INPUT = 2


class CommandError(Exception):
    """Bad input to a ca command: reported on one line, exit status 2."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `etender ca …` to the command tree."""
    ca = subparsers.add_parser("ca", help=f"demo certificate authority ({DEMO})", description=DEMO)
    commands = ca.add_subparsers(dest="ca_command", required=True, metavar="COMMAND")

    init = _command(commands, "init", f"create a demo root and issuing CA. {DEMO}")
    init.add_argument("--dir", required=True, type=Path, help="CA directory (created)")
    init.add_argument("--algorithm", choices=list(KeyAlgorithm), default="ecdsa-p256")
    init.set_defaults(func=_guarded(cmd_init))

    issue = _command(commands, "issue", f"issue a signing certificate and key. {DEMO}")
    issue.add_argument("--dir", required=True, type=Path, help="CA directory")
    issue.add_argument("--name", required=True, help="subject name (person or organisation)")
    issue.add_argument("--org", metavar="CREDIT_CODE", help="unified social credit code")
    issue.add_argument("--algorithm", choices=list(KeyAlgorithm), default="ecdsa-p256")
    issue.add_argument("--out", required=True, type=Path, metavar="PREFIX")
    issue.set_defaults(func=_guarded(cmd_issue))

    revoke = _command(commands, "revoke", f"revoke an issued certificate. {DEMO}")
    revoke.add_argument("--dir", required=True, type=Path, help="CA directory")
    revoke.add_argument("--serial", required=True, metavar="HEX", help="certificate serial")
    revoke.add_argument("--at", metavar="RFC3339", help="revocation time (default: now)")
    revoke.set_defaults(func=_guarded(cmd_revoke))

    crl = _command(commands, "crl", f"write the issuing CA's current CRL (PEM). {DEMO}")
    crl.add_argument("--dir", required=True, type=Path, help="CA directory")
    crl.add_argument("--out", required=True, type=Path, metavar="FILE")
    crl.set_defaults(func=_guarded(cmd_crl))


def _command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, summary: str
) -> argparse.ArgumentParser:
    # Every command's help and description says DEMO ONLY.
    return commands.add_parser(name, help=summary, description=summary)


Command = Callable[[argparse.Namespace], int]


def _guarded(command: Command) -> Command:
    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except (CommandError, SigningError, OSError) as exc:
            message = exc.message if isinstance(exc, SigningError) else str(exc)
            print(f"etender ca: error: {message}", file=sys.stderr)
            return EXIT_BAD_INPUT

    return run


def _now() -> dt.datetime:
    # The command line is the I/O shell: here, and only here, "now" is the clock.
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


# --- commands ---


def init_ca(directory: Path, algorithm: KeyAlgorithm = KeyAlgorithm.ECDSA_P256) -> DemoCA:
    """Create a demo CA's files in ``directory`` (refused if one is there)."""
    if (directory / "root.crt").exists():
        raise CommandError(f"{directory} already holds a CA")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    ca = create_demo_ca(now=_now(), algorithm=algorithm)
    _write_private(directory / "root.key", dump_pem_private_key(ca.root_key))
    _write_private(directory / "issuing.key", dump_pem_private_key(ca.issuing_key))
    (directory / "root.crt").write_bytes(dump_pem_certificate(ca.root_cert))
    (directory / "issuing.crt").write_bytes(dump_pem_certificate(ca.issuing_cert))
    _write_json(directory / "issued.json", {})
    _write_json(directory / "revoked.json", {})
    return ca


def cmd_init(args: argparse.Namespace) -> int:
    """Create a demo CA in ``args.dir``."""
    directory: Path = args.dir
    ca = init_ca(directory, KeyAlgorithm(args.algorithm))
    print(f"demo CA created in {directory} ({DEMO})")
    print(f"root certificate sha256 {cert_sha256(ca.root_cert)}")
    return 0


def cmd_issue(args: argparse.Namespace) -> int:
    """Issue a signing certificate; write PREFIX.crt, PREFIX.chain.crt, PREFIX.key."""
    ca = load_ca(args.dir)
    prefix: Path = args.out
    identity = issue_identity(
        ca,
        name=args.name,
        now=_now(),
        org_credit_code=args.org,
        algorithm=KeyAlgorithm(args.algorithm),
    )
    cert = identity.certificate
    _write_private(prefix.with_name(prefix.name + ".key"), dump_pem_private_key(identity.key))
    prefix.with_name(prefix.name + ".crt").write_bytes(dump_pem_certificate(cert))
    chain = b"".join(dump_pem_certificate(c) for c in identity.chain)
    prefix.with_name(prefix.name + ".chain.crt").write_bytes(chain)
    record_issued(args.dir, cert, name=args.name, org_credit_code=args.org)
    print(f"serial {cert.serial_number:x}")
    print(f"sha256 {cert_sha256(cert)}")
    return 0


def record_issued(
    directory: Path, cert: x509.Certificate, *, name: str, org_credit_code: str | None
) -> None:
    """Add an issued certificate to ``issued.json`` (what `revoke` checks a serial against).

    The server's demo issuing (web/keys/demo_ca.py) and this command may write at once:
    an exclusive lock on the folder's lock file keeps each read-modify-write whole.
    """
    with open(directory / "issued.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        issued = _read_json(directory / "issued.json")
        issued[f"{cert.serial_number:x}"] = {
            "name": name,
            "org_credit_code": org_credit_code,
            "cert_sha256": cert_sha256(cert),
            "not_after": cert.not_valid_after_utc.isoformat(),
        }
        _write_json(directory / "issued.json", issued)


def cmd_revoke(args: argparse.Namespace) -> int:
    """Record the revocation of an issued certificate."""
    serial = _parse_serial(args.serial)
    key = f"{serial:x}"
    if key not in _read_json(args.dir / "issued.json"):
        raise CommandError(f"serial {key} was not issued by this CA")
    revoked = _read_json(args.dir / "revoked.json")
    if key in revoked:
        raise CommandError(f"serial {key} is already revoked (at {revoked[key]})")
    at = _now() if args.at is None else parse_time(args.at)
    revoked[key] = at.isoformat().replace("+00:00", "Z")
    _write_json(args.dir / "revoked.json", revoked)
    print(f"revoked {key} at {revoked[key]}")
    return 0


def cmd_crl(args: argparse.Namespace) -> int:
    """Write a CRL listing every recorded revocation."""
    ca = load_ca(args.dir)
    revocations = [
        Revocation(serial=int(serial, 16), revoked_at=parse_time(when))
        for serial, when in _read_json(args.dir / "revoked.json").items()
    ]
    crl = issue_crl(ca, revocations=revocations, now=_now())
    # Written aside, then renamed: a server reading its trust directory at every use
    # never sees half a CRL (docs/formats/signatures.md, §7).
    staged = args.out.with_name(args.out.name + ".partial")
    staged.write_bytes(dump_pem_crl(crl))
    staged.replace(args.out)
    print(f"CRL with {len(revocations)} revocation(s) written to {args.out}")
    return 0


# --- files and parsing ---


def load_ca(directory: Path) -> DemoCA:
    """Read the demo CA from ``directory``."""
    if not (directory / "root.crt").exists():
        raise CommandError(f"{directory} holds no CA (run `etender ca init` first)")
    return DemoCA(
        root_cert=load_pem_certificate((directory / "root.crt").read_bytes()),
        root_key=load_pem_private_key((directory / "root.key").read_bytes()),
        issuing_cert=load_pem_certificate((directory / "issuing.crt").read_bytes()),
        issuing_key=load_pem_private_key((directory / "issuing.key").read_bytes()),
    )


def parse_time(text: str) -> dt.datetime:
    """An RFC 3339 time with an offset, in UTC."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not an RFC 3339 time: {text!r}") from exc
    if value.tzinfo is None:
        raise CommandError(f"time {text!r} needs a UTC offset (e.g. Z)")
    return value.astimezone(dt.UTC)


def _parse_serial(text: str) -> int:
    cleaned = text.lower().removeprefix("0x").replace(":", "")
    try:
        serial = int(cleaned, 16)
    except ValueError as exc:
        raise CommandError(f"not a hexadecimal serial number: {text!r}") from exc
    if serial <= 0:
        raise CommandError("serial numbers are positive")
    return serial


def _write_private(path: Path, data: bytes) -> None:
    # Private keys are created 0600 and never overwritten.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise CommandError(f"{path} already exists; refusing to overwrite a key") from exc
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"cannot read {path}: {exc}") from exc
    if not isinstance(value, dict):
        raise CommandError(f"{path} is not a JSON object")
    return value


def _write_json(path: Path, value: dict[str, Any]) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    temporary.replace(path)
