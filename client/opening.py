"""`etender opening release`: an official releases its shares of a tender's frozen bids.

DESIGN.md, "Submission, receipt, freeze" and "Opening": the official's client unwraps
only headers that appear in a freeze list of a tender whose deadline has passed by
the official's OWN clock. It therefore refuses, before unwrapping anything:

- a lot whose committee deadline is still in the future here (release too early);
- a part of another tender or lot slipped into the batch;
- a part whose (bidder, label, SHA-256) is not in the lot's freeze list — an older
  version the server might offer instead of the frozen one;
- a download whose SHA-256 differs from the frozen hash (the whole part is streamed
  and hashed: the freeze list names the part's hash, and only the whole file proves
  that a header belongs to it).

The committee itself needs no trust in the server: each share stanza is bound to the
committee fingerprint (tender, lot, deadline, officials), so a committee with another
deadline or tender unwraps nothing. The API is docs/formats/opening.md, "Release".
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import io
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from client.console import add_token_arguments, read_token
from client.errors import (
    ClientError,
    ReleaseForeignPart,
    ReleaseHashMismatch,
    ReleaseNotAnOfficial,
    ReleaseNotFrozen,
    ReleaseRefused,
    ReleaseTooEarly,
)
from signing.age import Header, X25519Identity, read_header
from signing.canonical import canonical_json
from signing.committee import Committee, load_committee
from signing.errors import ShareCommitmentMismatch, SigningError
from signing.shares import find_share_stanza, reveal_shared_secret, unwrap_share

CHUNK = 1 << 20


@dataclass(frozen=True, kw_only=True, slots=True)
class OfferedPart:
    """One sealed part the server asks this official to unwrap."""

    part_id: str
    tender: str
    lot: str
    bidder: str
    label: str
    sha256: str


@dataclass(frozen=True, kw_only=True, slots=True)
class LotBatch:
    """One lot: its committee, its freeze list as (bidder, label, sha256), its parts."""

    lot: str
    committee: Committee
    frozen: frozenset[tuple[str, str, str]]
    parts: tuple[OfferedPart, ...]


def _frozen(freeze_list: dict[str, Any]) -> frozenset[tuple[str, str, str]]:
    return frozenset(
        (str(e["bidder"]), str(p["label"]), str(p["sha256"]))
        for e in freeze_list["entries"]
        for p in e["parts"]
    )


def parse_lot(value: dict[str, Any]) -> LotBatch:
    """A lot of the batch JSON (GET …/opening/release-batch)."""
    try:
        committee = load_committee(canonical_json(value["committee"]))
        parts = tuple(
            OfferedPart(**{k: str(p[k]) for k in OfferedPart.__slots__}) for p in value["parts"]
        )
        return LotBatch(
            lot=str(value["lot"]),
            committee=committee,
            frozen=_frozen(value["freeze_list"]),
            parts=parts,
        )
    except (KeyError, TypeError, SigningError) as exc:
        raise ReleaseRefused(f"the release batch is malformed: {exc}") from exc


def check_lot(batch: LotBatch, *, tender: str, now: dt.datetime) -> None:
    """The committee is this tender's and lot's, and its deadline has passed HERE."""
    committee = batch.committee
    if (committee.tender, committee.lot) != (tender, batch.lot):
        raise ReleaseForeignPart(f"the committee is for {committee.tender}/{committee.lot}")
    if now.tzinfo is None or now < committee.deadline:
        raise ReleaseTooEarly(
            f"lot {batch.lot}: the deadline {committee.deadline.isoformat()} has not passed "
            f"by this machine's clock ({now.isoformat()})"
        )


def check_offered(part: OfferedPart, batch: LotBatch, *, tender: str) -> None:
    """The part is this tender's and lot's and is exactly a frozen part."""
    if (part.tender, part.lot) != (tender, batch.lot):
        raise ReleaseForeignPart(
            f"part {part.part_id} belongs to {part.tender}/{part.lot}, not {tender}/{batch.lot}"
        )
    if (part.bidder, part.label, part.sha256) not in batch.frozen:
        raise ReleaseNotFrozen(
            f"part {part.part_id} ({part.sha256[:12]}…) is not in the freeze list"
        )


def check_download(part: OfferedPart, sha256: str) -> None:
    """The bytes downloaded hash to the frozen SHA-256."""
    if sha256 != part.sha256:
        raise ReleaseHashMismatch(f"part {part.part_id} downloaded as {sha256[:12]}…")


def official_x(committee: Committee, identity: X25519Identity) -> int:
    """This identity's x in the committee."""
    mine = identity.recipient().encode()
    for official in committee.officials:
        if official.recipient == mine:
            return official.x
    raise ReleaseNotAnOfficial("this age identity is not an official of the committee")


def release_for(
    part: OfferedPart, header: Header, committee: Committee, x: int, identity: X25519Identity
) -> dict[str, Any]:
    """The share to submit, or the revealed secret when the stanza breaks its commitment."""
    stanza = find_share_stanza(header, x)
    try:
        share = unwrap_share(identity, stanza, committee.fingerprint, part.label)
    except ShareCommitmentMismatch:
        secret = reveal_shared_secret(identity, stanza)  # DESIGN.md "Opening": the dispute
        return {"part_id": part.part_id, "x": x, "revealed_secret": _b64(secret)}
    return {"part_id": part.part_id, "x": x, "share": _b64(share.value)}


def _b64(data: bytes) -> str:
    """Standard padded base64, as the JSON API expects (docs/formats/opening.md)."""
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True, kw_only=True, slots=True)
class Downloaded:
    """A part's header and the SHA-256 of all its bytes."""

    header: Header
    sha256: str


def hash_stream(chunks: Any) -> Downloaded:
    """Hash every chunk, keeping only the bytes the header needs."""
    digest = hashlib.sha256()
    head = bytearray()
    for chunk in chunks:
        digest.update(chunk)
        if len(head) < 1 << 16:
            head.extend(chunk)
    return Downloaded(header=read_header(io.BytesIO(bytes(head))), sha256=digest.hexdigest())


def plan_lot(
    batch: LotBatch, *, tender: str, now: dt.datetime, identity: X25519Identity
) -> tuple[int, tuple[OfferedPart, ...]]:
    """Every check that needs no download, for the whole lot, before any unwrapping."""
    check_lot(batch, tender=tender, now=now)
    for part in batch.parts:
        check_offered(part, batch, tender=tender)
    return official_x(batch.committee, identity), batch.parts


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `etender opening release`."""
    opening = subparsers.add_parser("opening", help="bid opening: release shares")
    actions = opening.add_subparsers(dest="opening_action", required=True, metavar="ACTION")
    release = actions.add_parser(
        "release", help="download the frozen headers, unwrap and submit this official's shares"
    )
    release.add_argument("--server", required=True, help="the etender base URL")
    add_token_arguments(release, "the official")
    release.add_argument("--identity", type=Path, required=True, help="official.agekey")
    release.add_argument("--tender", required=True, help="the tender id")
    release.add_argument("--lot", help="only this lot")
    release.set_defaults(func=run_release)


# The release that completes k of n decrypts the whole lot before it answers: about
# 10 s per 2 GB of bids here (docs/performance.md); a large lot may take minutes.
OPENING_TIMEOUT = httpx.Timeout(60.0, read=3600.0)


def _client(args: argparse.Namespace) -> httpx.Client:
    token = read_token(args, [args.server])  # or the file `etender login` saved
    return httpx.Client(
        base_url=args.server.rstrip("/"),
        # No token: no header (an empty "Bearer " is refused by httpx itself, a traceback).
        headers={"Authorization": f"Bearer {token}"} if token else {},
        timeout=httpx.Timeout(60.0),
    )


def _download(client: httpx.Client, tender_id: str, part: OfferedPart) -> Downloaded:
    url = f"/api/v1/tenders/{tender_id}/opening/parts/{part.part_id}"
    with client.stream("GET", url) as response:
        response.raise_for_status()
        return hash_stream(response.iter_bytes(CHUNK))


def release_lot(
    client: httpx.Client, tender_id: str, batch: LotBatch, tender: str, identity: X25519Identity
) -> list[dict[str, Any]]:
    """Check, download, check again, unwrap: the releases of one lot."""
    x, parts = plan_lot(batch, tender=tender, now=dt.datetime.now(dt.UTC), identity=identity)
    releases = []
    for part in parts:
        downloaded = _download(client, tender_id, part)
        check_download(part, downloaded.sha256)
        releases.append(release_for(part, downloaded.header, batch.committee, x, identity))
    return releases


def read_identity(path: Path) -> X25519Identity:
    """The AGE-SECRET-KEY-1… line of an age identity file (comments allowed)."""
    lines = [line.strip() for line in path.read_text().splitlines()]
    keys = [line for line in lines if line.startswith("AGE-SECRET-KEY-")]
    if len(keys) != 1:
        raise ReleaseRefused(f"{path} must hold exactly one AGE-SECRET-KEY-1… line")
    return X25519Identity.parse(keys[0])


def run_release(args: argparse.Namespace) -> int:
    """Release this official's shares for every frozen part of the tender (or one lot)."""
    try:
        return _release(args)
    except ClientError as exc:
        print(f"etender: {exc.message}", file=sys.stderr)
        return 1


def _release(args: argparse.Namespace) -> int:
    identity = read_identity(args.identity)
    params = {"lot": args.lot} if args.lot else {}
    with _client(args) as client:
        response = client.get(f"/api/v1/tenders/{args.tender}/opening/release-batch", params=params)
        if response.status_code >= 400:
            print(f"etender opening: {response.text}", file=sys.stderr)
            return 1
        body = response.json()
        for lot in body["lots"]:
            batch = parse_lot(lot)
            releases = release_lot(client, args.tender, batch, str(body["tender"]), identity)
            sent = client.post(
                f"/api/v1/tenders/{args.tender}/opening/shares",
                json={"lot": batch.lot, "releases": releases},
                timeout=OPENING_TIMEOUT,
            )
            print(f"lot {batch.lot}: {len(releases)} parts → {sent.status_code} {sent.text}")
            if sent.status_code >= 400:
                return 1
    return 0
