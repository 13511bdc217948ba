"""Bidirectional control characters (U+202A–U+202E, U+2066–U+2069: "Trojan source",
CVE-2021-42574) in any text a request carries are refused like NUL, with 400
``text_contains_bidi_control``: the path, the query string and URL-encoded forms by
``web.http.RefuseNul``, JSON bodies by ``web.http.decode_json``, multipart text fields
by ``web.http.refuse_nul_fields``. Text showing in one order and stored, signed and
compared in another has no place in a name, a note or a statement."""

from __future__ import annotations

import uuid
from urllib.parse import quote

import httpx
import pytest

from tests.web.text_kit import FORM, chunked, form_echo, multipart_echo
from web.errors import TextContainsBidiControl
from web.http import BIDI_CONTROLS, _form_checked, decode_json

CONTROLS = sorted(BIDI_CONTROLS)
TENDER = f"/api/v1/tenders/{uuid.UUID(int=7)}"


def _percent(char: str, upper: bool = True) -> str:
    encoded = "".join(f"%{b:02X}" for b in char.encode())
    return encoded if upper else encoded.lower()


def _refused(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def test_the_controls_are_exactly_the_embeddings_overrides_and_isolates() -> None:
    expected = {chr(c) for c in range(0x202A, 0x202F)} | {chr(c) for c in range(0x2066, 0x206A)}
    assert expected == BIDI_CONTROLS


@pytest.mark.parametrize("char", CONTROLS)
async def test_a_bidi_control_in_a_query_parameter_is_refused(
    client: httpx.AsyncClient, char: str
) -> None:
    """Percent-encoded in either case, on the API and on a page, before any handler."""
    for url in (f"/api/v1/tenders?q=a{_percent(char)}b", f"/tenders?q={_percent(char, False)}"):
        assert _refused(await client.get(url)) == (400, "text_contains_bidi_control")


async def test_a_bidi_control_in_the_path_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{TENDER}{_percent(chr(0x202E))}")
    assert _refused(response) == (400, "text_contains_bidi_control")


async def test_ordinary_chinese_and_other_punctuation_pass(client: httpx.AsyncClient) -> None:
    """Neighbours of the controls (U+2029, U+202F, U+2065, U+206A) and Chinese text."""
    for text in ("道路工程", "\u2029", "\u202f", "\u2065", "\u206a"):
        response = await client.get("/api/v1/tenders", params={"q": text})
        assert response.status_code == 200


@pytest.mark.parametrize("char", CONTROLS)
async def test_a_bidi_control_in_a_json_string_is_refused_raw_or_escaped(
    client: httpx.AsyncClient, char: str
) -> None:
    """The login username, before any account lookup: the raw character and its escape."""
    escaped = f"\\u{ord(char):04x}".encode()
    for name in (f"admin{char}".encode(), b"admin" + escaped, b"admin" + escaped.upper()):
        body = b'{"username": "' + name + b'", "password": "whatever-password"}'
        response = await client.post(
            "/api/v1/auth/login", content=body, headers={"Content-Type": "application/json"}
        )
        assert _refused(response) == (400, "text_contains_bidi_control")


def test_an_escaped_backslash_before_u202e_is_ordinary_text() -> None:
    """``"\\\\u202e"`` is the six characters \\u202e, not the control."""
    assert decode_json(b'{"a": "\\\\u202e"}', dict) == {"a": "\\u202e"}
    with pytest.raises(TextContainsBidiControl):
        decode_json(b'{"a": "\\\\\\u202e"}', dict)


async def test_a_bidi_control_in_a_form_field_is_refused_raw_or_percent_encoded() -> None:
    async with form_echo() as raw_client:
        for body in (b"note=a%E2%80%AEb", b"note=a%e2%81%a6b", "note=a\u2067b".encode()):
            with pytest.raises(TextContainsBidiControl):
                await raw_client.post("/f", content=body, headers=FORM)
        ok = await raw_client.post("/f", content=f"note={quote('标书')}%E2%80%94", headers=FORM)
    assert ok.text == "{'note': '标书\u2014'}"


async def test_a_percent_encoded_control_split_across_two_chunks_is_found() -> None:
    checked = _form_checked(chunked(b"a=x%E2%8", b"0%AEy"))
    await checked()
    with pytest.raises(TextContainsBidiControl):
        await checked()


async def test_a_bidi_control_in_a_multipart_text_field_is_refused() -> None:
    """Files may hold any bytes; the text fields may not hold a control."""
    async with multipart_echo() as raw_client:
        upload = {"file": ("a.bin", "\u202e".encode(), "application/octet-stream")}
        ok = await raw_client.post("/f", data={"title": "标题"}, files=upload)
        assert ok.text == "标题"
        with pytest.raises(TextContainsBidiControl):
            await raw_client.post("/f", data={"title": "exe.\u202etxt"}, files=upload)
