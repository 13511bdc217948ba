"""What the users' programs share on the command line: one-line failures, the bearer token."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from client import token_file


def fail(message: str, code: int = 2) -> int:
    """Print one clear line on stderr and return the exit code."""
    print(f"etender: {message}", file=sys.stderr)
    return code


TOKEN_VARIABLE = "ETENDER_TOKEN"  # noqa: S105 — the variable's name, not a token


def add_token_arguments(parser: argparse.ArgumentParser, who: str) -> None:
    """``--token-file`` or ``--token`` (visible to other users in ``ps``), else
    ETENDER_TOKEN, else the file `etender login` saved (docs/cli.md, "Signing in")."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--token-file",
        type=Path,
        help=f"a file (mode 0600) holding the bearer token of {who} "
        "(default: the one `etender login` saved)",
    )
    group.add_argument("--token", help=f"bearer token of {who} (default: ${TOKEN_VARIABLE})")


def read_token(
    args: argparse.Namespace,
    servers: Iterable[str] = (),
    env: dict[str, str] | None = None,
) -> str:
    """The bearer token ("" if none): --token, else --token-file, else ETENDER_TOKEN,
    else the saved login file if there is one. A file is read only if its owner alone
    may read it, and its token only sent to the server that issued it (client/token_file.py)."""
    env = dict(os.environ) if env is None else env
    if getattr(args, "token", None):
        return str(args.token)
    named: Path | None = getattr(args, "token_file", None)
    if named is not None:
        return token_file.for_servers(token_file.read(named), servers, named)
    if variable := env.get(TOKEN_VARIABLE, "").strip():
        return variable
    saved = token_file.default_path(env)
    if not saved.exists() and not saved.is_symlink():
        return ""
    return token_file.for_servers(token_file.read(saved), servers, saved)
