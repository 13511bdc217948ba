"""reveal: the key released, the sheet checked against its commitment, signature,
place and method, then opened to the committee (issue 11 item 4)."""

from __future__ import annotations

import json
from uuid import uuid4

import asyncpg
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from evaluation.events import EvaluationEvent
from evaluation.method.errors import MethodSheetInvalid
from evaluation.model import Phase
from signing import sheets
from signing.canonical import canonical_json
from signing.errors import EtenderError
from tests.evaluation.sheets.kit import Session, key, make_session, nonce
from tests.evaluation.sheets.test_submit import SCORES, refused
from tests.tender.world import World

INVALID = "evaluation_sheet_invalid"  # the method's one code (evaluation/method/errors.py)


def pointer(error: EtenderError) -> tuple[object, object, object]:
    """(field, bid, item) of the method's details (evaluation-method.md §2.4)."""
    details = error.details
    assert isinstance(details, dict)
    return details["field"], details["bid"], details["item"]


async def sealed_by_all(
    ev: Session, *, scores: dict[int, dict[tuple[int, str], int]] | None = None
) -> dict[int, bytes]:
    """Every member submits (scores per seat, SCORES by default): the session is in the reveal."""
    data = {seat: ev.sheet(seat, (scores or {}).get(seat, SCORES)) for seat in (1, 2, 3)}
    for seat, sheet in data.items():
        await ev.submit(seat, sheet)
    assert ev.state.phase is Phase.SCORING_REVEAL
    return data


async def test_a_reveal_opens_the_sheet_to_the_committee_and_staff_only(ev: Session) -> None:
    """All see that seat 1 revealed; committee and staff get the sheet and its signature."""
    data = await sealed_by_all(ev)
    emits = await ev.reveal(1)
    row = await ev.conn.fetchrow(
        "SELECT plaintext, revealed_key, revealed_at FROM evaluation_sheets"
        " WHERE seat = 1 AND phase = 'scoring'"
    )
    assert row is not None
    assert bytes(row["plaintext"]) == data[1]
    assert bytes(row["revealed_key"]) == key(1)
    assert [(e.kind, e.audience) for e in emits] == [
        ("sheet.revealed", "all"), ("sheet.opened", "role:panel"),
    ]  # fmt: skip
    assert emits[0].data == {"phase": "scoring", "seat": 1}
    opened = emits[1].data
    assert canonical_json(opened["sheet"]) == data[1]
    stored = await ev.conn.fetchval(
        "SELECT signature FROM evaluation_sheets WHERE seat = 1 AND phase = 'scoring'"
    )
    assert opened["signature"] == sheets.b64url_encode(bytes(stored))
    assert ev.ops.logs[-1][0] is EvaluationEvent.SHEET_REVEALED


async def test_a_wrong_key_opens_nothing_and_changes_nothing(ev: Session) -> None:
    """Bad input: a reveal that does not open → sheet_decryption_failed; the member may
    try again with the right key."""
    await sealed_by_all(ev)
    await refused(ev, "sheet_decryption_failed", 1, "reveal", sheets.reveal_data("scoring", key(2)))
    await ev.reveal(1)


async def test_a_reveal_that_does_not_match_its_commitment_is_refused(ev: Session) -> None:
    """Bad input: a client sealed another sheet under the committed hash →
    sheet_commitment_mismatch (the AEAD alone does not bind the plaintext to the AAD)."""
    honest = ev.sheet(1, SCORES)
    other = ev.sheet(1, {**SCORES, (0, "1.1"): 100})
    submit = ev.sealed(1, honest).submit_data()
    forged = ChaCha20Poly1305(key(1)).encrypt(nonce(1), other, sheets.commitment(honest))
    await ev.send(1, "submit_sheet", {**submit, "ciphertext": sheets.b64url_encode(forged)})
    ev.at(Phase.SCORING_REVEAL)
    await refused(
        ev, "sheet_commitment_mismatch", 1, "reveal", sheets.reveal_data("scoring", key(1))
    )


async def test_a_sheet_naming_another_seat_is_refused_at_the_reveal(ev: Session) -> None:
    """Bad input: a sheet for another seat (signed by its submitter) → sheet_context_mismatch."""
    await ev.submit(1, ev.sheet(2, SCORES))
    ev.at(Phase.SCORING_REVEAL)
    error = await refused(
        ev, "sheet_context_mismatch", 1, "reveal", sheets.reveal_data("scoring", key(1))
    )
    assert error.details == {"field": "seat", "found": "2", "expected": "1"}


async def test_a_sheet_of_another_session_is_refused_at_the_reveal(ev: Session) -> None:
    """Bad input: a sheet for another session (a replay) → sheet_context_mismatch."""
    await ev.submit(1, ev.sheet(1, SCORES, session=uuid4()))
    ev.at(Phase.SCORING_REVEAL)
    error = await refused(
        ev, "sheet_context_mismatch", 1, "reveal", sheets.reveal_data("scoring", key(1))
    )
    assert error.details["field"] == "session"  # type: ignore[index]


async def test_a_score_for_an_unknown_bid_is_refused_at_the_reveal(ev: Session) -> None:
    """Bad input: a score for an unknown bid → the method's evaluation_sheet_invalid,
    pointing at the entry (evaluation-method.md §2.4)."""
    entries = ev.sheet(1, SCORES)
    body = json.loads(entries)
    stranger = str(uuid4())
    body["entries"][0]["bid"] = stranger
    body["entries"].sort(key=lambda e: (e["bid"], e["item"]))
    await ev.submit(1, canonical_json(body))
    ev.at(Phase.SCORING_REVEAL)
    error = await refused(ev, INVALID, 1, "reveal", sheets.reveal_data("scoring", key(1)))
    assert isinstance(error, MethodSheetInvalid)
    assert pointer(error)[:2] == ("bid", stranger)


async def test_a_score_for_an_unknown_item_is_refused_at_the_reveal(ev: Session) -> None:
    """Bad input: a score for an item the method does not have."""
    await ev.submit(1, ev.sheet(1, {**SCORES, (0, "3.1"): 100}))
    ev.at(Phase.SCORING_REVEAL)
    error = await refused(ev, INVALID, 1, "reveal", sheets.reveal_data("scoring", key(1)))
    assert pointer(error)[::2] == ("item", "3.1")


async def test_an_out_of_range_score_is_refused_at_the_reveal(ev: Session) -> None:
    """Bad input: 40.01 points on a 40-point item."""
    await ev.submit(1, ev.sheet(1, {**SCORES, (0, "1.1"): 4001}))
    ev.at(Phase.SCORING_REVEAL)
    error = await refused(ev, INVALID, 1, "reveal", sheets.reveal_data("scoring", key(1)))
    assert pointer(error)[::2] == ("points", "1.1")


async def test_an_incomplete_sheet_is_refused_at_the_reveal(ev: Session) -> None:
    """Every bid under evaluation on every item, exactly once: a missing pair is named."""
    await ev.submit(1, ev.sheet(1, {k: v for k, v in SCORES.items() if k != (1, "2.1")}))
    ev.at(Phase.SCORING_REVEAL)
    error = await refused(ev, INVALID, 1, "reveal", sheets.reveal_data("scoring", key(1)))
    assert error.details == {"entry": None, "field": None, "bid": str(ev.bids[1]), "item": "2.1"}


async def test_only_the_bids_the_committee_passed_are_scored(
    conn: asyncpg.Connection, world: World
) -> None:
    """Evaluation-method.md §2.2: the committee failed bid 1 at qualification, so a
    scoring sheet that scores it is refused, and one scoring bid 0 alone is revealed."""
    ev = await make_session(conn, world, phase=Phase.QUALIFICATION)
    for seat in (1, 2, 3):
        await ev.submit(seat, ev.qualification(seat, failed=(1,)))
    for seat in (1, 2, 3):
        await ev.send(seat, "reveal", sheets.reveal_data("qualification", key(seat)))
    assert ev.state.phase is Phase.SCORING
    await ev.submit(1, ev.sheet(1, SCORES))
    only_bid_0 = {k: v for k, v in SCORES.items() if k[0] == 0}
    await ev.submit(2, ev.sheet(2, only_bid_0))
    ev.at(Phase.SCORING_REVEAL)
    error = await refused(ev, INVALID, 1, "reveal", sheets.reveal_data("scoring", key(1)))
    assert pointer(error)[:2] == ("bid", str(ev.bids[1]))
    await ev.send(2, "reveal", sheets.reveal_data("scoring", key(2)))


async def test_a_sheet_is_revealed_once(ev: Session) -> None:
    """A second reveal: sheet_already_revealed_conflict."""
    await sealed_by_all(ev, scores={3: {**SCORES, (0, "1.1"): 100}})
    await ev.reveal(1)
    await refused(
        ev, "sheet_already_revealed_conflict", 1, "reveal", sheets.reveal_data("scoring", key(1))
    )


async def test_a_member_without_a_sheet_has_nothing_to_reveal(ev: Session) -> None:
    """sheet_not_submitted_conflict."""
    ev.at(Phase.SCORING_REVEAL)
    await refused(
        ev, "sheet_not_submitted_conflict", 2, "reveal", sheets.reveal_data("scoring", key(2))
    )


async def test_a_reveal_outside_the_reveal_phase_is_refused(ev: Session) -> None:
    """evaluation_phase_conflict while sealing."""
    await ev.submit(1, ev.sheet(1, SCORES))
    await refused(
        ev, "evaluation_phase_conflict", 1, "reveal", sheets.reveal_data("scoring", key(1))
    )


async def test_the_last_reveal_without_deviations_moves_the_session_on(ev: Session) -> None:
    """All revealed, nothing flagged: ranking follows (comprehensive, one envelope)."""
    await sealed_by_all(ev)
    await ev.reveal(1)
    await ev.reveal(2)
    assert ev.ops.advanced == [Phase.SCORING_REVEAL]
    emits = await ev.reveal(3)
    assert ev.ops.advanced == [Phase.SCORING_REVEAL, Phase.RANKING]
    assert emits[-1].kind == "session.phase"


async def test_the_last_reveal_flags_deviations_and_waits_for_them(ev: Session) -> None:
    """A score more than 30 % from the others' mean is flagged to committee and staff;
    the phase waits for its explanation or revision."""
    await sealed_by_all(ev, scores={3: {**SCORES, (0, "1.1"): 2000}})
    for seat in (1, 2):
        await ev.reveal(seat)
    emits = await ev.reveal(3)
    flagged = [e for e in emits if e.kind == "deviation.flagged"]
    assert [e.audience for e in flagged] == ["role:panel"]
    bid = str(ev.bids[0])
    assert flagged[0].data == {
        "phase": "scoring",
        "items": [{"seat": 3, "bid": bid, "item": "1.1"}],
    }
    assert ev.ops.advanced == [Phase.SCORING_REVEAL]


async def test_closing_a_reveal_whose_review_is_still_open_is_refused_with_its_items(
    ev: Session,
) -> None:
    """Everyone revealed, seat 3's deviation unexplained: past the deadline the chair's
    close_phase has nobody to mark absent and the review holds the phase — refused with
    sheet_review_open_conflict naming the open item, nothing written (an outside tester
    saw it acknowledged with no event: every accepted command causes one)."""
    await sealed_by_all(ev, scores={3: {**SCORES, (0, "1.1"): 2000}})
    for seat in (1, 2, 3):
        await ev.reveal(seat)
    assert ev.state.phase_deadline is not None
    error = await refused(
        ev, "sheet_review_open_conflict", 1, "close_phase", {}, now=ev.state.phase_deadline
    )
    assert error.details == {
        "phase": "scoring",
        "items": [{"seat": 3, "bid": str(ev.bids[0]), "item": "1.1"}],
    }
    assert ev.ops.absent == []


async def test_closing_the_reveal_marks_members_who_did_not_reveal_absent(ev: Session) -> None:
    """A member whose client cannot reveal in time is handled as absent: its sheets void,
    the others' review goes on."""
    await sealed_by_all(ev)
    await ev.reveal(1)
    await ev.reveal(2)
    assert ev.state.phase_deadline is not None
    emits = await ev.send(1, "close_phase", {}, now=ev.state.phase_deadline)
    assert ev.ops.absent == [(3, "sheet not revealed")]
    assert [e.kind for e in emits] == ["member.absent", "session.phase"]
    void = await ev.conn.fetch(
        "SELECT seat FROM evaluation_sheets WHERE void AND phase = 'scoring'"
    )
    assert [r["seat"] for r in void] == [3]
