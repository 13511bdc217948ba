"""Small apps the text-refusal tests share (tests/web/test_text_nul.py,
test_text_bidi.py): a form-reading endpoint behind ``RefuseNul`` as create_app installs
it, a multipart endpoint reading through ``refuse_nul_fields``, and a body in chunks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Message, Receive

from web.http import RefuseNul, refuse_nul_fields

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


async def _form_echo(request: Request) -> Response:
    return PlainTextResponse(str(dict(await request.form())))


async def _multipart_echo(request: Request) -> Response:
    async with request.form() as form:
        checked = await refuse_nul_fields(form)
        return PlainTextResponse(str(checked["title"]))


@asynccontextmanager
async def _serve(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        yield client


@asynccontextmanager
async def form_echo() -> AsyncIterator[httpx.AsyncClient]:
    """POST /f: a URL-encoded form echoed, RefuseNul in front."""
    app = Starlette(routes=[Route("/f", _form_echo, methods=["POST"])])
    app.add_middleware(RefuseNul)
    async with _serve(app) as client:
        yield client


@asynccontextmanager
async def multipart_echo() -> AsyncIterator[httpx.AsyncClient]:
    """POST /f: a multipart form's ``title`` echoed once its text fields are checked."""
    async with _serve(Starlette(routes=[Route("/f", _multipart_echo, methods=["POST"])])) as c:
        yield c


def chunked(*bodies: bytes) -> Receive:
    """A request body arriving in these chunks."""
    chunks: list[Message] = [
        {"type": "http.request", "body": b, "more_body": i < len(bodies) - 1}
        for i, b in enumerate(bodies)
    ]

    async def receive() -> Message:
        return chunks.pop(0)

    return receive
