"""Form bodies arrive in full, within a size and a time limit, before the app sees them.

A browser form (``application/x-www-form-urlencoded`` or ``multipart/form-data``) is
read by the CSRF check and the page handlers while they hold a connection of the site's
pool. A client that sends the headers and then stalls the body would hold that
connection as long as it likes: 25 such posts starved every page and API call (issue 9,
item 6). So this middleware reads the whole form body first — no connection is taken
yet — and hands the app a replay of it:

- size: ``settings.max_body_bytes``, except a multipart form of a signed-in browser
  session (it may carry a tender document): ``settings.max_form_bytes``. The session is
  checked first on a connection held for that one query, so nobody without one makes
  the server store more than ``max_body_bytes``. Larger is ``body_too_large`` (413);
- time: the body must be complete ``settings.form_read_timeout_seconds`` after its
  headers, plus one second per :data:`MIN_RATE` bytes received (Apache's
  mod_reqtimeout ``body=…,MinRate=…`` rule: a slow but steady upload keeps going, a
  stalled one does not); later is ``body_read_timeout`` (408, RFC 9110 §15.5.9).

Both refusals are the error page for a browser (web/error_pages.py) and the one error
body for anything else, and close the connection (the rest of the body is never read).
A bearer call on the JSON API is left alone: nothing there parses a form (see
:func:`_bearer_api_call`). Multipart bodies past :data:`SPOOL_BYTES` wait in a
temporary file under the data directory (on disk, where /tmp may be memory), not in
memory.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from typing import IO

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accounts.errors import AccountsError
from accounts.sessions import service as sessions
from accounts.sessions.model import SessionKind
from web.auth import SESSION_COOKIE
from web.db.database import acquire
from web.error_pages import error_answer
from web.errors import BodyReadTimeout, BodyTooLarge, WebError
from web.http import MIN_RATE
from web.services import services
from web.settings import Settings

URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
SPOOL_BYTES = 1 << 20  # kept in memory below this, as Starlette's UploadFile does
REPLAY_CHUNK = 64 * 1024


def _bearer_api_call(scope: Scope) -> bool:
    """A bearer client on the JSON API: no CSRF check and no API handler parses a form,
    so its raw body (a bid part, a document, a CSV sent with curl's default form type)
    streams to the handler under the handler's own limits."""
    api = scope["path"].startswith("/api/")
    return api and any(name == b"authorization" for name, _ in scope["headers"])


def form_kind(scope: Scope) -> str | None:
    """The form media type a request declares, or None for any other body."""
    for name, value in scope["headers"]:
        if name == b"content-type":
            media = value.decode("latin-1").partition(";")[0].strip().lower()
            return media if media in (URLENCODED, MULTIPART) else None
    return None


class FormBodyMiddleware:
    """Read a form body within the limits, then run the app on a replay of it."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = form_kind(scope) if scope["type"] == "http" else None
        if kind is None or _bearer_api_call(scope):
            await self.app(scope, receive, send)
            return
        limit = await self._limit(scope, kind)
        spool_dir = self.settings.data_dir / "tmp"
        spool_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, dir=str(spool_dir)) as spool:
            try:
                complete = await _read_body(scope, receive, spool, limit, self.settings)
            except (BodyTooLarge, BodyReadTimeout) as refused:
                await _refuse(scope, receive, send, refused)
                return
            if not complete:
                return  # the client went away: nobody to answer
            spool.seek(0)
            await self.app(scope, _replay(spool, receive), send)

    async def _limit(self, scope: Scope, kind: str) -> int:
        if kind == MULTIPART and await _signed_in(scope):
            return self.settings.max_form_bytes
        return self.settings.max_body_bytes


async def _signed_in(scope: Scope) -> bool:
    """Whether the request's session cookie is a live session (one query, no body read)."""
    token = Request(scope).cookies.get(SESSION_COOKIE)
    if not token:
        return False
    async with acquire(services(scope["app"]).pools.main) as conn:
        try:
            await sessions.authenticate(conn, token, address=None, kind=SessionKind.COOKIE)
        except AccountsError:
            return False
    return True


async def _read_body(
    scope: Scope, receive: Receive, spool: IO[bytes], limit: int, settings: Settings
) -> bool:
    """Copy the body into ``spool``; False if the client disconnected first."""
    declared = _content_length(scope)
    if declared is not None and declared > limit:
        raise BodyTooLarge(f"the form is larger than {limit} bytes", details={"limit": limit})
    loop = asyncio.get_running_loop()
    started = loop.time()
    received = 0
    while True:
        deadline = started + settings.form_read_timeout_seconds + received / MIN_RATE
        try:
            async with asyncio.timeout_at(deadline):
                message = await receive()
        except TimeoutError:
            raise BodyReadTimeout(
                "the form did not arrive in time: send it again",
                details={"received_bytes": received},
            ) from None
        if message["type"] == "http.disconnect":
            return False
        chunk: bytes = message.get("body", b"")
        received += len(chunk)
        if received > limit:
            raise BodyTooLarge(f"the form is larger than {limit} bytes", details={"limit": limit})
        await _write(spool, chunk)
        if not message.get("more_body", False):
            return True


# Once rolled over to disk, a read or write may block: off the event loop (STYLE.md, 4).
async def _write(spool: IO[bytes], chunk: bytes) -> None:
    if getattr(spool, "_rolled", False):
        await run_in_threadpool(spool.write, chunk)
    else:
        spool.write(chunk)


async def _read(spool: IO[bytes]) -> bytes:
    if getattr(spool, "_rolled", False):
        return await run_in_threadpool(spool.read, REPLAY_CHUNK)
    return spool.read(REPLAY_CHUNK)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit():
            return int(value)
    return None


def _replay(spool: IO[bytes], receive: Receive) -> Callable[[], Awaitable[Message]]:
    """A ``receive`` that yields the spooled body, then the client's own messages
    (so a disconnect is still seen)."""
    done = False

    async def replay() -> Message:
        nonlocal done
        if done:
            return await receive()
        chunk = await _read(spool)
        more = len(chunk) == REPLAY_CHUNK
        done = not more
        return {"type": "http.request", "body": chunk, "more_body": more}

    return replay


async def _refuse(scope: Scope, receive: Receive, send: Send, refused: WebError) -> None:
    """The error page for a browser, the one error body for the rest (docs/error-texts.md:
    any error the application answers), and the connection closed: the rest of the body
    is unread."""
    response = error_answer(Request(scope), refused)
    response.headers["Connection"] = "close"
    await response(scope, receive, send)
