"""The tenders' alerts job watches the contract deadline too (Law 46)."""

from __future__ import annotations

import datetime as dt

import asyncpg
from starlette.applications import Starlette

from tests.supervision.alerts_kit import alert_details
from tests.tender.contracts.factory import awarded
from tests.tender.results.kit import Closed
from web.tender.jobs import alert_overdue


async def test_the_alerts_job_flags_an_award_without_a_contract_after_30_days(
    app: Starlette, conn: asyncpg.Connection, closed: Closed
) -> None:
    w = await awarded(conn, closed, decided_ago=dt.timedelta(days=40))
    await alert_overdue(app)
    await alert_overdue(app)  # once only
    kinds = [a.kind for a in await alert_details(conn, w.tender.id)]
    # Deadlines only: the kit's bids all came from one address, which monitoring flags.
    assert [k for k in kinds if k.endswith("_overdue")] == ["contract_overdue"]
