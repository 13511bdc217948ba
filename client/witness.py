"""``etender witness``: an independent process that cosigns the platform's checkpoints.

A supervising department or a county sub-centre runs it on its own machine with its
own key (DESIGN.md, "Transparency log"). It polls the newest checkpoint, checks the
log's signature against the pinned log key, checks consistency with the last tree it
cosigned, and only then submits a cosignature. A fork or a rollback is refused, said
on stderr, and never cosigned; the state file keeps the last good checkpoint.
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from client.console import fail
from signing.log.checkpoint import Checkpoint, Cosigner, generate_private_key, open_checkpoint
from signing.log.errors import AuditError, WitnessRefusal
from signing.log.note import Ed25519Verifier
from signing.log.witness import WitnessState, witness_step


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``etender witness``."""
    parser = sub.add_parser(
        "witness",
        help="cosign the platform's log checkpoints as an independent witness",
        description="Poll a server's checkpoints, verify them and submit cosignatures. "
        "Create a key first with --new-key NAME; register the printed vkey with the "
        "platform (etender audit add-witness).",
    )
    parser.add_argument("--key", required=True, type=Path, help="witness key file (secret)")
    parser.add_argument("--new-key", metavar="NAME", help="create a key named NAME and exit")
    parser.add_argument("--server", help="platform base URL, e.g. https://etender.example")
    parser.add_argument("--log-key", help="the platform's log vkey, or a file holding it")
    parser.add_argument("--state", type=Path, help="state file (default: KEY.state)")
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between polls")
    parser.add_argument("--once", action="store_true", help="poll once and exit")
    parser.set_defaults(func=cmd_witness)


def cmd_witness(args: argparse.Namespace) -> int:
    """Create a key, or poll and cosign until stopped."""
    if args.new_key:
        return _new_key(args.key, args.new_key)
    if not args.server or not args.log_key:
        return fail("--server and --log-key are required to witness a log")
    cosigner = Cosigner.from_skey(args.key.read_text(encoding="ascii").strip())
    log_key = _read_vkey(args.log_key)
    verifier = Ed25519Verifier.from_vkey(log_key)
    state_path: Path = args.state or args.key.with_suffix(".state")
    with httpx.Client(base_url=args.server.rstrip("/"), timeout=30) as client:
        while True:
            code = _poll(client, verifier, cosigner, state_path)
            if args.once:
                return code
            time.sleep(args.interval)


def _new_key(path: Path, name: str) -> int:
    if path.exists():
        return fail(f"{path} exists; refusing to overwrite a key")
    cosigner = Cosigner(name=name, private_key=generate_private_key())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(cosigner.to_skey() + "\n")
    print(cosigner.verifier().to_vkey())
    return 0


def _read_vkey(value: str) -> str:
    path = Path(value)
    return path.read_text(encoding="ascii").strip() if path.is_file() else value.strip()


def _load_state(path: Path, verifier: Ed25519Verifier) -> WitnessState:
    if not path.exists():
        return WitnessState.initial(verifier.name)
    checkpoint, _ = open_checkpoint(path.read_text(encoding="utf-8"), verifier)
    return WitnessState.from_checkpoint(checkpoint)


def _poll(
    client: httpx.Client, verifier: Ed25519Verifier, cosigner: Cosigner, state_path: Path
) -> int:
    """One round: fetch, verify, cosign, submit. 0 done, 1 refused, 2 unreachable."""
    try:
        state = _load_state(state_path, verifier)
        note = client.get("/api/v1/log/checkpoint").raise_for_status().text
        checkpoint = Checkpoint.from_body(note.split("\n\n", 1)[0] + "\n")
        proof = _consistency(client, state.size, checkpoint.size)
        new_state, line = witness_step(state, note, proof, verifier, cosigner, datetime.now(UTC))
        client.post(
            "/api/v1/log/cosignatures",
            json={"checkpoint_size": new_state.size, "cosignature": line},
        ).raise_for_status()
    except WitnessRefusal as exc:
        print(f"etender witness: REFUSED ({exc.code}): {exc.message}", file=sys.stderr)
        return 1
    except AuditError as exc:
        print(f"etender witness: invalid checkpoint ({exc.code}): {exc.message}", file=sys.stderr)
        return 1
    except httpx.HTTPStatusError as exc:  # the platform refused: say its code and why
        code, message = _refusal(exc.response)
        print(f"etender witness: REFUSED by the server ({code}): {message}", file=sys.stderr)
        return 1
    except httpx.HTTPError as exc:
        print(f"etender witness: server unreachable: {exc}", file=sys.stderr)
        return 2
    _save_state(state_path, note)
    print(f"etender witness: cosigned size {new_state.size}")
    return 0


def _refusal(response: httpx.Response) -> tuple[str, str]:
    """The error body's code and message (docs/api-errors.md), else the bare status."""
    try:
        error = response.json()["error"]
        return str(error["code"]), str(error["message"])
    except (ValueError, KeyError, TypeError):
        return f"http_{response.status_code}", response.reason_phrase


def _consistency(client: httpx.Client, first: int, second: int) -> list[bytes]:
    if first == 0 or first >= second:
        return []
    response = client.get(
        "/api/v1/log/proof/consistency", params={"first": first, "second": second}
    ).raise_for_status()
    return [base64.b64decode(h) for h in response.json()["hashes"]]


def _save_state(path: Path, note: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(note, encoding="utf-8")
    os.replace(tmp, path)
