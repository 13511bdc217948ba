"""The WeChat channel: template messages (模板消息) of a WeChat official account.

Two calls of the official account API (docs/notifications.md, "WeChat"):

    POST {api}/cgi-bin/stable_token
         {"grant_type": "client_credential", "appid": …, "secret": …}
      -> {"access_token": …, "expires_in": 7200}
    POST {api}/cgi-bin/message/template/send?access_token=…
         {"touser": <OpenID>, "template_id": …, "url": <optional link>,
          "data": {<param>: {"value": <text>}, …}}
      -> {"errcode": 0, "errmsg": "ok", "msgid": …}

``stable_token`` (not the older GET ``/cgi-bin/token``) keeps the AppSecret out of
URLs; the token is cached until 5 minutes before it expires and fetched again once
when WeChat says it is invalid or expired (errcode 40001, 40014, 42001). errcode -1
(busy) and 45009 (rate limit), HTTP 5xx and network errors are transient; any other
errcode (e.g. 43004: the person does not follow the account) is final. Neither the
secret nor the token nor the OpenID is logged or stored in a delivery record.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import httpx

from accounts.notifications.model import Delivery, DeliveryStatus, Message

DEFAULT_API = "https://api.weixin.qq.com"
TOKEN_REJECTED = frozenset({40001, 40014, 42001})
TRANSIENT = frozenset({-1, 45009})
REFRESH_MARGIN_SECONDS = 300
TOKEN_IN_URL = re.compile(r"access_token=[^&\s\"']*")


@dataclass(frozen=True, kw_only=True, slots=True)
class WeChatConfig:
    """The official account: credentials from the environment (web/notifications)."""

    appid: str
    secret: str = field(repr=False)
    templates: Mapping[str, str]  # notification kind -> template_id
    # notification kind -> {our parameter: the template's keyword}: a template from
    # WeChat's library names its fields itself (thing1, time2 …); unmapped keep ours.
    fields: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    api: str = DEFAULT_API
    link: str = ""  # where tapping the message leads (the platform's sign-in), if set
    timeout_seconds: float = 10.0


class _HideToken(logging.Filter):
    """httpx logs each request's URL at INFO; the template call's URL holds the access
    token (WeChat takes it in the query only), so it is blanked before any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                TOKEN_IN_URL.sub("access_token=…", str(a)) if "access_token=" in str(a) else a
                for a in record.args
            )
        return True


_HIDE_TOKEN = _HideToken()


class WeChatError(Exception):
    """A failed call: `retryable` when trying again later may succeed."""

    def __init__(self, detail: str, *, retryable: bool) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retryable = retryable


def template_body(config: WeChatConfig, message: Message, template_id: str) -> dict[str, object]:
    """The JSON of one template message: each parameter is one data field, under the
    template's keyword for it when the settings map one."""
    names = config.fields.get(str(message.kind), {})
    body: dict[str, object] = {
        "touser": message.recipient,
        "template_id": template_id,
        "data": {
            names.get(key, key): {"value": value} for key, value in sorted(message.params.items())
        },
    }
    if config.link:
        body["url"] = config.link
    return body


class WeChatTemplateChannel:
    """Delivers a message as a template message to the person's OpenID."""

    name = "wechat"

    def __init__(
        self,
        config: WeChatConfig,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.config = config
        self._monotonic = monotonic
        self._transport = transport
        self._token: tuple[str, float] | None = None  # (token, when to fetch a new one)
        self._lock = asyncio.Lock()
        logging.getLogger("httpx").addFilter(_HIDE_TOKEN)  # the same filter once

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self._transport, timeout=self.config.timeout_seconds)

    async def _post(self, path: str, payload: object, **query: str) -> dict[str, object]:
        try:
            async with self._client() as http:
                answer = await http.post(
                    self.config.api.rstrip("/") + path, json=payload, params=query
                )
        except httpx.HTTPError as exc:
            raise WeChatError(f"wechat unreachable: {type(exc).__name__}", retryable=True) from None
        if answer.status_code >= 500:
            raise WeChatError(f"wechat HTTP {answer.status_code}", retryable=True)
        try:
            body = answer.json()
        except ValueError:
            raise WeChatError(
                f"wechat HTTP {answer.status_code}, no JSON", retryable=True
            ) from None
        if not isinstance(body, dict):
            raise WeChatError("wechat answered no JSON object", retryable=True)
        return body

    async def _access_token(self, *, renew: bool) -> str:
        async with self._lock:
            now = self._monotonic()
            if self._token is not None and not renew and now < self._token[1]:
                return self._token[0]
            body = await self._post(
                "/cgi-bin/stable_token",
                {
                    "grant_type": "client_credential",
                    "appid": self.config.appid,
                    "secret": self.config.secret,
                    "force_refresh": renew,
                },
            )
            token, expires = body.get("access_token"), body.get("expires_in", 7200)
            if not isinstance(token, str) or not token:
                errcode = _errcode(body)
                raise WeChatError(f"wechat token errcode {errcode}", retryable=errcode in TRANSIENT)
            ttl = float(expires) if isinstance(expires, int | float) else 7200.0
            self._token = (token, now + max(0.0, ttl - REFRESH_MARGIN_SECONDS))
            return token

    async def _send(self, body: dict[str, object], *, renew: bool) -> dict[str, object]:
        token = await self._access_token(renew=renew)
        return await self._post("/cgi-bin/message/template/send", body, access_token=token)

    async def deliver(self, message: Message) -> Delivery:
        """Send one template message; the record says what WeChat answered."""
        template_id = self.config.templates.get(str(message.kind))
        if template_id is None:
            return Delivery(
                status=DeliveryStatus.FAILED,
                detail=f"no WeChat template configured for {message.kind}",
            )
        body = template_body(self.config, message, template_id)
        try:
            answer = await self._send(body, renew=False)
            if _errcode(answer) in TOKEN_REJECTED:
                answer = await self._send(body, renew=True)
        except WeChatError as exc:
            return Delivery(
                status=DeliveryStatus.FAILED, detail=exc.detail, retryable=exc.retryable
            )
        errcode = _errcode(answer)
        if errcode == 0:
            return Delivery(
                status=DeliveryStatus.DELIVERED, detail=f"wechat ok msgid={answer.get('msgid', '')}"
            )
        return Delivery(
            status=DeliveryStatus.FAILED,
            detail=f"wechat errcode {errcode}",
            retryable=errcode in TRANSIENT,
        )


def _errcode(body: Mapping[str, object]) -> int:
    code = body.get("errcode", 0)
    return code if isinstance(code, int) else -1
