"""Draw invitations through the platform's channels: the SMS gateway's double on a real
uvicorn gets the four template parameters and nothing naming the project; a gateway
that is down is tried again, a bounded number of times."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from accounts.notifications import service as notifications
from accounts.notifications.channels import register_channel, unregister_channel
from accounts.notifications.channels.sms import AliyunSmsChannel, SmsConfig
from accounts.notifications.model import MAX_ATTEMPTS, DeliveryStatus
from expert_pool import service
from expert_pool.draws import access as service_common
from expert_pool.notices import queries as queries_notices
from expert_pool.notices.service import dispatch_notifications
from tests.accounts.notifications.doubles import Failing, SmsDouble, served
from tests.expert_pool.world import (
    World,
    add_experts,
    committed_draw,
    contribute,
    fresh_entropy,
    seated,
)

CATEGORIES = [("A08@local", 5)]


@pytest.fixture
async def gateway() -> AsyncIterator[SmsDouble]:
    double = SmsDouble()
    async with served(double.app()) as url:
        register_channel(
            AliyunSmsChannel(
                SmsConfig(
                    access_key_id=double.access_key_id,
                    access_key_secret=double.access_key_secret,
                    sign_name="交易中心",
                    templates={"draw_invitation": "SMS_100"},
                    endpoint=url,
                )
            )
        )
        try:
            yield double
        finally:
            unregister_channel("sms")


async def test_a_draw_invitation_reaches_the_experts_phone_by_sms_naming_no_project(
    world: World, gateway: SmsDouble
) -> None:
    await service.set_policy(world.conn, world.admin, {"channels": ["sms"]})
    await add_experts(world, [f"S{n:03d}" for n in range(16)], accounts=True)
    draw = await committed_draw(world, CATEGORIES)
    await contribute(world.conn, world.supervisor, draw.id, 0, fresh_entropy())
    drawn = await seated(world, draw.id)
    phones = {
        r["phone"]
        for r in await world.conn.fetch(
            "SELECT phone FROM experts WHERE id = ANY($1::text[])", drawn
        )
    }
    assert {s["PhoneNumbers"] for s in gateway.sent} == phones
    assert len(gateway.sent) == 5
    stored = await service_common.get_draw(world.conn, draw.id)
    for sent in gateway.sent:
        params = json.loads(sent["TemplateParam"])
        assert sorted(params) == ["by", "draw", "end", "start"]
        assert params["draw"] == draw.id
        assert stored.parties.tender_id not in sent["TemplateParam"]
        assert stored.parties.project_id not in sent["TemplateParam"]
    statuses = await world.conn.fetch("SELECT status, channel FROM notification_deliveries")
    assert [tuple(s) for s in statuses] == [("delivered", "sms")] * 5


async def test_a_failed_invitation_is_retried_a_bounded_number_of_times(world: World) -> None:
    await add_experts(world, [f"R{n:03d}" for n in range(16)], accounts=True)
    draw = await committed_draw(world, CATEGORIES)
    await contribute(world.conn, world.supervisor, draw.id, 0, fresh_entropy())
    expert = (await seated(world, draw.id))[0]
    await queries_notices.queue_notifications(world.conn, draw.id, [(expert, "log", "again")])
    down = Failing("log", "disk full")
    at = await world.conn.fetchval("SELECT clock_timestamp()") + timedelta(minutes=1)
    for _ in range(MAX_ATTEMPTS):
        assert await dispatch_notifications(world.conn, now=at, available={"log": down}) == 1
        assert await dispatch_notifications(world.conn, now=at, available={"log": down}) == 0
        at += timedelta(hours=2)
    assert await dispatch_notifications(world.conn, now=at, available={"log": down}) == 0
    assert down.calls == MAX_ATTEMPTS
    last = await queries_notices.latest_delivery(world.conn, draw.id, expert)
    assert last is not None
    assert (last.status, last.detail) == (DeliveryStatus.FAILED, "disk full")
    # The centre's staff see it among the undelivered notifications; no name, no number.
    [failure] = await notifications.failures(world.conn, world.centre_staff)
    assert (failure.source, failure.kind, failure.attempts) == ("draw", "draw_invitation", 5)
