"""The reads the report uses: current sheets with every version; a replaced or absent
member's findings count nowhere (DOMAIN.md, "Evaluation")."""

from __future__ import annotations

import dataclasses
import datetime as dt

from accounts.model import Role
from evaluation.model import Member, MemberKind, MemberStatus, Phase
from evaluation.sheets import service
from signing.demo_ca import issue_identity
from tests.accounts.factory import actor_for, make_user
from tests.evaluation.sheets.kit import Seat, Session, revise
from tests.evaluation.sheets.test_review import LOW
from tests.evaluation.sheets.test_submit import SCORES
from tests.tender.world import register_certificate


async def test_the_current_sheet_is_the_latest_revealed_version_with_all_versions_kept(
    ev: Session,
) -> None:
    """A resubmission and a revision: three versions, the revision counts."""
    await ev.submit(3, ev.sheet(3, SCORES))
    await ev.submit(3, ev.sheet(3, LOW, version=2))  # a resubmission: version 2
    await ev.submit(1, ev.sheet(1, SCORES))
    await ev.submit(2, ev.sheet(2, SCORES))
    for seat in (1, 2, 3):
        await ev.reveal(seat)
    revised = ev.sheet(3, {**LOW, (0, "1.1"): 2950}, version=3)
    await revise(ev, 3, revised, [{"bid": str(ev.bids[0]), "item": "1.1", "reason": "复核"}])
    found = await service.member_sheets(ev.conn, ev.state, "scoring")
    assert [r.version for r in found[3].versions] == [1, 2, 3]
    assert [r.revealed for r in found[3].versions] == [False, True, True]
    assert found[3].current is not None
    assert found[3].current.plaintext == revised
    current = await service.current_sheets(ev.conn, ev.state, "scoring")
    assert sorted(current) == [1, 2, 3]
    review = await service.review(ev.conn, ev.state, "scoring")
    assert [(n.seat, n.item) for n in review.deviations] == [(3, "1.1")]


async def test_a_replaced_members_sheets_count_nowhere(ev: Session) -> None:
    """Seat 3's first holder is replaced: its sheet is not the seat's, and the seat's new
    holder must submit its own before the phase is complete."""
    for seat in (1, 2, 3):
        await ev.submit(seat, ev.sheet(seat, SCORES))
    ev.at(Phase.SCORING)
    user = await make_user(ev.conn, ev.world.centre, Role.EXPERT)
    identity = issue_identity(ev.world.ca, name="专家3b", now=ev.now - dt.timedelta(hours=1))
    await register_certificate(ev.conn, user.id, identity)
    members = tuple(
        dataclasses.replace(m, status=MemberStatus.REPLACED) if m.seat == 3 else m
        for m in ev.state.members
    )
    replacement = Member(
        seat=3, user_id=user.id, kind=MemberKind.EXPERT, status=MemberStatus.SEATED, generation=2
    )
    ev.state = dataclasses.replace(ev.state, members=(*members, replacement))
    assert sorted(await service.member_sheets(ev.conn, ev.state, "scoring")) == [1, 2]
    ev.seats = (
        *ev.seats[:2],
        Seat(seat=3, actor=await actor_for(ev.conn, user), identity=identity),
    )
    await ev.submit(3, ev.sheet(3, SCORES, generation=2))
    assert ev.state.phase is Phase.SCORING_REVEAL
    found = await service.member_sheets(ev.conn, ev.state, "scoring")
    assert [(r.generation, r.version) for r in found[3].versions] == [(2, 1)]


async def test_void_sheets_count_nowhere(ev: Session) -> None:
    """Sheets voided when their member was handled as absent are left out."""
    await ev.submit(1, ev.sheet(1, SCORES))
    await ev.submit(2, ev.sheet(2, SCORES))
    assert ev.state.phase_deadline is not None
    await ev.send(1, "close_phase", {}, now=ev.state.phase_deadline)
    await ev.conn.execute("UPDATE evaluation_sheets SET void = true WHERE seat = 2")
    assert sorted(await service.member_sheets(ev.conn, ev.state, "scoring")) == [1]
