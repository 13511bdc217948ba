"""Migration 0077 copies the old alert tables' rows into ``supervision_alerts``.

The copy runs the migration's own statements (from the file, not a rewrite) over the old
tables rebuilt by their own migrations' DDL (0011, 0022), inside a transaction rolled
back at the end.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import asyncpg

from tests.supervision.alerts.kit import AlertsWorld

MIGRATIONS = Path(__file__).parents[3] / "web" / "db" / "migrations"


def _statement(file: str, starts: str) -> str:
    text = (MIGRATIONS / file).read_text(encoding="utf-8")
    found = re.search(re.escape(starts) + r".*?\);\n", text, re.DOTALL)
    assert found is not None
    return found.group(0)


def _copy_part() -> str:
    text = (MIGRATIONS / "0077_supervision_alerts.sql").read_text(encoding="utf-8")
    start = text.index("-- The existing alerts, open as they were.")
    end = text.index("-- The application moves alerts forward")
    return text[start:end]


async def test_the_old_alerts_are_copied_open_with_their_department_and_evidence(
    owner_conn: asyncpg.Connection, aw: AlertsWorld
) -> None:
    tender_alert, pool_alert = uuid.uuid4(), uuid.uuid4()
    transaction = owner_conn.transaction()
    await transaction.start()
    try:
        await owner_conn.execute(_statement("0022_tender_bonds.sql", "CREATE TABLE tender_alerts"))
        await owner_conn.execute(_statement("0011_draws.sql", "CREATE TABLE expert_pool_alerts"))
        await owner_conn.execute(
            "INSERT INTO tender_alerts (id, tender_id, kind, subject, data)"
            " VALUES ($1, $2, 'objection_answer_overdue', 'o-1', '{\"objection_id\": \"o-1\"}')",
            tender_alert,
            aw.tender.id,
        )
        await owner_conn.execute(
            "INSERT INTO expert_pool_alerts (id, expert_id, kind, for_agency, for_supervisors,"
            " data) VALUES ($1, NULL, 'expert_suspended', false, true, '{\"reason\": \"r\"}')",
            pool_alert,
        )
        await owner_conn.execute(_copy_part())
        copied = {
            r["id"]: r
            for r in await owner_conn.fetch(
                "SELECT id, rule, subject, tender_id, department_id, agency_id, evidence::text,"
                " state FROM supervision_alerts WHERE id = ANY($1::uuid[])",
                [tender_alert, pool_alert],
            )
        }
        old_tables = await owner_conn.fetchval(
            "SELECT count(*) FROM pg_tables WHERE tablename IN"
            " ('tender_alerts', 'expert_pool_alerts')"
        )
    finally:
        await transaction.rollback()
    first, second = copied[tender_alert], copied[pool_alert]
    assert (first["rule"], first["subject"], first["state"]) == (
        "objection_answer_overdue",
        "o-1",
        "open",
    )
    assert first["department_id"] == aw.world.department.id
    assert json.loads(first["evidence"]) == {"objection_id": "o-1"}
    assert (second["rule"], second["subject"]) == ("expert_suspended", str(pool_alert))
    assert second["department_id"] is None
    assert second["agency_id"] is None
    assert old_tables == 0
