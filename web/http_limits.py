"""Bounds on a request's head (request line and header fields), enforced as it arrives.

uvicorn's httptools protocol has no such bound: llhttp hands header values over in
pieces and httptools concatenates them until the field ends, so one 200 MiB header was
held whole (and answered 200), taking the server from 159 to 568 MB (issue 9, item 7).
uvicorn's ``h11_max_incomplete_event_size`` applies to its h11 protocol only, and an
ASGI middleware sees the head only once it is complete — too late. So the protocol
itself counts:

- the bytes received while a head is incomplete, checked after each read: memory stays
  under ``max_header_bytes`` plus one read;
- the size of the request target and header fields as parsed, and their number, so a
  head that arrives in one read is bounded the same way.

Past either limit the answer is 431 (RFC 6585 §5) with the one error body, and the
connection is closed. A head must also be complete ``header_read_timeout`` seconds
after its first byte (or after the connection opened): a client trickling one (the
"slowloris" attack) would otherwise hold its socket for ever, and enough of them every
socket the process may open; it gets 408 (RFC 9110 §15.5.9). A malformed request gets
its 400 in the same body. All carry ``nosniff`` (issue 9, item 18), since the app's
middleware never sees them, and a request id made here (the body's ``request_id`` and
``X-Request-Id``, and the log line of the refusal), so a person has one to quote. They
are JSON whatever the client: they are sent before the ``Accept`` header is read (often
before it has arrived), so no page can be chosen (docs/error-texts.md).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import secrets
from typing import Any, cast

import msgspec
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from web.errors import (
    HeadersTimeout,
    HeadersTooLarge,
    RequestMalformed,
    TooManyHeaders,
    WebError,
)
from web.http import JSON_TYPE, ErrorBody, ErrorDetail
from web.settings import Settings

log = logging.getLogger(__name__)


class _Refused(Exception):
    """Raised inside a parser callback to stop parsing; httptools reports it as an
    ``HttpParserCallbackError``, which uvicorn answers through ``send_400_response``."""


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a bounded request head."""

    def __init__(
        self,
        *args: Any,
        max_header_bytes: int,
        max_header_count: int,
        header_read_timeout: float,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.max_header_bytes = max_header_bytes
        self.max_header_count = max_header_count
        self.header_read_timeout = header_read_timeout
        self._head_timer: asyncio.TimerHandle | None = None
        self._head_open = True  # a head is (or is about to be) arriving
        self._head_received = 0  # raw bytes read while it is incomplete
        self._head_size = 0  # request target + field names and values, as parsed
        self._header_count = 0
        self._refusal: WebError | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._head_open:
            self._head_received += len(data)
            self._start_head_timer()
        super().data_received(data)
        if (
            self._head_open
            and self._head_received > self.max_header_bytes
            and not self.transport.is_closing()
        ):
            self._send_error(self._too_large())

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_size = self._header_count = 0

    def on_url(self, url: bytes) -> None:
        self._grow(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        if self._header_count > self.max_header_count:
            self._refusal = TooManyHeaders(
                f"a request has at most {self.max_header_count} header fields",
                details={"limit": self.max_header_count},
            )
            raise _Refused
        self._grow(len(name) + len(value))
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._stop_head_timer()
        self._head_open = False
        self._head_received = 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._head_open = True

    def send_400_response(self, msg: str) -> None:
        if self._refusal is not None:
            self._send_error(self._refusal)
        else:
            self._send_error(RequestMalformed("the request is not valid HTTP/1.1"))

    def _start_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.header_read_timeout, self._head_late)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_late(self) -> None:
        self._head_timer = None
        if self._head_open and not self.transport.is_closing():
            late = HeadersTimeout(
                f"the request line and headers did not arrive within "
                f"{self.header_read_timeout:g} seconds",
                details={"limit_seconds": self.header_read_timeout},
            )
            self._send_error(late)

    def _grow(self, size: int) -> None:
        self._head_size += size
        if self._head_size > self.max_header_bytes:
            self._refusal = self._too_large()
            raise _Refused

    def _too_large(self) -> HeadersTooLarge:
        return HeadersTooLarge(
            f"the request line and headers are larger than {self.max_header_bytes} bytes",
            details={"limit": self.max_header_bytes},
        )

    def _send_error(self, error: WebError) -> None:
        """The one error body, with the status its class declares; the connection closes
        (the rest of the head is unread)."""
        status = error.status
        self._stop_head_timer()
        self._head_open = False
        # As RequestContextMiddleware makes one (web/app.py): the app never sees this request.
        request_id = secrets.token_hex(8)
        log.warning("http.head_refused", extra={"request_id": request_id, "code": error.code})
        detail = ErrorDetail(
            code=error.code, message=error.message, details=error.details, request_id=request_id
        )
        body = msgspec.json.encode(ErrorBody(error=detail))
        head = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            head += [name, b": ", value, b"\r\n"]
        head.append(
            b"content-type: %s\r\ncontent-length: %d\r\nconnection: close\r\n"
            b"x-content-type-options: nosniff\r\nx-request-id: %s\r\n\r\n"
            % (JSON_TYPE.encode(), len(body), request_id.encode())
        )
        self.transport.write(b"".join([*head, body]))
        self.transport.close()


def http_protocol(settings: Settings) -> type[asyncio.Protocol]:
    """The protocol ``uvicorn`` is given (its ``http`` option) under ``settings``' limits.

    A partial of a module-level class, so it pickles into ``--workers`` processes."""
    limited = functools.partial(
        LimitedHttpToolsProtocol,
        max_header_bytes=settings.max_header_bytes,
        max_header_count=settings.max_header_count,
        header_read_timeout=settings.header_read_timeout_seconds,
    )
    return cast(type[asyncio.Protocol], limited)
