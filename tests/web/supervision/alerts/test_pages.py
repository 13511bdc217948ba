"""The alert pages (zh-CN first, English): the list and its filters, one alert with its
evidence, history and actions; refusals render their error and change nothing."""

from __future__ import annotations

import re
from pathlib import Path

import asyncpg
import httpx

from tests.supervision.alerts.kit import AlertsWorld, alert_row, log_count
from tests.web.tender.test_pages import sign_in
from web import i18n
from web.supervision.alerts import i18n as i18n_alerts

TEMPLATES = Path(__file__).parents[4] / "web" / "templates" / "supervision" / "alerts"


def test_every_message_key_of_the_templates_is_translated() -> None:
    used: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""t\(["']([a-z_.]+)["']""", template.read_text()))
    keys = {key for key in used if not key.endswith(".")}
    assert sorted(key for key in keys if not i18n_alerts.has(key)) == []
    states = {f"al.state.{s}" for s in ("open", "acknowledged", "escalated", "resolved")}
    assert states <= set(i18n_alerts.catalogue())
    assert all(len(texts) == 2 and all(texts) for texts in i18n_alerts.catalogue().values())


async def test_the_supervisor_filters_opens_and_acknowledges_an_alert(
    client: httpx.AsyncClient, aw: AlertsWorld
) -> None:
    csrf = await sign_in(client, "supervisor")
    listed = await client.get("/supervision/alerts")
    assert listed.status_code == 200
    assert "保证金同一账户缴纳" in listed.text
    assert "保证金退还逾期" in listed.text
    only = await client.get("/supervision/alerts", params={"rule": "bond_same_account"})
    assert f'data-alert="{aw.same_account}"' in only.text
    assert f'data-alert="{aw.overdue}"' not in only.text
    page = await client.get(f"/supervision/alerts/{aw.same_account}")
    assert "62220012345678" in page.text  # the evidence
    assert "宣城市住建局" in page.text  # the department acting on it
    assert 'id="acknowledge"' in page.text
    assert 'id="escalate"' in page.text
    done = await client.post(
        f"/supervision/alerts/{aw.same_account}/acknowledge",
        data={"csrf_token": csrf, "note": "已通知开户行核查"},
    )
    assert done.status_code == 303
    after = await client.get(f"/supervision/alerts/{aw.same_account}")
    assert 'data-state="acknowledged"' in after.text
    assert "已通知开户行核查" in after.text
    assert 'id="acknowledge"' not in after.text
    client.cookies.set(i18n.LANG_COOKIE, "en")
    english = await client.get(f"/supervision/alerts/{aw.same_account}")
    assert "Bonds paid from one account" in english.text
    assert "Acknowledged" in english.text


async def test_another_departments_supervisor_sees_the_refusal_and_nothing_changes(
    client: httpx.AsyncClient, pool: asyncpg.Pool, aw: AlertsWorld
) -> None:
    csrf = await sign_in(client, "othersupervisor")
    async with pool.acquire() as conn:
        before = (await alert_row(conn, aw.overdue), await log_count(conn))
    listed = await client.get("/supervision/alerts")
    assert 'id="none"' in listed.text
    refused = await client.post(
        f"/supervision/alerts/{aw.overdue}/resolve", data={"csrf_token": csrf, "resolution": "x"}
    )
    assert refused.status_code == 403
    assert 'data-code="permission_denied"' in refused.text
    assert "其他监督部门" in refused.text
    async with pool.acquire() as conn:
        assert (await alert_row(conn, aw.overdue), await log_count(conn)) == before


async def test_a_bidder_and_the_anonymous_get_no_alert_page(
    client: httpx.AsyncClient, aw: AlertsWorld
) -> None:
    anonymous = await client.get(f"/supervision/alerts/{aw.overdue}")
    assert anonymous.status_code == 303
    await sign_in(client, "bidder1")
    page = await client.get(f"/supervision/alerts/{aw.overdue}")
    assert page.status_code == 404
    assert 'data-code="alert_not_found"' in page.text
    listed = await client.get("/supervision/alerts")
    assert listed.status_code == 403
