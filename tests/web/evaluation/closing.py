"""Driving a real session from its qualification review to its close.

Every step is the real one: the members' sheets built, sealed and signed with their
registered certificates (signing.sheets, as the client does) and revealed through the
room; the two-envelope lot's commercial parts opened by the centre and released by two
officials (the opening's own services); the host's ``commercial_opened``; the chair's
ranking and draft; every member's signature over the report's exact bytes. Nothing is
written around the services.
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import asyncpg

from evaluation.model import Phase
from evaluation.report import queries as reports
from evaluation.report.queries import StoredReport
from evaluation.report.service import commercial_bids
from signing import sheets
from signing.cms import sign_detached
from tender.opening.progress import open_commercial_stage
from tender.opening.release import release_shares
from tests.accounts.factory import actor_for
from tests.evaluation.kit import SessionWorld, Template, load, send
from tests.evaluation.scenario import opening_for
from tests.tender.opening.kit import share_releases
from tests.tender.submission.kit import make_submission
from tests.web.evaluation.kit import b64url, in_qualification
from web.demo.closing import sheet_phase

# Hundredths per scoring item ("c1.1" 0–3000, "c2.1" 0–1000): every member gives the same
# (no deviation to review), bids told apart so that the ranking is not a tie.
POINTS = {"c1.1": (2800, 2500, 2000), "c2.1": (900, 800, 700)}


def copy_data(template: Template, where: Path) -> Path:
    """A writable copy of the template's data directory (blobs, keys) with its opened
    parts under ``<copy>/opened``, where the app's opening looks."""
    data_dir = where / "data"
    shutil.copytree(template.data_dir, data_dir)
    shutil.copytree(template.output_root, data_dir / "opened")
    return data_dir


async def _sheet_phase(
    conn: asyncpg.Connection, w: SessionWorld, phase: str, entries: tuple[sheets.Entry, ...]
) -> None:
    """Every member seals the same entries, then every member reveals its sheet."""
    members = [(m, w.template.member_identities[m.user_id]) for m in w.members]
    await sheet_phase(functools.partial(send, conn, w), w.state.id, phase, members, entries)


async def _open_commercial_parts(conn: asyncpg.Connection, w: SessionWorld, data_dir: Path) -> None:
    """Two envelopes: the centre opens the commercial stage of the bids that passed
    (as the evaluation announced them: all of them here) and two officials release
    their commercial shares."""
    world, tender = w.scenario.world, w.scenario.tender
    sub = make_submission(world, data_dir)
    opening = opening_for(world, sub, data_dir, data_dir / "opened")
    passed = functools.partial(commercial_bids, conn, tender.id, "1")
    await open_commercial_stage(conn, w.staff, tender.id, "1", opening=opening, passed=passed)
    for x in (1, 2):
        official = await actor_for(conn, world.officials[x - 1].user)
        shares = await share_releases(conn, tender, world, sub, x, "commercial")
        await release_shares(conn, official, tender.id, "1", shares, opening=opening)


async def to_ranking(conn: asyncpg.Connection, w: SessionWorld, data_dir: Path) -> None:
    """Qualification (every bid passes), scoring, the commercial opening: ranking."""
    await in_qualification(conn, w)
    await _sheet_phase(conn, w, "qualification", ())
    assert (await load(conn, w)).phase is Phase.SCORING
    bids = [b.bid_id for b in w.state.bids]
    entries = tuple(
        sheets.ScoreEntry(bid=bid, item=item, points=points[i])
        for item, points in POINTS.items()
        for i, bid in enumerate(bids)
    )
    await _sheet_phase(conn, w, "scoring", entries)
    assert (await load(conn, w)).phase is Phase.COMMERCIAL_OPENING
    await _open_commercial_parts(conn, w, data_dir)
    await send(conn, w, w.staff, "commercial_opened")
    assert (await load(conn, w)).phase is Phase.RANKING


async def to_signing(conn: asyncpg.Connection, w: SessionWorld, data_dir: Path) -> StoredReport:
    """Ranked and drafted by the chair (seat 1): the report the members sign."""
    await to_ranking(conn, w, data_dir)
    await send(conn, w, w.member(1), "rank")
    await send(conn, w, w.member(1), "draft_report")
    assert (await load(conn, w)).phase is Phase.SIGNING
    report = await reports.current_report(conn, w.state.id)
    assert report is not None
    return report


async def to_closed(conn: asyncpg.Connection, w: SessionWorld, data_dir: Path) -> StoredReport:
    """Every member signs the report's exact bytes: the session closes."""
    report = await to_signing(conn, w, data_dir)
    for member in w.members:
        who = w.template.member_identities[member.user_id]
        signature = sign_detached(report.body, who.certificate, who.key, chain=who.chain)
        data = {"sha256": report.sha256, "signature": b64url(signature)}
        await send(conn, w, member, "sign_report", data)
    assert (await load(conn, w)).phase is Phase.CLOSED
    return report
