"""``etender audit verify``: an outside check of the live log, by anyone, from the HTTP API."""

from __future__ import annotations

import argparse
import base64
import sys
from pathlib import Path

import httpx

from client.console import add_token_arguments, fail, read_token
from client.errors import ClientError
from signing.log import merkle
from signing.log.checkpoint import Checkpoint, open_checkpoint
from signing.log.errors import AuditError
from signing.log.note import Ed25519Verifier

PAGE = 1000


def add_verify(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``etender audit verify`` under the ``audit`` command."""
    verify = actions.add_parser(
        "verify",
        help="check a server's log against a saved checkpoint (exit 1 on any mismatch)",
    )
    verify.add_argument("--server", required=True, help="platform base URL")
    verify.add_argument("--checkpoint", type=Path, help="a checkpoint saved earlier")
    verify.add_argument("--log-key", help="pinned log vkey or a file holding it")
    verify.add_argument("--save", type=Path, help="save the verified checkpoint here")
    verify.add_argument(
        "--entries", action="store_true", help="also re-hash every entry (needs --token)"
    )
    add_token_arguments(verify, "a supervisor or administrator")
    verify.set_defaults(func=cmd_verify)


def _vkey(value: str) -> str:
    path = Path(value)
    return path.read_text(encoding="ascii").strip() if path.is_file() else value.strip()


def cmd_verify(args: argparse.Namespace) -> int:
    """Fetch, verify signature, consistency with the saved checkpoint, optionally re-hash."""
    try:
        args.token = read_token(args, [args.server])
    except (OSError, UnicodeDecodeError) as exc:
        return fail(f"cannot read the token file: {exc}")
    except ClientError as exc:  # a token file others may read, or another server's
        return fail(f"{exc.code}: {exc.message}")
    try:  # local inputs first: a file that cannot be read says so before any request
        args.saved_note = (
            args.checkpoint.read_text(encoding="utf-8") if args.checkpoint is not None else None
        )
    except (OSError, UnicodeDecodeError) as exc:
        return fail(f"cannot read the saved checkpoint: {exc}")
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    try:
        with httpx.Client(base_url=args.server.rstrip("/"), timeout=60, headers=headers) as http:
            return _verify(http, args)
    except httpx.HTTPStatusError as exc:  # the server's own code, not httpx's text (F13)
        return fail(f"refused: {_refusal(exc.response)}", 2)
    except httpx.HTTPError as exc:
        return fail(f"server unreachable: {exc}", 2)
    except AuditError as exc:
        return fail(f"FAILED ({exc.code}): {exc.message}", 1)


def _refusal(response: httpx.Response) -> str:
    """``CODE: message`` from the platform's error body, else the bare HTTP status."""
    try:
        error = response.json()["error"]
        return f"{error['code']}: {error['message']}"
    except (ValueError, KeyError, TypeError):
        return f"HTTP {response.status_code}"


def _verify(http: httpx.Client, args: argparse.Namespace) -> int:
    if args.log_key:
        vkey = _vkey(args.log_key)
    else:
        vkey = http.get("/api/v1/log/key").raise_for_status().text.strip()
        print("warning: log key fetched from the server itself; pin it with --log-key",
              file=sys.stderr)  # fmt: skip
    verifier = Ed25519Verifier.from_vkey(vkey)
    note = http.get("/api/v1/log/checkpoint").raise_for_status().text
    current, _ = open_checkpoint(note, verifier)
    print(f"checkpoint: {current.origin} size {current.size}, signature ok")
    if args.saved_note is not None:
        saved, _ = open_checkpoint(args.saved_note, verifier)
        if not _consistent(http, saved, current):
            return fail(
                f"FAILED: the log of size {current.size} does not extend the saved "
                f"checkpoint of size {saved.size}: history was rewritten",
                1,
            )
        print(f"consistent with the saved checkpoint of size {saved.size}")
    if args.entries:
        if not args.token:
            return fail("--entries needs a token (--token-file, --token, ETENDER_TOKEN or "
                        "`etender login`) of a supervisor or administrator")  # fmt: skip
        root = _rehash(http, current.size)
        if root != current.root_hash:
            return fail("FAILED: re-hashing every entry does not give the checkpoint's root", 1)
        print(f"re-hashed {current.size} entries: root matches")
    if args.save is not None:
        args.save.write_text(note, encoding="utf-8")
    return 0


def _consistent(http: httpx.Client, saved: Checkpoint, current: Checkpoint) -> bool:
    if saved.origin != current.origin or saved.size > current.size:
        return False
    if saved.size == 0 or saved.size == current.size:
        return saved.size == 0 or saved.root_hash == current.root_hash
    response = http.get(
        "/api/v1/log/proof/consistency", params={"first": saved.size, "second": current.size}
    ).raise_for_status()
    proof = [base64.b64decode(h) for h in response.json()["hashes"]]
    return merkle.verify_consistency(
        saved.size, current.size, saved.root_hash, current.root_hash, proof
    )


def _rehash(http: httpx.Client, size: int) -> bytes:
    tree = merkle.MemoryTree()
    for start in range(0, size, PAGE):
        end = min(size, start + PAGE)
        response = http.get("/api/v1/log/entries", params={"start": start, "end": end})
        for item in response.raise_for_status().json()["entries"]:
            if item["index"] != tree.size:
                raise AuditError(f"entry {item['index']} out of order")
            tree.append(base64.b64decode(item["entry"]))
    return tree.root(size) if size else merkle.EMPTY_ROOT
