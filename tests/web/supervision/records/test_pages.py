"""Who gets the opening's observer view (web/supervision/records/pages.py), over HTTP:
the department's supervisors — the hall's live body and script, the record panel
attached to the opening, Chinese first and English —; anyone else a 403 page; an
unknown tender or lot 404. The session's observer view carries the panel attached to
the session."""

from __future__ import annotations

import uuid

import httpx

from tests.evaluation.kit import SessionWorld
from tests.web.accounts.test_pages import sign_in


async def _as(client: httpx.AsyncClient, username: str) -> None:
    client.cookies.clear()
    assert (await sign_in(client, username)).status_code == 303


def _url(w: SessionWorld, lot: str = "1") -> str:
    return f"/tenders/{w.scenario.tender.id}/lots/{lot}/opening-observe"


async def test_the_departments_supervisor_gets_the_opening_live_with_the_record_panel(
    client: httpx.AsyncClient, w: SessionWorld
) -> None:
    await _as(client, w.supervisor.username)
    page = await client.get(_url(w))
    assert page.status_code == 200
    assert 'id="hall"' in page.text
    assert "/opening/hall.js" in page.text
    assert 'id="host"' not in page.text  # watching, not hosting
    assert 'data-attached="opening"' in page.text
    assert 'data-lot="1"' in page.text
    assert 'data-session=""' in page.text
    assert f'data-department="{w.scenario.world.department.id}"' in page.text
    assert "/static/js/supervision-record.js" in page.text
    assert "开标监督" in page.text
    assert "监督记录" in page.text
    client.cookies.set("lang", "en")
    english = await client.get(_url(w))
    assert "Opening — supervisor" in english.text
    assert "Supervision records" in english.text


async def test_the_sessions_observer_view_files_records_attached_to_the_session(
    client: httpx.AsyncClient, w: SessionWorld
) -> None:
    await _as(client, w.supervisor.username)
    page = await client.get(f"/evaluations/{w.state.id}/observe")
    assert 'data-attached="evaluation"' in page.text
    assert f'data-session="{w.state.id}"' in page.text
    assert "不写入评标报告" in page.text


async def test_anyone_else_is_refused_and_unknown_is_not_found(
    client: httpx.AsyncClient, w: SessionWorld
) -> None:
    for who in (w.other_supervisor, w.staff, w.agency, w.bidder, w.member(1)):
        await _as(client, who.username)
        page = await client.get(_url(w))
        assert page.status_code == 403, who.username
        assert 'id="supervision-records"' not in page.text
        assert 'id="hall"' not in page.text
    await _as(client, w.supervisor.username)
    assert (await client.get(f"/tenders/{uuid.uuid4()}/lots/1/opening-observe")).status_code == 404
    assert (await client.get(_url(w, "9"))).status_code == 404
    assert (await client.get("/tenders/not-a-uuid/lots/1/opening-observe")).status_code == 404


async def test_the_tenders_records_page_files_records_attached_to_the_tender(
    client: httpx.AsyncClient, w: SessionWorld
) -> None:
    url = f"/tenders/{w.scenario.tender.id}/supervision-records"
    await _as(client, w.supervisor.username)
    page = await client.get(url)
    assert page.status_code == 200
    assert 'data-attached="tender"' in page.text
    assert 'data-lot=""' in page.text
    assert "项目监督记录" in page.text
    for who in (w.other_supervisor, w.agency, w.bidder):
        await _as(client, who.username)
        refused = await client.get(url)
        assert refused.status_code == 403
        assert 'id="supervision-records"' not in refused.text
    await _as(client, w.supervisor.username)
    assert (await client.get(f"/tenders/{uuid.uuid4()}/supervision-records")).status_code == 404
