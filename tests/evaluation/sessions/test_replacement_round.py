"""The draw's replacement round (补抽) after the committee was complete: a declared
conflict replaces the member through it (issue 11; DOMAIN.md "Evaluation";
expert_pool.requests.reopen; docs/formats/draw.md §4.1)."""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import replace
from pathlib import Path
from uuid import UUID

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from audit import service as audit
from evaluation.model import MemberStatus, Phase
from evaluation.sessions.errors import EvaluationReplacementIneligible
from expert_pool.answers import service as answers
from expert_pool.draws import access as draw_access
from expert_pool.draws.model import DrawStatus
from expert_pool.errors import (
    DrawClosed,
    DrawCommitNotCheckpointed,
    DrawReplacementExcess,
    DrawReplacementNotApproved,
    DrawRequestInvalid,
)
from expert_pool.requests import close, reopen
from expert_pool.rounds import service as rounds
from expert_pool.views import service as views
from signing.draw.response import Decision
from signing.draw.verify import verify_transcript
from tests.evaluation.kit import (
    MAIN_VENUE,
    SessionWorld,
    Template,
    load,
    refuse,
    send,
    session_world,
    tenderer_user,
    to_conflicts,
)
from tests.evaluation.replacement_round import answer_pick
from tests.expert_pool import world as pool_world
from tests.tender.world import entries

ROOT = Path(__file__).resolve().parents[3]
CONFLICT = {"conflict": True, "explanation": "曾在投标人1任职"}


async def _recused_and_approved(conn: asyncpg.Connection, w: SessionWorld, seat: int) -> None:
    await to_conflicts(conn, w)
    await send(conn, w, w.member(seat), "declare", CONFLICT)
    await send(conn, w, w.supervisor, "approve_replacement", {"seat": seat})


async def _draw_round(conn: asyncpg.Connection, w: SessionWorld, r: int) -> list[str]:
    """A supervisor's fresh entropy draws round r; its picks."""
    await pool_world.contribute(conn, w.supervisor, w.state.draw_id, r, pool_world.fresh_entropy())
    draw = await draw_access.get_draw(conn, w.state.draw_id)
    assert draw.transcript is not None
    assert len(draw.transcript.rounds) == r + 1
    return [p.expert_id for p in draw.transcript.rounds[r].picks]


async def _committee(conn: asyncpg.Connection, w: SessionWorld) -> frozenset[UUID]:
    return await views.evaluation_committee(conn, str(w.state.tender_id), "1")


async def test_a_declared_conflict_is_replaced_through_the_draws_replacement_round(
    conn: asyncpg.Connection, evaluation_template: Template, tmp_path: Path
) -> None:
    """Seat 3 declares a conflict, a supervisor approves, centre staff open the round,
    the supervisor's entropy draws it, the pick confirms, the host seats it; it signs
    in and declares. The draw stays complete throughout, the released member leaves the
    committee, and the extended transcript verifies from the pools alone."""
    w = await session_world(conn, evaluation_template)
    await _recused_and_approved(conn, w, 3)
    leaving = w.member(3).user_id
    assert leaving in await _committee(conn, w)
    opened = await reopen.open_replacement_round(conn, w.staff, w.state.draw_id, w.state.id, [3])
    assert (opened.r, opened.places) == (1, 1)
    assert leaving not in await _committee(conn, w)
    [pick] = await _draw_round(conn, w, 1)
    draw = await draw_access.get_draw(conn, w.state.draw_id)
    assert draw.status is DrawStatus.COMPLETE
    newcomer = await answer_pick(conn, w, pick)
    assert newcomer.user_id in await _committee(conn, w)
    status = await views.draw_status(conn, w.staff, w.state.draw_id)
    assert [(s.places, s.confirmed, s.waiting) for s in status.seats] == [(5, 5, 0)]
    await send(conn, w, w.staff, "seat_replacement", {"seat": 3, "user_id": str(newcomer.user_id)})
    await send(conn, w, newcomer, "sign_in", {"venue": MAIN_VENUE.id})
    await send(conn, w, w.staff, "confirm_identity", {"seat": 3})
    for seat in (1, 2, 4, 5):
        await send(conn, w, w.member(seat), "declare", {"conflict": False})
    await send(conn, w, newcomer, "declare", {"conflict": False})
    state = await load(conn, w)
    assert state.phase is Phase.CHAIR_ELECTION
    holders = [(m.generation, m.user_id, m.status) for m in state.members if m.seat == 3]
    assert holders == [
        (1, leaving, MemberStatus.RECUSED),
        (2, newcomer.user_id, MemberStatus.SEATED),
    ]
    # Anyone holding the revealed seed and the pools recomputes the extended draw, with
    # the command-line verifier too (docs/formats/draw.md §8).
    transcript = await views.transcript(conn, w.supervisor, w.state.draw_id)
    assert transcript.platform_seed is not None
    assert transcript.rounds[0].declined == (await _expert_of(conn, leaving),)
    pools = await views.pools(conn, w.supervisor, w.state.draw_id)
    assert verify_transcript(transcript, pools) == []
    assert draw.commit_log_index is not None
    [(_, entry)] = await audit.entries(conn, draw.commit_log_index, draw.commit_log_index + 1)
    files = {"t.json": transcript.to_json().encode(), "pools.json": json.dumps(pools).encode(),
             "commit.bin": entry}  # fmt: skip
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    verified = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "web.cli.main", "draw", "verify",
         str(tmp_path / "t.json"), str(tmp_path / "pools.json"),
         "--commit-entry", str(tmp_path / "commit.bin")],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "2 round(s)" in verified.stdout
    assert "all match" in verified.stdout
    # Round 1 came after platform_seed was revealed: a release round, keyed with its own
    # seed (docs/formats/draw.md §4.2). A forged round seed fails the same command.
    assert transcript.rounds[1].is_release
    assert transcript.rounds[1].round_seed is not None
    forged = replace(transcript.rounds[1], round_seed="ab" * 32)
    tampered = replace(transcript, rounds=(transcript.rounds[0], forged))
    (tmp_path / "t.json").write_text(tampered.to_json())
    refused = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "web.cli.main", "draw", "verify",
         str(tmp_path / "t.json"), str(tmp_path / "pools.json")],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "round_seed_commitment_mismatch round 1" in refused.stdout


async def _expert_of(conn: asyncpg.Connection, user_id: UUID) -> str:
    found: str = await conn.fetchval("SELECT id FROM experts WHERE user_id = $1", user_id)
    return found


async def test_the_release_is_logged_by_seat_and_commitment_never_by_name(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """四不知: the release entry names the session's seat and the member's salted
    commitment; neither the expert's id, account nor name is in it."""
    w = await session_world(conn, evaluation_template)
    await _recused_and_approved(conn, w, 2)
    await reopen.open_replacement_round(conn, w.staff, w.state.draw_id, w.state.id, [2])
    [entry] = await entries(conn, "draw.member_released")
    expert_id = await _expert_of(conn, w.member(2).user_id)
    assert set(entry.data) == {"draw_id", "member", "next_round", "session_id", "seat"}
    assert (entry.data["seat"], entry.data["next_round"]) == (2, 1)
    assert entry.data["session_id"] == str(w.state.id)
    assert entry.commitments == ("member",)
    text = entry.to_bytes().decode()
    for secret in (expert_id, str(w.member(2).user_id), w.scenario.committee[1].display_name):
        assert secret not in text
    assert entry.actor.role == "centre_staff"


async def test_the_round_needs_an_approved_unseated_expert_replacement(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Refused: before the supervisor's approval, for a seat nobody asked to replace, a
    representative's seat, a second time for the same seat (more experts than the open
    replacements need), by anyone but centre staff. Nothing changes when refused."""
    reps = [await tenderer_user(conn, evaluation_template, f"rep{n}") for n in (1, 2)]
    w = await session_world(conn, evaluation_template, representatives=reps)
    await to_conflicts(conn, w)
    await send(conn, w, w.member(3), "declare", CONFLICT)
    draw_id, session = w.state.draw_id, w.state.id
    released = 0

    async def refused(seats: list[int], error: type[Exception], actor: object = None) -> None:
        before = await draw_access.get_draw(conn, draw_id)
        with pytest.raises(error):
            await reopen.open_replacement_round(
                conn,
                actor or w.staff,
                draw_id,
                session,
                seats,  # type: ignore[arg-type]
            )
        assert await draw_access.get_draw(conn, draw_id) == before
        assert len(await entries(conn, "draw.member_released")) == released

    await refused([3], DrawReplacementNotApproved)  # requested, not approved yet
    await send(conn, w, w.supervisor, "approve_replacement", {"seat": 3})
    await refused([4], DrawReplacementNotApproved)  # nobody asked
    await send(conn, w, w.staff, "request_replacement", {"seat": 6, "reason": "另有公务"})
    await send(conn, w, w.supervisor, "approve_replacement", {"seat": 6})
    await refused([6], DrawReplacementNotApproved)  # a representative: not drawn
    await refused([3], PermissionDenied, actor=w.supervisor)
    await refused([3, 3], DrawRequestInvalid)
    await reopen.open_replacement_round(conn, w.staff, draw_id, session, [3])
    released = 1
    await refused([3], DrawReplacementExcess)


async def test_a_declined_pick_is_refilled_and_only_a_confirmed_pick_takes_the_seat(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The first pick declines: it may not be seated (nor the recused holder, nor an
    expert of another draw); the next round's pick confirms and is seated."""
    w = await session_world(conn, evaluation_template)
    await _recused_and_approved(conn, w, 1)
    await reopen.open_replacement_round(conn, w.staff, w.state.draw_id, w.state.id, [1])
    [first] = await _draw_round(conn, w, 1)
    declined = await answer_pick(conn, w, first, Decision.DECLINE)
    for user in (declined.user_id, w.member(1).user_id, w.scenario.other_lot_expert.id):
        await refuse(
            conn, w, w.staff, "seat_replacement", {"seat": 1, "user_id": str(user)},
            EvaluationReplacementIneligible,
        )  # fmt: skip
    [second] = await _draw_round(conn, w, 2)
    assert second != first
    newcomer = await answer_pick(conn, w, second)
    await send(conn, w, w.staff, "seat_replacement", {"seat": 1, "user_id": str(newcomer.user_id)})
    assert next(m for m in (await load(conn, w)).seated if m.seat == 1).user_id == newcomer.user_id


async def test_a_complete_draw_takes_no_entropy_without_a_release(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Without an opened replacement round a complete committee draws nothing."""
    w = await session_world(conn, evaluation_template)
    with pytest.raises(DrawClosed):
        await pool_world.contribute(
            conn, w.supervisor, w.state.draw_id, 1, pool_world.fresh_entropy()
        )


async def test_a_replacement_pick_that_does_not_answer_times_out_and_is_drawn_again(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The timeout job covers a complete draw's replacement round: a pick whose
    delivered notice went unanswered past its deadline is timed out, recorded in the
    transcript, and the next round draws its place."""
    w = await session_world(conn, evaluation_template)
    await _recused_and_approved(conn, w, 2)
    await reopen.open_replacement_round(conn, w.staff, w.state.draw_id, w.state.id, [2])
    [silent] = await _draw_round(conn, w, 1)
    # The deadline passed (the database's clock decides; moved here, not waited for).
    await conn.execute(
        "UPDATE draw_members SET deadline = clock_timestamp() - interval '1 second'"
        " WHERE draw_id = $1 AND expert_id = $2",
        w.state.draw_id,
        silent,
    )
    assert await answers.process_timeouts(conn) == 1
    draw = await draw_access.get_draw(conn, w.state.draw_id)
    assert draw.status is DrawStatus.COMPLETE
    assert draw.transcript is not None
    assert draw.transcript.rounds[1].declined == (silent,)
    [again] = await _draw_round(conn, w, 2)
    # The timeout opened a release round: its own seed was committed then (§4.2).
    assert [e.data["r"] for e in await entries(conn, "draw.round_committed")] == [1, 2]
    assert again != silent


async def test_a_release_round_takes_entropy_only_once_a_checkpoint_covers_its_own_seed(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """After the committee was complete supervisors know platform_seed, so the round's
    own seed is committed (draw.round_committed) when centre staff open it; entropy
    naming a checkpoint from before that commitment is refused (it could have been
    ground against a seed chosen later); the seed stays hidden until the pick answers,
    then the transcript shows it and it matches the logged commitment."""
    w = await session_world(conn, evaluation_template)
    await _recused_and_approved(conn, w, 4)
    await pool_world.sign_checkpoint(conn)  # covers the draw's commit, not the round's
    before = await conn.fetchval("SELECT max(size) FROM log_checkpoints")
    await reopen.open_replacement_round(conn, w.staff, w.state.draw_id, w.state.id, [4])
    [entry] = await entries(conn, "draw.round_committed")
    assert entry.subject.id == w.state.draw_id
    assert (entry.data["draw_id"], entry.data["r"]) == (w.state.draw_id, 1)
    draw = await draw_access.get_draw(conn, w.state.draw_id)
    assert draw.transcript is not None
    fixed = rounds.FixedCommit(commit_hash=draw.transcript.commit_hash, checkpoint_size=before)
    with pytest.raises(DrawCommitNotCheckpointed, match="round 1's seed commitment"):
        await rounds.contribute_entropy(
            conn, w.supervisor, w.state.draw_id, 1, pool_world.fresh_entropy(), fixed=fixed
        )
    [pick] = await _draw_round(conn, w, 1)
    shown = await views.transcript(conn, w.supervisor, w.state.draw_id)
    assert shown.platform_seed is not None  # what the supervisor knew all along
    rd = shown.rounds[1]
    assert rd.seed_commitment == entry.data["seed_commitment"]
    assert rd.round_seed is None  # not before the round's result
    assert rd.seed_log_index is not None
    assert rd.seed_log_index < rd.entropy_log_indexes[0]
    await answer_pick(conn, w, pick)
    shown = await views.transcript(conn, w.supervisor, w.state.draw_id)
    seed = shown.rounds[1].round_seed
    assert seed is not None
    assert hashlib.sha256(bytes.fromhex(seed)).hexdigest() == entry.data["seed_commitment"]
    assert verify_transcript(shown, await views.pools(conn, w.supervisor, w.state.draw_id)) == []
    # The result opens the list: draw.published lists the round's seed beside the others.
    await close.publish_after_award(conn, None, w.state.draw_id)
    [published] = await entries(conn, "draw.published")
    assert published.data["round_seeds"] == {"1": seed}


async def test_a_declined_release_pick_is_refilled_by_another_release_round(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """The refill of a complete committee's declined pick is a release round too, with
    a seed of its own committed when the decline opened it."""
    w = await session_world(conn, evaluation_template)
    await _recused_and_approved(conn, w, 5)
    await reopen.open_replacement_round(conn, w.staff, w.state.draw_id, w.state.id, [5])
    [first] = await _draw_round(conn, w, 1)
    await answer_pick(conn, w, first, Decision.DECLINE)
    committed = await entries(conn, "draw.round_committed")
    assert [e.data["r"] for e in committed] == [1, 2]
    [second] = await _draw_round(conn, w, 2)
    await answer_pick(conn, w, second)
    shown = await views.transcript(conn, w.supervisor, w.state.draw_id)
    assert [rd.is_release for rd in shown.rounds] == [False, True, True]
    assert shown.rounds[1].round_seed != shown.rounds[2].round_seed
    assert verify_transcript(shown, await views.pools(conn, w.supervisor, w.state.draw_id)) == []
