"""The assisting venues' records handover against PostgreSQL: expected at the close,
recorded by centre staff once, the venue hidden from the public log, read by the centre
and the department only, and an alert once when late (DOMAIN.md, "Remote cross-city
evaluation": records within 5 working days)."""

from __future__ import annotations

import dataclasses

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from evaluation.model import DEFAULT_POLICY, Phase
from evaluation.venues import queries
from evaluation.venues.errors import HandoverEarly, HandoverInvalid, HandoverRecorded, VenueNotFound
from evaluation.venues.model import due_at
from evaluation.venues.service import (
    list_handovers,
    open_handovers,
    raise_overdue_alerts,
    record_handover,
)
from signing.log.entry import commit
from tender.bonds import queries as alert_queries
from tests.accounts.factory import actor_for
from tests.tender.world import CALENDAR, World, entries
from tests.web.evaluation.kit import (
    ASSISTING,
    MAIN_VENUE,
    SessionWorld,
    context,
    counts,
    session_world,
)

BUNDLE = "5d41402abc4b2a76b9719d911017c592" * 2


async def _closed(conn: asyncpg.Connection, world: World, working_days: int = 5) -> SessionWorld:
    sw = await session_world(conn, world)
    sw.with_phase(Phase.CLOSED)
    policy = dataclasses.replace(DEFAULT_POLICY, records_handover_working_days=working_days)
    async with conn.transaction():
        opened = await open_handovers(await context(conn, sw, world.staff, {}, policy=policy))
    assert opened == list(ASSISTING)
    return sw


async def test_the_close_expects_each_assisting_venue_once(
    conn: asyncpg.Connection, world: World
) -> None:
    """Venues where members signed in, but the main one; opening twice changes nothing."""
    sw = await _closed(conn, world)
    async with conn.transaction():
        await open_handovers(await context(conn, sw, world.staff, {}))
    found = await queries.of_session(conn, sw.state.id)
    assert [(h.venue_id, h.working_days, h.handed_over_at) for h in found] == [
        (ASSISTING[0], 5, None),
        (ASSISTING[1], 5, None),
    ]
    assert MAIN_VENUE not in {h.venue_id for h in found}


async def test_staff_record_a_handover_once_and_the_log_hides_the_venue(
    conn: asyncpg.Connection, world: World
) -> None:
    """Recorded with the bundle's hash, on time; the log names the venue by commitment."""
    sw = await _closed(conn, world)
    done = await record_handover(
        conn,
        world.staff,
        sw.state,
        ASSISTING[0],
        records_sha256=BUNDLE,
        note="纸质记录3册",
        calendar=CALENDAR,
    )
    assert (done.records_sha256, done.note, done.recorded_by) == (
        BUNDLE,
        "纸质记录3册",
        world.staff.user_id,
    )
    (entry,) = await entries(conn, "evaluation.venue_records_handed_over")
    assert entry.commitments == ("venue",)
    assert entry.data["venue"] == commit(ASSISTING[0], done.venue_salt)
    assert entry.data["late"] is False
    assert ASSISTING[0] not in entry.to_bytes().decode()
    before = await counts(conn)
    with pytest.raises(HandoverRecorded):
        await record_handover(
            conn,
            world.staff,
            sw.state,
            ASSISTING[0],
            records_sha256=BUNDLE,
            note=None,
            calendar=CALENDAR,
        )
    assert await counts(conn) == before


async def test_a_late_handover_is_recorded_as_late(conn: asyncpg.Connection, world: World) -> None:
    """With 0 working days the records were due at the close: anything after is late."""
    sw = await _closed(conn, world, working_days=0)
    await record_handover(
        conn,
        world.staff,
        sw.state,
        ASSISTING[1],
        records_sha256=BUNDLE,
        note=None,
        calendar=CALENDAR,
    )
    (entry,) = await entries(conn, "evaluation.venue_records_handed_over")
    assert entry.data["late"] is True


async def test_bad_handovers_are_refused_with_their_codes(
    conn: asyncpg.Connection, world: World
) -> None:
    """Not staff (403); the main or an unknown venue (404); malformed hash or note (422);
    before the close (409). Nothing written."""
    sw = await _closed(conn, world)
    running = await session_world(conn, world, phase=Phase.SCORING, name="other")
    before = await counts(conn)
    for actor in (
        world.supervisor,
        world.agency,
        world.bidders[0],
        await actor_for(conn, sw.expert(4)),
    ):
        with pytest.raises(PermissionDenied):
            await record_handover(
                conn,
                actor,
                sw.state,
                ASSISTING[0],
                records_sha256=BUNDLE,
                note=None,
                calendar=CALENDAR,
            )
    cases: list[tuple[str, str, str | None, type[Exception]]] = [
        (MAIN_VENUE, BUNDLE, None, VenueNotFound),
        ("V-NOWHERE", BUNDLE, None, VenueNotFound),
        ("../etc", BUNDLE, None, VenueNotFound),
        (ASSISTING[0], BUNDLE.upper(), None, HandoverInvalid),
        (ASSISTING[0], BUNDLE[:-1], None, HandoverInvalid),
        (ASSISTING[0], BUNDLE, "含\x00", HandoverInvalid),
        (ASSISTING[0], BUNDLE, "长" * 1001, HandoverInvalid),
        (ASSISTING[0], BUNDLE, "  ", HandoverInvalid),
    ]
    for venue, digest, note, error in cases:
        with pytest.raises(error):
            await record_handover(
                conn,
                world.staff,
                sw.state,
                venue,
                records_sha256=digest,
                note=note,
                calendar=CALENDAR,
            )
    with pytest.raises(HandoverEarly):
        await record_handover(
            conn,
            world.staff,
            running.state,
            ASSISTING[0],
            records_sha256=BUNDLE,
            note=None,
            calendar=CALENDAR,
        )
    assert await counts(conn) == before


async def test_only_the_centre_and_the_department_see_handovers(
    conn: asyncpg.Connection, world: World
) -> None:
    """四不知: the agency, the tenderer, bidders and members never learn the venues."""
    sw = await _closed(conn, world)
    for actor in (world.staff, world.supervisor):
        assert len(await list_handovers(conn, actor, sw.state)) == 2
    for actor in (
        world.agency,
        world.tenderer,
        world.bidders[0],
        await actor_for(conn, sw.expert(1)),
    ):
        with pytest.raises(PermissionDenied):
            await list_handovers(conn, actor, sw.state)


async def test_a_late_handover_raises_one_alert_that_names_no_venue_in_the_log(
    conn: asyncpg.Connection, world: World
) -> None:
    """Due at the close (0 working days): one alert per missing venue, raised once; the
    venue recorded in time and the sessions not yet due raise none."""
    late = await _closed(conn, world, working_days=0)
    await record_handover(
        conn,
        world.staff,
        late.state,
        ASSISTING[0],
        records_sha256=BUNDLE,
        note=None,
        calendar=CALENDAR,
    )
    assert await raise_overdue_alerts(conn, CALENDAR) == 1
    assert await raise_overdue_alerts(conn, CALENDAR) == 0
    (alert,) = await alert_queries.alerts(conn, late.state.tender_id)
    assert alert.kind == "venue_records_overdue"
    assert alert.data["venue_id"] == ASSISTING[1]
    (row,) = [
        h for h in await queries.of_session(conn, late.state.id) if h.venue_id == ASSISTING[1]
    ]
    assert alert.data["due"] == row.closed_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    (entry,) = await entries(conn, "tender.alert_raised")
    assert entry.data["session"] == str(late.state.id)
    assert ASSISTING[1] not in entry.to_bytes().decode()


def test_the_due_time_counts_working_days_after_the_close() -> None:
    """Closed on a Friday: five working days end at 24:00 of the next Friday (Beijing)."""
    import datetime as dt

    friday = dt.datetime(2026, 3, 6, 7, 0, tzinfo=dt.UTC)  # 15:00 Beijing, a working day
    assert due_at(friday, 5, CALENDAR) == dt.datetime(2026, 3, 13, 16, 0, tzinfo=dt.UTC)
    assert due_at(friday, 0, CALENDAR) == friday
