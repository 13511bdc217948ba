"""submit_sheet and close_phase in a sealing phase (issue 11 item 4; DESIGN.md, "Blind scoring")."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest

from evaluation.events import EvaluationEvent
from evaluation.model import MemberStatus, Phase
from signing import sheets
from signing.errors import EtenderError
from tests.evaluation.sheets.kit import Session

SCORES = {(0, "1.1"): 3000, (0, "2.1"): 2500, (1, "1.1"): 3100, (1, "2.1"): 2400}


async def refused(ev: Session, code: str, who: Any, kind: str, data: Mapping[str, Any],
                  *, now: dt.datetime | None = None) -> EtenderError:  # fmt: skip
    """The command is refused with ``code`` and nothing is written or recorded."""
    before = await ev.counts()
    with pytest.raises(EtenderError) as caught:
        await ev.send(who, kind, data, now=now)
    assert caught.value.code == code, caught.value.message
    assert await ev.counts() == before
    return caught.value


async def test_a_submitted_sheet_is_stored_sealed_and_announced_without_scores(
    ev: Session,
) -> None:
    """The row holds commitment, nonce, ciphertext and signature; the event says who and
    the commitment; the log entry names the seat."""
    data = ev.sheet(1, SCORES)
    emits = await ev.submit(1, data)
    row = await ev.conn.fetchrow("SELECT * FROM evaluation_sheets WHERE phase = 'scoring'")
    assert row is not None
    assert bytes(row["commitment"]) == sheets.commitment(data)
    assert row["plaintext"] is None
    assert row["revealed_key"] is None
    assert (row["kind"], row["version"], row["seat"]) == ("sealed", 1, 1)
    assert [(e.kind, e.audience) for e in emits] == [("sheet.submitted", "all")]
    assert emits[0].data == {
        "phase": "scoring", "seat": 1, "version": 1, "commitment": sheets.commitment(data).hex()
    }  # fmt: skip
    assert ev.ops.logs == [(EvaluationEvent.SHEET_SUBMITTED, {**emits[0].data, "generation": 1})]


async def test_a_resubmission_before_the_close_is_a_new_version_and_the_earlier_is_kept(
    ev: Session,
) -> None:
    """Resubmitting = version + 1; both rows stay."""
    await ev.submit(1, ev.sheet(1, SCORES))
    emits = await ev.submit(1, ev.sheet(1, {**SCORES, (0, "1.1"): 2900}))
    assert emits[0].data["version"] == 2
    versions = await ev.conn.fetch(
        "SELECT version FROM evaluation_sheets WHERE phase = 'scoring' ORDER BY version"
    )
    assert [r["version"] for r in versions] == [1, 2]


async def test_the_last_member_submitting_moves_the_session_to_the_reveal(ev: Session) -> None:
    """Sealing closes when every seated member has submitted."""
    for seat in (1, 2):
        await ev.submit(seat, ev.sheet(seat, SCORES))
    assert ev.ops.advanced == []
    emits = await ev.submit(3, ev.sheet(3, SCORES))
    assert ev.ops.advanced == [Phase.SCORING_REVEAL]
    assert [e.kind for e in emits] == ["sheet.submitted", "session.phase"]


async def test_a_sheet_after_the_phase_deadline_is_refused(ev: Session) -> None:
    """Bad input: a sheet after the phase closed → sheet_phase_closed_conflict."""
    assert ev.state.phase_deadline is not None
    data = ev.sealed(1, ev.sheet(1, SCORES)).submit_data()
    await refused(ev, "sheet_phase_closed_conflict", 1, "submit_sheet", data,
                  now=ev.state.phase_deadline)  # fmt: skip


async def test_a_sheet_signed_with_another_members_certificate_is_refused(ev: Session) -> None:
    """Bad input: a signature by another member's certificate → sheet_signer_mismatch."""
    data = ev.sealed(1, ev.sheet(1, SCORES), signer=2).submit_data()
    await refused(ev, "sheet_signer_mismatch", 1, "submit_sheet", data)


async def test_a_retired_certificate_signs_no_sheet(ev: Session) -> None:
    """Only the member's current registered certificate counts."""
    from signing.demo_ca import issue_identity
    from tests.tender.world import register_certificate

    old = ev.seats[0].identity
    new = issue_identity(ev.world.ca, name="专家1", now=ev.now - dt.timedelta(hours=1))
    await register_certificate(ev.conn, ev.seats[0].actor.user_id, new)
    data = ev.sealed(1, ev.sheet(1, SCORES)).submit_data()  # signed with ``old``
    assert ev.seats[0].identity is old
    await refused(ev, "sheet_signer_mismatch", 1, "submit_sheet", data)


async def test_a_signature_of_another_sheet_than_the_commitment_is_refused(ev: Session) -> None:
    """The signature's messageDigest must be the commitment (sheet_signature_mismatch)."""
    data = ev.sealed(1, ev.sheet(1, SCORES)).submit_data()
    other = ev.sealed(1, ev.sheet(1, SCORES, version=2)).submit_data()
    await refused(ev, "sheet_signature_mismatch", 1, "submit_sheet",
                  {**data, "signature": other["signature"]})  # fmt: skip


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("commitment", "AAAA="),
        ("nonce", "+/+/+/+/+/+/+/+/"),
        ("ciphertext", "A"),
        ("signature", "not base64!"),
        ("commitment", sheets.b64url_encode(b"x" * 31)),
        ("nonce", sheets.b64url_encode(b"x" * 13)),
    ],
)
async def test_malformed_base64url_or_wrong_sizes_are_refused(
    ev: Session, name: str, value: str
) -> None:
    """Bad input: malformed base64url, padding, wrong sizes → sheet_encoding_invalid."""
    data = {**ev.sealed(1, ev.sheet(1, SCORES)).submit_data(), name: value}
    await refused(ev, "sheet_encoding_invalid", 1, "submit_sheet", data)


async def test_an_oversized_ciphertext_is_refused_before_decoding(ev: Session) -> None:
    """Bad input: over 1 MiB of ciphertext → sheet_too_large (413)."""
    data = ev.sealed(1, ev.sheet(1, SCORES)).submit_data()
    big = "A" * ((sheets.MAX_CIPHERTEXT * 4 + 2) // 3 + 4)
    error = await refused(ev, "sheet_too_large", 1, "submit_sheet", {**data, "ciphertext": big})
    assert error.status == 413


async def test_a_field_of_the_wrong_type_is_an_invalid_command(ev: Session) -> None:
    """A missing or mistyped field: evaluation_command_invalid."""
    data = ev.sealed(1, ev.sheet(1, SCORES)).submit_data()
    await refused(ev, "evaluation_command_invalid", 1, "submit_sheet", {**data, "nonce": 12})
    await refused(ev, "evaluation_command_invalid", 1, "submit_sheet", {**data, "phase": "ranking"})


async def test_a_non_member_submits_nothing(ev: Session) -> None:
    """Bad input: a score by a non-member → evaluation_not_member."""
    data = ev.sealed(1, ev.sheet(1, SCORES)).submit_data()
    await refused(ev, "evaluation_not_member", ev.world.staff, "submit_sheet", data)


async def test_a_sheet_outside_its_sealing_phase_is_refused(ev: Session) -> None:
    """A qualification sheet during scoring: evaluation_phase_conflict."""
    data = ev.sealed(1, ev.qualification(1)).submit_data()
    await refused(ev, "evaluation_phase_conflict", 1, "submit_sheet", data)


async def test_a_paused_session_takes_no_sheet(ev: Session) -> None:
    """A fault pauses everything but the host's resume."""
    ev.state = dataclasses.replace(ev.state, paused_at=ev.now)
    data = ev.sealed(1, ev.sheet(1, SCORES)).submit_data()
    await refused(ev, "evaluation_paused_conflict", 1, "submit_sheet", data)


# --- close_phase ---


async def test_the_chair_closes_only_after_the_deadline(ev: Session) -> None:
    """Before the deadline members still submit: sheet_deadline_not_reached_conflict."""
    await refused(ev, "sheet_deadline_not_reached_conflict", 1, "close_phase", {})


async def test_only_the_chair_closes_a_phase(ev: Session) -> None:
    """Bad input: a chair action by a non-chair → evaluation_chair_only."""
    assert ev.state.phase_deadline is not None
    await refused(ev, "evaluation_chair_only", 2, "close_phase", {}, now=ev.state.phase_deadline)


async def test_closing_after_the_deadline_marks_members_without_a_sheet_absent(
    ev: Session,
) -> None:
    """Members without a sheet are handled as absent; the phase moves to the reveal."""
    await ev.submit(1, ev.sheet(1, SCORES))
    await ev.submit(2, ev.sheet(2, SCORES))
    assert ev.state.phase_deadline is not None
    emits = await ev.send(1, "close_phase", {}, now=ev.state.phase_deadline)
    assert ev.ops.absent == [(3, "no sheet")]
    assert ev.ops.advanced == [Phase.SCORING_REVEAL]
    assert [e.kind for e in emits] == ["member.absent", "session.phase"]
    assert [m.seat for m in ev.state.members if m.status is MemberStatus.ABSENT] == [3]
