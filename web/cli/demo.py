"""``etender demo``: load the demo organisations and accounts, once, and print the logins."""

from __future__ import annotations

import argparse
import unicodedata

import asyncpg

from web.cli.common import guarded, run_with_database
from web.cli.common import settings as cli_settings
from web.cli.users import operator
from web.demo import DemoResult, load_demo, reset_passwords
from web.settings import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``etender demo``."""
    parser = sub.add_parser(
        "demo",
        help="load demo organisations and accounts (idempotent)",
        description="Create the city centre and its six county sub-centres, an industry "
        "department, an agency, a tenderer, five bidders, officials, supervisors, a witness, "
        "the three administrators and 30 experts. Passwords are generated and printed once; "
        "a second run changes nothing.",
    )
    parser.add_argument(
        "--reset-passwords",
        action="store_true",
        help="give every demo account a new password and print them (the old ones stop working)",
    )
    parser.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    """Load the demo and print its logins, or say it was loaded already."""

    async def work(conn: asyncpg.Connection, settings: Settings) -> DemoResult:
        if args.reset_passwords:
            return await reset_passwords(conn, operator())
        return await load_demo(conn, operator())

    def call() -> int:
        result = run_with_database(work)
        print_result(result, public_url=cli_settings().public_url)
        return 0

    return guarded(call)


def print_result(result: DemoResult, *, public_url: str) -> None:
    """The logins table (shown once: passwords are stored only as hashes)."""
    if not result.created:
        print("demo data already loaded: nothing changed.")
        print("(passwords were printed at the first load only; reset one with the API.)")
        return
    print(f"demo data loaded: {result.organisations} organisations, {len(result.logins)} users.")
    print(f"sign in at {public_url}/login — these passwords are shown ONCE, keep them now:\n")
    print(f"{'USERNAME':<14} {'PASSWORD':<18} {'ROLES':<18} {pad('NAME', 8)} ORGANISATION")
    for login in result.logins:
        roles = ",".join(str(role) for role in login.roles)
        name = pad(login.display_name, 8)
        print(f"{login.username:<14} {login.password:<18} {roles:<18} {name} {login.organisation}")


def pad(text: str, width: int) -> str:
    """Pad to a display width: CJK characters take two columns in a terminal."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - shown)
