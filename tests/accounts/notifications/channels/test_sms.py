"""The SMS channel against a local double of Alibaba Cloud's SendSms on a real uvicorn."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from accounts.notifications.channels.sms import AliyunSmsChannel, SmsConfig, signature
from accounts.notifications.model import DeliveryStatus, Kind, Message
from tests.accounts.notifications.doubles import SmsDouble, served
from tests.conftest import free_port

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
PHONE = "13912345678"
TEMPLATES = {"draw_invitation": "SMS_100", "bid_deadline": "SMS_200", "result": "SMS_300"}


@pytest.fixture
async def gateway() -> AsyncIterator[tuple[SmsDouble, SmsConfig]]:
    double = SmsDouble()
    async with served(double.app()) as url:
        yield (
            double,
            SmsConfig(
                access_key_id=double.access_key_id,
                access_key_secret=double.access_key_secret,
                sign_name="公共资源交易中心",
                templates=TEMPLATES,
                endpoint=url,
            ),
        )


def message(recipient: str = PHONE, kind: Kind = Kind.DRAW_INVITATION) -> Message:
    return Message(
        id="6f1c2b1e-0000-4000-8000-000000000001",
        kind=kind,
        recipient=recipient,
        body="【评标专家抽取通知】…",
        params={"draw": "D-1", "start": "2026-12-08 09:00", "end": "2026-12-08 17:00"},
    )


async def test_an_sms_is_signed_and_carries_the_kinds_template_and_its_parameters(
    gateway: tuple[SmsDouble, SmsConfig],
) -> None:
    double, config = gateway
    delivery = await AliyunSmsChannel(config, clock=lambda: NOW).deliver(message())
    assert delivery.status is DeliveryStatus.DELIVERED
    assert delivery.detail.startswith("sms OK BizId=BIZ1")
    [sent] = double.sent
    assert sent["PhoneNumbers"] == PHONE
    assert sent["TemplateCode"] == "SMS_100"
    assert sent["SignName"] == "公共资源交易中心"
    assert sent["OutId"] == message().id
    assert sent["Timestamp"] == "2026-12-07T08:00:00Z"
    assert json.loads(sent["TemplateParam"]) == dict(message().params)


async def test_each_sms_has_a_fresh_nonce_so_the_gateway_takes_them_all(
    gateway: tuple[SmsDouble, SmsConfig],
) -> None:
    double, config = gateway
    channel = AliyunSmsChannel(config, clock=lambda: NOW)
    for kind in (Kind.BID_DEADLINE, Kind.RESULT):
        assert (await channel.deliver(message(kind=kind))).status is DeliveryStatus.DELIVERED
    assert [s["TemplateCode"] for s in double.sent] == ["SMS_200", "SMS_300"]


async def test_a_wrong_secret_is_refused_by_the_gateway_and_is_not_retried(
    gateway: tuple[SmsDouble, SmsConfig],
) -> None:
    double, config = gateway
    wrong = replace(config, access_key_secret="not-the-secret")
    delivery = await AliyunSmsChannel(wrong, clock=lambda: NOW).deliver(message())
    assert delivery.status is DeliveryStatus.FAILED
    assert "SignatureDoesNotMatch" in delivery.detail
    assert not delivery.retryable
    assert double.sent == []


async def test_an_outage_or_throttling_is_a_transient_failure(
    gateway: tuple[SmsDouble, SmsConfig],
) -> None:
    double, config = gateway
    channel = AliyunSmsChannel(config, clock=lambda: NOW)
    double.outages.append(503)
    down = await channel.deliver(message())
    double.codes.append("isv.BUSINESS_LIMIT_CONTROL")
    throttled = await channel.deliver(message())
    assert (down.status, down.retryable) == (DeliveryStatus.FAILED, True)
    assert (throttled.status, throttled.retryable) == (DeliveryStatus.FAILED, True)
    assert (await channel.deliver(message())).status is DeliveryStatus.DELIVERED


async def test_an_unreachable_gateway_is_a_transient_failure() -> None:
    config = SmsConfig(
        access_key_id="k",
        access_key_secret="s",
        sign_name="n",
        templates=TEMPLATES,
        endpoint=f"http://127.0.0.1:{free_port()}",
    )
    delivery = await AliyunSmsChannel(config, clock=lambda: NOW).deliver(message())
    assert (delivery.status, delivery.retryable) == (DeliveryStatus.FAILED, True)


async def test_a_landline_or_a_kind_without_template_fails_at_once_without_a_request(
    gateway: tuple[SmsDouble, SmsConfig],
) -> None:
    double, config = gateway
    landline = await AliyunSmsChannel(config).deliver(message(recipient="0563-1234567"))
    untemplated = replace(config, templates={})
    no_template = await AliyunSmsChannel(untemplated).deliver(message())
    assert not landline.retryable
    assert not no_template.retryable
    assert "mobile" in landline.detail
    assert "template" in no_template.detail
    assert double.sent == []
    assert double.nonces == set()


async def test_the_secret_and_the_number_are_never_logged_nor_recorded(
    gateway: tuple[SmsDouble, SmsConfig], caplog: pytest.LogCaptureFixture
) -> None:
    double, config = gateway
    caplog.set_level(logging.DEBUG)
    channel = AliyunSmsChannel(config, clock=lambda: NOW)
    delivered = await channel.deliver(message())
    double.codes.append("isv.MOBILE_NUMBER_ILLEGAL")
    refused = await channel.deliver(message())
    text = caplog.text + repr(config) + delivered.detail + refused.detail
    assert double.access_key_secret not in text
    assert PHONE not in text
    assert PHONE not in repr(message())


def test_the_signature_reproduces_the_providers_published_example() -> None:
    """Alibaba Cloud's documented RPC-signature example (the ECS DescribeRegions request
    signed with AccessKeySecret "testsecret"), so the double is not the only judge."""
    params = {
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "Format": "XML",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0",
        "Timestamp": "2016-02-23T12:46:24Z",
        "Version": "2014-05-26",
    }
    assert signature(params, "testsecret", "GET") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
