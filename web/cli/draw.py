"""`etender draw …`: check a draw from outside the platform.

``etender draw verify TRANSCRIPT POOLS [--commit-entry FILE]`` recomputes every pick
of every round of an etender-draw-v1 transcript from the pools (docs/formats/draw.md)
and prints each discrepancy. Exit status: 0 all match, 1 discrepancies, 2 unreadable
input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from expert_pool.draw import Transcript, pools_from_json, verify_transcript
from expert_pool.errors import DrawError

EXIT_OK = 0
EXIT_DISCREPANCY = 1
EXIT_UNREADABLE = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `draw` command and its actions."""
    draw = subparsers.add_parser("draw", help="verifiable expert and venue draws")
    actions = draw.add_subparsers(dest="draw_action", required=True, metavar="ACTION")
    verify = actions.add_parser(
        "verify",
        help="recompute every pick of a draw transcript",
        description="Recompute every pick of every round of an etender-draw-v1 transcript.",
    )
    verify.add_argument("transcript", type=Path, help="transcript JSON (GET …/transcript)")
    verify.add_argument("pools", type=Path, help='pools JSON: {"<label>": ["<id>", …]}')
    verify.add_argument(
        "--commit-entry",
        type=Path,
        help="the commit log entry's bytes: also check that commit_hash is its leaf hash",
    )
    verify.set_defaults(func=run_verify)


def _read(args: argparse.Namespace) -> tuple[Transcript, dict[str, list[str]], bytes | None]:
    transcript = Transcript.from_json(args.transcript.read_bytes())
    pools = pools_from_json(args.pools.read_bytes())
    entry = args.commit_entry.read_bytes() if args.commit_entry is not None else None
    return transcript, pools, entry


def run_verify(args: argparse.Namespace) -> int:
    """Verify a transcript against pools; print discrepancies or a one-line summary."""
    try:
        transcript, pools, entry = _read(args)
    except (OSError, DrawError) as exc:
        message = exc.message if isinstance(exc, DrawError) else str(exc)
        print(f"etender draw verify: unreadable input: {message}", file=sys.stderr)
        return EXIT_UNREADABLE
    found = verify_transcript(transcript, pools, commit_entry=entry)
    for discrepancy in found:
        print(discrepancy)
    if found:
        print(f"draw {transcript.draw_id}: {len(found)} discrepancy(ies)", file=sys.stderr)
        return EXIT_DISCREPANCY
    picks = sum(len(rd.picks) for rd in transcript.rounds)
    print(
        f"draw {transcript.draw_id}: {len(transcript.rounds)} round(s), {picks} pick(s) "
        f"recomputed from {len(pools)} pool(s): all match"
    )
    return EXIT_OK
