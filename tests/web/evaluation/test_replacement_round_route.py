"""`POST /api/v1/draws/{id}/replacement-round`: centre staff open a complete evaluation
draw's replacement round for a session's approved replacements (docs/api-expert-pool.md;
docs/formats/draw.md §4.1)."""

from __future__ import annotations

import asyncpg
import httpx

from tests.evaluation.kit import SessionWorld, send, to_conflicts
from tests.web.evaluation.http import code, login


async def test_centre_staff_open_the_round_for_an_approved_seat_and_nobody_else(
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """409 before the supervisor's approval; 201 with the round to draw after it; 409
    the second time; 403 for a supervisor; 422 for no seat. The released member no
    longer reads the bid files."""
    url = f"/api/v1/draws/{w.state.draw_id}/replacement-round"
    body = {"session_id": str(w.state.id), "seats": [2]}
    staff = await login(client, w.staff)
    await to_conflicts(conn, w)
    await send(conn, w, w.member(2), "declare", {"conflict": True, "explanation": "近亲属"})
    refused = await client.post(url, json=body, headers=staff)
    assert code(refused) == (409, "draw_replacement_not_approved")
    await send(conn, w, w.supervisor, "approve_replacement", {"seat": 2})
    supervisor = await login(client, w.supervisor)
    assert code(await client.post(url, json=body, headers=supervisor)) == (
        403,
        "permission_denied",
    )
    empty = {"session_id": str(w.state.id), "seats": []}
    assert (await client.post(url, json=empty, headers=staff)).status_code == 422
    member = await login(client, w.member(2))
    files = f"/api/v1/tenders/{w.state.tender_id}/lots/1/bid-files"
    assert (await client.get(files, headers=member)).status_code == 200
    opened = await client.post(url, json=body, headers=staff)
    assert opened.status_code == 201, opened.text
    assert opened.json() == {"draw_id": w.state.draw_id, "round": 1, "places": 1}
    assert code(await client.post(url, json=body, headers=staff)) == (
        409,
        "draw_replacement_excess",
    )
    assert (await client.get(files, headers=member)).status_code == 403
