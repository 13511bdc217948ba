"""Alerts: raised once and logged; acknowledged, escalated and resolved by whoever
may act, each step logged; every refusal changes nothing (issue 14)."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from accounts.model import OrgKind, Role
from supervision.alerts import service
from supervision.alerts.errors import AlertNoteInvalid, AlertNotFound, AlertStateConflict
from supervision.alerts.model import AlertFilter, AlertState, AlertStep
from tests.accounts.factory import actor_for, make_organisation, make_user
from tests.supervision.alerts.kit import AlertsWorld, alert_row, log_count
from tests.tender.world import entries

NOW = dt.datetime(2026, 6, 1, 8, tzinfo=dt.UTC)


async def test_an_alert_is_raised_once_per_subject_and_logged_once(
    conn: asyncpg.Connection, aw: AlertsWorld
) -> None:
    before = await log_count(conn)
    args = {"rule": "expert_suspended", "subject": "e-1", "evidence": {"reason": "r"}}
    async with conn.transaction():
        first = await service.raise_alert(conn, **args, now=NOW, logged={"x": 1})
        again = await service.raise_alert(conn, **args, now=NOW)
    assert first is not None
    assert again is None
    assert await log_count(conn) == before + 1
    (entry,) = await entries(conn, "alert.raised")
    assert entry.subject is not None
    assert entry.subject.id == str(first)
    assert entry.data == {"alert_id": str(first), "kind": "expert_suspended", "x": 1}
    # The same subject under another rule is another alert.
    async with conn.transaction():
        assert await service.raise_alert(conn, **args | {"rule": "shortfall"}, now=NOW)


async def test_a_tender_alert_keeps_its_documented_log_entry_and_names_no_evidence(
    conn: asyncpg.Connection, aw: AlertsWorld
) -> None:
    logged = [e for e in await entries(conn, "tender.alert_raised")]
    kinds = sorted(e.data["kind"] for e in logged)
    assert kinds == ["bond_refund_overdue", "bond_same_account"]
    same = next(e for e in logged if e.data["kind"] == "bond_same_account")
    assert same.subject is not None
    assert same.subject.id == str(aw.tender.id)
    assert "62220012345678" not in same.to_bytes().decode()
    row = await alert_row(conn, aw.same_account)
    assert row["department_id"] == aw.world.department.id
    assert sorted(json.loads(str(row["parties"]))) == sorted(
        str(o.id) for o in aw.world.bidder_orgs[:2]
    )


async def test_the_department_acknowledges_and_escalates_and_the_centre_resolves(
    conn: asyncpg.Connection, aw: AlertsWorld
) -> None:
    acked = await service.take_step(conn, aw.supervisor, aw.overdue, AlertStep.ACKNOWLEDGE)
    assert acked.state is AlertState.ACKNOWLEDGED
    assert acked.acknowledged is not None
    assert acked.acknowledged.by == aw.supervisor.user_id
    up = await service.take_step(
        conn, aw.supervisor, aw.overdue, AlertStep.ESCALATE, note="退款逾期，请中心督办"
    )
    assert up.state is AlertState.ESCALATED
    assert up.escalated is not None
    done = await service.take_step(
        conn, aw.staff, aw.overdue, AlertStep.RESOLVE, note="已退还，附银行回单"
    )
    assert done.state is AlertState.RESOLVED
    assert [s.state for s in done.history()] == ["open", "acknowledged", "escalated", "resolved"]
    assert done.resolved is not None
    assert done.resolved.note == "已退还，附银行回单"
    steps = [
        *(await entries(conn, "alert.acknowledged")),
        *(await entries(conn, "alert.escalated")),
        *(await entries(conn, "alert.resolved")),
    ]
    assert [(e.actor.role, e.data["state"]) for e in steps] == [
        ("supervisor", "acknowledged"),
        ("supervisor", "escalated"),
        ("centre_staff", "resolved"),
    ]
    # A note may name people: the log holds its hash, never its text.
    assert all("已退还" not in e.to_bytes().decode() for e in steps)
    assert "note_sha256" in steps[2].data


async def test_a_supervisor_of_another_department_is_refused_with_details_and_nothing_changes(
    conn: asyncpg.Connection, aw: AlertsWorld
) -> None:
    row, logged = await alert_row(conn, aw.overdue), await log_count(conn)
    for step in AlertStep:
        with pytest.raises(PermissionDenied) as refused:
            await service.take_step(conn, aw.other_supervisor, aw.overdue, step, note="n")
        assert refused.value.details == {
            "action": str(step),
            "resource": "alert",
            "alert_id": str(aw.overdue),
            "department_id": str(aw.world.department.id),
        }
    with pytest.raises(PermissionDenied):
        await service.get_alert(conn, aw.other_supervisor, aw.overdue)
    assert await alert_row(conn, aw.overdue) == row
    assert await log_count(conn) == logged


async def test_resolving_a_resolved_alert_is_a_conflict_and_changes_nothing(
    conn: asyncpg.Connection, aw: AlertsWorld
) -> None:
    await service.take_step(conn, aw.supervisor, aw.overdue, AlertStep.RESOLVE, note="已处理")
    row, logged = await alert_row(conn, aw.overdue), await log_count(conn)
    with pytest.raises(AlertStateConflict) as refused:
        await service.take_step(conn, aw.supervisor, aw.overdue, AlertStep.RESOLVE, note="再次")
    assert refused.value.details == {"state": "resolved", "action": "resolve_alert"}
    with pytest.raises(AlertStateConflict):
        await service.take_step(conn, aw.supervisor, aw.overdue, AlertStep.ACKNOWLEDGE)
    assert await alert_row(conn, aw.overdue) == row
    assert await log_count(conn) == logged


async def test_a_resolution_without_text_is_refused_and_changes_nothing(
    conn: asyncpg.Connection, aw: AlertsWorld
) -> None:
    row = await alert_row(conn, aw.overdue)
    for step in (AlertStep.RESOLVE, AlertStep.ESCALATE):
        with pytest.raises(AlertNoteInvalid):
            await service.take_step(conn, aw.supervisor, aw.overdue, step, note="  ")
    assert await alert_row(conn, aw.overdue) == row


async def test_an_unknown_id_or_another_partys_alert_is_not_found_and_nothing_changes(
    conn: asyncpg.Connection, aw: AlertsWorld
) -> None:
    row, logged = await alert_row(conn, aw.overdue), await log_count(conn)
    with pytest.raises(AlertNotFound):
        await service.take_step(conn, aw.supervisor, uuid.uuid4(), AlertStep.ACKNOWLEDGE)
    with pytest.raises(AlertNotFound):
        await service.get_alert(conn, aw.staff, uuid.uuid4())
    # A bidder (even one the alert names) and an agency learn nothing of it.
    for outsider in (aw.world.bidders[0], aw.world.agency, aw.world.tenderer):
        with pytest.raises(AlertNotFound):
            await service.get_alert(conn, outsider, aw.same_account)
        with pytest.raises(AlertNotFound):
            await service.take_step(conn, outsider, aw.same_account, AlertStep.ACKNOWLEDGE)
    assert await alert_row(conn, aw.overdue) == row
    assert await log_count(conn) == logged


async def test_centre_staff_read_but_act_only_once_the_department_escalates(
    conn: asyncpg.Connection, aw: AlertsWorld
) -> None:
    assert (await service.get_alert(conn, aw.staff, aw.overdue)).state is AlertState.OPEN
    with pytest.raises(PermissionDenied):
        await service.take_step(conn, aw.staff, aw.overdue, AlertStep.ACKNOWLEDGE)
    await service.take_step(conn, aw.supervisor, aw.overdue, AlertStep.ESCALATE, note="请中心处理")
    with pytest.raises(PermissionDenied):  # the department handed it over
        await service.take_step(conn, aw.supervisor, aw.overdue, AlertStep.RESOLVE, note="n")
    await service.take_step(conn, aw.staff, aw.overdue, AlertStep.RESOLVE, note="已督办")


async def test_the_list_is_scoped_by_role_and_filtered_by_state_rule_and_tender(
    conn: asyncpg.Connection, aw: AlertsWorld
) -> None:
    everything = AlertFilter()
    mine = await service.list_alerts(conn, aw.supervisor, everything)
    assert {a.id for a in mine} == {aw.overdue, aw.same_account}
    assert await service.list_alerts(conn, aw.other_supervisor, everything) == []
    assert {a.id for a in await service.list_alerts(conn, aw.staff, everything)} >= {
        aw.overdue,
        aw.same_account,
    }
    await service.take_step(conn, aw.supervisor, aw.overdue, AlertStep.ACKNOWLEDGE)
    acked = AlertFilter(state=AlertState.ACKNOWLEDGED)
    assert [a.id for a in await service.list_alerts(conn, aw.supervisor, acked)] == [aw.overdue]
    by_rule = AlertFilter(rule="bond_same_account")
    assert [a.id for a in await service.list_alerts(conn, aw.supervisor, by_rule)] == [
        aw.same_account
    ]
    elsewhere = AlertFilter(tender_id=uuid.uuid4())
    assert await service.list_alerts(conn, aw.staff, elsewhere) == []
    for outsider in (aw.world.bidders[0], aw.world.agency):
        with pytest.raises(PermissionDenied) as refused:
            await service.list_alerts(conn, outsider, everything)
        assert refused.value.details == {"action": "view_alerts", "resource": "alert"}


async def test_the_database_keeps_alerts_forward_only_with_their_evidence(
    conn: asyncpg.Connection, aw: AlertsWorld
) -> None:
    await service.take_step(conn, aw.supervisor, aw.overdue, AlertStep.ACKNOWLEDGE)
    for sql in (
        "UPDATE supervision_alerts SET state = 'open', acknowledged_by = NULL,"
        " acknowledged_at = NULL WHERE id = $1",
        "UPDATE supervision_alerts SET evidence = '{}' WHERE id = $1",
        "UPDATE supervision_alerts SET acknowledged_at = now() - interval '1 day' WHERE id = $1",
        "DELETE FROM supervision_alerts WHERE id = $1",
    ):
        with pytest.raises(asyncpg.PostgresError):
            await conn.execute(sql, aw.overdue)
    with pytest.raises(asyncpg.CheckViolationError):  # resolved needs its resolution
        await conn.execute(
            "UPDATE supervision_alerts SET state = 'resolved', resolved_by = $2,"
            " resolved_at = now() WHERE id = $1",
            aw.same_account,
            aw.supervisor.user_id,
        )


async def test_another_countys_or_citys_centre_staff_neither_read_list_nor_act(
    conn: asyncpg.Connection, aw: AlertsWorld
) -> None:
    """An alert of a tender the city centre hosts is the city's: a county sub-centre's
    staff (and another city's) are refused it, find nothing in the list and cannot
    resolve it once escalated, nothing written (outside tester, H2)."""
    county = await make_organisation(
        conn, OrgKind.COUNTY_CENTRE, parent=aw.world.centre, name="郎溪县交易分中心"
    )
    other_city = await make_organisation(conn, OrgKind.CITY_CENTRE, name="芜湖市交易中心")
    outsiders = [
        await actor_for(conn, await make_user(conn, org, Role.CENTRE_STAFF))
        for org in (county, other_city)
    ]
    await service.take_step(conn, aw.supervisor, aw.overdue, AlertStep.ESCALATE, note="请中心处理")
    before = (await alert_row(conn, aw.overdue), await log_count(conn))
    for outsider in outsiders:
        with pytest.raises(PermissionDenied):
            await service.get_alert(conn, outsider, aw.overdue)
        assert await service.list_alerts(conn, outsider, AlertFilter()) == []
        with pytest.raises(PermissionDenied):
            await service.take_step(conn, outsider, aw.overdue, AlertStep.RESOLVE, note="关闭")
    assert (await alert_row(conn, aw.overdue), await log_count(conn)) == before
    await service.take_step(conn, aw.staff, aw.overdue, AlertStep.RESOLVE, note="已督办")
