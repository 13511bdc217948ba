"""`etender bid keygen`, `seal` and `inspect`: on the bidder's machine, keys never leave it
(DESIGN.md, "Sealed bid")."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO

from client.bid import inputs, tender_ref
from client.bid.inputs import (
    parse_fields,
    progress_bar,
    read_identity,
    read_input,
    trust_store,
)
from client.errors import (
    CommandError,
    TenderIdentifierCommitteeMismatch,
    TenderIdentifierNeedsServer,
)
from client.http import Api
from signing.age import X25519Identity
from signing.certs import (
    load_pem_certificates,
    load_pem_private_key,
    subject_credit_code,
    subject_name,
)
from signing.cms import SignerInfo, sign_detached, verify_detached
from signing.committee import Committee, load_committee
from signing.manifest import BidInfo
from signing.sealed_bid import BidFile, OpenedPart, SealedPart, open_part, seal_part
from signing.trust import TrustStore


def cmd_keygen(args: argparse.Namespace) -> int:
    """Create an age X25519 identity file, mode 0600, in age-keygen's format."""
    identity = X25519Identity.generate()
    recipient = identity.recipient().encode()
    text = (
        f"# created: {inputs.now().isoformat()}\n# public key: {recipient}\n{identity.encode()}\n"
    )
    try:
        fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise CommandError(f"{args.out} already exists; refusing to overwrite a key") from exc
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text)
    print(recipient)
    return 0


def _signer(
    args: argparse.Namespace, trust: TrustStore, now: dt.datetime
) -> tuple[Callable[[bytes], bytes], str]:
    certs = load_pem_certificates(args.cert.read_bytes())
    chain = load_pem_certificates(args.chain.read_bytes()) if args.chain else certs[1:]
    cert, key = certs[0], load_pem_private_key(read_input(args.key))
    bidder = args.bidder or subject_credit_code(cert)
    if not bidder:
        raise CommandError("the certificate has no credit code: give --bidder")

    def sign(manifest: bytes) -> bytes:
        signature = sign_detached(manifest, cert, key, chain=chain)
        verify_detached(manifest, signature, trust, now)  # refuse a certificate that fails now
        return signature

    return sign, bidder


def _write_atomically(target: Path, write: Callable[[BinaryIO], SealedPart]) -> SealedPart:
    """Write to TARGET.partial, fsync, then rename: a crash never leaves a half part."""
    if target.exists():
        raise CommandError(f"{target} already exists")
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("xb") as out:
            sealed = write(out)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(target)
    return sealed


def _tender_code(args: argparse.Namespace) -> str:
    """The transaction code the manifest names (sealed-bid.md §7): --tender as given if it
    is a code and no --server; else resolved through the API (an id needs --server)."""
    which = tender_ref.parse(args.tender)
    if args.server:
        with Api(args.server) as api:
            return tender_ref.resolve_tender(api, args.tender, retry=False).code
    if not isinstance(which, str):
        raise TenderIdentifierNeedsServer(
            f"--tender {which} is a tender id: give --server to resolve it to its "
            "transaction code, or pass the code itself"
        )
    return which


def cmd_seal(args: argparse.Namespace) -> int:
    """Seal one part: writes OUT_DIR/PART.age and prints its SHA-256."""
    if str(args.key) == "-" and str(args.identity) == "-":
        raise CommandError("only one of --key and --identity can be read from stdin")
    tender = _tender_code(args)
    now = inputs.now()
    committee = load_committee(args.committee.read_bytes())
    if tender != committee.tender:  # refused before a key is read or a file opened
        raise TenderIdentifierCommitteeMismatch(
            f"--tender names {tender}, the committee file is for {committee.tender}"
        )
    trust = trust_store(args)
    sign, bidder = _signer(args, trust, now)
    recipient = read_identity(args.identity).recipient()
    info = BidInfo(
        tender=tender,
        lot=args.lot,
        part=args.part,
        bidder=bidder,
        consortium=tuple(args.member),
        fields=parse_fields(args.field),
    )
    args.out_dir.mkdir(parents=True, exist_ok=True)
    target = args.out_dir / f"{args.part}.age"
    with ExitStack() as stack:
        files = [
            BidFile(name=p.name, size=p.stat().st_size, source=stack.enter_context(p.open("rb")))
            for p in args.files
        ]
        progress = progress_bar(args.progress, sum(f.size for f in files), f"sealing {args.part}")
        if progress:
            stack.callback(progress.finish)
        sealed = _write_atomically(
            target,
            lambda out: seal_part(
                out,
                committee=committee,
                trust=trust,
                at=now,
                bidder_recipient=recipient,
                info=info,
                files=files,
                sign=sign,
                progress=progress,
            ),
        )
    print(f"sealed {target}")
    print(f"part {sealed.part}  size {sealed.size}  sha256 {sealed.sha256}")
    print(f"committee {committee.fingerprint_hex}  files {len(sealed.manifest.files)}")
    return 0


def _open(args: argparse.Namespace, committee: Committee | None) -> OpenedPart[SignerInfo]:
    now = inputs.now()
    trust = trust_store(args)
    identity = read_identity(args.identity)
    size = args.sealed.stat().st_size
    progress = progress_bar(None, size, "opening")
    try:
        with args.sealed.open("rb") as source:
            return open_part(
                source,
                committee=committee,
                part=args.part,
                verify=lambda m, s: verify_detached(m, s, trust, now),
                identities=[identity],
                output=args.extract,
                progress=progress,
            )
    finally:
        if progress:
            progress.finish()


def cmd_inspect(args: argparse.Namespace) -> int:
    """Decrypt a part with the bidder's identity, verify it and print a summary."""
    committee = load_committee(args.committee.read_bytes()) if args.committee else None
    opened = _open(args, committee)
    info = opened.manifest.info
    print(f"file {args.sealed}  sha256 {opened.ciphertext_sha256}")
    print(f"tender {info.tender}  lot {info.lot}  part {info.part}")
    print(f"bidder {info.bidder}  consortium {', '.join(info.consortium) or '-'}")
    print(
        f"committee {opened.manifest.committee_fingerprint}"
        + ("" if committee else "  (not checked: no --committee)")
    )
    for name, value in sorted(info.fields.items()):
        print(f"field {name} = {value}")
    for entry in opened.manifest.files:
        print(f"file {entry.sha256}  {entry.size:>12}  {entry.name}")
    print(f"signature valid: {subject_name(opened.signer.certificate)}")
    if opened.output:
        print(f"extracted to {opened.output}")
    return 0
