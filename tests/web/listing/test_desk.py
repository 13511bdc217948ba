"""The listings' signed-in pages over HTTP (issue 18 item 1; web/listing/desk.py): a
bidder registers and sees its own number, status and deposit; the centre's desk shows
the registrations with names, records the deposit, qualifies and, after the decision,
records a refund; another role gets the error page with its code and nothing changes.
No script on these pages: plain forms, so no browser test."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import asyncpg
import httpx
from starlette.applications import Starlette

import web
from accounts.users import service as users
from listing import conclusion, queries, service
from listing.model import DepositInput, DepositStatus, Qualification
from tender.bonds.model import BondKind
from tender.calendar import SHANGHAI
from tests.accounts.factory import CONSOLE, PASSWORD
from tests.listing.kit import listing_bid, make_setup, published, set_clock
from tests.tender.world import World
from tests.web.evaluation.http import login
from web.listing import i18n as texts
from web.services import services


def _value(page: httpx.Response, element: str) -> str:
    found = re.search(rf'id="{element}" data-value="([a-z_]+)"', page.text)
    assert found is not None, page.text
    return found.group(1)


async def test_a_bidder_registers_and_the_centre_qualifies_and_refunds_by_the_pages(
    client: httpx.AsyncClient, app: Starlette, conn: asyncpg.Connection, logins: World,
    clock: asyncpg.Connection,
) -> None:  # fmt: skip
    world = logins
    await users.set_password(conn, CONSOLE, user_id=world.staff.user_id, password=PASSWORD)
    setup = make_setup(world, services(app).auctions())
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    listing = await published(conn, world, setup, now, has_reserve=False)
    one = f"/listings/{listing.id}"
    bidder, staff = await login(client, world.bidders[0]), await login(client, world.staff)

    # Signed out: the login page. A bidder: its own page, and the register form.
    assert (await client.get(f"{one}/registration")).status_code == 303
    public = await client.get(one, headers=bidder)
    assert 'id="mine-link"' in public.text
    assert 'id="desk-link"' not in public.text
    assert 'id="room-link"' not in public.text  # the notice period: no bids taken yet
    empty = await client.get(f"{one}/registration", headers=bidder)
    assert 'id="register-form"' in empty.text
    assert (await client.post(f"{one}/registration", headers=bidder)).status_code == 303
    mine = await client.get(f"{one}/registration", headers=bidder)
    assert (_value(mine, "qualification"), _value(mine, "deposit")) == ("pending", "none")
    assert "资格确认后分配" in mine.text

    # The desk is the centre's: a bidder gets the error page, 403, with the code.
    denied = await client.get(f"{one}/registrations", headers=bidder)
    assert denied.status_code == 403
    assert 'data-code="permission_denied"' in denied.text
    desk = await client.get(f"{one}/registrations", headers=staff)
    assert world.bidder_orgs[0].name in desk.text
    assert 'class="deposit-form"' in desk.text
    assert 'class="qualify-form"' in desk.text
    (reg,) = await queries.bidders(conn, listing.id)
    base = f"{one}/registrations/{reg.id}"
    # Paid after the notice, not in the future (finding 10): the next minute, Beijing time.
    paid = (now + dt.timedelta(minutes=1)).replace(second=0)
    paid_local = paid.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")
    deposit = {"kind": "transfer", "amount_fen": str(listing.deposit_fen),
               "paid_at": paid_local, "reference": "6222 0202 0011 2233"}  # fmt: skip
    # Qualifying before the deposit is held, a bad amount, a bidder posting: refused pages.
    early = await client.post(f"{base}/qualification", data={"decision": "qualify"},
                              headers=staff)  # fmt: skip
    assert (early.status_code, 'data-code="listing_deposit_missing"' in early.text) == (422, True)
    bad = await client.post(f"{base}/deposit", data={**deposit, "amount_fen": "1e9"},
                            headers=staff)  # fmt: skip
    assert (bad.status_code, 'data-code="listing_input_invalid"' in bad.text) == (422, True)
    unchosen = await client.post(f"{base}/qualification", data={"reason": "材料不全"},
                                 headers=staff)  # fmt: skip
    assert unchosen.status_code == 422
    stolen = await client.post(f"{base}/deposit", data=deposit, headers=bidder)
    assert stolen.status_code == 403
    unchanged = await queries.bidder(conn, listing.id, reg.id)
    assert unchanged is not None
    assert unchanged.deposit is DepositStatus.NONE
    assert (await client.post(f"{base}/deposit", data=deposit, headers=staff)).status_code == 303
    # Finding 10: a typo is corrected on the desk, with a reason, while held and pending.
    assert 'class="correct-form"' in (await client.get(f"{one}/registrations", headers=staff)).text
    paid += dt.timedelta(minutes=1)
    fixed = {**deposit, "paid_at": paid.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M"),
             "deposit_version": "0"}  # fmt: skip
    no_reason = await client.post(f"{base}/deposit/corrections", data=fixed, headers=staff)
    assert (no_reason.status_code, 'data-code="listing_input_invalid"' in no_reason.text) == (
        422, True,
    )  # fmt: skip
    corrected = await client.post(
        f"{base}/deposit/corrections", data={**fixed, "reason": "回单时间录错"}, headers=staff
    )
    assert corrected.status_code == 303
    qualified = await client.post(f"{base}/qualification", data={"decision": "qualify"},
                                  headers=staff)  # fmt: skip
    assert qualified.status_code == 303
    done = await queries.bidder(conn, listing.id, reg.id)
    assert done is not None
    assert done.qualification is Qualification.QUALIFIED
    assert done.paid_at == paid  # Beijing time in

    # The bidder sees its number (no one else's name), status and deposit; goes on.
    mine = await client.get(f"{one}/registration", headers=bidder)
    assert f'id="number">{done.number}<' in mine.text
    assert (_value(mine, "qualification"), _value(mine, "deposit")) == ("qualified", "held")
    assert (await client.post(f"{one}/go-on", headers=bidder)).status_code == 303
    client.cookies.set("lang", "en")
    english = await client.get(f"{one}/registration", headers=bidder)
    assert 'id="going-on">Going on to the timed auction<' in english.text
    client.cookies.delete("lang")

    # Another bidder wins; the desk records the first one's refund with the bank's reference.
    other = await service.register(conn, world.bidders[1], listing.id, now=now)
    await service.record_deposit(
        conn, world.staff, listing.id, other.id,
        DepositInput(kind=BondKind.GUARANTEE, amount_fen=listing.deposit_fen, paid_at=now,
                     guarantee_no="BH-2026-1"), now=now,
    )  # fmt: skip
    won = await service.qualify(conn, world.staff, listing.id, other.id, qualified=True,
                                reason=None, setup=setup, now=now)  # fmt: skip
    assert won.number is not None
    await listing_bid(
        conn, clock, world, listing, bidder=1, number=won.number,
        price_fen=listing.start_price_fen,
    )  # fmt: skip
    after = listing.ends_at + dt.timedelta(hours=1)
    await set_clock(clock, after)  # the engine judges by the database clock
    await conclusion.close(conn, world.staff, listing.id, setup, now=after)
    await conclusion.decide_result(conn, world.staff, listing.id, setup, now=after)
    desk = await client.get(f"{one}/registrations", headers=staff)
    assert desk.text.count('class="refund-form"') == 1
    refunded = await client.post(f"{base}/refund", data={"reference": "退款-0001"}, headers=staff)
    assert refunded.status_code == 303
    desk = await client.get(f"{one}/registrations", headers=staff)
    assert 'class="refund-reference">退款-0001<' in desk.text
    assert 'class="refund-form"' not in desk.text


def test_every_message_of_the_pages_has_both_languages() -> None:
    """Every key the listing templates use (the dynamic ones for every value) is in the
    catalogue, in zh-CN and English, none empty."""
    folder = Path(web.__file__).parent / "templates" / "listing"
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.html")))
    used = set(re.findall(r't\("(ls\.[a-z0-9_.]+)"', text))
    dynamic: dict[str, list[str]] = {
        "ls.kind.": ["land_use", "mining", "state_property"],
        "ls.phase.": ["notice", "listing", "ended"],
        "ls.outcome.": ["sold", "no_bids", "below_reserve"],
        "ls.qualification.": [str(x) for x in Qualification],
        "ls.deposit.": [str(x) for x in DepositStatus],
        "ls.deposit.kind.": [str(x) for x in BondKind],
        "ls.error.": [],  # shown when translated (has), else the error catalogue's text
    }
    keys = {key for key in used if not key.endswith(".")}
    keys |= {prefix + value for prefix in used & set(dynamic) for value in dynamic[prefix]}
    assert {key for key in used if key.endswith(".")} <= set(dynamic)
    assert sorted(key for key in keys if not texts.has(key)) == []
    assert all(len(pair) == 2 and all(pair) for pair in texts.catalogue().values())
