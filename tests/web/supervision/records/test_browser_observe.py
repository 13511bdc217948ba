"""Must show (issue 14): a supervisor watches an opening and an evaluation session live
in Chromium (a real uvicorn), files a record signed in the browser and attached to the
session, and the record appears in the project archive — `etender archive verify`
passes on it. Opening and session are the opened-lot template's (tests/evaluation/kit.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from starlette.applications import Starlette

from signing.archive.package import read_package
from signing.archive.verify import verify_package
from supervision.records.statements import RECORD_FORMAT
from tests.conftest import LiveServer
from tests.evaluation.kit import MAIN_VENUE, SessionWorld, Template, send
from tests.tender.archive.kit import archive_opened_lot
from tests.web.evaluation.desk.browser import signed_in
from tests.web.evaluation.kit import key_to_import, supervisor_identity
from web.services import services

ON_OPENING = "开标准时进行，技术标全部解密成功。"
ON_TENDER = "抽查代理机构项目档案，资料齐全。"
ON_SESSION = "14:05 主持人开启签到，专家1在主场签到；评标秩序正常。"

IMPORT_KEY = """async (arg) => {
  const root = document.getElementById("supervision-records");
  const sign = await import(root.dataset.signBundle);
  const record = await sign.keys.importPkcs8(arg.user, arg.key, arg.cert, {label: "supervisor"});
  return record.certSha256;
}"""


async def _file(page: Any, text: str) -> None:
    """Type the record, sign and file it from the page; wait for it to be listed."""
    before = await page.locator("#records tbody tr").count()
    await page.fill("#record-text", text)
    await page.click("#file-record")
    await page.wait_for_function(
        "n => document.querySelectorAll('#records tbody tr').length > n", arg=before
    )
    assert await page.is_hidden("#record-error")


@pytest.mark.browser
async def test_a_supervisor_watches_the_opening_and_the_session_files_a_record_archived(
    browser: Any,
    conn: asyncpg.Connection,
    w: SessionWorld,
    live_server: LiveServer,
    app: Starlette,
    evaluation_template: Template,
    tmp_path: Path,
) -> None:
    tender = w.scenario.tender
    identity = await supervisor_identity(conn, w)
    key = key_to_import(identity, w.scenario.world.ca, w.supervisor.user_id)
    async with signed_in(browser, live_server, w.supervisor.username) as page:
        # The opening, live: the hall's status over the socket (each part's decryption
        # status and the announced record), then the host's bond check as it happens.
        await page.goto(f"{live_server.url}/tenders/{tender.id}/lots/1/opening-observe")
        await page.wait_for_selector("#supervision-records[data-ready=true]")
        await page.wait_for_selector("#statuses tbody tr[data-outcome=opened]")
        assert await page.locator("#host").count() == 0  # watching, not hosting
        async with signed_in(browser, live_server, w.staff.username) as host:
            await host.goto(f"{live_server.url}/tenders/{tender.id}/lots/1/opening-hall")
            await host.wait_for_selector("#statuses tbody tr")
            await host.click("#bond-check")
            await page.wait_for_selector("#bonds li")
        await page.evaluate(IMPORT_KEY, key)
        await _file(page, ON_OPENING)

        # The tender as a whole: its records page files a record attached to it.
        await page.goto(f"{live_server.url}/tenders/{tender.id}/supervision-records")
        await page.wait_for_selector("#supervision-records[data-ready=true]")
        assert await page.locator("#records tbody tr").count() == 0  # the opening's is not here
        await _file(page, ON_TENDER)

        # The evaluation session, live: the host opens the sign-in, a member signs in.
        await page.goto(f"{live_server.url}/evaluations/{w.state.id}/observe")
        await page.wait_for_selector("#observe[data-ready=true] #phase[data-phase=scheduled]")
        await page.wait_for_selector("#supervision-records[data-ready=true]")
        assert await page.locator("#records tbody tr").count() == 0  # the opening's is not here
        await send(conn, w, w.staff, "open_sign_in")
        await send(conn, w, w.member(1), "sign_in", {"venue": MAIN_VENUE.id})
        await page.wait_for_selector("#events li[data-kind='member.signed_in']")
        await page.wait_for_selector("#phase[data-phase=sign_in]")
        await _file(page, ON_SESSION)
        assert ON_SESSION in await page.inner_text("#records")
        assert page.errors == []

    rows = await conn.fetch(
        "SELECT id, attached, lot, session_id, statement FROM supervision_records "
        "ORDER BY recorded_at"
    )
    assert [(r["attached"], r["lot"], r["session_id"]) for r in rows] == [
        ("opening", "1", None), ("tender", None, None), ("evaluation", "1", w.state.id),
    ]  # fmt: skip
    rows = [rows[0], rows[2], rows[1]]  # opening, session, tender
    statement = json.loads(bytes(rows[1]["statement"]))
    assert (statement["format"], statement["session"], statement["text"]) == (
        RECORD_FORMAT, str(w.state.id), ON_SESSION,
    )  # fmt: skip

    # The archive: the tender ends, its package holds both records where attached.
    # With the serving app's log key: its checkpoint job signs the log meanwhile.
    built = await archive_opened_lot(conn, evaluation_template, services(app).log_identity)
    verified = verify_package(built.package)
    members = read_package(built.package)
    session_path = f"evaluation/lot-1-{w.state.attempt:02d}/supervision/{rows[1]['id']}.json"
    opening_path = f"opening/lot-1/supervision/{rows[0]['id']}.json"
    kinds = {f.path: f.kind for f in verified.manifest.files}
    tender_path = f"supervision/{rows[2]['id']}.json"
    assert kinds[session_path] == kinds[opening_path] == kinds[tender_path] == "supervision_record"
    assert members[session_path] == bytes(rows[1]["statement"])
    assert session_path in {s.content for s in verified.manifest.signatures}
    # `etender archive verify` as an auditor runs it, offline in another process.
    (tmp_path / "archive.tar").write_bytes(built.package)
    argv = [sys.executable, "-m", "client.archive", "verify", str(tmp_path / "archive.tar")]
    run = subprocess.run(argv, capture_output=True, check=False, timeout=300)
    assert run.returncode == 0, run.stdout.decode() + run.stderr.decode()
