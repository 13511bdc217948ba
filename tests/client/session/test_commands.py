"""``etender session join|score|reveal|sign`` against a real server running the stand-in
evaluation kind (tests/client/session/stand_in.py): real sockets, real sealing and
signatures, checked by the server side with signing.sheets and signing.cms."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import uuid
from pathlib import Path

import pytest

from client.session.commands.common import catch_up, current_phase
from client.session.commands.join import join
from client.session.commands.reveal import reveal
from client.session.commands.score import read_signer, score, submit
from client.session.commands.sign import Answer, ReportFetcher, sign
from client.session.entries import parse_findings
from client.session.errors import (
    ReportHashMismatch,
    ReportNotDrafted,
    RevealTooEarly,
    SheetAlreadySubmitted,
)
from client.session.records import load_sheets
from client.session.sealing import Signer, seal_findings
from client.session.socket import RetryPolicy, SessionSocket
from client.session.state import StateStore
from signing import sheets
from signing.certs import Identity, dump_pem_certificate
from signing.demo_ca import DemoCA
from tests.client.session.stand_in import StandInEvaluation
from tests.conftest import LiveServer
from tests.signing.conftest import OpenSSL
from tests.web.live.echo import connect, receive

BIDS = [uuid.UUID(int=0xB1D1), uuid.UUID(int=0xB1D2)]
SCORES = [
    {"bid": str(BIDS[0]), "item": "1.1", "points": 850},
    {"bid": str(BIDS[1]), "item": "1.1", "points": 700},
]


def member_socket(
    store: StateStore, server: LiveServer, token: str, after: int = 0
) -> SessionSocket:
    """The member's socket to the one server, errors on a list."""
    retry = RetryPolicy(give_up=20.0, answer_timeout=30.0)
    return SessionSocket(
        store, [server.url], token, after=after, kind="evaluation", retry=retry, warn=[].append
    )


async def lever(
    server: LiveServer, session: uuid.UUID, token: str, command: str, **data: object
) -> None:
    """The test moves the session (the host's or the chair's commands, in the stand-in);
    a query (``snapshot``) is answered instead of acknowledged."""
    async with await connect(server, session, token) as ws:
        await ws.send(
            json.dumps({"id": f"lever-{uuid.uuid4().hex[:8]}", "type": command, "data": data})
        )
        await receive(ws, "answer" if command == "snapshot" else "ack")


def signer_of(member: Identity) -> Signer:
    return Signer(cert=member.certificate, key=member.key, chain=member.chain)


def sealed_scores(store: StateStore, member: Identity, scores: list[dict[str, object]], **kw: bool):  # type: ignore[no-untyped-def]
    return seal_findings(
        store, "scoring", parse_findings(scores, "scoring"), signer_of(member), seat=3, **kw
    )


async def test_join_prints_the_events_up_to_a_snapshot_and_the_next_run_only_newer_ones(
    live_server: LiveServer,
    evaluation_id: uuid.UUID,
    tokens: list[str],
    tmp_path: Path,
) -> None:
    """JSON lines as received, the snapshot's answer last (its seq: the session's, as
    the view was read; it is no event); the state's seq is the last event's: no line
    twice."""
    await lever(live_server, evaluation_id, tokens[1], "advance", phase="scoring")
    store = StateStore(tmp_path / "state", evaluation_id)
    out = io.StringIO()
    await join(member_socket(store, live_server, tokens[0], store.load().seq), store, out=out)
    first = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(e["seq"], e["kind"]) for e in first] == [(1, "session.phase"), (1, "snapshot")]
    assert first[1]["type"] == "answer"
    assert store.load().seq == 1
    await lever(live_server, evaluation_id, tokens[1], "advance", phase="scoring_reveal")
    out = io.StringIO()
    await join(member_socket(store, live_server, tokens[0], store.load().seq), store, out=out)
    again = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(e["seq"], e["kind"], e["data"]) for e in again] == [
        (2, "session.phase", {"phase": "scoring_reveal"}),
        (2, "snapshot", {"phase": "scoring_reveal", "you": {"seat": 1, "generation": 1}}),
    ]


async def test_join_follow_stops_at_the_until_phase(
    live_server: LiveServer, evaluation_id: uuid.UUID, tokens: list[str], tmp_path: Path
) -> None:
    """--until signing: the line of that phase is the last one printed."""
    store = StateStore(tmp_path / "state", evaluation_id)
    out = io.StringIO()
    following = asyncio.ensure_future(
        join(
            member_socket(store, live_server, tokens[0]),
            store,
            out=out,
            follow=True,
            until="signing",
        )
    )
    for phase in ("scoring_reveal", "ranking", "signing", "closed"):
        await lever(live_server, evaluation_id, tokens[1], "advance", phase=phase)
    assert await following == 0
    phases = [json.loads(line)["data"]["phase"] for line in out.getvalue().splitlines()]
    assert phases[-1] == "signing"
    assert "closed" not in phases


async def test_score_then_reveal_opens_exactly_the_signed_sheet(
    live_server: LiveServer,
    evaluation: StandInEvaluation,
    evaluation_id: uuid.UUID,
    tokens: list[str],
    tmp_path: Path,
    member: Identity,
) -> None:
    """Sealed and signed here, verified there by commitment alone; the key goes only in
    the reveal phase, and opens the sheet whose entries the member wrote."""
    store = StateStore(tmp_path / "state", evaluation_id)
    sealed = sealed_scores(store, member, SCORES)
    assert await submit(member_socket(store, live_server, tokens[0]), sealed) == 0
    assert len(evaluation.sealed) == 1
    with pytest.raises(RevealTooEarly, match="'scoring'"):
        await reveal(member_socket(store, live_server, tokens[0]), store, "scoring")
    assert evaluation.revealed == {}
    assert all(c.type != "reveal" for c in store.load().commands)  # the key never left
    await lever(live_server, evaluation_id, tokens[1], "advance", phase="scoring_reveal")
    assert await reveal(member_socket(store, live_server, tokens[0]), store, "scoring") == 0
    [opened] = evaluation.revealed.values()
    assert opened == sealed.record.sheet
    assert [(str(e.bid), e.item, e.points) for e in sheets.parse_sheet(opened).entries] == [  # type: ignore[union-attr]
        (s["bid"], s["item"], s["points"]) for s in SCORES
    ]


async def test_score_takes_the_seat_and_generation_from_the_sessions_snapshot(
    live_server: LiveServer,
    evaluation: StandInEvaluation,
    evaluation_id: uuid.UUID,
    tokens: list[str],
    tmp_path: Path,
    member: Identity,
) -> None:
    """Neither the file nor an option names them: the snapshot's ``you`` does."""
    await lever(live_server, evaluation_id, tokens[1], "snapshot")  # someone else is seat 1
    store = StateStore(tmp_path / "state", evaluation_id)
    findings = parse_findings(SCORES, "scoring")
    sock = member_socket(store, live_server, tokens[0])
    assert await score(sock, store, "scoring", findings, signer_of(member)) == 0
    [record] = load_sheets(store, "scoring")
    assert (record.parsed.seat, record.parsed.generation) == (2, 1)


async def test_score_again_resends_the_same_frame_and_other_findings_need_a_new_version(
    live_server: LiveServer,
    evaluation: StandInEvaluation,
    evaluation_id: uuid.UUID,
    tokens: list[str],
    tmp_path: Path,
    member: Identity,
) -> None:
    """The same findings: the stored frame again (one sheet there). Other findings:
    refused, unless --new-version seals version 2, whose key the reveal releases."""
    store = StateStore(tmp_path / "state", evaluation_id)
    first = sealed_scores(store, member, SCORES)
    await submit(member_socket(store, live_server, tokens[0]), first)
    again = sealed_scores(store, member, list(reversed(SCORES)))
    assert again.again
    assert (again.command.id, again.command.frame) == (first.command.id, first.command.frame)
    await submit(member_socket(store, live_server, tokens[0]), again)
    assert len(next(iter(evaluation.sealed.values()))) == 1
    changed = [dict(SCORES[0], points=900), SCORES[1]]
    with pytest.raises(SheetAlreadySubmitted, match="--new-version"):
        sealed_scores(store, member, changed)
    second = sealed_scores(store, member, changed, new_version=True)
    assert second.record.parsed.version == 2
    await submit(member_socket(store, live_server, tokens[0]), second)
    await lever(live_server, evaluation_id, tokens[1], "advance", phase="scoring_reveal")
    await reveal(member_socket(store, live_server, tokens[0]), store, "scoring")
    assert next(iter(evaluation.revealed.values())) == second.record.sheet
    assert [r.parsed.version for r in load_sheets(store, "scoring")] == [1, 2]


async def test_a_sheet_sent_before_a_crash_is_still_revealed(
    live_server: LiveServer,
    evaluation: StandInEvaluation,
    evaluation_id: uuid.UUID,
    tokens: list[str],
    tmp_path: Path,
    member: Identity,
) -> None:
    """The key was on disk before the frame left; the process died before the ack. The
    reveal run resends the stored submit (answered as the first time), then the key."""
    store = StateStore(tmp_path / "state", evaluation_id)
    sealed = sealed_scores(store, member, SCORES)
    async with await connect(live_server, evaluation_id, tokens[0]) as dying:
        await dying.send(sealed.command.frame)
        await receive(dying, "ack")  # applied; this client never recorded it
    assert store.load().unanswered() == (sealed.command,)
    await lever(live_server, evaluation_id, tokens[1], "advance", phase="scoring_reveal")
    restarted = StateStore(tmp_path / "state", evaluation_id)
    assert await reveal(member_socket(restarted, live_server, tokens[0]), restarted, "scoring") == 0
    assert next(iter(evaluation.revealed.values())) == sealed.record.sheet
    assert len(next(iter(evaluation.sealed.values()))) == 1
    assert restarted.load().unanswered() == ()


async def test_sign_checks_the_announced_sha256_and_signs_openssl_verifiable_cms(
    live_server: LiveServer,
    evaluation: StandInEvaluation,
    evaluation_id: uuid.UUID,
    tokens: list[str],
    tmp_path: Path,
    member: Identity,
    demo_ca: DemoCA,
    openssl: OpenSSL,
) -> None:
    """The bytes from GET …/report hash to report.drafted's sha256; the signature the
    server receives, and the copy kept, verify with `openssl cms -verify -binary`."""
    store = StateStore(tmp_path / "state", evaluation_id)
    fetch = ReportFetcher([live_server.url], tokens[0])
    with pytest.raises(ReportNotDrafted):
        await sign(member_socket(store, live_server, tokens[0]), store, Answer(), fetch=fetch)
    report = json.dumps({"ranking": [str(BIDS[0])]}, separators=(",", ":"))
    await lever(live_server, evaluation_id, tokens[1], "draft_report", report=report)
    answer = Answer(signer=signer_of(member))
    assert await sign(member_socket(store, live_server, tokens[0]), store, answer, fetch=fetch) == 0
    [signature] = evaluation.signatures.values()
    sha256 = hashlib.sha256(evaluation.report).hexdigest()
    kept = store.directory / "reports" / f"{sha256}.p7s"
    assert kept.read_bytes() == signature
    (tmp_path / "root.pem").write_bytes(dump_pem_certificate(demo_ca.root_cert))
    verified = openssl(
        "cms", "-verify", "-binary", "-inform", "DER", "-in", str(kept),
        "-content", str(store.directory / "reports" / f"{sha256}.json"),
        "-CAfile", str(tmp_path / "root.pem"), "-purpose", "any", "-out", "/dev/null",
    )  # fmt: skip
    assert verified.returncode == 0, verified.stderr


async def test_sign_refuses_report_bytes_that_are_not_the_announced_ones(
    live_server: LiveServer,
    evaluation: StandInEvaluation,
    evaluation_id: uuid.UUID,
    tokens: list[str],
    tmp_path: Path,
    member: Identity,
) -> None:
    """A server handing other bytes than it announced gets no signature at all."""
    store = StateStore(tmp_path / "state", evaluation_id)
    await lever(live_server, evaluation_id, tokens[1], "draft_report", report='{"a":1}')
    evaluation.report = b'{"a":2}'  # the route now serves something else
    fetch = ReportFetcher([live_server.url], tokens[0])
    with pytest.raises(ReportHashMismatch, match="not signed"):
        await sign(
            member_socket(store, live_server, tokens[0]),
            store,
            Answer(signer=signer_of(member)),
            fetch=fetch,
        )
    assert evaluation.signatures == {}
    assert all(c.type != "sign_report" for c in store.load().commands)
    with pytest.raises(ReportHashMismatch, match="current report"):
        await sign(
            member_socket(store, live_server, tokens[0]),
            store,
            Answer(refuse=True),
            fetch=fetch,
            expected="0" * 64,
        )


async def test_refuse_and_dissent_send_their_commands_once(
    live_server: LiveServer, evaluation_id: uuid.UUID, tokens: list[str], tmp_path: Path
) -> None:
    """refuse_report {reason}; dissent {text}; run twice, one event each."""
    store = StateStore(tmp_path / "state", evaluation_id)
    fetch = ReportFetcher([live_server.url], tokens[0])
    await lever(live_server, evaluation_id, tokens[1], "draft_report", report="{}")
    for _ in range(2):
        await sign(
            member_socket(store, live_server, tokens[0]),
            store,
            Answer(refuse=True, reason="价格计算有误"),
            fetch=fetch,
        )
        await sign(
            member_socket(store, live_server, tokens[0]),
            store,
            Answer(dissent="我不同意排名"),
            fetch=fetch,
        )
    sock = member_socket(store, live_server, tokens[0])
    async with sock:
        events = await catch_up(sock, store)
    kinds = [
        (e.kind, e.data)
        for e in events
        if e.kind.startswith("report.") and e.kind != "report.drafted"
    ]
    assert kinds == [
        ("report.refused", {"reason": "价格计算有误"}),
        ("report.dissent", {"text": "我不同意排名"}),
    ]
    assert current_phase(events) == "signing"


def test_the_members_key_file_is_read_with_its_chain(
    tmp_path: Path, member_files: tuple[Path, Path], member: Identity
) -> None:
    """--cert holds the certificate and its chain; --key the private key."""
    signer = read_signer(*member_files)
    assert signer.cert == member.certificate
    assert list(signer.chain) == list(member.chain)
