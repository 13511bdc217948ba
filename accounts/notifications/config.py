"""The channels' production settings, read from the environment (credentials included).

SMS (Alibaba Cloud SendSms) is on when ``ETENDER_SMS_PROVIDER=aliyun``; WeChat when
``ETENDER_WECHAT_APPID`` is set. Templates are ``kind=code`` pairs separated by commas
(``draw_invitation=SMS_1,bid_deadline=SMS_2,result=SMS_3``). docs/notifications.md
lists every variable. Secrets live only in the frozen configs, hidden from repr.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from accounts.notifications.channels.sms import DEFAULT_ENDPOINT, SmsConfig
from accounts.notifications.channels.wechat import DEFAULT_API, WeChatConfig
from accounts.notifications.errors import NotificationConfigInvalid
from accounts.notifications.model import Kind

SMS_PROVIDERS = ("aliyun",)
KEYWORD = re.compile(r"^[a-z][a-z_]{0,31}[0-9]{0,3}$")  # a template keyword: thing1, time2


@dataclass(frozen=True, kw_only=True, slots=True)
class ChannelSettings:
    """Which provider channels this deployment has (none: the log channel only)."""

    sms: SmsConfig | None = None
    wechat: WeChatConfig | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> ChannelSettings:
        """Read the channels' settings; refuse an incomplete or malformed one."""
        return cls(sms=_sms(environ), wechat=_wechat(environ))


def _required(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise NotificationConfigInvalid(f"{name} must be set")
    return value


def _templates(environ: Mapping[str, str], name: str) -> dict[str, str]:
    found: dict[str, str] = {}
    kinds = {str(k) for k in Kind}
    for pair in _required(environ, name).split(","):
        kind, sep, code = (part.strip() for part in pair.partition("="))
        if not sep or kind not in kinds or not code:
            raise NotificationConfigInvalid(
                f"{name} is kind=template pairs separated by commas, kinds {sorted(kinds)}"
            )
        found[kind] = code
    return found


def _fields(environ: Mapping[str, str], name: str) -> dict[str, dict[str, str]]:
    raw = environ.get(name, "").strip()
    if not raw:
        return {}
    try:
        doc = json.loads(raw)
    except ValueError:
        doc = None
    kinds = {str(k) for k in Kind}
    if not isinstance(doc, dict) or not all(
        kind in kinds
        and isinstance(names, dict)
        and all(isinstance(v, str) and KEYWORD.match(v) for v in names.values())
        for kind, names in doc.items()
    ):
        raise NotificationConfigInvalid(
            f'{name} is JSON {{kind: {{parameter: keyword}}}}, e.g. {{"result": {{"code": '
            f'"character_string1"}}}}, kinds {sorted(kinds)}'
        )
    return {kind: {str(k): v for k, v in names.items()} for kind, names in doc.items()}


def _sms(environ: Mapping[str, str]) -> SmsConfig | None:
    provider = environ.get("ETENDER_SMS_PROVIDER", "").strip()
    if not provider:
        return None
    if provider not in SMS_PROVIDERS:
        raise NotificationConfigInvalid(f"ETENDER_SMS_PROVIDER must be one of {SMS_PROVIDERS}")
    return SmsConfig(
        access_key_id=_required(environ, "ETENDER_SMS_ACCESS_KEY_ID"),
        access_key_secret=_required(environ, "ETENDER_SMS_ACCESS_KEY_SECRET"),
        sign_name=_required(environ, "ETENDER_SMS_SIGN_NAME"),
        templates=_templates(environ, "ETENDER_SMS_TEMPLATES"),
        endpoint=environ.get("ETENDER_SMS_ENDPOINT", "").strip() or DEFAULT_ENDPOINT,
        region=environ.get("ETENDER_SMS_REGION", "").strip() or "cn-hangzhou",
    )


def _wechat(environ: Mapping[str, str]) -> WeChatConfig | None:
    appid = environ.get("ETENDER_WECHAT_APPID", "").strip()
    if not appid:
        return None
    return WeChatConfig(
        appid=appid,
        secret=_required(environ, "ETENDER_WECHAT_SECRET"),
        templates=_templates(environ, "ETENDER_WECHAT_TEMPLATES"),
        fields=_fields(environ, "ETENDER_WECHAT_FIELDS"),
        api=environ.get("ETENDER_WECHAT_API", "").strip() or DEFAULT_API,
        link=environ.get("ETENDER_WECHAT_LINK", "").strip(),
    )
