"""Every refusal of the report's commands: its stable code, and nothing written.

Issue 11, "Bad input": a chair action by a non-chair, a command out of its phase, a
signature by another member's certificate, a stale or malformed report hash … each is
refused with its code; the report tables, the log and the phase are unchanged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest

from accounts.model import Actor
from evaluation.errors import EvaluationError
from evaluation.model import Phase, SheetPhase
from evaluation.report import queries
from signing.cms import sign_detached
from signing.demo_ca import issue_identity
from tests.evaluation.report.kit import Kit, b64url, counts
from tests.evaluation.report.standard import scoring_entries
from tests.tender.world import register_certificate


async def refused(
    kit: Kit, command: str, actor: Actor, data: Mapping[str, Any] | None, code: str
) -> None:
    """The command is refused with ``code`` and changes nothing."""
    before, logged, state = await counts(kit.conn), list(kit.ops.logged), kit.state
    with pytest.raises(EvaluationError) as info:
        await kit.run(command, actor, data)
    assert info.value.code == code, info.value.message
    assert await counts(kit.conn) == before
    assert kit.ops.logged == logged
    assert kit.state == state


async def drafted(kit: Kit) -> queries.StoredReport:
    await kit.run("rank", kit.person(1).actor)
    await kit.run("draft_report", kit.person(1).actor)
    report = await queries.current_report(kit.conn, kit.state.id)
    assert report is not None
    return report


def signed_by(kit: Kit, seat: int, body: bytes) -> str:
    who = kit.person(seat).identity
    return b64url(sign_detached(body, who.certificate, who.key, chain=who.chain))


# --- rank and draft: the chair's, in the ranking phase ---


async def test_rank_by_a_member_who_is_not_the_chair_is_refused(kit: Kit) -> None:
    await refused(kit, "rank", kit.person(2).actor, None, "evaluation_chair_only")


async def test_rank_by_centre_staff_is_refused_as_not_a_member(kit: Kit) -> None:
    await refused(kit, "rank", kit.world.staff, None, "evaluation_not_member")


async def test_rank_outside_the_ranking_phase_is_refused(kit: Kit) -> None:
    kit.state = dataclasses.replace(kit.state, phase=Phase.SCORING_REVEAL)
    await refused(kit, "rank", kit.person(1).actor, None, "evaluation_phase_conflict")


async def test_rank_while_paused_is_refused(kit: Kit) -> None:
    kit.state = dataclasses.replace(kit.state, paused_at=dt.datetime.now(dt.UTC))
    await refused(kit, "rank", kit.person(1).actor, None, "evaluation_paused_conflict")


async def test_the_ranking_is_announced_once(kit: Kit) -> None:
    await kit.run("rank", kit.person(1).actor)
    await refused(kit, "rank", kit.person(1).actor, None, "evaluation_ranking_done_conflict")


async def test_rank_with_a_passed_bid_still_sealed_is_refused(kit: Kit) -> None:
    """Two envelopes: a bid that passed has no price until its commercial part opens."""
    bids = list(kit.state.bids)
    bids[0] = dataclasses.replace(bids[0], price_fen=None)
    kit.state = dataclasses.replace(kit.state, bids=tuple(bids))
    await refused(kit, "rank", kit.person(1).actor, None, "evaluation_prices_sealed_conflict")


async def test_a_draft_before_the_ranking_is_refused(kit: Kit) -> None:
    code = "evaluation_ranking_missing_conflict"
    await refused(kit, "draft_report", kit.person(1).actor, None, code)


async def test_a_draft_by_a_member_who_is_not_the_chair_is_refused(kit: Kit) -> None:
    await kit.run("rank", kit.person(1).actor)
    await refused(kit, "draft_report", kit.person(3).actor, None, "evaluation_chair_only")


async def test_a_draft_whose_sheets_no_longer_give_the_ranking_is_refused(kit: Kit) -> None:
    """Nothing changes after the ranking: a sheet that did is caught, not reported."""
    await kit.run("rank", kit.person(1).actor)
    points = tuple((3000, 1000) for _ in range(3))
    data = kit.sheet(2, SheetPhase.SCORING, scoring_entries(kit, 2, points), version=2)
    reason = {"bid": str(kit.bid(0)), "item": "c1.1", "reason": "晚到的修改"}
    await kit.late_revision(2, SheetPhase.SCORING, data, [reason])
    code = "evaluation_ranking_changed_conflict"
    await refused(kit, "draft_report", kit.person(1).actor, None, code)


async def test_a_draft_when_a_member_has_no_certificate_is_refused(kit: Kit) -> None:
    """The report binds each seat to its holder's certificate: one is needed."""
    await kit.run("rank", kit.person(1).actor)
    await kit.conn.execute(
        "UPDATE user_certificates SET retired_at = clock_timestamp() WHERE user_id = $1",
        kit.person(5).user.id,
    )
    code = "evaluation_member_certificate_missing_conflict"
    await refused(kit, "draft_report", kit.person(1).actor, None, code)


# --- signing ---


async def test_a_signature_by_another_members_certificate_is_refused(kit: Kit) -> None:
    """Seat 2 presents seat 3's signature: evaluation_report_signer_mismatch."""
    report = await drafted(kit)
    data = {"sha256": report.sha256, "signature": signed_by(kit, 3, report.body)}
    await refused(
        kit, "sign_report", kit.person(2).actor, data, "evaluation_report_signer_mismatch"
    )


async def test_a_signature_by_the_members_retired_certificate_is_refused(kit: Kit) -> None:
    """Only the member's current registered certificate signs (a rotated-out key does not)."""
    report = await drafted(kit)
    old = kit.person(2).identity
    new = issue_identity(
        kit.world.ca, name="expert12", now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    )
    await register_certificate(kit.conn, kit.person(2).user.id, new)
    data = {
        "sha256": report.sha256,
        "signature": b64url(sign_detached(report.body, old.certificate, old.key, chain=old.chain)),
    }
    await refused(
        kit, "sign_report", kit.person(2).actor, data, "evaluation_report_signer_mismatch"
    )


async def test_a_signature_after_the_member_changed_certificate_asks_for_a_redraft(
    kit: Kit,
) -> None:
    report = await drafted(kit)
    new = issue_identity(
        kit.world.ca, name="expert12", now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    )
    await register_certificate(kit.conn, kit.person(2).user.id, new)
    data = {
        "sha256": report.sha256,
        "signature": b64url(sign_detached(report.body, new.certificate, new.key, chain=new.chain)),
    }
    code = "evaluation_report_certificate_changed_conflict"
    await refused(kit, "sign_report", kit.person(2).actor, data, code)


async def test_a_signature_over_other_bytes_is_refused(kit: Kit) -> None:
    report = await drafted(kit)
    data = {"sha256": report.sha256, "signature": signed_by(kit, 2, report.body + b" ")}
    await refused(
        kit, "sign_report", kit.person(2).actor, data, "evaluation_report_signature_invalid"
    )


async def test_a_signature_that_is_not_cms_is_refused(kit: Kit) -> None:
    report = await drafted(kit)
    data = {"sha256": report.sha256, "signature": b64url(b"not a signature")}
    await refused(
        kit, "sign_report", kit.person(2).actor, data, "evaluation_report_signature_invalid"
    )


async def test_a_signature_of_a_replaced_version_is_refused_as_stale(kit: Kit) -> None:
    report = await drafted(kit)
    await kit.run("dissent", kit.person(4).actor, {"text": "我不同意第一名的技术分。"})
    data = {"sha256": report.sha256, "signature": signed_by(kit, 2, report.body)}
    await refused(kit, "sign_report", kit.person(2).actor, data, "evaluation_report_stale_conflict")


@pytest.mark.parametrize(
    "data",
    [
        {"signature": "AAAA"},
        {"sha256": "AB" * 32, "signature": "AAAA"},
        {"sha256": "ab" * 32},
        {"sha256": "ab" * 32, "signature": "AAAA="},
        {"sha256": "ab" * 32, "signature": "A+/A"},
        {"sha256": "ab" * 32, "signature": ""},
        {"sha256": "ab" * 32, "signature": "A" * 100_000},
        {"sha256": "ab" * 32, "signature": 7},
    ],
    ids=[
        "no-sha256",
        "upper-hex",
        "no-signature",
        "padded",
        "not-url-safe",
        "empty",
        "oversized",
        "not-text",
    ],
)
async def test_a_malformed_sign_command_is_refused(kit: Kit, data: dict[str, Any]) -> None:
    await drafted(kit)
    await refused(kit, "sign_report", kit.person(2).actor, data, "evaluation_command_invalid")


async def test_a_member_answers_each_version_once(kit: Kit) -> None:
    report = await drafted(kit)
    data = {"sha256": report.sha256, "signature": signed_by(kit, 2, report.body)}
    await kit.run("sign_report", kit.person(2).actor, data)
    await refused(
        kit, "sign_report", kit.person(2).actor, data, "evaluation_report_answered_conflict"
    )
    await refused(
        kit, "refuse_report", kit.person(2).actor, {}, "evaluation_report_answered_conflict"
    )


async def test_a_signature_by_someone_not_on_the_committee_is_refused(kit: Kit) -> None:
    report = await drafted(kit)
    data = {"sha256": report.sha256, "signature": signed_by(kit, 2, report.body)}
    await refused(kit, "sign_report", kit.world.supervisor, data, "evaluation_not_member")


async def test_signing_before_the_signing_phase_is_refused(kit: Kit) -> None:
    await kit.run("rank", kit.person(1).actor)
    data = {"sha256": "ab" * 32, "signature": "AAAA"}
    await refused(kit, "sign_report", kit.person(2).actor, data, "evaluation_phase_conflict")


# --- dissent and refusal ---


@pytest.mark.parametrize(
    "text", ["", "   ", "x" * 4001, "a\x00b", 42], ids=["empty", "blank", "long", "nul", "int"]
)
async def test_a_dissent_that_is_not_text_of_1_to_4000_characters_is_refused(
    kit: Kit, text: object
) -> None:
    await drafted(kit)
    await refused(kit, "dissent", kit.person(2).actor, {"text": text}, "evaluation_command_invalid")


async def test_a_dissent_before_the_signing_phase_is_refused(kit: Kit) -> None:
    await refused(
        kit, "dissent", kit.person(2).actor, {"text": "不同意"}, "evaluation_phase_conflict"
    )


async def test_a_refusal_with_an_empty_reason_is_refused(kit: Kit) -> None:
    """A reason is written text or absent (absent: counted as agreement, Reg. 53)."""
    await drafted(kit)
    await refused(
        kit, "refuse_report", kit.person(2).actor, {"reason": " "}, "evaluation_command_invalid"
    )


async def test_nothing_is_answered_after_the_session_closed(kit: Kit) -> None:
    report = await drafted(kit)
    for seat in range(1, 7):
        data = {"sha256": report.sha256, "signature": signed_by(kit, seat, report.body)}
        await kit.run("sign_report", kit.person(seat).actor, data)
    assert kit.state.phase is Phase.CLOSED
    code = "evaluation_session_over_conflict"
    await refused(kit, "refuse_report", kit.person(2).actor, {}, code)
    await refused(kit, "dissent", kit.person(2).actor, {"text": "晚了"}, code)
