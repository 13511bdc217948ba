"""`etender bid submit` (docs/formats/upload.md): resumable upload of the sealed parts,
the signed submit statement chained to the previous version, and the receipt."""

from __future__ import annotations

import argparse
import base64
import hashlib
import secrets
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx

from client.bid.commitment import check_receipt, save_salt
from client.bid.inputs import ProgressBar, progress_bar, read_input
from client.bid.tender_ref import bearer_token, resolve_tender
from client.bid.tender_ref import parse as parse_identifier
from client.console import add_token_arguments
from client.errors import ApiError, CommandError
from client.http import RETRY_SECONDS, Api, backoff
from signing.certs import load_pem_certificates, load_pem_private_key, subject_credit_code
from signing.statements.bid import PartHash, SubmitStatement

EXIT_FAILED = 1
EXIT_AWAITING_COUNTERSIGNATURES = 3  # the statement is written; members countersign it
PUT_BLOCK = 1 << 20


def add_arguments(submit: argparse.ArgumentParser) -> None:
    """The submit command's arguments."""
    submit.add_argument("parts", nargs="+", metavar="PART", help="LABEL=FILE, or FILE (main)")
    submit.add_argument("--server", required=True, help="the platform's base URL")
    add_token_arguments(submit, "the bidder")
    submit.add_argument(
        "--tender", required=True, help="the tender's transaction code or id (docs/cli.md)"
    )
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


# The version is recorded but its receipt waits for the log's integration (upload.md §3.1).
LOG_NOT_INTEGRATED = "log_not_integrated"
# Also a restarting database and a full disk (docs/faults.md): nothing of the request
# was kept, the same PUT works again later — from the committed offset, as after a drop.
RESUMABLE = frozenset(
    {"bid_upload_offset_conflict", "bid_upload_busy_conflict", "database_unavailable",
     "bid_upload_storage_full"}
)  # fmt: skip
BUSY_WHY = {
    "": "an interrupted transfer still holds the upload",
    "bid_upload_storage_full": "the platform's storage is full",
    "database_unavailable": "the platform's database is restarting",
}
BUSY_WAIT_LIMIT = 300.0  # seconds a part may wait, in all, for other writers' leases


def _retry_after(exc: Exception) -> float | None:
    """The wait a ``bid_upload_busy_conflict`` names (docs/formats/upload.md §2.2)."""
    if not isinstance(exc, ApiError) or not isinstance(exc.details, dict):
        return None
    seconds = exc.details.get("retry_after_seconds")
    return float(seconds) if isinstance(seconds, int) and 0 < seconds <= 3600 else None


def installation_id(state: Path) -> str:
    """This installation's random id, made once and kept in the state directory: the
    platform records it with each upload (docs/formats/upload.md §2.1, Reg. 40)."""
    marker = state / "installation"
    if marker.exists():
        return marker.read_text(encoding="ascii").strip()
    state.mkdir(parents=True, exist_ok=True)
    made = secrets.token_urlsafe(24)  # 32 characters of [A-Za-z0-9_-]
    marker.write_text(made, encoding="ascii")
    return made


def _open_upload(api: Api, lot_path: str, label: str, path: Path, state: Path) -> dict[str, object]:
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
    body = {"part": label, "size": size, "sha256": digest, "installation": installation_id(state)}
    created = api.retrying("POST", f"{lot_path}/uploads", json=body)
    state.mkdir(parents=True, exist_ok=True)
    marker.write_text(str(created["id"]))
    return created


def _send(api: Api, info: dict[str, object], path: Path, progress: bool | None) -> str:
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
        bar = progress_bar(progress, int(str(info["size"])) - offset, f"{path.name}@{offset}")
        # The bytes go to the upload address the server names (its upload workers,
        # docs/formats/upload.md §2.2); the site answers the GETs. A server without
        # workers names itself; one from before names nothing: the site then.
        target = str(info.get("upload_url") or upload)
        try:
            info = api.call("PUT", f"{target}?offset={offset}", content=_blocks(path, offset, bar))
        except (httpx.TransportError, ApiError) as exc:
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
                    why = BUSY_WHY.get(getattr(exc, "code", ""), BUSY_WHY[""])
                    print(f"etender bid: {path.name}: {why}; resuming within {told:.0f} s",
                          file=sys.stderr)  # fmt: skip
                pause = min(told, 0.25 * 2**polls, 8.0)
                polls, waited = polls + 1, waited + pause
                time.sleep(pause)
            else:
                time.sleep(backoff(attempt))
                attempt += 1
            info = api.retrying("GET", upload)
        finally:
            if bar is not None:
                bar.finish()
    raise CommandError(f"{path}: gave up after {RETRY_SECONDS:.0f} s without progress")


def _chain(api: Api, lot_path: str) -> tuple[int, str | None]:
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
    api: Api, lot_path: str, body: dict[str, object], statement: bytes
) -> dict[str, object]:
    """POST the statement; after a dropped connection, find out whether it was recorded.

    The receipt is signed once the log has integrated the version's entry (upload.md
    §3.1): a ``log_not_integrated`` answer means the version is recorded but not yet
    receipted, so ask for it (the read waits for integration) rather than submit again.
    """
    mine = hashlib.sha256(statement).hexdigest()
    give_up, attempt, recorded = time.monotonic() + RETRY_SECONDS, 0, False
    while time.monotonic() < give_up:
        if not recorded:
            try:
                return api.call("POST", f"{lot_path}/bid", json=body)
            except httpx.TransportError:
                time.sleep(backoff(attempt))
                attempt += 1
            except ApiError as exc:
                if exc.code != LOG_NOT_INTEGRATED:
                    raise
                recorded = True
        try:
            bid = api.retrying("GET", f"{lot_path}/bid")
        except ApiError as exc:
            if recorded and exc.code != LOG_NOT_INTEGRATED:
                raise
            continue  # the log still behind (the read waited), or no bid yet: not recorded
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
    # Local inputs first: a bad identifier, token file or key says so before any request.
    parse_identifier(args.tender)
    api = Api(args.server, bearer_token(args))
    certs = load_pem_certificates(args.cert.read_bytes())
    key = load_pem_private_key(read_input(args.key))
    bidder = subject_credit_code(certs[0])
    if not bidder:
        raise CommandError("the certificate names no organisation credit code")
    try:
        tender = resolve_tender(api, args.tender)
        lot_path = f"/api/v1/tenders/{tender.id}/lots/{args.lot}"
        hashes = {}
        for label, path in sorted(_parse_parts(args.parts).items()):
            info = _open_upload(api, lot_path, label, path, args.state_dir)
            hashes[label] = _send(api, info, path, args.progress)
        code = tender.code
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
    try:
        # The receipt is kept either way (it is the platform's signed word); its salt
        # only once it opens the entry's commitment to us (upload.md §4.2 step 2).
        save_salt(stem, check_receipt(receipt, bidder))
    except CommandError as exc:
        print(f"etender bid: receipt {stem}.json kept, but {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"submitted version {version}; receipt {stem}.json (+ .p7s, .checkpoint, .salt)")
    return 0
