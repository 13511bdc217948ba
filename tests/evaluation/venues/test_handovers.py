"""The assisting venues' records handover on a real session: expected at the close from
each venue where a member signed in, recorded by centre staff once, the venue hidden
from the public log, read by the centre and the department only, and an alert once when
late (DOMAIN.md, "Remote cross-city evaluation": records within 5 working days)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from accounts.model import Actor
from evaluation.model import DEFAULT_POLICY
from evaluation.venues import queries
from evaluation.venues.errors import HandoverEarly, HandoverInvalid, HandoverRecorded, VenueNotFound
from evaluation.venues.model import Handover, due_at
from evaluation.venues.service import (
    list_handovers,
    open_handovers,
    raise_overdue_alerts,
    record_handover,
)
from signing.log.entry import commit
from tests.evaluation.kit import (
    MAIN_VENUE,
    SessionWorld,
    Template,
    context,
    load,
    session_world,
    to_qualification,
)
from tests.supervision.alerts_kit import alert_details
from tests.tender.world import CALENDAR, entries
from tests.web.evaluation.kit import ASSISTING, counts, in_qualification

BUNDLE = "5d41402abc4b2a76b9719d911017c592" * 2


async def _running(
    conn: asyncpg.Connection, template: Template, working_days: int = 5
) -> SessionWorld:
    """A session in its qualification review: seats 4 and 5 signed in at Hefei and Wuhu."""
    policy = dataclasses.replace(DEFAULT_POLICY, records_handover_working_days=working_days)
    w = await session_world(conn, template, policy=policy)
    await in_qualification(conn, w)
    return w


async def _close(conn: asyncpg.Connection, w: SessionWorld) -> list[str]:
    """What the session's close does for the venues, in the closing command's
    transaction (the report's close calls ``open_handovers``)."""
    async with conn.transaction():
        return await open_handovers(await context(conn, w, w.member(1)))


async def _closed(
    conn: asyncpg.Connection, template: Template, working_days: int = 5
) -> SessionWorld:
    w = await _running(conn, template, working_days)
    assert await _close(conn, w) == list(ASSISTING)
    return w


async def _record(
    conn: asyncpg.Connection,
    w: SessionWorld,
    venue: str,
    *,
    by: Actor | None = None,
    digest: str = BUNDLE,
    note: str | None = None,
) -> Handover:
    return await record_handover(
        conn, by or w.staff, await load(conn, w), venue, records_sha256=digest, note=note,
        calendar=CALENDAR,
    )  # fmt: skip


async def test_the_close_expects_each_assisting_venue_once(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Venues where members signed in, but the main one, with the session's policy;
    opening twice changes nothing."""
    w = await _closed(conn, evaluation_template)
    assert await _close(conn, w) == list(ASSISTING)
    found = await queries.of_session(conn, w.state.id)
    assert [(h.venue_id, h.working_days, h.handed_over_at) for h in found] == [
        (ASSISTING[0], 5, None),
        (ASSISTING[1], 5, None),
    ]
    assert MAIN_VENUE.id not in {h.venue_id for h in found}
    assert {h.tender_id for h in found} == {w.state.tender_id}


async def test_a_session_all_at_the_main_venue_expects_no_handover(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Every member at the main venue: nothing to hand over."""
    w = await session_world(conn, evaluation_template)
    await to_qualification(conn, w)
    assert await _close(conn, w) == []
    assert await queries.of_session(conn, w.state.id) == []


async def test_staff_record_a_handover_once_and_the_log_hides_the_venue(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Recorded with the bundle's hash, on time; the log names the venue by commitment."""
    w = await _closed(conn, evaluation_template)
    done = await _record(conn, w, ASSISTING[0], note="纸质记录3册")
    assert (done.records_sha256, done.note, done.recorded_by) == (
        BUNDLE,
        "纸质记录3册",
        w.staff.user_id,
    )
    (entry,) = await entries(conn, "evaluation.venue_records_handed_over")
    assert entry.commitments == ("venue",)
    assert entry.data["venue"] == commit(ASSISTING[0], done.venue_salt)
    assert entry.data["late"] is False
    assert ASSISTING[0] not in entry.to_bytes().decode()
    before = await counts(conn)
    with pytest.raises(HandoverRecorded):
        await _record(conn, w, ASSISTING[0])
    assert await counts(conn) == before


async def test_a_late_handover_is_recorded_as_late(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """With 0 working days the records were due at the close: anything after is late."""
    w = await _closed(conn, evaluation_template, working_days=0)
    await _record(conn, w, ASSISTING[1])
    (entry,) = await entries(conn, "evaluation.venue_records_handed_over")
    assert entry.data["late"] is True


async def test_bad_handovers_are_refused_with_their_codes(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Before the close (409); not staff (403); the main or an unknown venue (404);
    malformed hash or note (422). Nothing written."""
    w = await _running(conn, evaluation_template)
    before = await counts(conn)
    with pytest.raises(HandoverEarly):
        await _record(conn, w, ASSISTING[0])
    assert await counts(conn) == before
    await _close(conn, w)
    before = await counts(conn)
    for actor in (w.supervisor, w.agency, w.bidder, w.member(4)):
        with pytest.raises(PermissionDenied):
            await _record(conn, w, ASSISTING[0], by=actor)
    cases: list[tuple[str, str, str | None, type[Exception]]] = [
        (MAIN_VENUE.id, BUNDLE, None, VenueNotFound),
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
            await _record(conn, w, venue, digest=digest, note=note)
    assert await counts(conn) == before


async def test_only_the_centre_and_the_department_see_handovers(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """四不知: the agency, the tenderer, bidders, members and another department's
    supervisor never learn the venues."""
    w = await _closed(conn, evaluation_template)
    state = await load(conn, w)
    for actor in (w.staff, w.supervisor):
        assert len(await list_handovers(conn, actor, state)) == 2
    for actor in (w.agency, w.tenderer, w.bidder, w.member(1), w.other_supervisor):
        with pytest.raises(PermissionDenied):
            await list_handovers(conn, actor, state)


async def test_a_late_handover_raises_one_alert_that_names_no_venue_in_the_log(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Due at the close (0 working days): one alert per missing venue, raised once; the
    venue recorded in time raises none."""
    late = await _closed(conn, evaluation_template, working_days=0)
    await _record(conn, late, ASSISTING[0])
    assert await raise_overdue_alerts(conn, CALENDAR) == 1
    assert await raise_overdue_alerts(conn, CALENDAR) == 0
    (alert,) = await alert_details(conn, late.state.tender_id)
    assert alert.kind == "venue_records_overdue"
    assert alert.data["venue_id"] == ASSISTING[1]
    (row,) = [
        h for h in await queries.of_session(conn, late.state.id) if h.venue_id == ASSISTING[1]
    ]
    assert alert.data["due"] == row.closed_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    (entry,) = await entries(conn, "tender.alert_raised")
    assert entry.data["session"] == str(late.state.id)
    assert ASSISTING[1] not in entry.to_bytes().decode()


async def test_handovers_not_yet_due_raise_no_alert(
    conn: asyncpg.Connection, evaluation_template: Template
) -> None:
    """Five working days from now have not passed: nothing raised, nothing marked."""
    w = await _closed(conn, evaluation_template)
    assert await raise_overdue_alerts(conn, CALENDAR) == 0
    assert await alert_details(conn, w.state.tender_id) == []


def test_the_due_time_counts_working_days_after_the_close() -> None:
    """Closed on a Friday: five working days end at 24:00 of the next Friday (Beijing)."""
    friday = dt.datetime(2026, 3, 6, 7, 0, tzinfo=dt.UTC)  # 15:00 Beijing, a working day
    assert due_at(friday, 5, CALENDAR) == dt.datetime(2026, 3, 13, 16, 0, tzinfo=dt.UTC)
    assert due_at(friday, 0, CALENDAR) == friday
