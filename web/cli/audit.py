"""``etender audit``: ``verify`` (the users' program, client/audit.py) and ``add-witness``."""

from __future__ import annotations

import argparse

import asyncpg

from audit import service
from client.audit import add_verify
from client.console import fail
from signing.log.errors import AuditError
from web.cli.common import run_with_database
from web.settings import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``etender audit …``."""
    parser = sub.add_parser("audit", help="verify the transparency log; manage witnesses")
    audit_sub = parser.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    add_verify(audit_sub)

    add = audit_sub.add_parser("add-witness", help="register a witness's cosignature vkey")
    add.add_argument("vkey", help="the vkey printed by 'etender witness --new-key'")
    add.set_defaults(func=cmd_add_witness)


def cmd_add_witness(args: argparse.Namespace) -> int:
    """Register a witness key (operator action on the platform's own database)."""

    async def add(conn: asyncpg.Connection, settings: Settings) -> str:
        async with conn.transaction():
            return await service.add_witness(conn, args.vkey.strip())

    try:
        name = run_with_database(add)
    except AuditError as exc:  # a malformed key; log_witness_exists for one registered
        return fail(f"{exc.code}: {exc.message}", 1)
    print(f"witness {name} registered")
    return 0
