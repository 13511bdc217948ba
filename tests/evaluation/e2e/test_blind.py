"""Blind scoring, even to the operator (issue 11, item 4 and "Must show").

Every frame sent to every participant — each member, the chair, centre staff, the
supervisor, the agency, the tenderer — is recorded as it arrived, on two real server
processes. At the moment every member's scoring sheet is in and before anyone reveals,
every row of every table (as text, and every bytea that is text) and every node's log
are read: no score is in any of them. The same search run after the reveal finds the
scores where they belong (the panel's frames, the revealed rows): it would have found a
leak. The qualification's written refusals are held to the same rule before their reveal.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterable
from pathlib import Path

import asyncpg
import pytest

from signing.demo_ca import DemoCA
from tests.conftest import CloneDatabase
from tests.evaluation.e2e import findings
from tests.evaluation.e2e.evidence import bounded, every_row, find, frame_numbers
from tests.evaluation.e2e.flow import (
    Run,
    cluster,
    declare_and_elect,
    open_run,
    reveal,
    sign_in,
    start,
    submit,
)
from tests.evaluation.e2e.participants import Participant, record_frames
from tests.evaluation.e2e.scenario import CrossCity

pytestmark = pytest.mark.slow


def _frames(people: Iterable[Participant]) -> list[tuple[str, str]]:
    return [(f"frame to {p.name}", text) for p in people for text in p.frames]


def _logs(run: Run) -> list[tuple[str, str]]:
    return [(f"node {n.index} log", n.log_path.read_text(errors="replace")) for n in run.nodes]


async def _everything(run: Run, database: CloneDatabase) -> list[tuple[str, str]]:
    """Every frame so far, every row now, every node's log now."""
    owner = await asyncpg.connect(database.owner_dsn)
    try:
        rows = await every_row(owner)
    finally:
        await owner.close()
    return [*_frames(run.everyone), *rows, *_logs(run)]


async def _all_saw(run: Run, phase: str) -> None:
    """Every participant received the phase's event (the frames up to it are in)."""
    await asyncio.gather(*(p.until_phase(phase) for p in run.everyone))


def _explanations() -> list[re.Pattern[str]]:
    return [re.compile(re.escape(text)) for _, text in findings.REFUSALS.values()]


async def test_no_score_is_in_any_frame_row_or_log_until_the_reveal(
    database: CloneDatabase,
    pool: asyncpg.Pool,
    lot: CrossCity,
    ca: DemoCA,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    record_frames(monkeypatch)
    scores = [bounded(v) for v in findings.score_values()]
    values = set(findings.score_values())
    async with cluster(database, lot, tmp_path, ca, ETENDER_LOG_LEVEL="INFO") as nodes:
        run = await open_run(pool, lot, nodes, tmp_path)
        try:
            await sign_in(run)
            await start(run)
            await declare_and_elect(run)
            await submit(run, "qualification", findings.qualification)
            await _all_saw(run, "qualification_reveal")
            # Sealed findings: a refusal's written words are nowhere before the reveal.
            assert find(_explanations(), await _everything(run, database)) == []
            await reveal(run, "qualification")
            await _all_saw(run, "scoring")
            # What already holds one of the values before scoring (random test data — an
            # ID-card number, a phone — may, by chance) is the baseline: the rule is that
            # sealing adds no occurrence anywhere, whatever was there before.
            baseline = set(find(scores, await _everything(run, database)))
            await submit(run, "scoring", findings.scoring)
            await _all_saw(run, "scoring_reveal")
            # Every sheet is in, no key has left a client: the moment of the rule.
            sealed = await _everything(run, database)
            assert sorted(set(find(scores, sealed)) - baseline) == []
            for p in run.everyone:
                assert frame_numbers(p.frames).isdisjoint(values), p.name
            submitted = [e for e in run.agency.events if e.kind == "sheet.submitted"]
            assert sorted(e.data["seat"] for e in submitted if e.data["phase"] == "scoring") == [
                *findings.SEATS
            ]
            # The search finds them once revealed, where the protocol puts them: the
            # revealed rows, the panel's frames (committee, staff, supervisors) — and
            # still not the agency's or the tenderer's frames.
            await reveal(run, "scoring")
            await run.staff.until(lambda e: e.kind == "deviation.flagged", "deviation.flagged")
            revealed = await _everything(run, database)
            hits = find(scores, [(w, t) for w, t in revealed if "evaluation_sheets" in w])
            assert len(hits) == len(scores)  # each in the plaintext of one sheet
            for p in (run.member(findings.DEVIANT[0]), run.staff, run.supervisor):
                await p.until(lambda e: e.kind == "deviation.flagged", "deviation.flagged")
                assert frame_numbers(p.frames) >= values, p.name
                received = "\n".join(p.frames)
                assert all(pattern.search(received) for pattern in scores), p.name
            outside = [run.agency, run.tenderer]
            assert find(scores, _frames(outside)) == []
            assert all(frame_numbers(p.frames).isdisjoint(values) for p in outside)
            # 四不知: the agency and the tenderer saw seats sign in and be confirmed, and
            # never a member's user id or name, nor a venue the draw picked; centre
            # staff saw them all.
            names = [*lot.assisting, *(str(u.id) for u in lot.committee)]
            names += [u.display_name for u in lot.committee]
            hidden = [bounded(name) for name in names]
            assert find(hidden, _frames(outside)) == []
            staff = "\n".join(run.staff.frames)
            assert all(pattern.search(staff) for pattern in hidden)
            kinds = {json.loads(text).get("kind") for _, text in _frames(outside)}
            assert {"member.signed_in", "member.present", "sheet.submitted"} <= kinds
        finally:
            await run.close()
