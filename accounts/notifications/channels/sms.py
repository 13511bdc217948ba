"""The SMS channel: Alibaba Cloud SMS (阿里云短信服务), API ``SendSms`` version 2017-05-25.

Why this provider: it is the most widely used SMS gateway of Chinese public-resource
trading centres and its RPC API needs nothing but an HTTPS POST signed with HMAC-SHA1
(no SDK). The request (docs/notifications.md, "SMS"):

    POST {endpoint}/   Content-Type: application/x-www-form-urlencoded
    AccessKeyId, Action=SendSms, Format=JSON, OutId=<notification id>, PhoneNumbers,
    RegionId, SignName, SignatureMethod=HMAC-SHA1, SignatureNonce, SignatureVersion=1.0,
    TemplateCode, TemplateParam=<JSON of the message's params>, Timestamp (UTC,
    YYYY-MM-DDThh:mm:ssZ), Version=2017-05-25, Signature

    Signature = base64(HMAC-SHA1(AccessKeySecret + "&",
                       "POST&%2F&" + enc(k1=v1&k2=v2… sorted by key, each enc()'d)))
    enc = RFC 3986 percent-encoding (only A-Z a-z 0-9 - _ . ~ left as they are)

The answer is JSON; ``"Code": "OK"`` means the gateway accepted the message. Throttling
codes, HTTP 5xx and network errors are transient (retried); any other code is final.
The AccessKey secret and the recipient's number are never logged nor stored in a
delivery record (the detail holds the gateway's code and request id only).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote

import httpx

from accounts.notifications.model import Delivery, DeliveryStatus, Message

API_VERSION = "2017-05-25"
DEFAULT_ENDPOINT = "https://dysmsapi.aliyuncs.com"
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
TRANSIENT_CODES = frozenset({"isv.BUSINESS_LIMIT_CONTROL", "SignatureNonceUsed"})


@dataclass(frozen=True, kw_only=True, slots=True)
class SmsConfig:
    """The gateway account: credentials from the environment (web/notifications)."""

    access_key_id: str
    access_key_secret: str = field(repr=False)
    sign_name: str
    templates: Mapping[str, str]  # notification kind -> TemplateCode (SMS_…)
    endpoint: str = DEFAULT_ENDPOINT
    region: str = "cn-hangzhou"
    timeout_seconds: float = 10.0


def enc(text: str) -> str:
    """RFC 3986 percent-encoding as the Alibaba Cloud RPC signature requires."""
    return quote(text, safe="~")


def signature(params: Mapping[str, str], secret: str, method: str = "POST") -> str:
    """The RPC signature (version 1.0, HMAC-SHA1) of a request's parameters."""
    canonical = "&".join(f"{enc(k)}={enc(params[k])}" for k in sorted(params))
    to_sign = f"{method}&{enc('/')}&{enc(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def send_params(
    config: SmsConfig, message: Message, template: str, *, now: datetime, nonce: str
) -> dict[str, str]:
    """The signed form of one SendSms request."""
    params = {
        "AccessKeyId": config.access_key_id,
        "Action": "SendSms",
        "Format": "JSON",
        "OutId": message.id,
        "PhoneNumbers": message.recipient,
        "RegionId": config.region,
        "SignName": config.sign_name,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": nonce,
        "SignatureVersion": "1.0",
        "TemplateCode": template,
        "TemplateParam": json.dumps(dict(message.params), ensure_ascii=False, sort_keys=True),
        "Timestamp": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Version": API_VERSION,
    }
    params["Signature"] = signature(params, config.access_key_secret)
    return params


def _failed(detail: str, *, retryable: bool) -> Delivery:
    return Delivery(status=DeliveryStatus.FAILED, detail=detail[:500], retryable=retryable)


class AliyunSmsChannel:
    """Delivers a message as an SMS from the operator's template for its kind."""

    name = "sms"

    def __init__(
        self,
        config: SmsConfig,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.config = config
        self._clock = clock
        self._transport = transport

    async def deliver(self, message: Message) -> Delivery:
        """Send one SMS; the delivery record says what the gateway answered."""
        template = self.config.templates.get(str(message.kind))
        if template is None:
            return _failed(f"no SMS template configured for {message.kind}", retryable=False)
        if not MOBILE.match(message.recipient):
            return _failed("the recipient is not a mainland mobile number", retryable=False)
        form = send_params(
            self.config, message, template, now=self._clock(), nonce=str(uuid.uuid4())
        )
        try:
            async with httpx.AsyncClient(
                transport=self._transport, timeout=self.config.timeout_seconds
            ) as http:
                answer = await http.post(self.config.endpoint.rstrip("/") + "/", data=form)
        except httpx.HTTPError as exc:
            return _failed(f"gateway unreachable: {type(exc).__name__}", retryable=True)
        if answer.status_code >= 500:
            return _failed(f"gateway HTTP {answer.status_code}", retryable=True)
        try:
            body = answer.json()
            code, request_id = str(body.get("Code", "")), str(body.get("RequestId", ""))
        except (ValueError, AttributeError):
            return _failed(f"gateway HTTP {answer.status_code}, no JSON", retryable=True)
        if code == "OK":
            biz = str(body.get("BizId", ""))
            return Delivery(
                status=DeliveryStatus.DELIVERED, detail=f"sms OK BizId={biz} RequestId={request_id}"
            )
        transient = code.startswith("Throttling") or code in TRANSIENT_CODES
        return _failed(f"sms {code} RequestId={request_id}", retryable=transient)
