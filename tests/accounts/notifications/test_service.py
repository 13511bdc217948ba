"""Notifications on the real database: contacts, channels chosen per person, bounded
retries, failures shown to centre staff, and delivery through the providers' doubles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from accounts.errors import PermissionDenied
from accounts.model import Actor, Organisation, OrgKind, Role
from accounts.notifications import service
from accounts.notifications.channels import LogChannel
from accounts.notifications.channels.sms import AliyunSmsChannel, SmsConfig
from accounts.notifications.channels.wechat import WeChatConfig, WeChatTemplateChannel
from accounts.notifications.errors import (
    ContactAddressInvalid,
    ContactChannelUnknown,
    ContactNotFound,
)
from accounts.notifications.model import (
    MAX_ATTEMPTS,
    Channel,
    Kind,
)
from tests.accounts.factory import actor_for, make_organisation, make_user
from tests.accounts.notifications.doubles import Failing, SmsDouble, WeChatDouble, served

NOW = datetime(2036, 12, 7, 8, 0, tzinfo=UTC)  # after the rows are queued
OPENID = "oXyZ1234567890abcdefghijklmn"


async def bidder(conn: asyncpg.Connection) -> Actor:
    org = await make_organisation(conn, OrgKind.BIDDER)
    return await actor_for(conn, await make_user(conn, org, Role.BIDDER))


def wanted(actor: Actor, key: str = "bid_deadline:t1") -> service.Notify:
    return service.Notify(
        kind=Kind.BID_DEADLINE,
        key=f"{key}:{actor.user_id}",
        user_id=actor.user_id,
        tender_id=None,
        params={"code": "XC-2026-GC-000001", "title": "道路", "deadline": "2026-12-08 09:30"},
        body="【投标截止提醒】…",
    )


async def test_a_person_sets_their_own_contacts_shown_masked(conn: asyncpg.Connection) -> None:
    actor = await bidder(conn)
    await service.set_contact(conn, actor, "sms", " 13912345678 ")
    await service.set_contact(conn, actor, "wechat", OPENID)
    await service.set_contact(conn, actor, "sms", "13800001111")  # replaced, not added
    shown = await service.my_contacts(conn, actor)
    assert [(c.channel, c.address) for c in shown] == [
        ("sms", "*******1111"),
        ("wechat", "*******klmn"),
    ]
    await service.remove_contact(conn, actor, "wechat")
    with pytest.raises(ContactNotFound):
        await service.remove_contact(conn, actor, "wechat")


async def test_a_malformed_address_or_a_channel_without_addresses_is_refused(
    conn: asyncpg.Connection,
) -> None:
    actor = await bidder(conn)
    with pytest.raises(ContactAddressInvalid):
        await service.set_contact(conn, actor, "sms", "0563-1234567")
    with pytest.raises(ContactAddressInvalid):
        await service.set_contact(conn, actor, "wechat", "短")
    with pytest.raises(ContactChannelUnknown):
        await service.set_contact(conn, actor, "log", "x")
    assert await service.my_contacts(conn, actor) == []


async def test_each_person_gets_every_configured_channel_they_gave_an_address_for(
    conn: asyncpg.Connection,
) -> None:
    both, none = await bidder(conn), await bidder(conn)
    await service.set_contact(conn, both, "sms", "13912345678")
    await service.set_contact(conn, both, "wechat", OPENID)
    available: dict[str, Channel] = {
        "log": LogChannel(),
        "sms": Failing("flaky"),
        "wechat": Failing("flaky"),
    }
    assert await service.enqueue(conn, [wanted(both), wanted(none)], available) == 3
    rows = await conn.fetch("SELECT user_id, channel FROM notifications ORDER BY channel")
    assert sorted((r["user_id"], r["channel"]) for r in rows) == sorted(
        [(both.user_id, "sms"), (both.user_id, "wechat"), (none.user_id, "log")]
    )
    # A trigger that runs again queues nothing twice.
    assert await service.enqueue(conn, [wanted(both), wanted(none)], available) == 0


async def test_a_transient_failure_is_retried_a_bounded_number_of_times_then_shown_to_staff(
    conn: asyncpg.Connection, centre: Organisation
) -> None:
    actor = await bidder(conn)
    flaky = Failing("flaky")
    await service.set_contact(conn, actor, "sms", "13912345678")
    await service.enqueue(conn, [wanted(actor)], {"sms": flaky})
    at = NOW
    for _ in range(MAX_ATTEMPTS):
        assert await service.dispatch(conn, at, available={"sms": flaky}) == 1
        assert await service.dispatch(conn, at, available={"sms": flaky}) == 0  # not yet due
        at += timedelta(hours=2)
    assert await service.dispatch(conn, at + timedelta(days=9), available={"sms": flaky}) == 0
    assert flaky.calls == MAX_ATTEMPTS
    state = await conn.fetchrow("SELECT state, attempts FROM notifications")
    assert tuple(state) == ("failed", MAX_ATTEMPTS)
    staff = await actor_for(conn, await make_user(conn, centre, Role.CENTRE_STAFF))
    [failure] = await service.failures(conn, staff)
    assert (failure.kind, failure.channel, failure.attempts) == ("bid_deadline", "sms", 5)
    assert failure.detail == "gateway HTTP 503"
    with pytest.raises(PermissionDenied):
        await service.failures(conn, actor)


async def test_a_final_failure_is_not_retried(conn: asyncpg.Connection) -> None:
    actor = await bidder(conn)
    await service.enqueue(conn, [wanted(actor)], {})  # no configured channel: the log
    assert await service.dispatch(conn, NOW, available={}) == 1  # the log is unplugged
    later = NOW + timedelta(days=1)
    assert await service.dispatch(conn, later, available={}) == 0
    row = await conn.fetchrow("SELECT state, attempts FROM notifications")
    assert tuple(row) == ("failed", 1)


async def test_notifications_reach_the_sms_gateway_and_wechat_through_their_http_apis(
    conn: asyncpg.Connection,
) -> None:
    actor = await bidder(conn)
    await service.set_contact(conn, actor, "sms", "13912345678")
    await service.set_contact(conn, actor, "wechat", OPENID)
    sms, wechat = SmsDouble(), WeChatDouble(followers={OPENID})
    templates = {"bid_deadline": "SMS_200"}
    async with served(sms.app()) as sms_url, served(wechat.app()) as wechat_url:
        available: dict[str, Channel] = {
            "sms": AliyunSmsChannel(
                SmsConfig(
                    access_key_id=sms.access_key_id,
                    access_key_secret=sms.access_key_secret,
                    sign_name="交易中心",
                    templates=templates,
                    endpoint=sms_url,
                )
            ),
            "wechat": WeChatTemplateChannel(
                WeChatConfig(
                    appid=wechat.appid,
                    secret=wechat.secret,
                    templates={"bid_deadline": "TPL-1"},
                    api=wechat_url,
                )
            ),
        }
        await service.enqueue(conn, [wanted(actor)], available)
        assert await service.dispatch(conn, NOW, available=available) == 2
    assert [s["PhoneNumbers"] for s in sms.sent] == ["13912345678"]
    assert [s["touser"] for s in wechat.sent] == [OPENID]
    states = await conn.fetch("SELECT state FROM notifications")
    assert [r["state"] for r in states] == ["delivered", "delivered"]
    assert await conn.fetchval("SELECT count(*) FROM notification_attempts") == 2
