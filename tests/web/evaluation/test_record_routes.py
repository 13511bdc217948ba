"""Clarifications, supervisors' notes and venue handovers over HTTP, on a real session:
questions and notes go through the room, answers and handovers over HTTP — per object
and per role, every bad input refused with a stable code and nothing written."""

from __future__ import annotations

import base64
import dataclasses
import json
import uuid
from typing import Any

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from evaluation.clarifications.model import Clarification, answer_form
from evaluation.model import DEFAULT_POLICY
from evaluation.venues.service import open_handovers
from live import queries as live
from live import service as live_service
from live.model import Command
from signing.certs import Identity
from signing.cms import sign_detached
from tests.evaluation.kit import MAIN_VENUE, SessionWorld, Template, context, send, session_world
from tests.web.evaluation.http import code, login
from tests.web.evaluation.kit import (
    ASSISTING,
    ask,
    bid_of,
    counts,
    in_qualification,
    signed_note,
    supervisor_identity,
)
from web.evaluation.jobs import alert_late_handovers
from web.services import services
from web.settings import Settings

ANSWER = "工期按365日历天计。"
BUNDLE = "ab" * 32


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No background jobs: this module counts every row the platform writes, and a job
    ticking on its own clock (a tender alert on the template's lot, CI stop 21) raced
    the count. A test of a job calls the job itself."""
    return dataclasses.replace(settings, run_background=False)


def _signed(w: SessionWorld, asked: Clarification, answer: str, who: Identity) -> str:
    form = answer_form(w.state.id, asked, answer)
    return base64.b64encode(sign_detached(form, who.certificate, who.key, chain=who.chain)).decode()


def _bidder_identity(w: SessionWorld, n: int) -> Identity:
    return w.scenario.world.bidder_identities[n]


async def test_the_apps_room_takes_the_questions_and_notes(
    app: Starlette, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """The evaluation kind the application registers (web/app.py) is the room with
    these features' commands: a question and a note through it, as a socket sends them."""
    room = services(app).live.kinds["evaluation"]
    assert {"ask_clarification", "refuse_clarification", "note"} <= room.commands
    await in_qualification(conn, w)
    question = {"bid": str(bid_of(w, 0).bid_id), "question": "工期依据？"}
    note = signed_note(w.state.id, await supervisor_identity(conn, w))
    for who, kind, data in ((w.member(1), "ask_clarification", question),
                            (w.supervisor, "note", note)):  # fmt: skip
        command = Command(id=f"app-{kind}", type=kind, data=data)
        assert await live_service.apply(conn, room, w.live, who, command) is not None
    kinds = [e.kind for e in await live.events_after(conn, w.state.id, 0)][-2:]
    assert kinds == ["clarification.asked", "supervisor.note"]


async def test_a_bidder_reads_its_questions_and_answers_once(
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """Bidder 1 sees its question only and answers it with its signature; the session
    hears clarification.answered (the committee and staff); a second answer is a
    conflict."""
    await in_qualification(conn, w)
    mine, other = await ask(conn, w, 0), await ask(conn, w, 1)
    base = f"/api/v1/evaluations/{w.state.id}/clarifications"
    bidder = await login(client, "bidder1")
    listed = (await client.get(base, headers=bidder)).json()["items"]
    assert [c["id"] for c in listed] == [str(mine.id)]
    staff = (await client.get(base, headers=await login(client, "staff"))).json()["items"]
    assert [c["id"] for c in staff] == [str(mine.id), str(other.id)]
    body = {"answer": ANSWER, "signature": _signed(w, mine, ANSWER, _bidder_identity(w, 0))}
    done = await client.post(f"{base}/{mine.id}/answer", json=body, headers=bidder)
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["answer"]) == ("answered", ANSWER)
    last = (await live.events_after(conn, w.state.id, 0))[-1]
    assert (last.kind, last.audience) == ("clarification.answered", "role:panel")
    assert last.data == {"id": str(mine.id), "bid": str(mine.bid_id), "answer": ANSWER}
    again = await client.post(f"{base}/{mine.id}/answer", json=body, headers=bidder)
    assert code(again) == (409, "evaluation_clarification_answered_conflict")


async def test_another_bidders_clarification_is_not_found(
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """Per object: bidder 2 answering bidder 1's question gets 404, as for a random or
    malformed id; nothing written."""
    await in_qualification(conn, w)
    mine = await ask(conn, w, 0)
    base = f"/api/v1/evaluations/{w.state.id}/clarifications"
    body = {"answer": ANSWER, "signature": _signed(w, mine, ANSWER, _bidder_identity(w, 1))}
    other = await login(client, "bidder2")
    before = await counts(conn)
    for which in (str(mine.id), str(uuid.uuid4()), "not-a-uuid"):
        refused = await client.post(f"{base}/{which}/answer", json=body, headers=other)
        assert code(refused) == (404, "evaluation_clarification_not_found")
    assert await counts(conn) == before


def _bad_answers(w: SessionWorld, asked: Clarification) -> list[tuple[Any, tuple[int, str]]]:
    mine, theirs = _bidder_identity(w, 0), _bidder_identity(w, 1)
    good = {"answer": ANSWER, "signature": _signed(w, asked, ANSWER, mine)}
    return [
        (
            {**good, "signature": _signed(w, asked, "别的答复", mine)},
            (422, "content_digest_mismatch"),
        ),
        (
            {**good, "signature": _signed(w, asked, ANSWER, theirs)},
            (422, "evaluation_clarification_signer_mismatch"),
        ),
        ({**good, "signature": "not base64!"}, (422, "request_invalid")),
        (
            {**good, "signature": base64.b64encode(b"\x30\x03\x02\x01\x00").decode()},
            (422, "signature_malformed"),
        ),
        ({**good, "answer": "含\u0000空"}, (400, "text_contains_nul")),
        ({**good, "answer": "长" * 4001}, (422, "request_invalid")),
        ({**good, "answer": "   "}, (422, "evaluation_clarification_text_invalid")),
        ({**good, "answer": 7}, (422, "request_invalid")),
        ({"answer": ANSWER}, (422, "request_invalid")),
        ({**good, "extra": True}, (422, "request_invalid")),
        (b"{", (400, "malformed_json")),
        (b'"' + b"a" * (2 << 20) + b'"', (413, "body_too_large")),
    ]


async def test_bad_answers_are_refused_with_stable_codes(
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """Forged, foreign, malformed or oversized: each its code, nothing written."""
    await in_qualification(conn, w)
    asked = await ask(conn, w)
    url = f"/api/v1/evaluations/{w.state.id}/clarifications/{asked.id}/answer"
    bidder = await login(client, "bidder1")
    before = await counts(conn)
    for body, expected in _bad_answers(w, asked):
        if isinstance(body, bytes):
            headers = {**bidder, "content-type": "application/json"}
            response = await client.post(url, content=body, headers=headers)
        else:
            response = await client.post(url, json=body, headers=bidder)
        assert code(response) == expected, json.dumps(body if isinstance(body, dict) else "raw")
    assert await counts(conn) == before


async def test_notes_are_read_by_supervisors_and_centre_staff_only(
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """The note is taken through the room; the members, the agency, the tenderer and
    bidders are refused its reading (403)."""
    data = signed_note(w.state.id, await supervisor_identity(conn, w))
    await send(conn, w, w.supervisor, "note", data)
    url = f"/api/v1/evaluations/{w.state.id}/notes"
    for username in ("supervisor", "staff"):
        (item,) = (await client.get(url, headers=await login(client, username))).json()["items"]
        assert (item["id"], item["text"]) == (data["id"], data["text"])
        assert base64.b64decode(item["signature"]) == base64.urlsafe_b64decode(
            data["signature"] + "=" * (-len(data["signature"]) % 4)
        )
    for who in (w.member(1), "agent", "owner", "bidder1", w.other_supervisor):
        refused = await client.get(url, headers=await login(client, who))
        assert code(refused) == (403, "permission_denied")


async def _close(conn: asyncpg.Connection, w: SessionWorld) -> None:
    """What the session's close does for the venues (evaluation/venues/service.py,
    ``open_handovers``, in the closing command's transaction)."""
    async with conn.transaction():
        assert await open_handovers(await context(conn, w, w.member(1))) == list(ASSISTING)


async def test_staff_record_handovers_and_only_overseers_see_them(
    client: httpx.AsyncClient, conn: asyncpg.Connection, w: SessionWorld
) -> None:
    """409 before the close; then 201 once, 409 again; listed for staff and
    supervisors; refused to everyone else."""
    await in_qualification(conn, w)
    url = f"/api/v1/evaluations/{w.state.id}/venues"
    staff = await login(client, "staff")
    early = await client.post(
        f"{url}/{ASSISTING[0]}/handover", json={"records_sha256": BUNDLE}, headers=staff
    )
    assert code(early) == (409, "evaluation_handover_early_conflict")
    await _close(conn, w)
    done = await client.post(
        f"{url}/{ASSISTING[0]}/handover",
        json={"records_sha256": BUNDLE, "note": "光盘1张"},
        headers=staff,
    )
    assert done.status_code == 201, done.text
    assert (done.json()["handed_over"], done.json()["late"]) == (True, False)
    again = await client.post(
        f"{url}/{ASSISTING[0]}/handover", json={"records_sha256": BUNDLE}, headers=staff
    )
    assert code(again) == (409, "evaluation_handover_recorded_conflict")
    for username in ("staff", "supervisor"):
        listed = await client.get(f"{url}/handovers", headers=await login(client, username))
        assert [(h["venue_id"], h["handed_over"]) for h in listed.json()["items"]] == [
            (ASSISTING[0], True),
            (ASSISTING[1], False),
        ]
    for who in ("agent", "owner", "bidder1", w.member(4)):
        headers = await login(client, who)
        assert code(await client.get(f"{url}/handovers", headers=headers)) == (
            403,
            "permission_denied",
        )
        posted = await client.post(
            f"{url}/{ASSISTING[1]}/handover", json={"records_sha256": BUNDLE}, headers=headers
        )
        assert code(posted) == (403, "permission_denied")


@pytest.mark.parametrize(
    ("venue", "body", "expected"),
    [
        (MAIN_VENUE.id, {"records_sha256": BUNDLE}, (404, "evaluation_venue_not_found")),
        ("V-NOWHERE", {"records_sha256": BUNDLE}, (404, "evaluation_venue_not_found")),
        ("bad%20id", {"records_sha256": BUNDLE}, (404, "evaluation_venue_not_found")),
        (ASSISTING[0], {"records_sha256": BUNDLE.upper()}, (422, "request_invalid")),
        (ASSISTING[0], {"records_sha256": 7}, (422, "request_invalid")),
        (ASSISTING[0], {"records_sha256": BUNDLE, "note": "含\u0000"}, (400, "text_contains_nul")),
        (ASSISTING[0], {"records_sha256": BUNDLE, "note": "长" * 1001}, (422, "request_invalid")),
        (
            ASSISTING[0],
            {"records_sha256": BUNDLE, "note": " "},
            (422, "evaluation_handover_invalid"),
        ),
        (ASSISTING[0], {}, (422, "request_invalid")),
    ],
)
async def test_bad_handovers_are_refused_with_stable_codes(
    client: httpx.AsyncClient,
    conn: asyncpg.Connection,
    w: SessionWorld,
    venue: str,
    body: dict[str, Any],
    expected: tuple[int, str],
) -> None:
    """Unknown or main venue: 404; malformed hash or note: 422 or 400; nothing written."""
    await in_qualification(conn, w)
    await _close(conn, w)
    staff = await login(client, "staff")
    before = await counts(conn)
    url = f"/api/v1/evaluations/{w.state.id}/venues/{venue}/handover"
    assert code(await client.post(url, json=body, headers=staff)) == expected
    assert await counts(conn) == before


async def test_the_job_alerts_the_centre_of_late_records(
    app: Starlette,
    client: httpx.AsyncClient,
    conn: asyncpg.Connection,
    evaluation_template: Template,
) -> None:
    """Due at the close (the session's policy: 0 working days): the job raises one
    alert per missing venue, read by the centre and the department through the tender's
    alerts, once."""
    policy = dataclasses.replace(DEFAULT_POLICY, records_handover_working_days=0)
    w = await session_world(conn, evaluation_template, policy=policy)
    await in_qualification(conn, w)
    await _close(conn, w)
    await alert_late_handovers(app)
    await alert_late_handovers(app)
    url = f"/api/v1/tenders/{w.state.tender_id}/alerts"
    for username in ("staff", "supervisor"):
        items = (await client.get(url, headers=await login(client, username))).json()["items"]
        late = sorted(i["data"]["venue_id"] for i in items if i["kind"] == "venue_records_overdue")
        assert late == list(ASSISTING)
    assert code(await client.get(url, headers=await login(client, "agent"))) == (
        403,
        "permission_denied",
    )
