"""Entry point of the `etender` command: one sub-command module per area.

Each module in ``COMMAND_MODULES`` exposes ``register(subparsers)``, which adds its
parsers and sets ``func`` to a callable taking the parsed arguments and returning the
process exit code.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from signing.errors import EtenderError

COMMAND_MODULES: tuple[str, ...] = (
    "web.cli.server",
    "web.cli.users",
    "web.cli.demo",
    "client.witness",
    "web.cli.ca",
    "client.bid.command",
    "client.opening",
    "client.draw",
    "client.archive",
    "web.cli.audit",
    "web.cli.calendar",
    "client.session.commands.cli",
    "client.login",
    "client.listing",
    "client.auction",
)


# Which module adds each top-level command. A run of one command imports that module
# only: importing every area costs about a second per run (the server's modules, PDF
# and archive code), paid by every bidder's `etender bid` and by the many runs in the
# tests. A command not named here (or --help, or a typo) builds the whole tree, as
# before; tests/web/test_cli_main.py checks this table against the modules.
COMMANDS: dict[str, str] = {
    "serve": "web.cli.server",
    "migrate": "web.cli.server",
    "db": "web.cli.server",
    "users": "web.cli.users",
    "demo": "web.cli.demo",
    "witness": "client.witness",
    "ca": "web.cli.ca",
    "bid": "client.bid.command",
    "opening": "client.opening",
    "draw": "client.draw",
    "archive": "client.archive",
    "audit": "web.cli.audit",
    "calendar": "web.cli.calendar",
    "session": "client.session.commands.cli",
    "login": "client.login",
    "logout": "client.login",
    "listing": "client.listing",
    "auction": "client.auction",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command tree, or only the module adding ``command`` if it is known."""
    parser = argparse.ArgumentParser(
        prog="etender",
        description="etender: electronic tendering and remote bid evaluation.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    owner = COMMANDS.get(command) if command is not None else None
    for name in COMMAND_MODULES if owner is None else (owner,):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # an area whose commands are not built yet
            raise
        module.register(sub)
    return parser


# Options whose value is a secret the platform made, not a word the user chose: a bearer
# token is 43 characters of base64url (docs/api-auth.md), so one in 64 starts with "-",
# and argparse would take it for an option ("argument --token: expected one argument").
# A word of that shape after the option is joined to it before parsing; any other word
# (another option, "-h") is left to argparse, never sent as a token (breaker F13).
VALUE_OPTIONS = ("--token",)
TOKEN_SHAPE = re.compile(r"-[A-Za-z0-9_-]{42}")


def joined_values(argv: Sequence[str]) -> list[str]:
    """``argv`` with each ``--token -…`` of a token's shape written ``--token=-…``; "--"
    ends options."""
    out: list[str] = []
    items = list(argv)
    at = 0
    while at < len(items):
        item = items[at]
        if item == "--":
            return out + items[at:]
        if item in VALUE_OPTIONS and at + 1 < len(items):
            value = items[at + 1]
            if TOKEN_SHAPE.fullmatch(value):
                out.append(f"{item}={value}")
                at += 2
                continue
        out.append(item)
        at += 1
    return out


def userinfo_server(args: argparse.Namespace) -> str | None:
    """A ``--server`` naming a user (``http://name@host``), if any: the token file's
    server check ignored the user, and the HTTP client sent it as credentials in place
    of the token (breaker F13). Every command's --server passes here."""
    given = getattr(args, "server", None)
    for url in [given] if isinstance(given, str) else given or []:
        if "@" in urlsplit(url.strip()).netloc:
            return url
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    argv = joined_values(sys.argv[1:] if argv is None else argv)
    args = build_parser(argv[0] if argv else None).parse_args(argv)
    if (refused := userinfo_server(args)) is not None:
        print(f"etender: --server {refused}: a server address names no user (user@host):"
              " the token goes in --token or a token file", file=sys.stderr)  # fmt: skip
        return 2
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except EtenderError as exc:  # any refusal of ours, under the one root: one line
        print(f"etender: {exc.message}", file=sys.stderr)
        return 1
    except OSError as exc:  # a file named on the command line that cannot be read
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"etender: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
