"""Notifications: the message, the channel interface, delivery outcomes, the retry rule.

A `Channel` delivers one `Message` and returns a `Delivery`; the platform stores every
attempt. Channels are plug-ins (accounts/notifications/channels): the `log` channel is
always present; `sms` and `wechat` speak their providers' HTTP APIs when production
settings configure them. DESIGN.md: "Notifications never name the project" to experts,
so a draw invitation's parameters hold only times and the draw number.

Retries are bounded (issue 15): a failure the channel calls transient (a network error,
an HTTP 5xx, a provider's throttling) is tried again after BACKOFF_SECONDS, at most
MAX_ATTEMPTS times in all; any other failure is final at once. Pure: no I/O.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = (60, 300, 900, 3600)
CHANNEL_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"


class Kind(enum.StrEnum):
    """What a notification is about (each has its template at the SMS/WeChat provider)."""

    DRAW_INVITATION = "draw_invitation"
    BID_DEADLINE = "bid_deadline"
    RESULT = "result"


class DeliveryStatus(enum.StrEnum):
    """Outcome of one delivery attempt."""

    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True, kw_only=True, slots=True)
class Delivery:
    """The record of one delivery attempt; `retryable` marks a transient failure."""

    status: DeliveryStatus
    detail: str = ""
    retryable: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class Message:
    """One message to one person on one channel.

    `recipient` is the channel's address (a mobile number, a WeChat OpenID): never
    logged. `params` fill the provider's template; `body` is the whole text (the pages
    show it; the log channel never writes it)."""

    id: str
    kind: Kind
    recipient: str = field(repr=False)
    body: str
    params: Mapping[str, str] = field(default_factory=dict)


class Channel(Protocol):
    """Something that can deliver a message: the log, an SMS gateway, WeChat."""

    @property
    def name(self) -> str: ...

    async def deliver(self, message: Message) -> Delivery: ...


def next_attempt(attempts: int, delivery: Delivery, now: datetime) -> datetime | None:
    """When to try again after `attempts` attempts ending in `delivery`; None: never
    (delivered, a final failure, or MAX_ATTEMPTS reached)."""
    if delivery.status is DeliveryStatus.DELIVERED or not delivery.retryable:
        return None
    if attempts >= MAX_ATTEMPTS:
        return None
    wait = BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1]
    return now + timedelta(seconds=wait)


def masked(address: str) -> str:
    """An address fit for a page or a log line: its last four characters only."""
    return "*" * max(0, min(len(address) - 4, 7)) + address[-4:]


def beijing(moment: datetime) -> str:
    """A time as the messages print it: Beijing time, to the minute."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def bid_deadline_params(*, code: str, title: str, deadline: datetime) -> dict[str, str]:
    """The template parameters of a bid-deadline reminder."""
    return {"code": code, "title": title[:20], "deadline": beijing(deadline)}


def bid_deadline_text(params: Mapping[str, str]) -> str:
    """A reminder to a bidder who took the documents (Chinese, then English)."""
    return (
        f"【投标截止提醒】项目 {params['code']}「{params['title']}」的投标截止时间为 "
        f"{params['deadline']}（北京时间），请在截止前完成投标文件的加密上传。"
        f" / Bid deadline for {params['code']} \u201c{params['title']}\u201d: "
        f"{params['deadline']} (Beijing time). Upload your sealed bid before then."
    )


def result_params(*, code: str, lot: str, award: bool) -> dict[str, str]:
    """The template parameters of a result notice: which tender and lot, and whether it
    is the award notice (中标通知书) or the result notice (中标结果通知书)."""
    return {"code": code, "lot": lot, "result": "中标" if award else "未中标"}


def result_text(params: Mapping[str, str]) -> str:
    """A result notice (Chinese, then English); the PDF itself is on the platform."""
    won = params["result"] == "中标"
    zh = "中标通知书" if won else "中标结果通知书"
    en = "award notice" if won else "result notice"
    return (
        f"【{zh}】项目 {params['code']} 第 {params['lot']} 标段的{zh}已签发，"
        "请登录平台查看。"
        f" / The {en} of {params['code']} lot {params['lot']} is issued; sign in to read it."
    )
