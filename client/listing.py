"""`etender listing reserve seal` and `etender listing release`: the seller's and the
officials' sides of a listing's reserve price (底价; issue 18, item 1; docs/cli.md).

The seller seals the reserve on its own machine, in the sealed-bid format
(docs/formats/sealed-bid.md), to the listing's committee of k of n officials, and uploads
the one part; the committee file comes from the server but its statements are verified
against the seller's trust store before anything is sealed, and a committee of another
listing, or a listing that has started by this machine's clock, is refused. An official
unwraps its share from the reserve's header only once the listing has ended by its own
clock and only for a header sealed to this listing's committee (the share is bound to
the committee's fingerprint), then sends the share alone: its key never leaves it.

These names are the API's (docs/api-listing.md, "The steps"): client/ imports only
signing/, so they are written here, not imported from listing/.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import io
import sys
from pathlib import Path
from typing import Any

import httpx

from client.bid import inputs
from client.console import add_token_arguments, read_token
from client.errors import (
    ApiError,
    ClientError,
    CommandError,
    ReleaseForeignPart,
    ReleaseHashMismatch,
    ReleaseRefused,
    ReleaseTooEarly,
)
from client.http import Api
from client.opening import official_x
from signing.age import X25519Identity, parse_header
from signing.canonical import canonical_json
from signing.certs import load_pem_certificates, load_pem_private_key, subject_credit_code
from signing.cms import sign_detached, verify_detached
from signing.committee import Committee, load_committee
from signing.errors import EtenderError, ShareCommitmentMismatch, SigningError
from signing.manifest import BidInfo
from signing.sealed_bid import BidFile, inspect_header, seal_part
from signing.shares import find_share_stanza, unwrap_share

RESERVE_LOT = "reserve"  # the committee's lot and the part's label (docs/api-listing.md)
RESERVE_PART = "reserve"
RESERVE_FIELD = "reserve_fen"
MAX_SEALED_BYTES = 65_536  # the server refuses more (listing_reserve_invalid)


def _api(args: argparse.Namespace) -> Api:
    return Api(args.server, read_token(args, [args.server]))


def _parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def listing_committee(body: dict[str, Any], code: str) -> Committee:
    """The committee of ``GET …/reserve``, refused unless it is this listing's reserve's."""
    try:
        committee = load_committee(canonical_json(body["committee"]))
    except (KeyError, TypeError, SigningError) as exc:
        raise ReleaseRefused(f"the committee is malformed: {exc}") from None
    if (committee.tender, committee.lot) != (code, RESERVE_LOT):
        raise ReleaseForeignPart(
            f"the committee is for {committee.tender}/{committee.lot}, not {code}/{RESERVE_LOT}"
        )
    return committee


# --- the seller: seal and upload ---


def _files(paths: list[Path], reserve_fen: int) -> list[BidFile]:
    if not paths:  # the manifest needs a file: a note of the price, encrypted with it
        note = f"{RESERVE_FIELD}={reserve_fen}\n".encode("ascii")
        return [BidFile(name="reserve.txt", size=len(note), source=io.BytesIO(note))]
    return [BidFile(name=p.name, size=len(d), source=io.BytesIO(d))
            for p in paths for d in [p.read_bytes()]]  # fmt: skip


def seal_reserve(args: argparse.Namespace, listing: dict[str, Any], body: dict[str, Any]) -> bytes:
    """The sealed part, or a refusal before any key is used."""
    now = inputs.now()
    try:
        committee = listing_committee(body, str(listing["code"]))
    except ClientError as exc:  # the seller's own refusal before anything is sent: exit 2
        raise CommandError(exc.message) from None
    if now >= committee.deadline:
        raise CommandError(
            f"the listing starts {committee.deadline.isoformat()}: by this machine's clock "
            f"({now.isoformat()}) the reserve can no longer be sealed"
        )
    trust = inputs.trust_store(args)
    certs = load_pem_certificates(args.cert.read_bytes())
    chain = load_pem_certificates(args.chain.read_bytes()) if args.chain else certs[1:]
    cert, key = certs[0], load_pem_private_key(inputs.read_input(args.key))
    seller = subject_credit_code(cert)
    if not seller:
        raise CommandError("the certificate has no credit code")

    def sign(manifest: bytes) -> bytes:
        signature = sign_detached(manifest, cert, key, chain=chain)
        verify_detached(manifest, signature, trust, now)  # refuse a certificate failing now
        return signature

    info = BidInfo(tender=committee.tender, lot=RESERVE_LOT, part=RESERVE_PART, bidder=seller,
                   fields={RESERVE_FIELD: args.reserve_fen})  # fmt: skip
    out = io.BytesIO()
    seal_part(
        out, committee=committee, trust=trust, at=now,
        bidder_recipient=inputs.read_identity(args.identity).recipient(), info=info,
        files=_files(args.file, args.reserve_fen), sign=sign,
    )  # fmt: skip
    sealed = out.getvalue()
    if len(sealed) > MAX_SEALED_BYTES:
        raise CommandError(f"the sealed reserve is {len(sealed)} bytes; at most {MAX_SEALED_BYTES}")
    return sealed


def run_seal(args: argparse.Namespace) -> int:
    """Seal the reserve to the listing's committee and upload it (PUT …/reserve)."""
    if args.reserve_fen <= 0:
        return _fail("--reserve-fen is a whole number of fen above 0", 2)
    path = f"/api/v1/listings/{args.listing}"
    try:
        with _api(args) as api:
            listing = api.call("GET", path)
            sealed = seal_reserve(args, listing, api.call("GET", f"{path}/reserve"))
            if args.out is not None:
                args.out.write_bytes(sealed)
            api.call("PUT", f"{path}/reserve",
                     json={"sealed": base64.b64encode(sealed).decode("ascii")})  # fmt: skip
    except (ApiError, CommandError, EtenderError) as exc:
        return _refused(exc)
    except httpx.HTTPError as exc:  # a dropped network: nothing is known to be stored
        return _fail(f"error: the server did not answer: {exc}", 1)
    print(f"reserve sealed for {listing['code']}  sha256 {hashlib.sha256(sealed).hexdigest()}")
    return 0


# --- an official: release its share ---


def share_of(
    listing: dict[str, Any], body: dict[str, Any], identity: X25519Identity,
    now: dt.datetime,
) -> tuple[int, bytes]:  # fmt: skip
    """This official's (x, share), after every check that needs no server trust."""
    committee = listing_committee(body, str(listing["code"]))
    ends_at = _parse(str(listing["ends_at"]))
    if now < committee.deadline or now < ends_at:
        raise ReleaseTooEarly(
            f"the listing ends {ends_at.isoformat()}: not yet by this machine's clock "
            f"({now.isoformat()})"
        )
    if body.get("sealed") is None:
        raise ReleaseRefused("the listing has no sealed reserve to release")
    sealed = base64.b64decode(str(body["sealed"]), validate=True)
    if hashlib.sha256(sealed).hexdigest() != body.get("sha256"):
        raise ReleaseHashMismatch("the reserve downloaded does not hash to the SHA-256 sent")
    try:
        inspect_header(sealed, committee)
        header = parse_header(sealed)
        x = official_x(committee, identity)
        share = unwrap_share(identity, find_share_stanza(header, x), committee.fingerprint,
                             RESERVE_PART)  # fmt: skip
    except ShareCommitmentMismatch:
        raise ReleaseRefused(
            "this official's share does not match its commitment in the header: not released"
        ) from None
    except SigningError as exc:
        raise ReleaseForeignPart(f"the reserve is not sealed to this committee: {exc}") from None
    return x, share.value


def run_release(args: argparse.Namespace) -> int:
    """Unwrap this official's share of the reserve and send it (POST …/reserve/shares)."""
    path = f"/api/v1/listings/{args.listing}"
    try:
        identity = inputs.read_identity(args.identity)
        with _api(args) as api:
            listing = api.call("GET", path)
            body = api.call("GET", f"{path}/reserve")
            x, share = share_of(listing, body, identity, dt.datetime.now(dt.UTC))
            api.call("POST", f"{path}/reserve/shares",
                     json={"share": base64.b64encode(share).decode("ascii")})  # fmt: skip
    except (ApiError, CommandError, EtenderError) as exc:
        return _refused(exc)
    except httpx.HTTPError as exc:  # a dropped network: nothing is known to be stored
        return _fail(f"error: the server did not answer: {exc}", 1)
    print(f"share x={x} released for {listing['code']}")
    return 0


def _fail(message: str, code: int) -> int:
    print(f"etender listing: {message}", file=sys.stderr)
    return code


def _refused(exc: ApiError | CommandError | EtenderError) -> int:
    """One line on standard error (docs/cli.md, "Exit statuses"): the server's refusal
    (exit 1), this program's own before anything is sent (exit 2), a signing error (1)."""
    if isinstance(exc, ApiError):
        return _fail(f"refused: {exc}", 1)
    if isinstance(exc, CommandError):
        return _fail(f"error: {exc}", 2)
    return _fail(f"error: {exc.code}: {exc.message}", 1)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `etender listing reserve seal` and `etender listing release`."""
    listing = subparsers.add_parser("listing", help="listings: the reserve price")
    actions = listing.add_subparsers(dest="listing_action", required=True, metavar="ACTION")
    reserve = actions.add_parser("reserve", help="the seller's reserve price (底价)")
    steps = reserve.add_subparsers(dest="reserve_action", required=True, metavar="STEP")
    seal = steps.add_parser("seal", help="seal the reserve to the listing's committee, upload it")
    seal.add_argument("--server", required=True, help="the etender base URL")
    add_token_arguments(seal, "the seller's user")
    seal.add_argument("--listing", required=True, help="the listing id")
    seal.add_argument("--reserve-fen", type=int, required=True, help="the reserve, in fen")
    seal.add_argument("--cert", type=Path, required=True, help="the seller's certificate (PEM)")
    seal.add_argument("--chain", type=Path, help="intermediate certificates (PEM)")
    seal.add_argument("--key", required=True, help="the certificate's private key (PEM, or -)")
    seal.add_argument("--identity", required=True, help="the seller's age identity (or -)")
    seal.add_argument("--trust", type=Path, action="append", required=True, help="a root CA")
    seal.add_argument("--intermediate", type=Path, action="append", default=[])
    seal.add_argument("--crl", type=Path, action="append", default=[])
    seal.add_argument("--file", type=Path, action="append", default=[],
                      help="a file sealed with the price (default: a one-line note)")  # fmt: skip
    seal.add_argument("--out", type=Path, help="also keep the sealed part in this file")
    seal.set_defaults(func=run_seal)
    release = actions.add_parser("release", help="release this official's share of the reserve")
    release.add_argument("--server", required=True, help="the etender base URL")
    add_token_arguments(release, "the official")
    release.add_argument("--listing", required=True, help="the listing id")
    release.add_argument("--identity", type=Path, required=True, help="official.agekey")
    release.set_defaults(func=run_release)
