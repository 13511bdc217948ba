"""`etender draw …`: the parts of a draw that run on a participant's own machine.

``etender draw verify TRANSCRIPT POOLS [--commit-entry FILE]`` recomputes every pick
of every round of an etender-draw-v1 transcript from the pools (docs/formats/draw.md)
and prints each discrepancy. Exit status: 0 all match, 1 discrepancies, 2 unreadable
input.

``etender draw entropy [--bytes N] [--server URL --draw ID --round R] [--log-key VKEY]
[--witness VKEY …] [--wait SECONDS]`` generates a contributor's entropy locally (the
operating system's CSPRNG; the server never generates it), prints it, and with
``--server`` submits it (bearer token from ``ETENDER_TOKEN``, else the file ``etender
login`` saved; with ``--cert --key``, signed as an entropy statement,
signing.draw.entropy_statement) — only after checking, with the pinned log key and the
witnesses' keys, that a signed checkpoint includes the draw's commit entry
(signing.draw.commit_check; it waits up to ``--wait`` seconds for one). The contribution
names that ``commit_hash`` and checkpoint (issue 9, item 2).

``etender draw respond --statement FILE --cert CERT --key KEY [--server URL --draw ID]``
signs a draw-response statement (confirm or decline) with the expert's own key — which
never leaves the machine — and prints the base64 CMS signature, or submits both.
"""

from __future__ import annotations

import argparse
import base64
import secrets
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from client.console import read_token
from signing.certs import load_pem_certificates, load_pem_private_key
from signing.draw.commit_check import CheckedCommit, check_commit_proof
from signing.draw.entropy_statement import EntropyStatement
from signing.draw.errors import DrawCommitProofInvalid, DrawError, DrawResponseInvalid
from signing.draw.response import DrawResponse
from signing.draw.rules import MIN_ENTROPY_HEX
from signing.draw.transcript import Transcript, pools_from_json
from signing.draw.verify import verify_transcript
from signing.errors import SigningError

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
    _register_entropy(actions)
    _register_respond(actions)


def _add_server(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--server", help="submit to this etender (token in ETENDER_TOKEN)")
    parser.add_argument("--draw", help="the draw id (with --server)")


def _register_entropy(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    entropy = actions.add_parser(
        "entropy",
        help="generate draw entropy on this machine (and submit it)",
        description="Generate entropy with this machine's CSPRNG; the server never does.",
    )
    entropy.add_argument("--bytes", type=int, default=32, help="how many bytes (16-512)")
    entropy.add_argument("--round", type=int, default=0, help="the round it is for")
    entropy.add_argument("--log-key", help="the log's pinned vkey, or a file holding it")
    entropy.add_argument(
        "--witness",
        action="append",
        default=[],
        help="a witness vkey (or file) whose cosignature the checkpoint must carry",
    )
    entropy.add_argument(
        "--wait", type=float, default=60.0, help="seconds to wait for a covering checkpoint"
    )
    entropy.add_argument("--cert", type=Path, help="sign the statement: your certificate (PEM)")
    entropy.add_argument("--key", type=Path, help="sign the statement: your private key (PEM)")
    entropy.add_argument("--chain", type=Path, help="intermediate CA certificates (PEM)")
    _add_server(entropy)
    entropy.set_defaults(func=run_entropy)


def _register_respond(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    respond = actions.add_parser(
        "respond",
        help="sign a draw-response statement with your own key",
        description="Sign a confirm or decline statement (CMS) with your certificate's key.",
    )
    respond.add_argument("--statement", type=Path, required=True, help="statement file, or -")
    respond.add_argument("--cert", type=Path, required=True, help="your certificate (PEM)")
    respond.add_argument("--key", type=Path, required=True, help="your private key (PEM)")
    respond.add_argument("--chain", type=Path, help="intermediate CA certificates (PEM)")
    _add_server(respond)
    respond.set_defaults(func=run_respond)


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


def _submit(args: argparse.Namespace, path: str, body: dict[str, Any]) -> int:
    """POST to the server with the bearer token; print the outcome."""
    token = read_token(args, [args.server])  # ETENDER_TOKEN, else the login file
    if not args.draw or not token:
        print(
            "etender draw: --server needs --draw and a token (ETENDER_TOKEN or `etender login`)",
            file=sys.stderr,
        )
        return EXIT_UNREADABLE
    url = f"{args.server.rstrip('/')}/api/v1/draws/{args.draw}/{path}"
    response = httpx.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
    if response.status_code >= 400:
        print(f"etender draw: refused: {response.text}", file=sys.stderr)
        return EXIT_DISCREPANCY
    print(response.text)
    return EXIT_OK


def run_entropy(args: argparse.Namespace) -> int:
    """Print (and optionally submit) fresh entropy from the operating system's CSPRNG."""
    if not MIN_ENTROPY_HEX // 2 <= args.bytes <= 512:
        print("etender draw entropy: --bytes must be 16 to 512", file=sys.stderr)
        return EXIT_UNREADABLE
    value = secrets.token_hex(args.bytes)
    print(value)
    if not args.server:
        return EXIT_OK
    try:
        checked = _checked_commit(args)
    except (OSError, httpx.HTTPError, DrawError) as exc:
        message = exc.message if isinstance(exc, DrawError) else str(exc)
        print(f"etender draw entropy: not submitted: {message}", file=sys.stderr)
        return EXIT_DISCREPANCY
    body: dict[str, Any] = {
        "round": args.round,
        "entropy": value,
        "commit_hash": checked.commit_hash,
        "checkpoint_size": checked.checkpoint_size,
    }
    if args.cert is not None or args.key is not None:
        try:
            body |= _signed_statement(args, body)
        except (OSError, ValueError, SigningError) as exc:
            print(f"etender draw entropy: cannot sign: {exc}", file=sys.stderr)
            return EXIT_UNREADABLE
    return _submit(args, "entropy", body)


def _signed_statement(args: argparse.Namespace, body: dict[str, Any]) -> dict[str, str]:
    """The statement of the contribution, CMS-signed with the contributor's own key."""
    if args.cert is None or args.key is None:
        raise ValueError("--cert and --key go together")
    statement = EntropyStatement(draw_id=args.draw, **body)
    cert = load_pem_certificates(args.cert.read_bytes())[0]
    key = load_pem_private_key(args.key.read_bytes())
    chain = load_pem_certificates(args.chain.read_bytes()) if args.chain else ()
    signature = statement.sign(cert, key, chain)
    return {
        "statement": base64.b64encode(statement.to_bytes()).decode(),
        "signature": base64.b64encode(signature).decode(),
    }


def _key(value: str) -> str:
    path = Path(value)
    return path.read_text(encoding="ascii").strip() if path.is_file() else value.strip()


def _checked_commit(args: argparse.Namespace) -> CheckedCommit:
    """Fetch the commit proof (waiting for a covering checkpoint) and check it here."""
    server = args.server.rstrip("/")
    token = read_token(args, [args.server])
    headers = {"Authorization": f"Bearer {token}"} if token else {}  # "Bearer " is refused
    if args.log_key:
        log_vkey = _key(args.log_key)
    else:
        log_vkey = httpx.get(f"{server}/api/v1/log/key").raise_for_status().text.strip()
        print("warning: log key fetched from the server itself; pin it with --log-key",
              file=sys.stderr)  # fmt: skip
    deadline = time.monotonic() + args.wait
    while True:
        response = httpx.get(f"{server}/api/v1/draws/{args.draw}/commit", headers=headers)
        waiting = response.status_code == 409 and "draw_commit_not_checkpointed" in response.text
        if not waiting or time.monotonic() >= deadline:
            break
        print("waiting for a signed checkpoint to cover the commit…", file=sys.stderr)
        time.sleep(1.0)
    if response.status_code != 200:
        raise DrawCommitProofInvalid(f"no commit proof: {response.text[:500]}")
    return check_commit_proof(
        response.json(),
        draw_id=args.draw,
        log_vkey=log_vkey,
        witness_vkeys=[_key(w) for w in args.witness],
    )


def _statement_bytes(path: Path) -> bytes:
    raw = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    # A statement copied from the page may be base64 or have a trailing newline.
    text = raw.strip()
    if not text.startswith(b"{"):
        text = base64.b64decode(text, validate=True)
    return text


def run_respond(args: argparse.Namespace) -> int:
    """Sign a draw-response statement with the expert's own key."""
    try:
        body = _statement_bytes(args.statement)
        statement = DrawResponse.from_bytes(body)
        cert = load_pem_certificates(args.cert.read_bytes())[0]
        key = load_pem_private_key(args.key.read_bytes())
        chain = load_pem_certificates(args.chain.read_bytes()) if args.chain else ()
        signature = statement.sign(cert, key, chain)
    except (OSError, ValueError, DrawResponseInvalid, SigningError) as exc:
        message = getattr(exc, "message", str(exc))
        print(f"etender draw respond: {message}", file=sys.stderr)
        return EXIT_UNREADABLE
    encoded = base64.b64encode(signature).decode()
    print(f"{statement.decision} {statement.draw_id} {statement.expert_id}", file=sys.stderr)
    print(encoded)
    if args.server:
        payload = {"statement": base64.b64encode(body).decode(), "signature": encoded}
        return _submit(args, "answers", payload)
    return EXIT_OK
