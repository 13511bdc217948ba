"""What the users' programs share on the command line: one-line failures, the bearer token."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def fail(message: str, code: int = 2) -> int:
    """Print one clear line on stderr and return the exit code."""
    print(f"etender: {message}", file=sys.stderr)
    return code


TOKEN_VARIABLE = "ETENDER_TOKEN"  # noqa: S105 — the variable's name, not a token


def add_token_arguments(parser: argparse.ArgumentParser, who: str) -> None:
    """``--token-file`` or ``--token`` (visible to other users in ``ps``), else ETENDER_TOKEN."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--token-file", type=Path, help=f"a file holding the bearer token of {who}")
    group.add_argument("--token", help=f"bearer token of {who} (default: ${TOKEN_VARIABLE})")


def read_token(args: argparse.Namespace) -> str:
    """The bearer token from --token, --token-file or the environment ("" if none)."""
    if args.token:
        return str(args.token)
    if args.token_file is not None:
        return Path(args.token_file).read_text(encoding="ascii").strip()
    return os.environ.get(TOKEN_VARIABLE, "").strip()
