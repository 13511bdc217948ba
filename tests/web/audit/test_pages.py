"""The audit administrator's log browser (issue 15, item 3; docs/audit-log.md §8),
through HTTP: who may read which page, entries decoded as the log holds them, the
search, checkpoints with their signatures verified, the witnesses."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
from pathlib import Path

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from accounts.model import Role
from audit import service
from audit.browse import parse_filter, parse_position
from audit.errors import LogFilterInvalid
from tests.web.audit import kit
from web.audit import i18n
from web.settings import Settings

TEMPLATES = Path(__file__).parents[3] / "web" / "templates" / "audit"

LOG_PAGES = ("/audit/log", "/audit/log/0")
CHECKPOINT_PAGES = ("/audit/checkpoints", "/audit/witnesses")
# role → may it read (the log pages, the checkpoint pages)
WHO = {
    Role.AUDIT_ADMIN: (True, True),
    Role.WITNESS: (False, True),
    Role.SUPERVISOR: (False, False),
    Role.SYSTEM_ADMIN: (False, False),
    Role.SECURITY_ADMIN: (False, False),
    Role.BIDDER: (False, False),
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No background jobs: these tests sign each checkpoint themselves and name the
    newest; the app's checkpoint job signing one more in between (a busy machine) made
    the newest another size than the one the test expects."""
    return dataclasses.replace(settings, run_background=False)


@pytest.fixture
async def world(app: Starlette, pool: asyncpg.Pool) -> kit.LogWorld:
    await kit.make_users(pool)
    return await kit.build(app, pool)


@pytest.mark.parametrize("role", list(WHO), ids=[str(r) for r in WHO])
async def test_the_log_is_the_audit_admins_and_checkpoints_also_the_witnesses(
    client: httpx.AsyncClient, world: kit.LogWorld, role: Role
) -> None:
    """三员分立: only the audit administrator reads entries; witnesses also see the
    checkpoints and witnesses; everyone else gets the refusal page (403)."""
    await kit.sign_in(client, str(role))
    reads_log, reads_checkpoints = WHO[role]
    for path in LOG_PAGES:
        answer = await client.get(path)
        assert answer.status_code == (200 if reads_log else 403), path
        if not reads_log:
            assert 'id="refused"' in answer.text
            assert "tender.published" not in answer.text
    for path in CHECKPOINT_PAGES:
        answer = await client.get(path)
        assert answer.status_code == (200 if reads_checkpoints else 403), path


async def test_a_visitor_without_a_session_is_sent_to_login(client: httpx.AsyncClient) -> None:
    """No session: every page redirects to the login page."""
    for path in (*LOG_PAGES, *CHECKPOINT_PAGES):
        answer = await client.get(path)
        assert answer.status_code == 303, path
        assert answer.headers["location"] == "/login"


async def test_entries_are_decoded_as_the_log_holds_them_in_beijing_time(
    client: httpx.AsyncClient, world: kit.LogWorld
) -> None:
    """The list shows kind, Beijing time with its label, actor and subject; an entry
    page its exact bytes, leaf hash and data — and nothing the entry does not hold."""
    await kit.sign_in(client, "audit_admin")
    page = (await client.get("/audit/log")).text
    assert f'href="/audit/log/{world.published_a}"' in page
    assert "2026-03-01 23:59:59（北京时间）" in page
    assert "2026-03-02 00:00:00（北京时间）" in page
    assert "centre_staff · <code>u-staff-1</code>" in page
    assert f"tender · <code>{kit.TENDER_A}</code>" in page
    one = await client.get(f"/audit/log/{world.published_a}")
    assert one.status_code == 200
    raw = kit.published(kit.TENDER_A, kit.LATE).to_bytes()
    assert f'data-entry="{base64.b64encode(raw).decode()}"' in one.text
    assert hashlib.sha256(b"\x00" + raw).hexdigest() in one.text
    assert "&#34;title&#34;: &#34;道路&#34;" in one.text  # data, raw UTF-8, pretty-printed
    assert "2026-03-01T15:59:59.000000Z" in one.text  # the time as the entry holds it
    client.cookies.set("lang", "en")
    english = (await client.get(f"/audit/log/{world.published_a}")).text
    assert "2026-03-01 23:59:59 (Beijing time)" in english
    assert "Inclusion proof" in english


async def test_a_leaf_that_is_not_a_canonical_entry_is_shown_as_such(
    client: httpx.AsyncClient, world: kit.LogWorld
) -> None:
    """Bytes that do not parse are named "not a canonical entry", with why, and shown."""
    await kit.sign_in(client, "audit_admin")
    listed = (await client.get("/audit/log")).text
    assert "不是规范条目" in listed
    one = await client.get(f"/audit/log/{world.undecodable}")
    assert one.status_code == 200
    assert 'id="entry-problem"' in one.text
    assert "not an entry" in one.text


async def test_the_search_filters_by_kind_tender_and_beijing_days(
    client: httpx.AsyncClient, world: kit.LogWorld
) -> None:
    """Kind is exact; a tender matches the subject or data's tender/tender_id; the
    days are Beijing days, both included (23:59:59 is the first day, 00:00 the next)."""
    await kit.sign_in(client, "audit_admin")

    async def rows(**params: str) -> set[int]:
        answer = await client.get("/audit/log", params=params)
        assert answer.status_code == 200, answer.text
        return {int(i) for i in kit.ROW.findall(answer.text)}

    assert world.published_a in await rows()
    assert await rows(kind="opening.record_signed") == {world.opened_b}
    by_b = await rows(tender=kit.TENDER_B)
    assert world.opened_b in by_b
    assert len(by_b) == 2
    assert await rows(tender=kit.TENDER_A) == {world.published_a}
    assert await rows(tender=kit.TENDER_A, **{"from": "2026-03-01", "to": "2026-03-01"}) == {
        world.published_a
    }
    assert await rows(tender=kit.TENDER_B, **{"from": "2026-03-02", "to": "2026-03-02"}) == by_b
    assert await rows(**{"to": "2026-02-28"}) == set()
    jump = await client.get("/audit/log", params={"entry": str(world.opened_b)})
    assert jump.status_code == 303
    assert jump.headers["location"] == f"/audit/log/{world.opened_b}"
    empty = await client.get("/audit/log", params={"kind": "no.such_kind"})
    assert 'id="no-entries"' in empty.text


@pytest.mark.parametrize(
    "params",
    [{"from": "2026-13-01"}, {"from": "2026-03-02", "to": "2026-03-01"}, {"before": "-1"},
     {"tender": "x" * 129}, {"entry": "#3"}],
    ids=["bad-day", "first-after-last", "bad-position", "long-tender", "bad-entry"],
)  # fmt: skip
async def test_a_bad_search_is_refused_with_a_message_in_the_pages_language(
    client: httpx.AsyncClient, world: kit.LogWorld, params: dict[str, str]
) -> None:
    """400 ``log_filter_invalid``, the page's message, no entries listed."""
    await kit.sign_in(client, "audit_admin")
    answer = await client.get("/audit/log", params=params)
    assert answer.status_code == 400
    assert 'id="filter-error"' in answer.text
    assert "查询条件有误" in answer.text
    assert refused_in_english(params) not in answer.text  # the page's language, not the API's
    assert 'id="entries"' not in answer.text


@pytest.mark.parametrize(
    ("first", "last", "listed"),
    [("", "9999-12-31", True), ("0001-01-01", "9999-12-31", True),
     ("9999-12-31", "9999-12-31", False), ("0001-01-01", "0001-01-01", False)],
)  # fmt: skip
async def test_the_calendars_first_and_last_days_search_rather_than_fail(
    client: httpx.AsyncClient, world: kit.LogWorld, first: str, last: str, listed: bool
) -> None:
    """The widest days a date field takes are a search like any other: never a 500."""
    await kit.sign_in(client, "audit_admin")
    answer = await client.get("/audit/log", params={"from": first, "to": last})
    assert answer.status_code == 200, answer.text
    assert (world.published_a in {int(i) for i in kit.ROW.findall(answer.text)}) is listed


async def test_an_entry_beyond_the_log_is_refused(
    client: httpx.AsyncClient, world: kit.LogWorld
) -> None:
    """An index the log does not hold is 404, one that is not a number 400: the
    refusal page, nothing else."""
    await kit.sign_in(client, "audit_admin")
    for path, status in (("/audit/log/999999", 404), ("/audit/log/abc", 400)):
        answer = await client.get(path)
        assert answer.status_code == status, path
        assert 'id="refused"' in answer.text
    assert "日志中没有第 999999 号条目。" in (await client.get("/audit/log/999999")).text
    assert "条目序号须为不小于 0 的整数。" in (await client.get("/audit/log/abc")).text


async def test_checkpoints_show_the_log_signature_and_each_cosignature_verified_or_not(
    client: httpx.AsyncClient, world: kit.LogWorld
) -> None:
    """The honest witness's cosignature verifies; the forged stored line does not."""
    await kit.sign_in(client, "witness")
    page = (await client.get("/audit/checkpoints")).text
    assert f'data-size="{world.checkpoint_size}"' in page
    assert 'class="log-signature ok"' in page
    assert f'<li data-witness="{world.witness}" class="ok">' in page
    assert f'<li data-witness="{world.forger}" class="bad">' in page
    assert "未通过验证" in page
    assert "联署签名不成立" in page
    assert "does not verify" not in page  # the page's language, the code shown beside it
    assert "log_cosignature_invalid" in page
    assert "（北京时间）" in page
    assert 'href="/audit/log"' not in page  # a witness has no log browser link


async def test_the_witnesses_page_lists_keys_and_what_each_cosigned(
    app: Starlette, client: httpx.AsyncClient, pool: asyncpg.Pool, world: kit.LogWorld
) -> None:
    """Name, vkey, key ID, registration time, count and newest cosigned size; a
    witness that has not cosigned the newest checkpoint is marked as behind."""
    await kit.sign_in(client, "audit_admin")
    page = (await client.get("/audit/witnesses")).text
    assert f'data-witness="{world.witness}"' in page
    assert f"条目数 {world.checkpoint_size}" in page
    assert page.count("<tr data-witness=") == 2
    await kit.grow_and_sign(app, pool)  # a checkpoint neither witness cosigned
    behind = (await client.get("/audit/witnesses")).text
    assert 'id="newest-size"' in behind
    assert behind.count("尚未联署最新检查点") == 2


async def test_an_entry_is_verified_by_default_against_the_newest_witnessed_checkpoint(
    app: Starlette, client: httpx.AsyncClient, pool: asyncpg.Pool, world: kit.LogWorld
) -> None:
    """docs/audit-log.md §6.1 step 4: a newer checkpoint no witness cosigned is offered
    as a link, not taken by default; a size never signed is 404."""
    newer = await kit.grow_and_sign(app, pool)
    await kit.sign_in(client, "audit_admin")
    page = (await client.get(f"/audit/log/{world.published_a}")).text
    assert f"/log\n{world.checkpoint_size}\n" in page.split('data-checkpoint="')[1][:200]
    assert f'href="/audit/log/{world.published_a}?checkpoint={newer}"' in page
    chosen = (await client.get(f"/audit/log/{world.published_a}?checkpoint={newer}")).text
    assert f"/log\n{newer}\n" in chosen.split('data-checkpoint="')[1][:200]
    assert 'id="newest-checkpoint"' not in chosen
    missing = await client.get(f"/audit/log/{world.published_a}?checkpoint={newer + 1000}")
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("role", "links"),
    [(Role.AUDIT_ADMIN, ("/audit/log", "/audit/checkpoints")),
     (Role.WITNESS, ("/audit/checkpoints",))],
    ids=["audit_admin", "witness"],
)  # fmt: skip
async def test_the_home_cards_open_the_log_pages_not_raw_json(
    client: httpx.AsyncClient, world: kit.LogWorld, role: Role, links: tuple[str, ...]
) -> None:
    """Issue 15: the audit administrator's and the witness's cards are pages now."""
    await kit.sign_in(client, str(role))
    home = (await client.get("/home")).text
    for link in links:
        assert f'<a href="{link}">' in home
    assert "/api/v1/log/checkpoint" not in home


def test_every_message_key_of_the_templates_is_translated_in_both_languages() -> None:
    """A missing or untranslated string fails here, never as a blank page."""
    used: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r't\(["\'](al\.[a-z0-9_.]+)', template.read_text(encoding="utf-8")))
    assert "al.proof.title" in used
    pairs = [(key, i18n.STRINGS[key]) for key in used | set(i18n.STRINGS)]
    untranslated = [
        key for key, (zh, en) in [*pairs, *i18n.VERIFIER.items()] if not zh or not en or zh == en
    ]
    assert untranslated == []


def refused_in_english(params: dict[str, str]) -> str:
    """The API message of a refused search (which a Chinese page must not show)."""
    try:
        parse_filter(params)
        parse_position(params.get("before", ""), "before")
        parse_position(params.get("entry", ""), "entry")
    except LogFilterInvalid as refused:
        return refused.message
    raise AssertionError("the search was valid")


async def test_the_older_link_continues_the_same_search(
    client: httpx.AsyncClient, pool: asyncpg.Pool, world: kit.LogWorld
) -> None:
    """More than a page of matches: the "older" link keeps the search and goes on
    below the last one shown, and the second page has the rest."""
    async with pool.acquire() as conn, conn.transaction():
        await service.append_many(conn, [kit.published(kit.TENDER_A, kit.LATE)] * 60)
    await kit.sign_in(client, "audit_admin")
    first = await client.get("/audit/log", params={"tender": kit.TENDER_A})
    rows = [int(i) for i in kit.ROW.findall(first.text)]
    assert len(rows) == 50
    older = re.search(r'id="older" href="([^"]+)"', first.text)
    assert older is not None
    link = older.group(1).replace("&amp;", "&")
    assert f"tender={kit.TENDER_A}" in link
    assert f"before={rows[-1]}" in link
    second = await client.get(link)
    rest = [int(i) for i in kit.ROW.findall(second.text)]
    assert len(rest) == 11  # the other 10 of the 60, and the world's own
    assert max(rest) < min(rows)
    assert 'href="/audit/log?tender=' in second.text  # back to the newest


async def test_checkpoints_page_below_a_size_and_a_bad_size(
    client: httpx.AsyncClient, world: kit.LogWorld
) -> None:
    """``?below=N`` lists only smaller checkpoints; a size that is not a number is 400
    in the page's language."""
    await kit.sign_in(client, "audit_admin")
    below = (await client.get(f"/audit/checkpoints?below={world.checkpoint_size}")).text
    sizes = [int(s) for s in re.findall(r'<article [^>]*data-size="(\d+)"', below)]
    assert sizes
    assert max(sizes) < world.checkpoint_size
    bad = await client.get("/audit/checkpoints?below=x")
    assert bad.status_code == 400
    assert "检查点大小须为不小于 0 的整数。" in bad.text
