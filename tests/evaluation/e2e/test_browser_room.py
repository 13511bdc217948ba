"""The scoring room in the browser, end to end (issue 12, "Must show").

The cross-city lot's seven members sit at three venues and evaluate in Chromium, a
browser context each, their pages split over two `etender serve` processes; the host
and the two assisting venues' own staff work at their desks, the department's
supervisor watches from the observer view. Every person signs in through the login
page and signs with a key made in its own browser (WebCrypto, not extractable) whose
certificate the demo CA issued from the page's request.

Through the pages only: the host opens the sign-in; each member signs in at its venue
and venue staff check and confirm the identities there; the host starts; the members
declare, elect their chair, qualify the bids (one fails by majority), score the two
that passed (sealed in the page, the key kept in the browser, revealed by the page);
the one flagged deviation is explained; the host marks the commercial opening done
(the opening hall's own step, run by its services here); the chair ranks and drafts;
the supervisor writes a signed note; every member signs the report in its browser.

Then, outside the platform: every signature — sheets, report, note — verifies with
``openssl cms -verify`` (docs/formats/signatures.md §3) and was made by a certificate
registered as a browser device key. The screenshots of docs/guide-evaluation.md are
taken along the way (tests/evaluation/e2e/browser.py, ``Shots``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import subprocess
import types
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import asyncpg
import pytest

from accounts.model import OrgKind, Role
from accounts.users.service import set_password
from evaluation.notes.model import note_form
from signing.certs import dump_pem_certificate, dump_pem_private_key
from signing.demo_ca import DemoCA
from tests.accounts.factory import CONSOLE, PASSWORD, actor_for, make_organisation, make_user
from tests.conftest import CloneDatabase
from tests.evaluation.e2e import findings
from tests.evaluation.e2e.browser import LANGS, SHOTS, Person, Shots, alerts, browser_key, person
from tests.evaluation.e2e.flow import VOTES, open_commercial_parts, schedule, venue_plan
from tests.evaluation.e2e.scenario import MAIN, REMOTE, CrossCity
from tests.evaluation.servers import Servers

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOM = "#room:not([data-phase=''])"
DESK = "#desk:not([data-phase=''])"
OBSERVE = "#observe:not([data-phase=''])"
KEYS = "main"
NOTE = "16:40 合肥副场网络短暂中断约2分钟，已恢复，评分未受影响。"
OPENSSL = "/usr/bin/openssl"


@contextlib.asynccontextmanager
async def _cluster(
    database: CloneDatabase, lot: CrossCity, root: Path, ca: DemoCA, ca_dir: Path
) -> AsyncIterator[Servers]:
    """Two nodes sharing the sealed blobs and the opened technical parts (members read
    the bids' files from their node), the demo CA issuing from browsers' requests."""
    servers = Servers(
        database.app_dsn, root / "nodes", count=2, ca=ca,
        env={"ETENDER_DEMO_CA_DIR": str(ca_dir)},
    )  # fmt: skip
    shutil.copytree(lot.data_dir / "blobs", servers.seed / "blobs", dirs_exist_ok=True)
    shutil.copytree(lot.output_root, servers.seed / "opened", dirs_exist_ok=True)
    async with servers:
        yield servers


def _demo_ca_dir(where: Path, ca: DemoCA) -> Path:
    """The test's CA as `etender ca init` writes one (what ETENDER_DEMO_CA_DIR names)."""
    where.mkdir(mode=0o700)
    (where / "root.crt").write_bytes(dump_pem_certificate(ca.root_cert))
    (where / "issuing.crt").write_bytes(dump_pem_certificate(ca.issuing_cert))
    (where / "root.key").write_bytes(dump_pem_private_key(ca.root_key))
    (where / "issuing.key").write_bytes(dump_pem_private_key(ca.issuing_key))
    (where / "issued.json").write_text("{}")
    (where / "revoked.json").write_text("{}")
    return where


async def _people(conn: asyncpg.Connection, lot: CrossCity) -> dict[str, str]:
    """Passwords for everyone who signs in; each assisting venue's city centre assigns
    one staff user of its own to its venue (docs/api-expert-pool.md, "Venue staff").
    Venue id → that staff user's username."""
    from expert_pool.venues import staff as venue_staff

    world = lot.world
    people = [*(u.id for u in lot.committee), world.staff.user_id, world.supervisor.user_id]
    for user_id in people:
        await set_password(conn, CONSOLE, user_id=user_id, password=PASSWORD)
    regions = {v.id: v.region for v in REMOTE}
    out = {}
    for venue in lot.assisting:
        centre = await make_organisation(conn, OrgKind.CITY_CENTRE, region=regions[venue])
        manager = await make_user(conn, centre, Role.CENTRE_STAFF, username=f"mgr.{venue.lower()}")
        staff = await make_user(conn, centre, Role.CENTRE_STAFF, username=f"staff.{venue.lower()}")
        await venue_staff.assign_staff(conn, await actor_for(conn, manager), venue, staff.id)
        out[venue] = staff.username
    return out


def _points(hundredths: int) -> str:
    """As a member types a score: points with two decimals."""
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def _row(bid: UUID, item: str) -> str:
    return f".sheet-row[data-bid='{bid}'][data-item='{item}']"


async def _phase(who: Person, root: str, phase: str) -> None:
    await who.page.wait_for_selector(f"{root}[data-phase='{phase}']", state="attached")


async def _form_ready(who: Person, phase: str) -> None:
    """The sheet of ``phase`` is built and its draft read back: typing now is never undone."""
    await who.page.wait_for_selector(
        f"#sheet-form[data-phase='{phase}'][data-ready=true] .sheet-row", state="attached"
    )


async def _qualify(who: Person, seat: int, bids: dict[int, UUID]) -> None:
    """The member's qualification findings typed into its sheet."""
    page = who.page
    await _form_ready(who, "qualification")
    for entry in findings.qualification(seat, bids):
        row = _row(entry.bid, entry.item)
        await page.select_option(f"{row} [data-field=pass]", "pass" if entry.passed else "fail")
        if not entry.passed:
            assert entry.reason is not None
            assert entry.explanation is not None
            await page.select_option(f"{row} [data-field=reason]", entry.reason)
            await page.fill(f"{row} [data-field=explanation]", entry.explanation)


async def _score(who: Person, seat: int, bids: dict[int, UUID]) -> None:
    await _form_ready(who, "scoring")
    for entry in findings.scoring(seat, bids):
        await who.page.fill(
            f"{_row(entry.bid, entry.item)} [data-field=points]", _points(entry.points)
        )


async def _submit(who: Person) -> None:
    await who.page.locator("#error").evaluate("e => { e.hidden = true; }")  # only this send's
    await who.page.click("#submit-sheet")
    # Sealed, or refused with the page's error shown: the failure then says which.
    await who.page.wait_for_selector(
        "#sealed-state[data-version='1'], #error:not([hidden])", state="attached"
    )
    error = await who.page.locator("#error").evaluate("e => e.hidden ? '' : e.textContent")
    assert not error, f"{who.name}: the sheet was refused: {error}"


def _verifies(workdir: Path, ca: DemoCA, content: bytes, signature: bytes, n: int) -> bool:
    """docs/formats/signatures.md §3, "Verifying with OpenSSL", exactly."""
    body, sig, root = workdir / f"{n}.bin", workdir / f"{n}.p7s", workdir / "root.pem"
    workdir.mkdir(exist_ok=True)
    body.write_bytes(content)
    sig.write_bytes(signature)
    root.write_bytes(dump_pem_certificate(ca.root_cert))
    done = subprocess.run(
        [OPENSSL, "cms", "-verify", "-binary", "-inform", "DER", "-in", str(sig),
         "-content", str(body), "-CAfile", str(root), "-out", "/dev/null"],
        capture_output=True, check=False,
    )  # fmt: skip
    return done.returncode == 0


async def _signatures(conn: asyncpg.Connection, session: UUID) -> list[tuple[str, bytes, bytes]]:
    """(what, signed bytes, signature) of every sheet, report signature and note."""
    out: list[tuple[str, bytes, bytes]] = []
    for r in await conn.fetch(
        "SELECT phase, seat, version, plaintext, signature FROM evaluation_sheets"
        " WHERE session_id = $1 AND NOT void ORDER BY phase, seat, version",
        session,
    ):
        out.append(
            (f"sheet {r['phase']} {r['seat']}", bytes(r["plaintext"]), bytes(r["signature"]))
        )
    for r in await conn.fetch(
        "SELECT s.seat, r.body, s.signature FROM evaluation_report_signatures s"
        " JOIN evaluation_reports r USING (session_id, version) WHERE s.session_id = $1",
        session,
    ):
        out.append((f"report {r['seat']}", bytes(r["body"]), bytes(r["signature"])))
    for r in await conn.fetch(
        "SELECT id, text, signature FROM evaluation_notes WHERE session_id = $1", session
    ):
        out.append(("note", note_form(session, r["id"], r["text"]), bytes(r["signature"])))
    return out


async def test_seven_members_at_three_venues_evaluate_and_sign_in_their_browsers(
    database: CloneDatabase,
    pool: asyncpg.Pool,
    lot: CrossCity,
    ca: DemoCA,
    browser: Any,
    tmp_path: Path,
) -> None:
    async with pool.acquire() as proxy:
        venue_staff = await _people(cast(asyncpg.Connection, proxy), lot)
    ca_dir = _demo_ca_dir(tmp_path / "ca", ca)
    shots = Shots(tmp_path / "shots")
    async with (
        _cluster(database, lot, tmp_path, ca, ca_dir) as nodes,
        contextlib.AsyncExitStack() as stack,
    ):
        session = await schedule(pool, lot, nodes[0])
        room, desk, observe = (f"/evaluations/{session}/{v}" for v in ("room", "desk", "observe"))

        async def enter(url: str, username: str, ready: str, name: str) -> Person:
            return await stack.enter_async_context(
                person(browser, url, username, ready=ready, name=name)
            )

        members = [
            await enter(nodes[seat % 2].url, user.username, ROOM, f"专家{seat}")
            for seat, user in enumerate(lot.committee, start=1)
        ]
        host = await enter(nodes[0].url, "staff", DESK, "host")
        venues = {v: await enter(nodes[1].url, u, DESK, v) for v, u in venue_staff.items()}
        supervisor = await enter(nodes[1].url, "supervisor", OBSERVE, "supervisor")
        everyone = [*members, host, *venues.values(), supervisor]

        # Keys: each member makes its key in its browser (what /me/keys does).
        for who in members:
            await who.goto(room)
            await browser_key(who)
            await who.reload()
            await who.page.wait_for_selector("#nokey[hidden]", state="attached")
        await supervisor.goto(observe)
        await browser_key(supervisor)

        # Sign-in at three venues; venue staff check identities where each member sits.
        # The scenario assigned the host to the assisting venues too (a set-up shortcut):
        # ``?view=host`` is the host's desk for such a user (docs/guide-evaluation.md).
        await host.goto(f"{desk}?view=host")
        await host.page.click("#cmd-open-sign-in")
        plan = venue_plan(lot)
        for seat, who in enumerate(members, start=1):
            await _phase(who, "#room", "sign_in")
            await who.page.select_option("#venue", plan[seat])
            await who.page.click("#sign-in")
        await shots.take(members[3], "room-sign-in")
        for who in venues.values():
            await who.goto(desk)
        for seat in range(1, 8):
            at = host if plan[seat] == MAIN.id else venues[plan[seat]]
            await at.page.wait_for_selector(f"#id-checked-{seat}")
            if seat == 4:
                await shots.take(
                    at, "desk-venue", lambda p: p.page.wait_for_selector("#id-checked-4")
                )
            await at.page.check(f"#id-checked-{seat}")
            await at.page.click(f"#confirm-{seat}")
        await shots.take(host, "desk-host")
        await host.page.click("#cmd-start")

        # Declarations and the chair's election (5 of 7 for seat 3).
        for who in members:
            await _phase(who, "#room", "conflicts")
            await who.page.check("#conflict-no")
            await who.page.click("#declare")
        for seat, who in enumerate(members, start=1):
            await _phase(who, "#room", "chair_election")
            await who.page.select_option("#vote-seat", str(VOTES[seat]))
            await who.page.click("#vote")
        async with pool.acquire() as proxy:
            rows = await cast(asyncpg.Connection, proxy).fetch(
                "SELECT bid_id, bidder FROM evaluation_bids WHERE session_id = $1", session
            )
        index = {b.org.credit_code: i for i, b in enumerate(lot.bidders)}
        bids = {index[r["bidder"]]: r["bid_id"] for r in rows}

        # Qualification: typed, sealed and signed in each page; revealed by the pages.
        for seat, who in enumerate(members, start=1):
            await _phase(who, "#room", "qualification")
            await _qualify(who, seat, bids)
            if seat == 1:
                await shots.take(who, "room-qualification")
            await _submit(who)
        # Scoring of the two bids that passed; seat 7's plan score of bid 0 deviates.
        for seat, who in enumerate(members, start=1):
            await _phase(who, "#room", "scoring")
            await _score(who, seat, bids)
            if seat == 1:
                await shots.take(who, "room-scoring")
            await _submit(who)
        seven = members[6]
        _, bid, item = findings.DEVIANT
        flag = f"#flags li.flag[data-bid='{bids[bid]}'][data-item='{item}']"
        await seven.page.wait_for_selector(flag)
        await seven.page.fill(f"{flag} textarea.explain-text", findings.EXPLANATION)
        await shots.take(seven, "room-review", lambda p: p.page.wait_for_selector(flag))
        await seven.page.fill(f"{flag} textarea.explain-text", findings.EXPLANATION)
        await seven.page.click(f"{flag} button.explain")

        # The opening hall opens the commercial parts of the bids that passed.
        await _phase(host, "#desk", "commercial_opening")
        shim = types.SimpleNamespace(
            lot=lot, nodes=nodes, pool=pool,
            staff=types.SimpleNamespace(token=await _token(pool, lot.world.staff.user_id)),
        )  # fmt: skip
        await open_commercial_parts(cast(Any, shim), frozenset({bids[0], bids[1]}))
        await host.page.click("#cmd-commercial-opened")

        # The chair (seat 3) ranks and drafts; the supervisor notes; everyone signs.
        chair = members[2]
        await _phase(chair, "#room", "ranking")
        await shots.take(chair, "room-chair")
        await chair.page.click("#rank")
        await chair.page.wait_for_selector("#draft-report:not([disabled])")
        await chair.page.click("#draft-report")
        await supervisor.goto(observe)
        await supervisor.page.fill("#note-text", NOTE)
        await supervisor.page.click("#sign-note")
        await supervisor.page.wait_for_selector("#notes tbody tr")
        await shots.take(supervisor, "observe")
        for n, who in enumerate(members):
            await _phase(who, "#room", "signing")
            await who.page.wait_for_selector("#sign-report:not([disabled])")
            if n == 0:
                await shots.take(who, "room-report")
            await who.page.click("#sign-report")
            await who.page.wait_for_selector(
                "#report-state[data-answer='report.signed']", state="attached"
            )
        for who in members:
            await _phase(who, "#room", "closed")
        # The member's keys page: its browser key, and the signatures it made.
        keys = dataclasses.replace(members[0], ready=KEYS)
        await keys.goto("/me/keys")
        await shots.take(keys, "keys")

        assert not await alerts(everyone)

    # Outside the platform: every signature verifies, each by a browser device key.
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        signed = await _signatures(conn, session)
        devices = await conn.fetch(
            "SELECT user_id, device_kind FROM user_certificates WHERE retired_at IS NULL"
        )
    assert len([s for s in signed if s[0].startswith("sheet")]) == 14
    assert len([s for s in signed if s[0].startswith("report")]) == 7
    assert len([s for s in signed if s[0] == "note"]) == 1
    for n, (what, content, signature) in enumerate(signed):
        assert _verifies(tmp_path / "openssl", ca, content, signature, n), what
    device_of = {r["user_id"]: r["device_kind"] for r in devices}
    for user_id in (*(u.id for u in lot.committee), lot.world.supervisor.user_id):
        assert device_of[user_id] == "browser"
    assert sorted(shots.taken) == sorted(f"{n}-{lang}.jpg" for n in SHOTS for lang in LANGS)


async def _token(pool: asyncpg.Pool, user: UUID) -> str:
    from tests.evaluation.servers import bearer_token

    async with pool.acquire() as proxy:
        return await bearer_token(cast(asyncpg.Connection, proxy), user)
