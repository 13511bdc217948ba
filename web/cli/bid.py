"""`etender bid`: make an age identity, seal a bid part, inspect a sealed part.

Sealing runs on the bidder's machine (DESIGN.md, "Sealed bid"): keys are read from
files (or ``-`` for standard input) and never leave the process. ``seal`` refuses a
committee whose recipient statements do not verify against the trusted CAs.

    etender bid keygen --out bidder.agekey
    etender bid seal --committee committee.json --trust root.crt --cert bidder.crt \\
        --key bidder.key --identity bidder.agekey --tender T --lot L \\
        --field price=123400 --field duration=90 --file bid.pdf --out-dir sealed/
    etender bid inspect --identity bidder.agekey --trust root.crt sealed/main.age
    etender bid register-cert --server https://etender.example --token-file token.txt \\
        --cert bidder.crt --key bidder.key
    etender bid submit --server https://etender.example --token-file token.txt \\
        --tender TENDER_ID --lot 1 --cert bidder.crt --key bidder.key sealed/main.age
    etender bid countersign statement-T-1-v1.json --cert member.crt --key member.key \\
        --out member.p7s

Only a certificate registered on the platform by the organisation signs its statements
(``register-cert``, docs/formats/signatures.md §6). A consortium's lead runs ``submit``
with ``--consortium CODE``: it writes the statement and exits 3 until every member's
``countersign`` file is passed with ``--countersignature`` (docs/formats/upload.md §3.1).

``submit`` follows docs/formats/upload.md: it resumes an interrupted upload from the
server's committed offset (also after a restart: the upload id is kept in
``--state-dir``), signs the submit statement chained to the previous version, and
writes the receipt (JSON, CMS signature, checkpoint, the receipt CA) to ``--out-dir``.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO, TextIO

from signing.age import X25519Identity
from signing.certs import (
    TrustStore,
    load_crl,
    load_pem_certificates,
    load_pem_private_key,
    subject_credit_code,
    subject_name,
)
from signing.cms import SignerInfo, sign_detached, verify_detached
from signing.committee import Committee, load_committee
from signing.errors import SigningError
from signing.manifest import BidInfo, FieldValue
from signing.sealed_bid import BidFile, OpenedPart, SealedPart, open_part, seal_part
from signing.statements import PartHash, SubmitStatement
from web.cli import bid_countersign, bid_keys

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_AWAITING_COUNTERSIGNATURES = 3  # the statement is written; members countersign it
PROGRESS_MIN_BYTES = 1 << 20
_FIELD = re.compile(r"([a-z][a-z0-9_]{0,63})=(.*)", re.DOTALL)
_INTEGER = re.compile(r"0|[1-9][0-9]*")
Command = Callable[[argparse.Namespace], int]


class CommandError(Exception):
    """Bad input to a bid command: reported on one line, exit status 2."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `etender bid …` to the command tree."""
    bid = subparsers.add_parser("bid", help="seal and inspect bids on the bidder's machine")
    commands = bid.add_subparsers(dest="bid_command", required=True, metavar="COMMAND")

    keygen = commands.add_parser("keygen", help="create an age identity (mode 0600)")
    keygen.add_argument("--out", required=True, type=Path, help="identity file to create")
    keygen.set_defaults(func=_guarded(cmd_keygen))

    seal = commands.add_parser("seal", help="seal one part of a bid to a committee")
    _add_seal_arguments(seal)
    seal.set_defaults(func=_guarded(cmd_seal))

    inspect = commands.add_parser("inspect", help="decrypt your own sealed part and verify it")
    inspect.add_argument("sealed", type=Path, metavar="SEALED_FILE")
    inspect.add_argument("--identity", required=True, help="age identity file, or -")
    _add_trust_arguments(inspect)
    inspect.add_argument("--committee", type=Path, help="also check tender, lot and fingerprint")
    inspect.add_argument("--part", default="main", help="part label, with --committee")
    inspect.add_argument("--extract", type=Path, metavar="DIR", help="write the files here")
    inspect.set_defaults(func=_guarded(cmd_inspect))

    submit = commands.add_parser("submit", help="upload sealed parts (resumably) and submit")
    _add_submit_arguments(submit)
    submit.set_defaults(func=_guarded(cmd_submit))

    keys = commands.add_parser("register-cert", help="register your signing certificate")
    bid_keys.add_arguments(keys)
    keys.set_defaults(func=_guarded(bid_keys.cmd_register_cert))

    member = commands.add_parser("countersign", help="countersign a consortium's statement")
    bid_countersign.add_arguments(member)
    member.set_defaults(func=_guarded(bid_countersign.cmd_countersign))


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


def _add_seal_arguments(seal: argparse.ArgumentParser) -> None:
    seal.add_argument("--committee", required=True, type=Path, help="committee.json")
    _add_trust_arguments(seal)
    seal.add_argument("--cert", required=True, type=Path, help="your signing certificate")
    seal.add_argument("--chain", type=Path, help="intermediate certificates to embed")
    seal.add_argument("--key", required=True, help="your signing key (PEM), or -")
    seal.add_argument("--identity", required=True, help="your age identity file, or -")
    seal.add_argument("--tender", required=True)
    seal.add_argument("--lot", required=True)
    seal.add_argument("--part", default="main", help="part label (main, technical, …)")
    seal.add_argument("--bidder", help="bidder id (default: the certificate's credit code)")
    seal.add_argument("--member", action="append", default=[], help="consortium member id")
    seal.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="opening-form field; price in fen, duration in days",
    )
    seal.add_argument(
        "--file",
        required=True,
        action="append",
        type=Path,
        dest="files",
        metavar="PATH",
        help="a bid document (repeat); stored as files/NAME",
    )
    seal.add_argument("--out-dir", required=True, type=Path, help="writes OUT_DIR/PART.age")
    seal.add_argument(
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
        except bid_keys.RegistrationRefused as exc:
            print(f"etender bid: refused: {exc}", file=sys.stderr)
            return EXIT_FAILED
        except (CommandError, bid_countersign.CountersignRefused, OSError) as exc:
            print(f"etender bid: error: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT

    return run


def _now() -> dt.datetime:
    # The command line is the I/O shell: here, and only here, "now" is the clock.
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


# --- reading keys and trust ---


def _read_input(name: str | Path) -> bytes:
    """A file's bytes, or standard input for ``-``."""
    if str(name) == "-":
        return sys.stdin.buffer.read()
    return Path(name).read_bytes()


def read_identity(name: str | Path) -> X25519Identity:
    """The one identity in an age identity file (``#`` comments and blank lines allowed)."""
    lines = _read_input(name).decode("utf-8").splitlines()
    keys = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    if len(keys) != 1:
        raise CommandError(f"{name}: expected one AGE-SECRET-KEY-1… line, found {len(keys)}")
    return X25519Identity.parse(keys[0])


def _trust_store(args: argparse.Namespace) -> TrustStore:
    roots = tuple(c for path in args.trust for c in load_pem_certificates(path.read_bytes()))
    inter = tuple(c for p in args.intermediate for c in load_pem_certificates(p.read_bytes()))
    crls = tuple(load_crl(path.read_bytes()) for path in args.crl)
    return TrustStore(roots=roots, intermediates=inter, crls=crls)


def parse_fields(items: Sequence[str]) -> dict[str, FieldValue]:
    """``name=value`` pairs; decimal integers become numbers (price in fen, days)."""
    fields: dict[str, FieldValue] = {}
    for item in items:
        match = _FIELD.fullmatch(item)
        if match is None:
            raise CommandError(f"--field {item!r}: expected name=value, name [a-z][a-z0-9_]*")
        name, value = match.groups()
        if name in fields:
            raise CommandError(f"--field {name} given twice")
        fields[name] = int(value) if _INTEGER.fullmatch(value) else value
    return fields


# --- progress ---


class ProgressBar:
    """A one-line progress bar on a terminal stream, redrawn at most once per percent."""

    def __init__(self, total: int, stream: TextIO, label: str) -> None:
        self._total = max(total, 1)
        self._stream = stream
        self._label = label
        self._done = 0
        self._shown = -1

    def __call__(self, count: int) -> None:
        self._done += count
        percent = min(100, self._done * 100 // self._total)
        if percent != self._shown:
            self._shown = percent
            bar = "#" * (percent // 4)
            self._stream.write(f"\r{self._label} [{bar:<25}] {percent:3d}%")
            self._stream.flush()

    def finish(self) -> None:
        """End the line."""
        if self._shown >= 0:
            self._stream.write("\n")
            self._stream.flush()


def _progress(enabled: bool | None, total: int, label: str) -> ProgressBar | None:
    wanted = sys.stderr.isatty() if enabled is None else enabled
    return ProgressBar(total, sys.stderr, label) if wanted and total >= PROGRESS_MIN_BYTES else None


# --- commands ---


def cmd_keygen(args: argparse.Namespace) -> int:
    """Create an age X25519 identity file, mode 0600, in age-keygen's format."""
    identity = X25519Identity.generate()
    recipient = identity.recipient().encode()
    text = f"# created: {_now().isoformat()}\n# public key: {recipient}\n{identity.encode()}\n"
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
    cert, key = certs[0], load_pem_private_key(_read_input(args.key))
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


def cmd_seal(args: argparse.Namespace) -> int:
    """Seal one part: writes OUT_DIR/PART.age and prints its SHA-256."""
    if str(args.key) == "-" and str(args.identity) == "-":
        raise CommandError("only one of --key and --identity can be read from stdin")
    now = _now()
    committee = load_committee(args.committee.read_bytes())
    trust = _trust_store(args)
    sign, bidder = _signer(args, trust, now)
    recipient = read_identity(args.identity).recipient()
    info = BidInfo(
        tender=args.tender,
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
        progress = _progress(args.progress, sum(f.size for f in files), f"sealing {args.part}")
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
    now = _now()
    trust = _trust_store(args)
    identity = read_identity(args.identity)
    size = args.sealed.stat().st_size
    progress = _progress(None, size, "opening")
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


# --- submit (docs/formats/upload.md) ---

# A dropped connection or a restarting server is retried with backoff (0.25 s, doubling,
# at most 8 s) for this long without progress: a crash whose restart takes a minute on
# a busy machine must not make a bidder give up minutes before the deadline. Refusals
# the server names (other than a busy or moved upload) are never retried.
RETRY_SECONDS = 300.0
PUT_BLOCK = 1 << 20


def _backoff(attempt: int) -> float:
    return min(8.0, 0.25 * (1 << min(attempt, 8)))


class ApiError(Exception):
    """An error body from the server: its code and message."""

    def __init__(self, status: int, code: str, message: str, details: object = None) -> None:
        super().__init__(f"{code}: {message}")
        self.status, self.code, self.details = status, code, details


def _add_submit_arguments(submit: argparse.ArgumentParser) -> None:
    submit.add_argument("parts", nargs="+", metavar="PART", help="LABEL=FILE, or FILE (main)")
    submit.add_argument("--server", required=True, help="the platform's base URL")
    token = submit.add_mutually_exclusive_group(required=True)
    token.add_argument("--token", help="a bearer token")
    token.add_argument("--token-file", type=Path, help="a file holding the bearer token")
    submit.add_argument("--tender", required=True, help="the tender's id")
    submit.add_argument("--lot", required=True, help="the lot number")
    submit.add_argument("--cert", required=True, type=Path, help="signing certificate (+chain)")
    submit.add_argument("--key", required=True, help="its private key (PEM), or -")
    submit.add_argument("--consortium", action="append", default=[], help="member credit code")
    submit.add_argument(
        "--countersignature",
        action="append",
        default=[],
        type=Path,
        help="a member's countersignature file (etender bid countersign); one per member",
    )
    submit.add_argument("--state-dir", type=Path, default=Path(".etender-uploads"))
    submit.add_argument("--out-dir", type=Path, default=Path("."), help="where receipts go")
    submit.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)


class _Api:
    """The platform's JSON API over one HTTP client."""

    def __init__(self, server: str, token: str) -> None:
        import httpx  # only the submit command talks to a server

        self.httpx = httpx
        headers = {"Authorization": f"Bearer {token}"}
        timeout = httpx.Timeout(60.0, connect=10.0)
        self.client = httpx.Client(base_url=server.rstrip("/"), headers=headers, timeout=timeout)

    def call(
        self, method: str, path: str, *, raw: bool = False, **kwargs: object
    ) -> dict[str, object]:
        response = self.client.request(method, path, **kwargs)  # type: ignore[arg-type]
        if raw and response.status_code == 200:
            return {"pem": response.text}
        if response.status_code >= 400:
            try:
                error = response.json()["error"]
            except (ValueError, KeyError, TypeError):
                error = {"code": f"http_{response.status_code}", "message": response.text[:200]}
            raise ApiError(
                response.status_code, error["code"], error["message"], error.get("details")
            )
        body: dict[str, object] = response.json()
        return body

    def retrying(
        self, method: str, path: str, *, raw: bool = False, json: object = None
    ) -> dict[str, object]:
        """A call retried across dropped connections (idempotent requests only)."""
        give_up = time.monotonic() + RETRY_SECONDS
        attempt = 0
        while True:
            try:
                return self.call(method, path, raw=raw, json=json)
            except self.httpx.TransportError:
                if time.monotonic() >= give_up:
                    raise
                time.sleep(_backoff(attempt))
                attempt += 1


def _hash_file(path: Path) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while block := handle.read(PUT_BLOCK):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


def _blocks(path: Path, offset: int, bar: ProgressBar | None) -> Iterator[bytes]:
    with path.open("rb") as handle:
        handle.seek(offset)
        while block := handle.read(PUT_BLOCK):
            if bar is not None:
                bar(len(block))
            yield block


def _parse_parts(items: Sequence[str]) -> dict[str, Path]:
    parts: dict[str, Path] = {}
    for item in items:
        label, sep, name = item.partition("=")
        label, path = (label, Path(name)) if sep else ("main", Path(item))
        if label in parts:
            raise CommandError(f"part {label} given twice")
        parts[label] = path
    return parts


RESUMABLE = frozenset({"bid_upload_offset_conflict", "bid_upload_busy_conflict"})
BUSY_WAIT_LIMIT = 300.0  # seconds a part may wait, in all, for other writers' leases


def _retry_after(exc: Exception) -> float | None:
    """The wait a ``bid_upload_busy_conflict`` names (docs/formats/upload.md §2.2)."""
    if not isinstance(exc, ApiError) or not isinstance(exc.details, dict):
        return None
    seconds = exc.details.get("retry_after_seconds")
    return float(seconds) if isinstance(seconds, int) and 0 < seconds <= 3600 else None


def _open_upload(
    api: _Api, lot_path: str, label: str, path: Path, state: Path
) -> dict[str, object]:
    size, digest = _hash_file(path)
    marker = state / f"{digest}.{label}.upload"
    if marker.exists():
        try:
            found = api.retrying("GET", f"/api/v1/uploads/{marker.read_text().strip()}")
            if found["status"] not in ("failed", "abandoned"):
                return found  # an abandoned upload cannot resume: start a new one
        except ApiError as exc:
            if exc.status != 404:
                raise
    body = {"part": label, "size": size, "sha256": digest}
    created = api.retrying("POST", f"{lot_path}/uploads", json=body)
    state.mkdir(parents=True, exist_ok=True)
    marker.write_text(str(created["id"]))
    return created


def _send(api: _Api, info: dict[str, object], path: Path, progress: bool | None) -> str:
    """Send the rest of a part from the committed offset, resuming after drops."""
    upload = f"/api/v1/uploads/{info['id']}"
    attempt, waited, polls = 0, 0.0, 0
    give_up, progress_at = time.monotonic() + RETRY_SECONDS, -1
    while time.monotonic() < give_up:
        if info["status"] == "complete":
            return str(info["sha256"])
        if info["status"] in ("failed", "abandoned"):
            raise CommandError(f"{path}: the server refused the part: {info['failure']}")
        offset = int(str(info["offset"]))
        if offset > progress_at:  # bytes went in: a fresh budget for the rest
            give_up, progress_at, attempt = time.monotonic() + RETRY_SECONDS, offset, 0
        bar = _progress(progress, int(str(info["size"])) - offset, f"{path.name}@{offset}")
        try:
            info = api.call("PUT", f"{upload}?offset={offset}", content=_blocks(path, offset, bar))
        except (api.httpx.TransportError, ApiError) as exc:
            # After a drop the server may still be finishing our previous request, which
            # holds the upload's writer lease until it notices (docs/formats/upload.md).
            if isinstance(exc, ApiError) and exc.code not in RESUMABLE:
                raise
            told = _retry_after(exc)
            if told is not None and waited < BUSY_WAIT_LIMIT:
                # Busy, and the server says when the other writer's lease lapses at the
                # latest (a crashed server's lasts its full period; a live one that lost
                # our connection frees it sooner): poll up to then, spending no attempt.
                if polls == 0 and told > 1:  # say why nothing moves for a while
                    print(f"etender bid: {path.name}: an interrupted transfer still holds "
                          f"the upload; resuming within {told:.0f} s", file=sys.stderr)  # fmt: skip
                pause = min(told, 0.25 * 2**polls, 8.0)
                polls, waited = polls + 1, waited + pause
                time.sleep(pause)
            else:
                time.sleep(_backoff(attempt))
                attempt += 1
            info = api.retrying("GET", upload)
        finally:
            if bar is not None:
                bar.finish()
    raise CommandError(f"{path}: gave up after {RETRY_SECONDS:.0f} s without progress")


def _chain(api: _Api, lot_path: str) -> tuple[int, str | None]:
    try:
        bid = api.retrying("GET", f"{lot_path}/bid")
    except ApiError as exc:
        if exc.code == "bid_not_found":
            return 1, None
        raise
    versions = bid["versions"]
    assert isinstance(versions, list)
    return len(versions) + 1, str(versions[-1]["statement_sha256"])


def _submit(
    api: _Api, lot_path: str, body: dict[str, object], statement: bytes
) -> dict[str, object]:
    """POST the statement; after a dropped connection, find out whether it was recorded."""
    mine = hashlib.sha256(statement).hexdigest()
    give_up, attempt = time.monotonic() + RETRY_SECONDS, 0
    while time.monotonic() < give_up:
        try:
            return api.call("POST", f"{lot_path}/bid", json=body)
        except api.httpx.TransportError:
            time.sleep(_backoff(attempt))
            attempt += 1
        try:
            bid = api.retrying("GET", f"{lot_path}/bid")
        except ApiError:
            continue  # no bid yet: the statement was not recorded; send it again
        versions = bid["versions"]
        assert isinstance(versions, list)
        if versions and versions[-1]["statement_sha256"] == mine:
            return api.retrying("GET", f"{lot_path}/bid/receipts/{versions[-1]['version']}")
    raise CommandError(f"gave up submitting after {RETRY_SECONDS:.0f} s")


def _write_receipt(out: Path, receipt: dict[str, object], root: object) -> Path:
    fields = receipt["receipt_json"]
    assert isinstance(fields, dict)
    stem = out / f"receipt-{fields['tender']}-{fields['lot']}-v{fields['version']}"
    out.mkdir(parents=True, exist_ok=True)
    Path(f"{stem}.json").write_bytes(base64.b64decode(str(receipt["receipt"])))
    Path(f"{stem}.p7s").write_bytes(base64.b64decode(str(receipt["signature"])))
    Path(f"{stem}.checkpoint").write_text(str(receipt.get("checkpoint") or ""))
    (out / "receipt-ca.pem").write_bytes(str(root).encode())
    return stem


def _await_countersignatures(out: Path, statement: SubmitStatement) -> int:
    """Write the statement for the members to countersign; nothing is submitted yet."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"statement-{statement.tender}-{statement.lot}-v{statement.bid_version}.json"
    path.write_bytes(statement.to_bytes())
    print(
        f"the consortium's members must countersign {path} first "
        f"(etender bid countersign {path.name} --cert … --key … --out MEMBER.p7s); "
        "then run this command again with --countersignature MEMBER.p7s for each member",
        file=sys.stderr,
    )
    return EXIT_AWAITING_COUNTERSIGNATURES


def cmd_submit(args: argparse.Namespace) -> int:
    """Upload every sealed part (resuming), sign the submit statement, save the receipt."""
    token = args.token or args.token_file.read_text().strip()
    api = _Api(args.server, token)
    lot_path = f"/api/v1/tenders/{args.tender}/lots/{args.lot}"
    certs = load_pem_certificates(args.cert.read_bytes())
    key = load_pem_private_key(_read_input(args.key))
    bidder = subject_credit_code(certs[0])
    if not bidder:
        raise CommandError("the certificate names no organisation credit code")
    try:
        hashes = {}
        for label, path in sorted(_parse_parts(args.parts).items()):
            info = _open_upload(api, lot_path, label, path, args.state_dir)
            hashes[label] = _send(api, info, path, args.progress)
        code = api.retrying("GET", f"/api/v1/tenders/{args.tender}")["code"]
        version, previous = _chain(api, lot_path)
        statement = SubmitStatement(
            tender=str(code), lot=args.lot, bidder=bidder, bid_version=version,
            parts=tuple(PartHash(label=k, sha256=v) for k, v in sorted(hashes.items())),
            previous=previous, consortium=tuple(sorted(set(args.consortium))),
        )  # fmt: skip
        if len(args.countersignature) < len(statement.consortium):
            return _await_countersignatures(args.out_dir, statement)
        signed = statement.sign(certs[0], key, chain=certs[1:])
        body: dict[str, object] = {
            "statement": base64.b64encode(signed.body).decode(),
            "signature": base64.b64encode(signed.signature).decode(),
            "countersignatures": [
                base64.b64encode(path.read_bytes()).decode() for path in args.countersignature
            ],
        }
        receipt = _submit(api, lot_path, body, signed.body)
        root = api.retrying("GET", "/api/v1/receipts/ca.pem", raw=True)["pem"]
    except ApiError as exc:
        print(f"etender bid: refused: {exc}", file=sys.stderr)
        return EXIT_FAILED
    stem = _write_receipt(args.out_dir, receipt, root)
    print(f"submitted version {version}; receipt {stem}.json (+ .p7s, .checkpoint)")
    return 0
