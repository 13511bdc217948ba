"""``etender demo``: load the demo (accounts, experts, a tender at every stage) once, all or
nothing (web/demo/load.py), and print the logins."""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

import asyncpg

from signing.errors import EtenderError
from web.accounts.demo import DemoResult, reset_passwords
from web.cli.ca import CommandError
from web.cli.common import run_with_database
from web.cli.common import settings as cli_settings
from web.cli.users import operator
from web.demo.load import DemoLoad, load_everything
from web.demo.stages import DemoStages
from web.disclosure.stage_links import stage_path
from web.evaluation.demo import summary as evaluation_summary
from web.i18n import translate
from web.settings import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``etender demo``."""
    parser = sub.add_parser(
        "demo",
        help="load demo organisations, accounts and a tender at every stage (idempotent)",
        description="Create the city centre and its six county sub-centres, an industry "
        "department, an agency, a tenderer, five bidders, officials, supervisors, a witness, "
        "the three administrators and 30 experts, and a tender at every stage: open for "
        "bids, opening today, in evaluation (its committee drawn, the session scheduled), "
        "candidates published and awarded (evaluated for real: the demo waits about 25 s "
        "for their bid deadline). All or nothing: one transaction; after an error nothing "
        "is kept and a rerun finishes the job. Passwords are generated and printed once; "
        "a second run changes nothing.",
    )
    parser.add_argument(
        "--reset-passwords",
        action="store_true",
        help="give every demo account a new password and print them (the old ones stop working)",
    )
    parser.add_argument(
        "--client-dir",
        type=Path,
        default=Path("demo-client"),
        help="where the demo CA and the demo users' signing keys go: the users' side, "
        "never the server's data dir (default ./demo-client; a CA already there is used)",
    )
    parser.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    """Load the demo and print its logins, or say it was loaded already."""

    async def work(conn: asyncpg.Connection, settings: Settings) -> DemoLoad:
        if args.reset_passwords:
            return DemoLoad(accounts=await reset_passwords(conn, operator()))
        return await load_everything(conn, settings, args.client_dir)

    try:
        done = run_with_database(work)
    except (EtenderError, CommandError, OSError, asyncpg.PostgresError) as exc:
        # One line, no traceback; the transaction rolled back, so nothing is half-loaded.
        message = exc.message if isinstance(exc, EtenderError) else str(exc)
        print(f"etender: demo not loaded: {message} (nothing was kept: fix this and run "
              "`etender demo` again)", file=sys.stderr)  # fmt: skip
        return 1
    public_url = cli_settings().public_url
    print_result(done.accounts, public_url=public_url)
    if done.stages is not None:
        print("\n" + "\n".join(stage_lines(done.stages, public_url, args.client_dir)))
        print("\n" + "\n".join(evaluation_summary(done.stages.evaluation, public_url,
                                                    args.client_dir)))  # fmt: skip
        print(f"\ndemo CA and the demo users' signing keys (DEMO ONLY): {args.client_dir}/")
    return 0


def stage_lines(stages: DemoStages, public_url: str, client_dir: Path) -> list[str]:
    """A tender at every stage, where to see it (the public home page lists them too),
    and how the officials open today's tender once its deadline has passed."""
    lines = [f"a tender at every stage (listed on {public_url}/):"]
    for stage in stages.stages:
        name = translate("en", f"public.stages.{stage.key}")
        url = public_url + stage_path(stage.key, stage.tender_id)
        lines.append(f"  {name + ':':<22} {stage.title}  {url}")
    today = next(s for s in stages.stages if s.key == "opening_today")
    lines += [
        f"  after its deadline, two of official1..3 open it, each signed in (ETENDER_TOKEN): "
        f"etender opening release --server {public_url} --tender {today.tender_id} "
        f"--identity {client_dir}/keys/official1.agekey",
    ]
    if stages.listing_id is not None:  # web/demo/listing.py
        lines.append(f"a listing in its listing period:  {public_url}/listings/{stages.listing_id}")
    for project in stages.projects:  # web/demo/procurement.py, one per method
        lines.append(f"procurement, {project.method}:  {project.title}  "
                     f"{public_url}/procurement/{project.tender_id}")  # fmt: skip
    return lines


def print_result(result: DemoResult, *, public_url: str) -> None:
    """The logins table (shown once: passwords are stored only as hashes)."""
    if not result.created:
        print("demo data already loaded: nothing changed.")
        print("(passwords were printed at the first load only: etender demo --reset-passwords)")
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
