"""The alert pages name every rule and every evidence key by its label in the page's
language (zh-CN, en), never by the raw key (issue 15): checked against what the
platform's code really raises (tests/web/supervision/alerts/raised.py)."""

from __future__ import annotations

import re

import httpx

from tests.supervision.alerts.kit import AlertsWorld
from tests.web.supervision.alerts import raised
from tests.web.tender.test_pages import sign_in
from web import i18n
from web.supervision.alerts import i18n as i18n_alerts

HAN = re.compile(r"[\u4e00-\u9fff]")


def _unlabelled(prefix: str, keys: set[str]) -> list[str]:
    catalogue = i18n_alerts.catalogue()
    missing = []
    for key in sorted(keys):
        texts = catalogue.get(f"{prefix}{key}")
        if (
            texts is None
            or not all(t.strip() for t in texts)
            or key in texts
            or not HAN.search(texts[0])
            or HAN.search(texts[1])
        ):
            missing.append(key)
    return missing


def test_the_collector_sees_the_rules_and_evidence_the_platform_raises() -> None:
    """A guard on the guard: known rules and keys of each raising package are found."""
    assert {"bond_same_account", "bids_same_network", "shortfall"} <= raised.rules()
    found = raised.evidence_keys()
    assert {"paying_account", "within_minutes", "session", "next_round", "expert_id"} <= found


def test_every_rule_the_platform_raises_has_a_chinese_and_an_english_label() -> None:
    assert _unlabelled("al.rule.", raised.rules()) == []


def test_every_evidence_key_the_platform_writes_has_a_chinese_and_an_english_label() -> None:
    assert _unlabelled("al.evidence.", raised.evidence_keys()) == []


async def test_the_alert_page_shows_labels_not_keys_in_either_language(
    client: httpx.AsyncClient, aw: AlertsWorld
) -> None:
    await sign_in(client, "supervisor")
    page = await client.get(f"/supervision/alerts/{aw.same_account}")
    terms = re.findall(r"<dt>([^<]*)</dt>", page.text)
    assert "缴纳账户" in terms
    assert not [t for t in terms if re.fullmatch(r"[a-z_]+", t)]
    assert "<code>bond_same_account</code>" not in page.text
    listed = await client.get("/supervision/alerts")
    assert '<option value="bids_same_network">同一网络地址投标</option>' in listed.text
    client.cookies.set(i18n.LANG_COOKIE, "en")
    english = await client.get(f"/supervision/alerts/{aw.same_account}")
    assert "Paying account" in re.findall(r"<dt>([^<]*)</dt>", english.text)
