"""WEB's evaluation tests on the real session core (tests/evaluation/kit.py).

A session is scheduled through ``evaluation.sessions.service.schedule`` on a clone of
CORE's opened lot and driven with real commands through the room (``kit.send``); the
features here (clarifications, notes, venues) are reached the same way. This module
adds what those features need around it: assisting venues the lot's draw picked (so
that members sign in away from the main venue), a supervisor with a registered
signing certificate, and the row counts a refusal must leave unchanged.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

import asyncpg
from cryptography.hazmat.primitives import serialization

from evaluation.clarifications import queries as clarification_queries
from evaluation.clarifications.model import Clarification
from evaluation.model import BidRef
from evaluation.notes.model import note_form
from expert_pool.answers import queries as draw_answers
from expert_pool.venues import queries as venue_queries
from expert_pool.venues import service as venues
from expert_pool.venues.model import Venue
from signing.certs import Identity, dump_pem_certificate
from signing.cms import sign_detached
from signing.demo_ca import DemoCA, issue_identity
from tests.accounts.factory import count_sql
from tests.evaluation.kit import MAIN_VENUE, OTHER_VENUE, SessionWorld, footprint, send
from tests.tender.world import register_certificate

WUHU = Venue(id="V-WUHU", name="芜湖市公共资源交易中心评标室", region="340200", seats=20)
ASSISTING = (OTHER_VENUE.id, WUHU.id)  # 副场, by venue id
# Seats 1–3 sign in at the main venue, seat 4 at Hefei, seat 5 at Wuhu.
VENUE_OF_SEAT: Mapping[int, str] = {4: ASSISTING[0], 5: ASSISTING[1]}
QUESTION = "请澄清投标文件第12页施工组织设计中的工期计算依据。"
NOTE = "14:05 专家4所在副场网络中断约3分钟，已恢复，评分未受影响。"

_TABLES = (
    "evaluation_clarifications",
    "evaluation_notes",
    "evaluation_venue_handovers",
    "log_entries",
    "live_events",
    "supervision_alerts",
)


async def pick_assisting_venues(conn: asyncpg.Connection, w: SessionWorld) -> None:
    """The lot's draw picked Hefei and Wuhu as assisting venues (两随机).

    expert_pool picks venues in a draw's venue round; the template's draw had none, so
    this writes the picks that round would write, as tests/evaluation/kit.py's
    ``confirm_in_draw`` writes a replacement round's seat.
    """
    await venues.create_venue(conn, w.staff, WUHU)
    picks = [(venue_id, "venue@remote", i) for i, venue_id in enumerate(ASSISTING)]
    await draw_answers.insert_venue_picks(conn, w.state.draw_id, 90, picks)
    for venue_id in ASSISTING:
        # Test setup: the assisting venues' own centres assigned the staff who confirm
        # identities there (expert_pool/venues/staff.py); here the host's staff user.
        await venue_queries.assign_staff(conn, venue_id, w.staff.user_id, w.staff.user_id)


async def sign_in_at_venues(conn: asyncpg.Connection, w: SessionWorld) -> None:
    """The sign-in opens; every member signs in (seats 4 and 5 at the assisting
    venues) and is confirmed by venue staff."""
    await pick_assisting_venues(conn, w)
    await send(conn, w, w.staff, "open_sign_in")
    for seat, member in enumerate(w.members, start=1):
        venue = VENUE_OF_SEAT.get(seat, MAIN_VENUE.id)
        await send(conn, w, member, "sign_in", {"venue": venue})
        await send(conn, w, w.staff, "confirm_identity", {"seat": seat})


async def in_qualification(conn: asyncpg.Connection, w: SessionWorld, chair: int = 1) -> None:
    """Signed in (two members away from the main venue), started, nobody declares a
    conflict, seat ``chair`` elected: the qualification review is on."""
    await sign_in_at_venues(conn, w)
    await send(conn, w, w.staff, "start")
    for member in w.members:
        await send(conn, w, member, "declare", {"conflict": False})
    for member in w.members:
        await send(conn, w, member, "vote_chair", {"seat": chair})


async def supervisor_identity(conn: asyncpg.Connection, w: SessionWorld) -> Identity:
    """The department's supervisor's signing certificate, registered on the platform."""
    identity = issue_identity(
        w.scenario.world.ca, name="监督员", now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    )
    await register_certificate(conn, w.supervisor.user_id, identity)
    return identity


def key_to_import(identity: Identity, ca: DemoCA, user_id: uuid.UUID) -> dict[str, str]:
    """The arguments of the signing module's ``keys.importPkcs8`` for ``identity``: the
    user, its PKCS#8 key and its chain as PEM (a supervisor's key in a browser test)."""
    key_pem = identity.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()  # fmt: skip
    chain = (identity.certificate, ca.issuing_cert, ca.root_cert)
    cert_pem = b"".join(dump_pem_certificate(c) for c in chain).decode()
    return {"user": str(user_id), "key": key_pem, "cert": cert_pem}


def b64url(data: bytes) -> str:
    """base64url without padding (binary fields of frames)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signed_note(
    session_id: uuid.UUID, who: Identity, text: str = NOTE, note_id: uuid.UUID | None = None
) -> dict[str, Any]:
    """The ``note`` command's data: a fresh id, the text, ``who``'s CMS over the form."""
    note_id = note_id or uuid.uuid4()
    form = note_form(session_id, note_id, text)
    signature = sign_detached(form, who.certificate, who.key, chain=who.chain)
    return {"id": str(note_id), "text": text, "signature": b64url(signature)}


def bid_of(w: SessionWorld, bidder: int) -> BidRef:
    """The session's bid of the world's bidder ``bidder`` (bids are in record order)."""
    code = w.scenario.world.bidder_orgs[bidder].credit_code
    return next(b for b in w.state.bids if b.bidder == code)


async def ask(
    conn: asyncpg.Connection, w: SessionWorld, bidder: int = 0, question: str = QUESTION
) -> Clarification:
    """The chair (seat 1) asks the world's bidder ``bidder`` about its bid, in the room."""
    data = {"bid": str(bid_of(w, bidder).bid_id), "question": question}
    await send(conn, w, w.member(1), "ask_clarification", data)
    found = await clarification_queries.of_session(conn, w.state.id)
    return found[-1]


async def counts(conn: asyncpg.Connection) -> dict[str, int]:
    """Rows of every table these features write, the log, live events and alerts."""
    found = {}
    for table in _TABLES:
        found[table] = await conn.fetchval(count_sql(table))
    return found


async def everything(conn: asyncpg.Connection, w: SessionWorld) -> dict[str, Any]:
    """The session's own footprint (the core's tables) and these features' rows."""
    return {**await footprint(conn, w), **await counts(conn)}
