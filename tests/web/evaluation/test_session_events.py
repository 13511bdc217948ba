"""A session's events so far over HTTP, filtered by the real room's audiences
(evaluation/room/session.py): exactly what the socket would send each viewer — the
public sees seats only and nothing sealed, a member the committee's events, staff
names and venues, supervisors their notes; a bidder is no participant."""

from __future__ import annotations

import json
from typing import Any

import asyncpg
import httpx

from accounts.model import Actor
from tests.evaluation.kit import MAIN_VENUE, SessionWorld, send
from tests.web.evaluation.http import code, get, login
from tests.web.evaluation.kit import (
    ASSISTING,
    ask,
    in_qualification,
    signed_note,
    supervisor_identity,
)


async def _busy(conn: asyncpg.Connection, w: SessionWorld) -> None:
    """Sign-in at three venues, the start (the bidders to the committee), the election,
    a question to a bidder, the first member's snapshot (answered to it, never an
    event) and a supervisor's note."""
    await in_qualification(conn, w)
    await ask(conn, w)
    identity = await supervisor_identity(conn, w)
    await send(conn, w, w.member(1), "snapshot")
    await send(conn, w, w.supervisor, "note", signed_note(w.state.id, identity))


async def _kinds(client: httpx.AsyncClient, url: str, who: str | Actor) -> list[str]:
    response = await get(client, url, who)
    assert response.status_code == 200, response.text
    return [e["kind"] for e in response.json()["items"]]


def _secrets(w: SessionWorld) -> list[str]:
    """What no event to everyone may carry: members' user ids, names and usernames, the
    venues, the bidders' names and credit codes, the bids."""
    found = [MAIN_VENUE.id, *ASSISTING]
    for member in w.members:
        found += [str(member.user_id), member.display_name, member.username]
    found += [o.name for o in w.scenario.world.bidder_orgs]
    found += [b.bidder for b in w.state.bids] + [str(b.bid_id) for b in w.state.bids]
    return found


async def test_the_public_sees_seats_only_and_nothing_sealed(
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """The agency and the tenderer get the ``all`` events only, none of which names a
    member, a venue, a bidder or a bid; the committee's briefing, the staff's details,
    the questions and the notes stay out; a bidder is refused (403)."""
    await _busy(conn, w)
    url = f"/api/v1/evaluations/{w.state.id}/events"
    for party in ("agent", "owner"):
        response = await get(client, url, party)
        items: list[dict[str, Any]] = response.json()["items"]
        assert {e["audience"] for e in items} == {"all"}
        kinds = {e["kind"] for e in items}
        assert {"session.phase", "member.signed_in", "chair.elected"} <= kinds
        assert not kinds & {"bids.listed", "member.detail", "clarification.asked",
                            "supervisor.note", "snapshot"}  # fmt: skip
        text = json.dumps([e["data"] for e in items], ensure_ascii=False)
        assert [s for s in _secrets(w) if s in text] == []
    for stranger in ("bidder1", "otheragent"):
        assert code(await get(client, url, stranger)) == (403, "permission_denied")
    assert code(await get(client, url, None)) == (401, "unauthenticated")


async def test_each_participant_sees_its_audiences(
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """Members: all, committee and panel (the bidders, the questions); staff: all, staff
    and panel (names and venues); the department's supervisor: the staff's and its
    notes; a snapshot is nobody's event (it was answered to its asker alone)."""
    await _busy(conn, w)
    url = f"/api/v1/evaluations/{w.state.id}/events"
    seen = {
        "expert1": await _kinds(client, url, w.member(1)),
        "expert2": await _kinds(client, url, w.member(2)),
        "staff": await _kinds(client, url, "staff"),
        "supervisor": await _kinds(client, url, "supervisor"),
    }
    for who in ("expert1", "expert2"):
        assert {"bids.listed", "clarification.asked", "session.phase"} <= set(seen[who])
        assert not {"member.detail", "supervisor.note"} & set(seen[who])
    assert all("snapshot" not in kinds for kinds in seen.values())
    for who in ("staff", "supervisor"):
        assert {"member.detail", "clarification.asked", "session.phase"} <= set(seen[who])
        assert not {"bids.listed", "snapshot"} & set(seen[who])
    assert "supervisor.note" not in seen["staff"]
    assert seen["supervisor"] == [*seen["staff"], "supervisor.note"]
    staff = (await get(client, url, "staff")).json()["items"]
    details = json.dumps([e for e in staff if e["kind"] == "member.detail"], ensure_ascii=False)
    assert w.member(4).display_name in details
    assert ASSISTING[0] in details


async def test_events_page_after_the_last_seq_seen(
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """``after`` skips what was read; ``last_seq`` is the last event read, even one of
    another audience; a malformed ``after`` is 422."""
    await _busy(conn, w)
    url = f"/api/v1/evaluations/{w.state.id}/events"
    headers = await login(client, "agent")
    everything = (await client.get(url, headers=headers)).json()
    middle = everything["items"][len(everything["items"]) // 2]["seq"]
    later = (await client.get(f"{url}?after={middle}", headers=headers)).json()
    assert [e["seq"] for e in later["items"]] == [
        e["seq"] for e in everything["items"] if e["seq"] > middle
    ]
    assert later["last_seq"] == everything["last_seq"]
    assert everything["last_seq"] > everything["items"][-1]["seq"]  # the note was last
    none = (await client.get(f"{url}?after={everything['last_seq']}", headers=headers)).json()
    assert none == {"items": [], "last_seq": everything["last_seq"]}
    for after in ("-1", "x", "9223372036854775808"):
        assert code(await client.get(f"{url}?after={after}", headers=headers)) == (
            422,
            "request_invalid",
        )
