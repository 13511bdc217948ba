"""``etender session sign``: sign the committee's report, refuse it, or dissent.

The report to sign is the one the session last announced: the latest ``report.drafted``
event (``{"sha256", "version", "cause"}``, docs/formats/evaluation-report.md) among the
events up to a fresh snapshot. Its bytes come from the HTTP API
(``GET /api/v1/evaluations/{session}/report``); this client signs them only if their
SHA-256 is the announced one, with a CMS detached signature (signing.cms, openssl-
verifiable) by the member's key, which never leaves the machine; it keeps the bytes and
the signature in the state directory (records.save_report) and sends ``sign_report``
``{sha256, signature}``. ``--refuse [--reason TEXT]`` sends ``refuse_report`` (without a
reason a refusal counts as agreement, Reg. 53); ``--dissent TEXT`` sends ``dissent``
(the report is redrafted: sign the new version afterwards). Run again, each sends the
stored command for that report again (the same id: the server answers as the first time).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import re
from uuid import UUID

import httpx

from client.console import fail
from client.http import api_error
from client.session.commands.common import (
    add_connection_arguments,
    catch_up,
    emit,
    open_store,
    run,
    session_socket,
    token_of,
)
from client.session.commands.score import add_signer_arguments, read_signer
from client.session.errors import (
    ReportHashMismatch,
    ReportNotDrafted,
    SessionCommandRefused,
    SessionUnreachable,
)
from client.session.protocol import Event, http_base
from client.session.records import save_report
from client.session.sealing import Signer
from client.session.socket import SessionSocket
from client.session.state import StateStore, StoredCommand
from signing.cms import sign_detached
from signing.sheets import b64url_encode

_SHA256 = re.compile(r"[0-9a-f]{64}")
REPORT_DRAFTED = "report.drafted"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``sign``'s arguments."""
    add_connection_arguments(parser)
    add_signer_arguments(parser, required=False)
    parser.add_argument(
        "--sha256", help="sign only if the session's current report has this SHA-256 (hex)"
    )
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument("--refuse", action="store_true", help="refuse to sign the report")
    choice.add_argument("--dissent", metavar="TEXT", help="record your dissent in your words")
    parser.add_argument("--reason", metavar="TEXT", help="with --refuse: your written reason")


def cmd_sign(args: argparse.Namespace) -> int:
    """Sign, refuse or dissent."""
    if args.reason is not None and not args.refuse:
        return fail("--reason goes with --refuse")
    signer = None
    if not args.refuse and args.dissent is None:
        if args.cert is None or args.key is None:
            return fail("signing the report needs --cert and --key")
        signer = read_signer(args.cert, args.key)
    store = open_store(args)
    answer = Answer(refuse=args.refuse, reason=args.reason, dissent=args.dissent, signer=signer)
    sock = session_socket(args, store, after=0)
    return run(sign(sock, store, answer, fetch=ReportFetcher(args.server, token_of(args)),
                    expected=args.sha256))  # fmt: skip


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Answer:
    """What the member answers the report with: a signature, a refusal or a dissent."""

    refuse: bool = False
    reason: str | None = None
    dissent: str | None = None
    signer: Signer | None = None


class ReportFetcher:
    """The report's bytes from the HTTP API of the first server that answers."""

    def __init__(self, servers: list[str], token: str) -> None:
        self.servers, self.token = servers, token

    async def __call__(self, session: UUID) -> bytes:
        headers = {"Authorization": f"Bearer {self.token}"}
        failures = []
        async with httpx.AsyncClient(headers=headers, timeout=60.0) as client:
            for server in self.servers:
                url = f"{http_base(server)}/api/v1/evaluations/{session}/report"
                try:
                    response = await client.get(url)
                except httpx.TransportError as exc:
                    failures.append(f"{server}: {exc}")
                    continue
                if response.status_code >= 400:
                    error = api_error(response)
                    raise SessionCommandRefused(
                        f"the server refused the report: {error}",
                        details={"command": "GET report", "code": error.code},
                    )
                return response.content
        raise SessionUnreachable(f"no server gave the report ({'; '.join(failures)})")


def announced(events: list[Event]) -> str:
    """The SHA-256 of the report the session announced last."""
    found = [e.data.get("sha256") for e in events if e.kind == REPORT_DRAFTED]
    if not found or not isinstance(found[-1], str) or not _SHA256.fullmatch(found[-1]):
        raise ReportNotDrafted("the session has announced no report to sign yet")
    return found[-1]


async def sign(
    sock: SessionSocket,
    store: StateStore,
    answer: Answer,
    *,
    fetch: ReportFetcher,
    expected: str | None = None,
) -> int:
    """Catch up, check the report, then send the member's answer to it."""
    async with sock:
        sha256 = announced(await catch_up(sock, store))
        if expected is not None and expected.lower() != sha256:
            raise ReportHashMismatch(
                f"the session's current report is {sha256}, not {expected.lower()}"
            )
        command = await _command(store, answer, sha256, fetch)
        ack = await sock.call(command)
    emit({"report": sha256, "answer": command.type, "command": command.id, "seq": ack.seq})
    return 0


async def _command(
    store: StateStore, answer: Answer, sha256: str, fetch: ReportFetcher
) -> StoredCommand:
    if answer.refuse:
        data = {} if answer.reason is None else {"reason": answer.reason}
        return store.command(f"refuse_report:{sha256}", "refuse_report", data)
    if answer.dissent is not None:
        words = hashlib.sha256(answer.dissent.encode()).hexdigest()[:16]
        return store.command(f"dissent:{sha256}:{words}", "dissent", {"text": answer.dissent})
    purpose = f"sign_report:{sha256}"
    stored = store.load().by_purpose(purpose)
    if stored is not None:
        return stored  # signed before: the same frame again
    assert answer.signer is not None
    report = await fetch(store.session)
    got = hashlib.sha256(report).hexdigest()
    if got != sha256:
        raise ReportHashMismatch(
            f"the report the server gave hashes to {got}, not the announced {sha256}: not signed"
        )
    signer = answer.signer
    signature = sign_detached(report, signer.cert, signer.key, chain=signer.chain)
    save_report(store, sha256, report, signature)
    data = {"sha256": sha256, "signature": b64url_encode(signature)}
    return store.command(purpose, "sign_report", data)
