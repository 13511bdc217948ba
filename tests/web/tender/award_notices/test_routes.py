"""The award notices over HTTP, per object and per role (docs/formats/award-notice.md):
the addressee's organisation, the tender's agency, centre staff and the supervising
department read a notice; anyone else — another bidder asking for the winner's notice
included — gets the 404 an unknown id gets."""

from __future__ import annotations

import datetime as dt
import subprocess
import uuid
from pathlib import Path

import asyncpg
import httpx

from accounts.model import Actor
from signing.certs import dump_pem_certificate
from tender.award_notices import service
from tender.award_notices.model import Notice, NoticeKind
from tender.award_notices.service import NoticeSigner
from tender.submission.receipts import load_or_create
from tests.tender.award_notices.factory import award
from tests.tender.results.kit import Closed
from tests.web.evaluation.http import get, login
from web.pdf.award_notice import render_award_notice

DECIDED = dt.datetime(2026, 12, 7, 1, 30, tzinfo=dt.UTC)


async def _issued(conn: asyncpg.Connection, closed: Closed) -> list[Notice]:
    await award(conn, closed, 1, 1, DECIDED)
    signer = NoticeSigner(identity=closed.signer, render=render_award_notice, issuer="中心")
    return await service.issue(
        conn, tender_id=closed.tender_id, lot=closed.lot, decided_at=DECIDED, signer=signer
    )


def _of(notices: list[Notice], closed: Closed, rank: int) -> Notice:
    org = closed.candidates[rank - 1].bidder_id
    return next(n for n in notices if n.organisation_id == org)


def _urls(notice_id: object) -> list[str]:
    base = f"/api/v1/award-notices/{notice_id}"
    return [base, f"{base}/notice.pdf", f"{base}/notice.p7s"]


async def test_the_addressee_lists_its_notices_and_reads_a_pdf_openssl_verifies(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed, tmp_path: Path
) -> None:
    """The second candidate sees its result notice only; PDF and .p7s pass openssl."""
    notices = await _issued(conn, closed)
    mine = _of(notices, closed, 2)
    listed = (await get(client, "/api/v1/me/award-notices", closed.bidder(2))).json()
    assert [(i["id"], i["kind"]) for i in listed["items"]] == [(str(mine.id), "result")]
    headers = await login(client, closed.bidder(2))
    pdf = await client.get(listed["items"][0]["pdf"], headers=headers)
    p7s = await client.get(listed["items"][0]["signature"], headers=headers)
    assert pdf.headers["content-type"] == "application/pdf"
    assert p7s.headers["content-type"] == "application/pkcs7-signature"
    (tmp_path / "n.pdf").write_bytes(pdf.content)
    (tmp_path / "n.p7s").write_bytes(p7s.content)
    root = load_or_create(closed.template.data_dir / "platform").root
    (tmp_path / "root.pem").write_bytes(dump_pem_certificate(root))
    run = subprocess.run(
        ["/usr/bin/openssl", "cms", "-verify", "-binary", "-inform", "DER",
         "-in", str(tmp_path / "n.p7s"), "-content", str(tmp_path / "n.pdf"),
         "-CAfile", str(tmp_path / "root.pem"), "-purpose", "any", "-out", "/dev/null"],
        capture_output=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr


async def test_the_winner_reads_its_award_notice(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    """The first candidate's organisation reads the award notice addressed to it."""
    notices = await _issued(conn, closed)
    winner = _of(notices, closed, 1)
    assert winner.kind is NoticeKind.AWARD
    for url in _urls(winner.id):
        assert (await get(client, url, closed.bidder(1))).status_code == 200, url


async def test_another_bidder_asking_for_the_winners_notice_gets_a_404_that_reveals_nothing(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    """The same status, code and message as for an id that does not exist."""
    notices = await _issued(conn, closed)
    winner = _of(notices, closed, 1)
    for theirs, nobodys in zip(_urls(winner.id), _urls(uuid.uuid4()), strict=True):
        asked = await get(client, theirs, closed.bidder(2))
        unknown = await get(client, nobodys, closed.bidder(2))
        assert asked.status_code == unknown.status_code == 404
        assert asked.json()["error"]["code"] == "award_notice_not_found"
        assert asked.json()["error"]["message"] == unknown.json()["error"]["message"]
    listed = await get(
        client, f"/api/v1/tenders/{closed.tender_id}/award-notices", closed.bidder(2)
    )
    assert [i["organisation_id"] for i in listed.json()["items"]] == [
        str(closed.candidates[1].bidder_id)
    ]


async def test_the_agency_centre_and_department_read_every_notice(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    """The tender's agency, centre staff and its supervisor read each notice and list them all."""
    notices = await _issued(conn, closed)
    readers: list[Actor] = [closed.agency, closed.staff, closed.supervisor]
    for who in readers:
        listed = await get(client, f"/api/v1/tenders/{closed.tender_id}/award-notices", who)
        assert {i["id"] for i in listed.json()["items"]} == {str(n.id) for n in notices}
        for url in _urls(notices[0].id):
            assert (await get(client, url, who)).status_code == 200, (who.username, url)


async def test_others_get_not_found_and_the_anonymous_must_sign_in(
    client: httpx.AsyncClient, conn: asyncpg.Connection, closed: Closed
) -> None:
    """Another agency, another department's supervisor: 404 and an empty list; no login: 401."""
    notices = await _issued(conn, closed)
    for who in (closed.other_agency, closed.other_supervisor):
        for url in _urls(notices[0].id):
            assert (await get(client, url, who)).status_code == 404, (who.username, url)
        listed = await get(client, f"/api/v1/tenders/{closed.tender_id}/award-notices", who)
        assert listed.json()["items"] == []
        mine = await get(client, "/api/v1/me/award-notices", who)
        assert mine.json()["items"] == []
    for url in [*_urls(notices[0].id), "/api/v1/me/award-notices"]:
        assert (await client.get(url)).status_code == 401
