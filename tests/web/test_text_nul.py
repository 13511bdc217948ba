"""NUL (U+0000) in any text is refused in one place with 400 ``text_contains_nul``.

PostgreSQL text cannot hold NUL, so before this each of these reached a query and
answered 500 (issue 9, item 12). The path, the query string and URL-encoded forms are
checked by ``web.http.RefuseNul``; JSON bodies by ``web.http.decode_json``.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.web.text_kit import FORM, chunked, form_echo, multipart_echo
from web.errors import TextContainsNul
from web.http import _form_checked, decode_json

TENDER = f"/api/v1/tenders/{uuid.UUID(int=7)}"

QUERIES = [
    "/api/v1/tenders?q=%00",
    "/api/v1/tenders?category=%00",
    f"{TENDER}/opening-record?part=%00",
    f"{TENDER}/opening-record.p7s?part=%00",
    f"{TENDER}/opening-record.pdf?part=%00",
    "/api/v1/experts?name=%00",
    "/api/v1/experts?specialty=a%00b",
    "/api/v1/tenders/%00",
    "/tenders?q=%00",
]


def _refused(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


@pytest.mark.parametrize("url", QUERIES)
async def test_nul_in_a_path_or_query_parameter_is_refused(
    client: httpx.AsyncClient, url: str
) -> None:
    """Every route, signed in or not, before any handler or query runs."""
    assert _refused(await client.get(url)) == (400, "text_contains_nul")


async def test_nul_in_a_json_string_is_refused(client: httpx.AsyncClient) -> None:
    """The login username (reached before any account lookup) and any other JSON string."""
    body = b'{"username": "sysadmin\\u0000", "password": "whatever-password"}'
    response = await client.post(
        "/api/v1/auth/login", content=body, headers={"Content-Type": "application/json"}
    )
    assert _refused(response) == (400, "text_contains_nul")


async def test_an_escaped_backslash_before_u0000_is_ordinary_text(
    client: httpx.AsyncClient,
) -> None:
    """``"\\\\u0000"`` is the six characters \\u0000, not a NUL: the login goes on."""
    body = b'{"username": "a\\\\u0000", "password": "whatever-password"}'
    response = await client.post(
        "/api/v1/auth/login", content=body, headers={"Content-Type": "application/json"}
    )
    assert _refused(response) == (401, "credentials_invalid")


async def test_nul_in_a_form_field_is_refused() -> None:
    """A URL-encoded form is checked as it streams, whoever reads it (a page, the CSRF
    check): RefuseNul in front of a form-reading endpoint, as create_app installs it."""
    async with form_echo() as raw_client:
        with pytest.raises(TextContainsNul):
            await raw_client.post("/f", content=b"username=a%00b&x=1", headers=FORM)
        ok = await raw_client.post("/f", content=b"username=a%2500b", headers=FORM)
    assert ok.text == "{'username': 'a%00b'}"


@pytest.mark.parametrize(
    "raw",
    [b'{"a": "\\u0000"}', b'{"a": "\\\\\\u0000"}', b'["x", {"b": ["\\u0000"]}]'],
)
def test_decode_json_refuses_every_escaped_nul(raw: bytes) -> None:
    """An even run of backslashes before ``\\u0000`` leaves it an escape of NUL."""
    with pytest.raises(TextContainsNul):
        decode_json(raw, object)


async def test_a_form_nul_split_across_two_chunks_is_found() -> None:
    """ "%0" at the end of one chunk and "0" at the start of the next."""
    checked = _form_checked(chunked(b"a=%0", b"0b"))
    await checked()
    with pytest.raises(TextContainsNul):
        await checked()


async def test_nul_in_a_multipart_text_field_is_refused_and_a_file_may_hold_any_byte() -> None:
    """Multipart bodies carry files (any bytes): their text fields are checked once
    parsed, by refuse_nul_fields (the agency's tender form reads through it)."""
    async with multipart_echo() as raw_client:
        upload = {"file": ("a.bin", b"\x00\x01", "application/octet-stream")}
        ok = await raw_client.post("/f", data={"title": "标题"}, files=upload)
        assert ok.text == "标题"
        with pytest.raises(TextContainsNul):
            await raw_client.post("/f", data={"title": "a\x00"}, files=upload)
