"""Entry point of the `etender` command: one sub-command module per area.

Each module in ``COMMAND_MODULES`` exposes ``register(subparsers)``, which adds its
parsers and sets ``func`` to a callable taking the parsed arguments and returning the
process exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

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
    "client.session.commands.cli",
)


def build_parser() -> argparse.ArgumentParser:
    """The whole command tree."""
    parser = argparse.ArgumentParser(
        prog="etender",
        description="etender: electronic tendering and remote bid evaluation.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # an area whose commands are not built yet
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    args = build_parser().parse_args(argv)
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
