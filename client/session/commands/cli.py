"""``etender session join|score|reveal|sign``: the member's client of a live evaluation.

    etender session join   --server URL [--server URL …] --session ID [--follow] [--until PHASE]
    etender session score  --server URL --session ID --phase scoring --sheet findings.json \\
        --cert member.crt --key member.key [--seat N] [--new-version]
    etender session reveal --server URL --session ID --phase scoring
    etender session sign   --server URL --session ID --cert member.crt --key member.key
    etender session sign   --server URL --session ID --refuse [--reason TEXT]
    etender session sign   --server URL --session ID --dissent TEXT

Every command takes the member's bearer token as the other commands do (--token-file,
--token or ETENDER_TOKEN) and keeps its state in --state-dir (default
~/.etender/sessions/SESSION/). Results are JSON lines on stdout; a refusal is one line
on stderr and exit status 1.
"""

from __future__ import annotations

import argparse

from client.session.commands import join, reveal, score, sign


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``etender session …`` to the command tree."""
    session = subparsers.add_parser(
        "session", help="take part in a live evaluation session as a committee member"
    )
    actions = session.add_subparsers(dest="session_action", required=True, metavar="ACTION")
    joining = actions.add_parser("join", help="print the session's events as JSON lines")
    join.add_arguments(joining)
    joining.set_defaults(func=join.cmd_join)
    scoring = actions.add_parser("score", help="seal, sign and submit your sheet of a phase")
    score.add_arguments(scoring)
    scoring.set_defaults(func=score.cmd_score)
    revealing = actions.add_parser("reveal", help="release your sheet's key in its reveal")
    reveal.add_arguments(revealing)
    revealing.set_defaults(func=reveal.cmd_reveal)
    signing = actions.add_parser("sign", help="sign, refuse or dissent from the report")
    sign.add_arguments(signing)
    signing.set_defaults(func=sign.cmd_sign)
