"""Dissent and refusal (Reg. 53; DOMAIN.md, "Evaluation").

Dissent is written into the report in the member's words, as a new version; signatures
of the earlier version no longer count. A member may refuse to sign: with a written
reason it is a refusal, without one it counts as agreement — recorded so either way.
"""

from __future__ import annotations

import json

import asyncpg

from evaluation.events import EvaluationEvent
from evaluation.model import Phase
from evaluation.report import queries
from signing.canonical import sha256_hex
from signing.cms import sign_detached
from tests.evaluation.report.kit import Kit, b64url

WORDS = "本人认为投标人3的施工组织设计存在重大缺陷，不同意其排名第一。"


async def drafted(kit: Kit) -> queries.StoredReport:
    await kit.run("rank", kit.person(1).actor)
    await kit.run("draft_report", kit.person(1).actor)
    report = await queries.current_report(kit.conn, kit.state.id)
    assert report is not None
    return report


async def sign(kit: Kit, seat: int, report: queries.StoredReport) -> None:
    who = kit.person(seat).identity
    signature = sign_detached(report.body, who.certificate, who.key, chain=who.chain)
    await kit.run(
        "sign_report",
        kit.person(seat).actor,
        {"sha256": report.sha256, "signature": b64url(signature)},
    )


async def test_a_dissent_is_written_into_a_new_version_in_the_members_words(kit: Kit) -> None:
    first = await drafted(kit)
    emits = await kit.run("dissent", kit.person(3).actor, {"text": WORDS})
    second = await queries.current_report(kit.conn, kit.state.id)
    assert second is not None
    assert second.version == 2
    body = json.loads(second.body)
    assert [(d["seat"], d["text"]) for d in body["dissents"]] == [(3, WORDS)]
    assert json.loads(first.body)["dissents"] == []
    assert emits[0].data == {"sha256": second.sha256, "version": 2, "cause": "dissent"}
    assert [(e.kind, e.audience) for e in emits[1:]] == [("report.dissent", "role:panel")]
    # The public log holds the hash of the words, never the words.
    kind, data = kit.ops.logged[-1]
    assert kind is EvaluationEvent.REPORT_DRAFTED
    assert data["dissent_sha256"] == sha256_hex(WORDS.encode())
    assert WORDS not in json.dumps(data, ensure_ascii=False)


async def test_signatures_of_an_earlier_version_no_longer_count(kit: Kit) -> None:
    """Five sign version 1, one dissents: version 2 needs everyone again."""
    first = await drafted(kit)
    for seat in range(1, 6):
        await sign(kit, seat, first)
    await kit.run("dissent", kit.person(6).actor, {"text": WORDS})
    second = await queries.current_report(kit.conn, kit.state.id)
    assert second is not None
    assert await queries.answers(kit.conn, kit.state.id, second.version) == []
    assert kit.phase_now() is Phase.SIGNING
    for seat in range(1, 7):
        await sign(kit, seat, second)
    assert kit.phase_now() is Phase.CLOSED
    result = await queries.result(kit.conn, kit.state.id)
    assert result is not None
    assert (result.version, result.report_sha256) == (2, second.sha256)


async def test_a_refusal_without_a_written_reason_counts_as_agreement(
    kit: Kit, conn: asyncpg.Connection
) -> None:
    """Reg. 53: recorded as a refusal counted as agreement; the session still closes."""
    report = await drafted(kit)
    for seat in range(1, 6):
        await sign(kit, seat, report)
    emits = await kit.run("refuse_report", kit.person(6).actor, {})
    assert emits[0].data == {"seat": 6, "version": 1, "counted_as_agreement": True}
    answers = await queries.answers(conn, kit.state.id, 1)
    assert [(a.seat, a.signed, a.counted_as_agreement, a.reason) for a in answers][-1] == (
        6,
        False,
        True,
        None,
    )
    assert kit.phase_now() is Phase.CLOSED
    assert [e.kind for e in emits][-1] == "session.closed"


async def test_a_refusal_with_a_written_reason_is_recorded_as_a_refusal(kit: Kit) -> None:
    report = await drafted(kit)
    reason = "评分过程中未给予充分的讨论时间。"
    emits = await kit.run("refuse_report", kit.person(2).actor, {"reason": reason})
    assert emits[0].data == {"seat": 2, "version": 1, "counted_as_agreement": False}
    assert [(e.kind, e.audience, e.data) for e in emits[1:]] == [
        ("report.refusal_reason", "role:panel", {"seat": 2, "reason": reason})
    ]
    (answer,) = await queries.answers(kit.conn, kit.state.id, report.version)
    assert (answer.reason, answer.counted_as_agreement) == (reason, False)
    assert kit.phase_now() is Phase.SIGNING


async def test_the_chair_may_redraft_while_signing_and_every_answer_is_asked_again(
    kit: Kit,
) -> None:
    report = await drafted(kit)
    await sign(kit, 2, report)
    emits = await kit.run("draft_report", kit.person(1).actor)
    assert emits[0].data["cause"] == "redraft"
    assert [e.kind for e in emits] == ["report.drafted"]  # no phase change
    current = await queries.current_report(kit.conn, kit.state.id)
    assert current is not None
    assert current.version == 2
    assert await queries.answers(kit.conn, kit.state.id, 2) == []
