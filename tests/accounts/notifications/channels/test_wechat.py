"""The WeChat channel against a local double of the official account API (real uvicorn)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from accounts.notifications.channels.wechat import WeChatConfig, WeChatTemplateChannel
from accounts.notifications.model import DeliveryStatus, Kind, Message
from tests.accounts.notifications.doubles import WeChatDouble, served

OPENID = "oXyZ1234567890abcdefghijklmn"
TEMPLATES = {"draw_invitation": "TPL-draw", "bid_deadline": "TPL-deadline", "result": "TPL-result"}


class Clock:
    """A monotonic clock the test moves (no test waits for the wall clock)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def account() -> AsyncIterator[tuple[WeChatDouble, WeChatConfig]]:
    double = WeChatDouble(followers={OPENID})
    async with served(double.app()) as url:
        yield (
            double,
            WeChatConfig(
                appid=double.appid,
                secret=double.secret,
                templates=TEMPLATES,
                api=url,
                link="https://etender.example.cn/login",
            ),
        )


def message(recipient: str = OPENID) -> Message:
    return Message(
        id="m-1",
        kind=Kind.BID_DEADLINE,
        recipient=recipient,
        body="【投标截止提醒】…",
        params={"code": "XC-2026-GC-000001", "deadline": "2026-12-08 09:30"},
    )


async def test_a_template_message_carries_the_kinds_template_and_each_parameter(
    account: tuple[WeChatDouble, WeChatConfig],
) -> None:
    double, config = account
    delivery = await WeChatTemplateChannel(config).deliver(message())
    assert (delivery.status, delivery.detail) == (DeliveryStatus.DELIVERED, "wechat ok msgid=1001")
    assert double.sent == [
        {
            "touser": OPENID,
            "template_id": "TPL-deadline",
            "url": "https://etender.example.cn/login",
            "data": {
                "code": {"value": "XC-2026-GC-000001"},
                "deadline": {"value": "2026-12-08 09:30"},
            },
        }
    ]


async def test_the_access_token_is_reused_until_near_its_expiry(
    account: tuple[WeChatDouble, WeChatConfig],
) -> None:
    double, config = account
    clock = Clock()
    channel = WeChatTemplateChannel(config, monotonic=clock)
    await channel.deliver(message())
    clock.now += 7200 - 301
    await channel.deliver(message())
    assert double.tokens_issued == 1
    clock.now += 2
    await channel.deliver(message())
    assert double.tokens_issued == 2
    assert len(double.sent) == 3


async def test_a_token_wechat_rejects_is_fetched_again_once(
    account: tuple[WeChatDouble, WeChatConfig],
) -> None:
    double, config = account
    channel = WeChatTemplateChannel(config)
    await channel.deliver(message())
    double.revoke_tokens()  # another server fetched a token, or it expired early
    delivery = await channel.deliver(message())
    assert delivery.status is DeliveryStatus.DELIVERED
    assert (double.tokens_issued, len(double.sent)) == (2, 2)


async def test_a_person_who_does_not_follow_the_account_is_a_final_failure(
    account: tuple[WeChatDouble, WeChatConfig],
) -> None:
    double, config = account
    delivery = await WeChatTemplateChannel(config).deliver(message("oNotAFollower00000000000000"))
    assert (delivery.status, delivery.detail) == (DeliveryStatus.FAILED, "wechat errcode 43004")
    assert not delivery.retryable
    assert double.sent == []


async def test_wechat_busy_is_transient_and_a_wrong_secret_is_final(
    account: tuple[WeChatDouble, WeChatConfig],
) -> None:
    double, config = account
    double.errcodes.append(-1)
    busy = await WeChatTemplateChannel(config).deliver(message())
    wrong = await WeChatTemplateChannel(replace(config, secret="nope")).deliver(message())
    assert (busy.status, busy.retryable) == (DeliveryStatus.FAILED, True)
    assert (wrong.status, wrong.retryable, wrong.detail) == (
        DeliveryStatus.FAILED,
        False,
        "wechat token errcode 40125",
    )


async def test_neither_secret_nor_token_nor_openid_is_logged_or_recorded(
    account: tuple[WeChatDouble, WeChatConfig], caplog: pytest.LogCaptureFixture
) -> None:
    double, config = account
    caplog.set_level(logging.INFO)
    delivery = await WeChatTemplateChannel(config).deliver(message())
    text = caplog.text + repr(config) + delivery.detail + repr(message())
    assert double.secret not in text
    assert "TOKEN1" not in text
    assert OPENID not in text


async def test_parameters_go_under_the_templates_own_keywords_when_mapped(
    account: tuple[WeChatDouble, WeChatConfig],
) -> None:
    """A template from WeChat's library names its fields (character_string1, time2)."""
    double, config = account
    mapped = replace(
        config, fields={"bid_deadline": {"code": "character_string1", "deadline": "time2"}}
    )
    await WeChatTemplateChannel(mapped).deliver(message())
    assert double.sent[0]["data"] == {
        "character_string1": {"value": "XC-2026-GC-000001"},
        "time2": {"value": "2026-12-08 09:30"},
    }
