"""A JSON endpoint given a body whose Content-Type is not ``application/json`` answers
415 ``content_type_unsupported`` before the body is read (issue 15): a cross-site form
may send ``text/plain`` or a form encoding without a CORS preflight."""

from __future__ import annotations

import httpx
import pytest
from starlette.requests import Request

from web.errors import ContentTypeUnsupported
from web.http import read_json

LOGIN = "/api/v1/auth/login"
BODY = b'{"username": "nobody", "password": "whatever-password"}'


def _refused(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
        "application/json-seq",
    ],
)
async def test_a_json_body_sent_as_another_type_is_refused(
    client: httpx.AsyncClient, content_type: str
) -> None:
    response = await client.post(LOGIN, content=BODY, headers={"Content-Type": content_type})
    assert _refused(response) == (415, "content_type_unsupported")
    assert response.json()["error"]["details"] == {"content_type": content_type}


async def test_a_body_without_a_content_type_is_refused(client: httpx.AsyncClient) -> None:
    request = client.build_request("POST", LOGIN, content=BODY)
    request.headers.pop("Content-Type", None)
    assert "content-type" not in request.headers
    assert _refused(await client.send(request)) == (415, "content_type_unsupported")


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "Application/JSON"]
)
async def test_application_json_with_or_without_parameters_goes_on(
    client: httpx.AsyncClient, content_type: str
) -> None:
    """The login reads the body and checks the password: the type was accepted."""
    response = await client.post(LOGIN, content=BODY, headers={"Content-Type": content_type})
    assert _refused(response) == (401, "credentials_invalid")


async def test_the_body_is_not_read_before_the_refusal() -> None:
    """``read_json`` refuses from the headers alone: the body stream is never pulled."""
    pulled = False

    async def receive() -> dict[str, object]:
        nonlocal pulled
        pulled = True
        return {"type": "http.request", "body": BODY, "more_body": False}

    scope = {
        "type": "http", "method": "POST", "path": LOGIN, "query_string": b"",
        "headers": [(b"content-type", b"text/plain"), (b"content-length", b"%d" % len(BODY))],
    }  # fmt: skip
    with pytest.raises(ContentTypeUnsupported):
        await read_json(Request(scope, receive), dict)
    assert not pulled
