"""Local test doubles of the two providers' HTTP APIs, served by a real uvicorn.

Each double speaks the provider's documented API as a client sees it and checks what a
real provider checks: the SMS double recomputes the Alibaba Cloud RPC signature with its
own encoder (written from the specification, not the channel's code) and refuses a
replayed nonce; the WeChat double issues access tokens from ``stable_token`` and refuses
a template message whose token is unknown or revoked (errcode 40001), or to an OpenID
that does not follow the account (43004). Both record what they accepted, and either
can be told to fail the next requests the way the provider does when it is down.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from accounts.notifications.model import Delivery, DeliveryStatus, Message
from tests.conftest import free_port

UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
SMS_REQUIRED = [
    "AccessKeyId",
    "Action",
    "Format",
    "PhoneNumbers",
    "RegionId",
    "SignName",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureVersion",
    "TemplateCode",
    "TemplateParam",
    "Timestamp",
    "Version",
    "Signature",
]


class Failing:
    """A channel whose gateway is down: every attempt is a transient failure."""

    def __init__(self, name: str, detail: str = "gateway HTTP 503") -> None:
        self.name = name
        self.detail = detail
        self.calls = 0

    async def deliver(self, message: Message) -> Delivery:
        self.calls += 1
        return Delivery(status=DeliveryStatus.FAILED, detail=self.detail, retryable=True)


def spec_encode(text: str) -> str:
    """RFC 3986 percent-encoding, byte by byte from UTF-8 (the provider's rule)."""
    return "".join(chr(b) if b in UNRESERVED else f"%{b:02X}" for b in text.encode())


@dataclass
class SmsDouble:
    """Alibaba Cloud SMS ``SendSms`` (2017-05-25) for one AccessKey."""

    access_key_id: str = "LTAI-test-key"
    access_key_secret: str = "test-secret-never-logged"
    sent: list[dict[str, str]] = field(default_factory=list)
    nonces: set[str] = field(default_factory=set)
    outages: list[int] = field(default_factory=list)  # HTTP statuses of the next answers
    codes: list[str] = field(default_factory=list)  # Code of the next answers

    def expected_signature(self, form: dict[str, str]) -> str:
        canonical = "&".join(
            f"{spec_encode(k)}={spec_encode(v)}"
            for k, v in sorted(form.items())
            if k != "Signature"
        )
        to_sign = "POST&" + spec_encode("/") + "&" + spec_encode(canonical)
        key = (self.access_key_secret + "&").encode()
        return base64.b64encode(hmac.new(key, to_sign.encode(), hashlib.sha1).digest()).decode()

    async def send(self, request: Request) -> Response:
        if self.outages:
            return Response("busy", status_code=self.outages.pop(0))
        form = {k: str(v) for k, v in (await request.form()).items()}
        answer = {"RequestId": f"REQ-{len(self.sent) + len(self.nonces)}"}
        missing = [k for k in SMS_REQUIRED if not form.get(k)]
        if missing or form["Action"] != "SendSms" or form["Version"] != "2017-05-25":
            return JSONResponse(
                {**answer, "Code": "MissingParameter", "Message": str(missing)}, 400
            )
        if form["AccessKeyId"] != self.access_key_id:
            return JSONResponse({**answer, "Code": "InvalidAccessKeyId.NotFound"}, 404)
        if not hmac.compare_digest(form["Signature"], self.expected_signature(form)):
            return JSONResponse({**answer, "Code": "SignatureDoesNotMatch"}, 400)
        if form["SignatureNonce"] in self.nonces:
            return JSONResponse({**answer, "Code": "SignatureNonceUsed"}, 400)
        self.nonces.add(form["SignatureNonce"])
        if self.codes:
            return JSONResponse({**answer, "Code": self.codes.pop(0), "Message": "refused"})
        json.loads(form["TemplateParam"])  # a real gateway refuses anything but JSON
        self.sent.append(form)
        return JSONResponse(
            {**answer, "Code": "OK", "Message": "OK", "BizId": f"BIZ{len(self.sent)}"}
        )

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/", self.send, methods=["POST"])])


@dataclass
class WeChatDouble:
    """A WeChat official account's token and template-message endpoints."""

    appid: str = "wx-test-app"
    secret: str = "wechat-secret-never-logged"
    followers: set[str] = field(default_factory=set)
    tokens: set[str] = field(default_factory=set)
    tokens_issued: int = 0
    sent: list[dict[str, object]] = field(default_factory=list)
    errcodes: list[int] = field(default_factory=list)  # errcode of the next sends

    def revoke_tokens(self) -> None:
        """As WeChat does when a token expires or another server fetched a new one."""
        self.tokens.clear()

    async def stable_token(self, request: Request) -> Response:
        body = await request.json()
        if body.get("grant_type") != "client_credential" or body.get("appid") != self.appid:
            return JSONResponse({"errcode": 40013, "errmsg": "invalid appid"})
        if body.get("secret") != self.secret:
            return JSONResponse({"errcode": 40125, "errmsg": "invalid appsecret"})
        self.tokens_issued += 1
        token = f"TOKEN{self.tokens_issued}"
        self.tokens.add(token)
        return JSONResponse({"access_token": token, "expires_in": 7200})

    async def template_send(self, request: Request) -> Response:
        if request.query_params.get("access_token") not in self.tokens:
            return JSONResponse({"errcode": 40001, "errmsg": "invalid credential"})
        if self.errcodes:
            return JSONResponse({"errcode": self.errcodes.pop(0), "errmsg": "refused"})
        body = await request.json()
        if body.get("touser") not in self.followers:
            return JSONResponse({"errcode": 43004, "errmsg": "require subscribe"})
        data = body.get("data")
        if not body.get("template_id") or not isinstance(data, dict):
            return JSONResponse({"errcode": 40037, "errmsg": "invalid template_id"})
        if not all(isinstance(v, dict) and isinstance(v.get("value"), str) for v in data.values()):
            return JSONResponse({"errcode": 47001, "errmsg": "data format error"})
        self.sent.append(body)
        return JSONResponse({"errcode": 0, "errmsg": "ok", "msgid": 1000 + len(self.sent)})

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/cgi-bin/stable_token", self.stable_token, methods=["POST"]),
                Route("/cgi-bin/message/template/send", self.template_send, methods=["POST"]),
            ]
        )


@asynccontextmanager
async def served(app: Starlette) -> AsyncIterator[str]:
    """Serve `app` on a real uvicorn at a free loopback port; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
