"""`etender bid register-cert`: register the signing certificate that signs your bids.

docs/formats/signatures.md §6: a submit or withdraw statement counts only if its
certificate is registered on the platform by a user of the bidder's organisation. The
registration proves possession of the key by signing a fresh server challenge
(`POST /api/v1/auth/challenge`, then `POST /api/v1/me/certificates`); the key never leaves
this machine. Registering a new certificate replaces the previous one.
"""

from __future__ import annotations

import argparse
import base64
import sys
from pathlib import Path

import httpx

from client.bid.tender_ref import bearer_token
from client.console import add_token_arguments
from client.http import api_error
from signing.certs import (
    dump_pem_certificate,
    load_pem_certificates,
    load_pem_private_key,
    subject_credit_code,
)
from signing.cms import sign_detached


class RegistrationRefused(Exception):
    """The server refused the registration (its error code and message)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The register-cert command's arguments."""
    parser.add_argument("--server", required=True, help="the platform's base URL")
    add_token_arguments(parser, "the bidder")
    parser.add_argument("--cert", required=True, type=Path, help="signing certificate (+chain)")
    parser.add_argument("--key", required=True, type=Path, help="its private key (PEM)")


def _post(client: httpx.Client, path: str, body: dict[str, str] | None = None) -> dict[str, object]:
    response = client.post(path, json=body)
    if response.status_code >= 400:
        raise RegistrationRefused(str(api_error(response)))
    found: dict[str, object] = response.json()
    return found


def cmd_register_cert(args: argparse.Namespace) -> int:
    """Sign a server challenge with the key and register the certificate."""
    token = bearer_token(args)
    certs = load_pem_certificates(args.cert.read_bytes())
    key = load_pem_private_key(args.key.read_bytes())
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=args.server.rstrip("/"), headers=headers, timeout=30.0) as client:
        challenge = _post(client, "/api/v1/auth/challenge")
        content = base64.b64decode(str(challenge["challenge"]))
        signature = sign_detached(content, certs[0], key, chain=certs[1:])
        registered = _post(
            client,
            "/api/v1/me/certificates",
            {
                "certificate": dump_pem_certificate(certs[0]).decode(),
                "nonce": str(challenge["nonce"]),
                "signature": base64.b64encode(signature).decode(),
            },
        )
    code = subject_credit_code(certs[0]) or "no organisation"
    print(f"registered certificate {registered.get('value', '')} ({code})")
    print("it now signs this organisation's submit and withdraw statements", file=sys.stderr)
    return 0
