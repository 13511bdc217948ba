"""``etender audit verify`` (an outside check of the live log) and ``audit add-witness``."""

from __future__ import annotations

import argparse
import base64
import sys
from pathlib import Path

import asyncpg
import httpx

from audit import merkle, service
from audit.checkpoint import Checkpoint, open_checkpoint
from audit.errors import AuditError
from audit.note import Ed25519Verifier
from web.cli.common import add_token_arguments, fail, read_token, run_with_database
from web.settings import Settings

PAGE = 1000


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``etender audit …``."""
    parser = sub.add_parser("audit", help="verify the transparency log; manage witnesses")
    audit_sub = parser.add_subparsers(dest="audit_command", required=True, metavar="ACTION")

    verify = audit_sub.add_parser(
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

    add = audit_sub.add_parser("add-witness", help="register a witness's cosignature vkey")
    add.add_argument("vkey", help="the vkey printed by 'etender witness --new-key'")
    add.set_defaults(func=cmd_add_witness)


def _vkey(value: str) -> str:
    path = Path(value)
    return path.read_text(encoding="ascii").strip() if path.is_file() else value.strip()


def cmd_verify(args: argparse.Namespace) -> int:
    """Fetch, verify signature, consistency with the saved checkpoint, optionally re-hash."""
    try:
        args.token = read_token(args)
    except (OSError, UnicodeDecodeError) as exc:
        return fail(f"cannot read the token file: {exc}")
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    try:
        with httpx.Client(base_url=args.server.rstrip("/"), timeout=60, headers=headers) as http:
            return _verify(http, args)
    except httpx.HTTPError as exc:
        return fail(f"server unreachable or refused: {exc}", 2)
    except AuditError as exc:
        return fail(f"FAILED ({exc.code}): {exc.message}", 1)


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
    if args.checkpoint is not None:
        saved, _ = open_checkpoint(args.checkpoint.read_text(encoding="utf-8"), verifier)
        if not _consistent(http, saved, current):
            return fail(
                f"FAILED: the log of size {current.size} does not extend the saved "
                f"checkpoint of size {saved.size}: history was rewritten",
                1,
            )
        print(f"consistent with the saved checkpoint of size {saved.size}")
    if args.entries:
        if not args.token:
            return fail("--entries needs a token (--token-file, --token or ETENDER_TOKEN) of a "
                        "supervisor or administrator")  # fmt: skip
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


def cmd_add_witness(args: argparse.Namespace) -> int:
    """Register a witness key (operator action on the platform's own database)."""

    async def add(conn: asyncpg.Connection, settings: Settings) -> str:
        async with conn.transaction():
            return await service.add_witness(conn, args.vkey.strip())

    try:
        name = run_with_database(add)
    except AuditError as exc:
        return fail(f"{exc.code}: {exc.message}", 1)
    except asyncpg.UniqueViolationError:
        return fail("that witness (or key) is registered already", 1)
    print(f"witness {name} registered")
    return 0
