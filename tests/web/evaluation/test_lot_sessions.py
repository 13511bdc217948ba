"""`GET /api/v1/tenders/{id}/lots/{lot}/evaluations` per role (issue 11): a member is
listed its session only once it started — asked by project, an earlier answer would
tie the anonymous session to the project (DESIGN.md, "Live sessions"; 四不知)."""

from __future__ import annotations

import asyncpg
import httpx

from accounts.model import Actor
from tests.evaluation.kit import SessionWorld, send, sign_in_all
from tests.web.evaluation.http import code, get


async def _ids(client: httpx.AsyncClient, w: SessionWorld, who: Actor) -> object:
    """The listed session ids, or the refusal's status and code."""
    response = await get(client, f"/api/v1/tenders/{w.state.tender_id}/lots/1/evaluations", who)
    if response.status_code != 200:
        return code(response)
    return [item["id"] for item in response.json()["items"]]


async def test_a_member_is_listed_its_session_only_once_it_started(
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """Scheduled and sign-in: staff, the department's supervisor, the agency and a bidder
    see the session; a member is refused like a stranger. After the host's start the
    member sees it, with the project."""
    session = [str(w.state.id)]
    refused = (403, "permission_denied")

    async def roles() -> dict[str, object]:
        return {
            "staff": await _ids(client, w, w.staff),
            "supervisor": await _ids(client, w, w.supervisor),
            "other_supervisor": await _ids(client, w, w.other_supervisor),
            "agency": await _ids(client, w, w.agency),
            "bidder": await _ids(client, w, w.bidder),
            "member": await _ids(client, w, w.member(1)),
        }

    before = {
        "staff": session, "supervisor": session, "other_supervisor": refused,
        "agency": session, "bidder": session, "member": refused,
    }  # fmt: skip
    assert await roles() == before  # scheduled
    await sign_in_all(conn, w)
    assert await roles() == before  # sign_in: signed in, not yet told the project
    await send(conn, w, w.staff, "start")
    assert await roles() == before | {"member": session}
    url = f"/api/v1/tenders/{w.state.tender_id}/lots/1/evaluations"
    (item,) = (await get(client, url, w.member(1))).json()["items"]
    assert (item["tender_id"], item["lot"]) == (str(w.state.tender_id), "1")
