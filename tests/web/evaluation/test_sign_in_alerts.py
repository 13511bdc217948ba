"""The sign-in alert job (web/evaluation/jobs.py): a session whose start passed with
seats not signed in raises one tender alert, read by the centre and the department
through the tender's alerts, not by the agency."""

from __future__ import annotations

import asyncpg
import httpx
from starlette.applications import Starlette

from tests.evaluation.kit import SessionWorld, send
from tests.web.evaluation.http import code, login
from web.evaluation.jobs import JOBS, alert_missing_sign_ins


async def test_the_job_alerts_the_centre_of_a_started_session_with_seats_not_signed_in(
    app: Starlette, client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """The session started a minute ago, nobody signed in: one alert naming every seat
    (the job run twice), for staff and the supervisor; the agency is refused."""
    assert "evaluation-sign-in-alerts" in [job.name for job in JOBS]
    await send(conn, w, w.staff, "open_sign_in")
    await conn.execute(
        "UPDATE evaluation_sessions SET starts_at = clock_timestamp() - interval '1 minute'"
        " WHERE id = $1",
        w.state.id,
    )
    await alert_missing_sign_ins(app)
    await alert_missing_sign_ins(app)
    url = f"/api/v1/tenders/{w.state.tender_id}/alerts"
    seats = list(range(1, len(w.members) + 1))
    for username in ("staff", "supervisor"):
        items = (await client.get(url, headers=await login(client, username))).json()["items"]
        missing = [i["data"] for i in items if i["kind"] == "evaluation_sign_in_missing"]
        assert [(d["session"], d["seats"]) for d in missing] == [(str(w.state.id), seats)]
    assert code(await client.get(url, headers=await login(client, "agent"))) == (
        403,
        "permission_denied",
    )
