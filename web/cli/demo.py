"""``etender demo``: load the demo organisations and accounts, once, and print the logins."""

from __future__ import annotations

import argparse
import os
import shutil
import unicodedata
from pathlib import Path

import asyncpg

from signing.certs import dump_pem_certificate, dump_pem_private_key
from signing.demo_ca import DemoCA
from tender.trust import TRUST_DIR
from web import logkey
from web.accounts.demo import DemoResult, load_demo, reset_passwords
from web.cli.ca import init_ca
from web.cli.common import guarded, run_with_database
from web.cli.common import settings as cli_settings
from web.cli.users import operator
from web.evaluation.demo import DemoEvaluation
from web.evaluation.demo import load_for_console as load_evaluation_demo
from web.evaluation.demo import summary as evaluation_summary
from web.expert_pool.demo import DemoPoolResult
from web.expert_pool.demo import load_demo as load_pool_demo
from web.services import load_id_card_key
from web.settings import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``etender demo``."""
    parser = sub.add_parser(
        "demo",
        help="load demo organisations and accounts (idempotent)",
        description="Create the city centre and its six county sub-centres, an industry "
        "department, an agency, a tenderer, five bidders, officials, supervisors, a witness, "
        "the three administrators and 30 experts, and one tender in evaluation: a lot opened "
        "from three sealed bids (the demo waits about 25 s for its bid deadline), its "
        "committee drawn and confirmed, the session scheduled. Passwords are generated and "
        "printed once; a second run changes nothing.",
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
        "never the server's data dir (default ./demo-client)",
    )
    parser.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    """Load the demo and print its logins, or say it was loaded already."""

    evaluation: list[DemoEvaluation] = []

    async def work(conn: asyncpg.Connection, settings: Settings) -> DemoResult:
        if args.reset_passwords:
            return await reset_passwords(conn, operator())
        result = await load_demo(conn, operator())
        if result.created:
            ca, pool = await _load_expert_pool(conn, settings, args.client_dir)
            evaluation.append(await load_evaluation_demo(
                conn, settings, args.client_dir, ca=ca, experts=pool.identities))  # fmt: skip
        return result

    def call() -> int:
        result = run_with_database(work)
        print_result(result, public_url=cli_settings().public_url)
        for done in evaluation:
            print(
                "\n"
                + "\n".join(evaluation_summary(done, cli_settings().public_url, args.client_dir))
            )
        if result.created and not args.reset_passwords:
            print(f"\ndemo CA and the experts' signing keys (DEMO ONLY): {args.client_dir}/")
        return 0

    return guarded(call)


async def _load_expert_pool(
    conn: asyncpg.Connection, settings: Settings, client: Path
) -> tuple[DemoCA, DemoPoolResult]:
    """A demo CA the server trusts, the experts' profiles and keys, one verifiable draw.

    The CA's and users' private keys go to the client folder, never the data dir: the
    platform holds no one's private key (DESIGN.md, "Signatures").
    """
    ca = init_ca(client / "ca")
    trust = settings.data_dir / TRUST_DIR
    trust.mkdir(parents=True, exist_ok=True)
    for name in ("root.crt", "issuing.crt"):
        shutil.copyfile(client / "ca" / name, trust / f"demo-{name}")
    pool = await load_pool_demo(
        conn,
        id_card_key=load_id_card_key(settings.data_dir),
        ca=ca,
        log=logkey.load_or_create(settings),
    )
    keys = client / "keys"
    keys.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name, identity in pool.identities.items():
        fd = os.open(keys / f"{name}.key", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(dump_pem_private_key(identity.key))
        chain = [identity.certificate, *identity.chain]
        (keys / f"{name}.crt").write_bytes(b"".join(dump_pem_certificate(c) for c in chain))
    return ca, pool


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
