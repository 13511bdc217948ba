"""Recording a lot's contract (Law 46, Reg. 57): in time, on the bid's terms, by the agency."""

from __future__ import annotations

import dataclasses
import datetime as dt

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from tender.bonds import queries as bond_queries
from tender.contracts import service
from tender.contracts.errors import (
    ContractBeforeAward,
    ContractDeadlinePassed,
    ContractExists,
    ContractInputInvalid,
    ContractTermsDiffer,
)
from tender.contracts.model import ContractInput
from tender.errors import LotNotFound
from tender.lifecycle import load
from tender.model import TenderStatus
from tests.supervision.alerts_kit import alert_details
from tests.tender.contracts.factory import Awarded, awarded
from tests.tender.results.kit import Closed

DAY = dt.timedelta(days=1)


def terms(w: Awarded, **change: object) -> ContractInput:
    """The contract on exactly the winning bid's terms."""
    base = ContractInput(
        lot="1",
        supplier_id=w.winner_id,
        price_fen=w.fields["price"],
        duration_days=w.fields["duration"],
        quality=None,
        project_manager=None,
        scope=w.tender.content.lots[0].title,
        document_sha256="cd" * 32,
        signed_on=dt.date(2026, 3, 2),
    )
    return dataclasses.replace(base, **change)  # type: ignore[arg-type]


async def count(conn: asyncpg.Connection, table: str) -> int:
    value: int = await conn.fetchval(f"SELECT count(*) FROM {table}")
    return value


async def test_a_contract_on_the_winning_bids_terms_is_recorded_and_the_tender_is_contracted(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Law 46: within 30 days; AWARDED → CONTRACT once every awarded lot has one."""
    w = await awarded(conn, closed)
    setup = w.world.setup()
    contract = await service.record_contract(
        conn, w.world.agency, w.tender.id, terms(w), setup=setup
    )
    assert (contract.lot, contract.supplier_id, contract.bid_id) == ("1", w.winner_id, w.bid_id)
    assert contract.late is False
    assert contract.late_reason is None
    assert contract.deadline > w.decided_at + 29 * DAY
    assert (await load(conn, w.tender.id)).status is TenderStatus.CONTRACT
    # Reg. 57: the lot's bonds fall due 5 days (the snapshot: 1 h) after the contract.
    held = await bond_queries.bonds(conn, w.tender.id)
    assert held
    assert all(b.refund_clock_from == contract.recorded_at for b in held)
    assert all(b.refund_due is not None and b.refund_due > contract.recorded_at for b in held)


async def test_a_contract_before_the_award_is_refused_and_nothing_is_written(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    w = await awarded(conn, closed, award=False)
    with pytest.raises(ContractBeforeAward):
        await service.record_contract(
            conn, w.world.agency, w.tender.id, terms(w), setup=w.world.setup()
        )
    assert await count(conn, "tender_contracts") == 0


async def test_a_contract_after_the_deadline_needs_a_reason_and_is_then_flagged_late(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Law 46: 30 days from the award notice; later only with the delay's reason."""
    w = await awarded(conn, closed, decided_ago=40 * DAY)
    setup = w.world.setup()
    with pytest.raises(ContractDeadlinePassed) as refused:
        await service.record_contract(conn, w.world.agency, w.tender.id, terms(w), setup=setup)
    assert "deadline" in refused.value.details  # type: ignore[operator]
    assert await count(conn, "tender_contracts") == 0
    late = terms(w, late_reason="the winner's bank guarantee arrived late")
    contract = await service.record_contract(conn, w.world.agency, w.tender.id, late, setup=setup)
    assert contract.late
    assert contract.late_reason == late.late_reason
    alerts = await alert_details(conn, w.tender.id)
    assert [a.kind for a in alerts] == ["contract_overdue"]


async def test_a_suspension_stops_the_contract_clock(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """A complaint's suspension of 20 days makes a contract 40 days on still in time."""
    w = await awarded(conn, closed, decided_ago=40 * DAY)
    await conn.execute(
        "INSERT INTO tender_suspensions (tender_id, starts_at, ends_at, reason, source,"
        " recorded_by, recorded_at, ended_by) VALUES ($1, $2, $3, '投诉处理', 'complaint', $4,"
        " $2, $4)",
        w.tender.id, w.decided_at + 5 * DAY, w.decided_at + 25 * DAY, w.world.supervisor.user_id,
    )  # fmt: skip
    contract = await service.record_contract(
        conn, w.world.agency, w.tender.id, terms(w), setup=w.world.setup()
    )
    assert contract.late is False
    assert contract.deadline > w.decided_at + 49 * DAY


@pytest.mark.parametrize(
    ("change", "term"),
    [
        ({"price_fen": 95_000_01}, "price"),
        ({"duration_days": 1234}, "duration"),
        ({"scope": "另一标段"}, "scope"),
    ],
)
async def test_a_contract_whose_main_terms_differ_is_refused_naming_the_term(
    conn: asyncpg.Connection, closed: Closed, change: dict[str, object], term: str
) -> None:
    """Reg. 57: no other agreement on the main terms; nothing is written."""
    w = await awarded(conn, closed)
    log_before = await count(conn, "log_entries")
    with pytest.raises(ContractTermsDiffer) as refused:
        await service.record_contract(
            conn, w.world.agency, w.tender.id, terms(w, **change), setup=w.world.setup()
        )
    details = refused.value.details
    assert isinstance(details, dict)
    assert details["term"] == term
    assert details["contract"] == next(iter(change.values()))
    assert details["expected"] != details["contract"]
    assert await count(conn, "tender_contracts") == 0
    assert await count(conn, "log_entries") == log_before
    # The bid states no quality nor project manager: those are not compared (the model's
    # tests compare them, tests/tender/contracts/test_model.py).
    assert (await load(conn, w.tender.id)).status is TenderStatus.AWARDED


async def test_a_contract_with_another_supplier_is_refused(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    w = await awarded(conn, closed)
    # Any bidder but the winner (which bidder ranks first is the evaluation's outcome).
    other = next(o.id for o in w.world.bidder_orgs if o.id != w.winner_id)
    with pytest.raises(ContractTermsDiffer) as refused:
        await service.record_contract(
            conn, w.world.agency, w.tender.id, terms(w, supplier_id=other), setup=w.world.setup()
        )
    assert refused.value.details["term"] == "supplier"  # type: ignore[index]


async def test_only_the_tenders_agency_records_its_contract(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Another agency, the centre, the department, the tenderer and bidders are refused."""
    w = await awarded(conn, closed)
    world = w.world
    for who in (
        world.other_agency,
        world.staff,
        world.supervisor,
        world.tenderer,
        world.bidders[0],
    ):
        with pytest.raises(PermissionDenied):
            await service.record_contract(conn, who, w.tender.id, terms(w), setup=world.setup())
    assert await count(conn, "tender_contracts") == 0


async def test_a_second_contract_of_a_lot_and_an_unknown_lot_are_refused(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    w = await awarded(conn, closed)
    setup = w.world.setup()
    await service.record_contract(conn, w.world.agency, w.tender.id, terms(w), setup=setup)
    with pytest.raises(ContractExists):
        await service.record_contract(conn, w.world.agency, w.tender.id, terms(w), setup=setup)
    with pytest.raises(LotNotFound):
        await service.record_contract(
            conn, w.world.agency, w.tender.id, terms(w, lot="9"), setup=setup
        )
    with pytest.raises(ContractInputInvalid):
        await service.record_contract(
            conn, w.world.agency, w.tender.id, terms(w, document_sha256="x"), setup=setup
        )
    assert await count(conn, "tender_contracts") == 1


async def test_an_award_past_its_30_days_without_a_contract_raises_one_alert(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    """Law 46: the deadline is watched; the alert is raised once."""
    w = await awarded(conn, closed, decided_ago=35 * DAY)
    setup = w.world.setup()
    assert await service.raise_contract_alerts(conn, setup) == 1
    assert await service.raise_contract_alerts(conn, setup) == 0
    (alert,) = await alert_details(conn, w.tender.id)
    assert alert.kind == "contract_overdue"
    assert alert.data["award_id"] == str(w.award_id)


async def test_no_alert_in_time_or_while_suspended(
    conn: asyncpg.Connection, closed: Closed
) -> None:
    w = await awarded(conn, closed, decided_ago=35 * DAY)
    await conn.execute(
        "INSERT INTO tender_suspensions (tender_id, starts_at, reason, source, recorded_by,"
        " recorded_at) VALUES ($1, $2, '投诉处理', 'complaint', $3, $2)",
        w.tender.id, w.decided_at + 10 * DAY, w.world.supervisor.user_id,
    )  # fmt: skip
    assert await service.raise_contract_alerts(conn, w.world.setup()) == 0
