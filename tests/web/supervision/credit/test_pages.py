"""The credit pages over HTTP, per role: the public lists (Chinese first, English), the
registry and a record for supervisors and the centre, a party's own record with its
appeal form, refusals rendered as pages; the ID number never on a page."""

from __future__ import annotations

import re
from pathlib import Path

import asyncpg
import httpx

import web
from supervision.credit.model import FACTS, AppealState, FindingSource, ListKind, SanctionKind
from supervision.parties import service as parties
from supervision.parties.model import PersonRole, RelationKind
from tender.queries import database_now
from tests.supervision.credit.kit import BASIS, blacklist
from tests.tender.world import World
from tests.web.supervision.credit.test_routes import ID_NUMBER
from tests.web.tender.http_kit import (
    bearer,
    fixture_http_ca,  # noqa: F401
    fixture_settings,  # noqa: F401
    fixture_tokens,  # noqa: F401
    fixture_web_world,  # noqa: F401
)
from web.supervision.credit import i18n as i18n_credit


async def test_the_public_credit_page_lists_the_black_list_in_both_languages(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World
) -> None:
    async with pool.acquire() as conn:
        await blacklist(conn, web_world.supervisor, web_world.bidder_orgs[0].id)
    page = await client.get("/credit")
    assert page.status_code == 200
    assert "黑名单（失信主体）" in page.text
    assert BASIS in page.text
    assert web_world.bidder_orgs[0].credit_code in page.text
    assert "/supervision/parties/" not in page.text  # the record is not linked to the public
    client.cookies.set("lang", "en")
    english = await client.get("/credit")
    assert "Black list" in english.text


async def test_supervisors_and_the_centre_read_the_registry_and_a_record(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    org = web_world.bidder_orgs[0]
    async with pool.acquire() as conn:
        await blacklist(conn, web_world.supervisor, org.id)
        await parties.record_person(
            conn, web_world.staff, org.id, role="legal_representative", name="张三",
            id_number=ID_NUMBER, id_key=b"k" * 32, now=await database_now(conn),
        )  # fmt: skip
    for who in ("supervisor", "staff"):
        registry = await client.get("/supervision/parties", headers=bearer(tokens[who]))
        assert org.name in registry.text
        record = await client.get(f"/supervision/parties/{org.id}", headers=bearer(tokens[who]))
        assert record.status_code == 200
        assert "张三" in record.text
        assert ID_NUMBER not in record.text
        assert BASIS in record.text
        assert 'id="grade">D<' in record.text  # 100 − 10 − 40
        assert "appeal-form" not in record.text  # the party appeals, not the supervisor
    entries = await client.get("/supervision/credit/entries", headers=bearer(tokens["staff"]))
    assert BASIS in entries.text


async def test_a_party_reads_its_own_record_appeals_and_a_supervisor_decides_by_the_forms(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    org = web_world.bidder_orgs[0]
    async with pool.acquire() as conn:
        entry = await blacklist(conn, web_world.supervisor, org.id)
    mine = await client.get(f"/supervision/parties/{org.id}", headers=bearer(tokens["bidder1"]))
    assert "appeal-form" in mine.text
    other = await client.get(f"/supervision/parties/{org.id}", headers=bearer(tokens["bidder2"]))
    assert other.status_code == 403
    assert 'data-code="permission_denied"' in other.text
    stolen = await client.post(
        f"/supervision/credit/entries/{entry.id}/appeal", data={"grounds": "与我无关"},
        headers=bearer(tokens["bidder2"]),
    )  # fmt: skip
    assert stolen.status_code == 403
    assert 'data-code="credit_appeal_not_yours"' in stolen.text
    filed = await client.post(
        f"/supervision/credit/entries/{entry.id}/appeal", data={"grounds": "处罚决定已撤销"},
        headers=bearer(tokens["bidder1"]),
    )  # fmt: skip
    assert filed.status_code == 303
    desk = await client.get("/supervision/credit/appeals", headers=bearer(tokens["supervisor"]))
    assert "处罚决定已撤销" in desk.text
    async with pool.acquire() as conn:
        appeal_id = await conn.fetchval("SELECT id FROM credit_appeals")
    decided = await client.post(
        f"/supervision/credit/appeals/{appeal_id}/decision",
        data={"decision": "upheld", "reasons": "决定已撤销"}, headers=bearer(tokens["supervisor"]),
    )  # fmt: skip
    assert decided.status_code == 303
    public = await client.get("/credit")
    assert BASIS not in public.text  # revoked: off the public list


def test_every_message_of_the_pages_has_both_languages() -> None:
    """Every key the templates use (the dynamic ones for every value) is in the catalogue,
    in zh-CN and English, none empty."""
    folder = Path(web.__file__).parent / "templates" / "supervision" / "credit"
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.html")))
    used = set(re.findall(r't\("(cr\.[a-z0-9_.]+)"', text))
    dynamic = {
        "cr.list.": [f"{k}.short" for k in ListKind] + list(ListKind),
        "cr.source.": list(FindingSource),
        "cr.appeal.": list(AppealState),
        "cr.kind.": ["bidder", "agency", "tenderer", "expert_employer"],
        "cr.fact.": sorted(FACTS),
        "cr.role.": list(PersonRole),
        "cr.relation.": list(RelationKind),
        "cr.sanction.kind.": list(SanctionKind),
        "cr.error.": [],  # shown when translated (has), else the error's message
    }
    keys = {key for key in used if not key.endswith(".")}
    keys |= {prefix + str(value) for prefix in used & set(dynamic) for value in dynamic[prefix]}
    assert {key for key in used if key.endswith(".")} <= set(dynamic)
    assert sorted(key for key in keys if not i18n_credit.has(key)) == []
    assert all(len(texts) == 2 and all(texts) for texts in i18n_credit.catalogue().values())


async def test_a_supervisor_records_a_violation_and_a_black_entry_by_the_record_forms(
    client: httpx.AsyncClient, pool: asyncpg.Pool, web_world: World, tokens: dict[str, str]
) -> None:
    """The forms (Beijing time) record a violation and an entry resting on it; a violation
    without a finding is refused with a page naming the code, nothing written; a bidder
    sees no form and may not post one."""
    org, auth = web_world.bidder_orgs[1], bearer(tokens["supervisor"])
    url = f"/supervision/parties/{org.id}"
    form = await client.get(url, headers=auth)
    assert 'id="violation-form"' in form.text
    bare = {"kind": "collusion", "description": "串通投标", "found_at": "2026-12-01T09:00"}
    refused = await client.post(f"{url}/violations", data=bare, headers=auth)
    assert refused.status_code == 422
    assert 'data-code="violation_finding_missing"' in refused.text
    found = {**bare, "finding_source": "inspection", "finding_ref": "检查〔2026〕7号"}
    stolen = await client.post(f"{url}/violations", data=found, headers=bearer(tokens["bidder1"]))
    assert stolen.status_code == 403
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM violations") == 0
    assert (await client.post(f"{url}/violations", data=found, headers=auth)).status_code == 303
    async with pool.acquire() as conn:
        violation = await conn.fetchrow("SELECT id, found_at FROM violations")
    assert violation["found_at"].isoformat() == "2026-12-01T01:00:00+00:00"  # 09:00 Beijing
    entry = {
        "list": "black", "violation_id": str(violation["id"]), "basis": "串通投标",
        "basis_ref": "宣建罚〔2026〕12号", "starts_at": "2026-12-01T00:00",
        "ends_at": "2027-12-01T00:00",
    }  # fmt: skip
    assert (await client.post(f"{url}/entries", data=entry, headers=auth)).status_code == 303
    backwards = {**entry, "ends_at": "2026-11-01T00:00"}
    late = await client.post(f"{url}/entries", data=backwards, headers=auth)
    assert 'data-code="credit_entry_term_invalid"' in late.text
    mine = await client.get(url, headers=bearer(tokens["bidder2"]))
    assert 'id="violation-form"' not in mine.text
    assert "宣建罚〔2026〕12号" in (await client.get("/credit")).text
