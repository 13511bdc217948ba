"""``kill -9`` of one server process mid-scoring (issue 11, "Must show").

Seven members score on two real server processes; the members on node A are sealing
and submitting sheets (each resubmits new versions until the kill is past) when node A
is killed with SIGKILL. Member 1 reaches A through a relay that holds the server's
bytes back from the moment it sends one submit_sheet: the command is committed on A,
its ack never leaves — the case a resend must not apply twice. Every client on A moves
to node B (the client library's failover, ``?after=`` its last seq) and resends what
had no answer with the same id. Afterwards every acknowledged submit_sheet is stored
exactly once (one row per seat and version, each the event its ack named), each
participant received every event it may see exactly once and in order, and each member
reveals the version the server acknowledged last.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import cast
from uuid import UUID

import asyncpg
import pytest

from client.session.entries import Findings
from client.session.protocol import Event
from client.session.records import sheet_purpose
from client.session.sealing import seal_findings
from signing import sheets
from signing.demo_ca import DemoCA
from tests.client.session.kit import Relay
from tests.conftest import CloneDatabase
from tests.evaluation.e2e import findings
from tests.evaluation.e2e.flow import (
    Entries,
    Run,
    check_deliveries,
    cluster,
    open_run,
    reveal,
    stored_events,
    submit,
    to_scoring,
)
from tests.evaluation.e2e.participants import WAIT_SECONDS, Participant, record_frames
from tests.evaluation.e2e.scenario import CrossCity

pytestmark = pytest.mark.slow

ON_A = (1, 2, 3, 4)  # seat 1 through the relay
ON_B = (5, 6, 7)
HELD_VERSION = 3  # member 1's submit whose ack the relay holds back when A dies
MAX_VERSIONS = 40  # a member stops resubmitting long before: the kill is seconds away


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Acked:
    seat: int
    version: int
    command: str  # the command's id
    seq: int


def _entries(version: int) -> Entries:
    """A seat's scores in ``version``: the plan's, lowered by one hundredth per version
    still to come (each version differs; the one revealed last is not needed here)."""

    def entries(seat: int, bids: Mapping[int, UUID]) -> tuple[sheets.ScoreEntry, ...]:
        return tuple(
            dataclasses.replace(e, points=e.points - (MAX_VERSIONS - version))
            for e in findings.scoring(seat, bids)
        )

    return entries


def _first(member: Participant, seq: int) -> Acked:
    """A member's first scoring sheet, acknowledged with ``seq``."""
    assert member.seat is not None
    stored = member.store.load().by_purpose(sheet_purpose("scoring", 1))
    assert stored is not None
    return Acked(seat=member.seat, version=1, command=stored.id, seq=seq)


async def _submit(run: Run, member: Participant, version: int) -> tuple[str, asyncio.Task[int]]:
    """Seal version ``version`` of the member's scoring sheet and send it; the command's
    id and the task awaiting its ack's seq."""
    assert member.seat is not None
    assert member.signer is not None
    found = Findings(entries=tuple(_entries(version)(member.seat, run.bids)))
    sealed = seal_findings(member.store, "scoring", found, member.signer,
                           seat=member.seat, generation=1, new_version=version > 1)  # fmt: skip
    assert sealed.record.parsed.version == version

    async def ack() -> int:
        answer = await member.sock.call(sealed.command)
        assert answer.seq is not None
        return answer.seq

    return sealed.command.id, asyncio.create_task(ack())


async def _keep_submitting(run: Run, member: Participant, killed: asyncio.Event) -> list[Acked]:
    """New versions one after another until one is acknowledged after the kill."""
    assert member.seat is not None
    done = []
    for version in range(1, MAX_VERSIONS + 1):
        after = killed.is_set()
        command, task = await _submit(run, member, version)
        done.append(Acked(seat=member.seat, version=version, command=command, seq=await task))
        if after:
            return done
    raise AssertionError(f"{member.name} submitted {MAX_VERSIONS} versions before the kill")


async def _stored_row(pool: asyncpg.Pool, session: UUID, seat: int, version: int) -> None:
    """Until the database holds that scoring sheet (bounded; polls every 10 ms)."""
    async with asyncio.timeout(WAIT_SECONDS):
        while True:
            async with pool.acquire() as proxy:
                found = await cast(asyncpg.Connection, proxy).fetchval(
                    "SELECT count(*) FROM evaluation_sheets WHERE session_id = $1"
                    " AND phase = 'scoring' AND seat = $2 AND version = $3",
                    session, seat, version,
                )  # fmt: skip
            if found:
                return
            await asyncio.sleep(0.01)


async def test_kill_9_mid_scoring_loses_and_doubles_no_acknowledged_sheet(
    database: CloneDatabase,
    pool: asyncpg.Pool,
    lot: CrossCity,
    ca: DemoCA,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    record_frames(monkeypatch)
    async with cluster(database, lot, tmp_path, ca) as nodes:
        a, b = nodes
        relay = Relay(a.port)
        await relay.start()
        on_a = {f"专家{s}" for s in ON_A} | {"supervisor", "agency"}

        def homes(name: str) -> tuple[str, ...]:
            if name == "专家1":
                return (relay.url, b.url)
            return (a.url, b.url) if name in on_a else (b.url, a.url)

        run = await open_run(pool, lot, nodes, tmp_path, homes)
        try:
            await to_scoring(run)
            early = await submit(run, "scoring", findings.scoring, [run.member(5), run.member(6)])
            acked = [_first(run.member(seat), seq) for seat, seq in early.items()]
            killed = asyncio.Event()
            busy = [
                asyncio.create_task(_keep_submitting(run, run.member(seat), killed))
                for seat in ON_A[1:]
            ]
            one = run.member(1)
            for version in range(1, HELD_VERSION):
                command, task = await _submit(run, one, version)
                acked.append(Acked(seat=1, version=version, command=command, seq=await task))
            relay.downstream.clear()  # from now on nothing from A reaches member 1
            held, held_task = await _submit(run, one, HELD_VERSION)
            await _stored_row(pool, run.session, 1, HELD_VERSION)  # committed on A
            held_seq = next(
                e.seq for e in await stored_events(run)
                if e.kind == "sheet.submitted" and e.data["seat"] == 1
                and e.data["version"] == HELD_VERSION
            )  # fmt: skip
            a.kill()  # SIGKILL, while members 2–4 are submitting
            await relay.kill()
            killed.set()
            acked.append(Acked(seat=1, version=HELD_VERSION, command=held, seq=await held_task))
            for member_task in busy:
                acked += await member_task
            last = await submit(run, "scoring", findings.scoring, [run.member(7)])
            acked.append(_first(run.member(7), last[7]))
            await run.staff.until_phase("scoring_reveal")

            # The held command: acknowledged by B with the seq A committed, sent twice.
            assert next(x.seq for x in acked if x.command == held) == held_seq
            assert one.sock.stats.sent.count(held) == 2
            await _check_stored(run, acked)
            for p in run.everyone:
                if p.servers[0] in (a.url, relay.url):
                    assert p.sock.stats.servers[0] == p.servers[0], p.name
                    assert p.sock.stats.servers[-1] == b.url, p.name
            # Each member's client reveals its latest sheet: the one B holds as latest.
            await reveal(run, "scoring")
            latest = {seat: max(x.version for x in acked if x.seat == seat) for seat in range(1, 8)}
            for seat, version in latest.items():
                event = await run.staff.until(_opened(seat), f"seat {seat}'s scoring sheet")
                assert event.data["version"] == version, seat
            await check_deliveries(run)
        finally:
            await run.close()


def _opened(seat: int) -> Callable[[Event], bool]:
    def found(event: Event) -> bool:
        data = event.data
        return event.kind == "sheet.opened" and (data["phase"], data["seat"]) == ("scoring", seat)

    return found


async def _check_stored(run: Run, acked: Sequence[Acked]) -> None:
    """One row per acknowledged (seat, version) and no other; each ack's seq is the
    sheet.submitted event of that version, caused by that command, stored once."""
    async with run.pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        rows = await conn.fetch(
            "SELECT seat, version FROM evaluation_sheets WHERE session_id = $1"
            " AND phase = 'scoring'",
            run.session,
        )
    assert sorted((r["seat"], r["version"]) for r in rows) == sorted(
        (x.seat, x.version) for x in acked
    )
    events = await stored_events(run)
    submitted = {
        (e.data["seat"], e.data["version"]): e
        for e in events
        if e.kind == "sheet.submitted" and e.data["phase"] == "scoring"
    }
    assert len(submitted) == len(acked)
    for x in acked:
        event = submitted[(x.seat, x.version)]
        assert (event.seq, event.client_msg_id) == (x.seq, x.command), x
        assert event.actor_id == run.member(x.seat).user_id
        assert [e.seq for e in events if e.client_msg_id == x.command] == [x.seq], x
