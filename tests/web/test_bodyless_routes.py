"""Every JSON route that takes no body refuses one as JSON endpoints refuse unknown fields
(docs/api-auth.md, "JSON bodies"; the outside tester's finding 9): nothing, or ``{}``;
a field is 422 ``request_invalid``, another type 415 ``content_type_unsupported``,
bytes that are not JSON 400 ``malformed_json`` — refused before the caller is checked,
as a body's Content-Type is on every endpoint, and nothing changes.

The routes come from the route table itself (``ApiRoute.takes_no_body``), so a route
added later is walked too; the one place that applies the rule is web/http.py ``_wrap``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import asyncpg
import httpx
import msgspec
from starlette.routing import Route

from accounts.model import OrgKind, Role
from tests.accounts.factory import PASSWORD, count_rows, log_size, make_organisation, make_user
from web import features
from web.http import ApiRoute

ANY_ID = "00000000-0000-4000-8000-00000000000f"
# Path parameters that are not ids: a value of the right shape, so only the body differs.
PARAMS = {"lot": "1", "round": "1", "role": "centre_staff", "channel": "sms"}
FIELD = (b'{"organisation_id": "' + ANY_ID.encode() + b'"}', "application/json")
# (body, Content-Type) → (status, code) for a caller who would otherwise be let in.
REFUSED: list[tuple[tuple[bytes, str], tuple[int, str]]] = [
    (FIELD, (422, "request_invalid")),
    ((b"zzz", "text/plain"), (415, "content_type_unsupported")),
    ((b"zzz", "application/json"), (400, "malformed_json")),
]
BODY_CODES = {code for _, (_, code) in REFUSED}
# With no caller at all: each of these answers as no body does.
ACCEPTED = [(b"", None), (b"{}", "application/json"), (b"{}", "application/json; charset=utf-8")]


def bodyless() -> list[ApiRoute]:
    return [r for r in features.api_routes() if r.takes_no_body]


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PARAMS.get(m.group(1), ANY_ID), path)


async def _token(pool: asyncpg.Pool, client: httpx.AsyncClient) -> str:
    """A system administrator's bearer token: a caller the sign-in check lets in."""
    async with pool.acquire() as conn:
        centre = await make_organisation(conn, OrgKind.CITY_CENTRE)
        await make_user(conn, centre, Role.SYSTEM_ADMIN, username="sysadmin")
    answer = await client.post(
        "/api/v1/auth/login", json={"username": "sysadmin", "password": PASSWORD}
    )
    token: str = answer.json()["token"]
    return token


async def _snapshot(pool: asyncpg.Pool) -> tuple[int, int]:
    async with pool.acquire() as conn:
        return await log_size(conn), await count_rows(conn, "sessions")


def test_every_json_api_post_put_delete_declares_its_body() -> None:
    """Each state-changing /api route of the app is a typed ApiRoute (so the rule
    reaches it), and the bodyless ones include those the tester and the docs name."""
    typed = {(r.method, r.path) for r in features.api_routes()}
    for route in features.all_routes():
        if isinstance(route, Route) and route.path.startswith("/api/"):
            for method in (route.methods or set()) - {"GET", "HEAD"}:
                assert (method, route.path) in typed, (method, route.path)
    paths = {r.path for r in bodyless()}
    assert {
        "/api/v1/auth/logout",
        "/api/v1/tenders/{tender_id}/publish",
        "/api/v1/procurement/projects/{tender_id}/publish",
        "/api/v1/draws/{id}/prepare",
        "/api/v1/listings/{listing_id}/go-on",
    } <= paths


async def test_a_bodyless_route_refuses_a_body(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """For every bodyless POST/PUT/DELETE: a field, a text/plain body and bytes that are
    not JSON are refused with their code before the handler runs (a signed-in system
    administrator's logout would otherwise end the session, a publish log an entry);
    nothing, or ``{}``, goes on to the sign-in check. Nothing changes."""
    token = await _token(pool, client)
    before = await _snapshot(pool)
    wrong: list[str] = []
    for route in bodyless():
        url = concrete(route.path)
        for (content, media), expected in REFUSED:
            headers = {"Authorization": f"Bearer {token}", "Content-Type": media}
            answer = await client.request(route.method, url, content=content, headers=headers)
            got = (answer.status_code, answer.json().get("error", {}).get("code"))
            if got != expected:
                wrong.append(f"{route.method} {route.path} {media} {content!r}: {got}")
        answers = []
        for content, media in ACCEPTED:
            plain = {} if media is None else {"Content-Type": media}
            answer = await client.request(route.method, url, content=content, headers=plain)
            answers.append((answer.status_code, answer.json().get("error", {}).get("code")))
        # ``{}`` answers as nothing does: the sign-in check (or a check of the platform's
        # set-up that comes before it), never a refusal of the body.
        if len(set(answers)) != 1 or answers[0][1] in BODY_CODES:
            wrong.append(f"{route.method} {route.path} unsigned: {answers}")
    assert wrong == []
    assert await _snapshot(pool) == before
    still = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert still.status_code == 200  # the logout never ran


def optional_bodies() -> list[ApiRoute]:
    """JSON routes whose every body field is optional (``{"note"?}``, ``{"final"?}``)."""
    return [
        r
        for r in features.api_routes()
        if r.body is not None and all(f.required is False for f in msgspec.structs.fields(r.body))
    ]


async def test_a_body_of_optional_fields_is_still_a_body_and_chunks_of_nothing_are_one(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """docs/api-auth.md, "JSON bodies": a route whose every field is optional takes at
    least ``{}`` — no body is ``400 malformed_json`` — and ``Transfer-Encoding: chunked``
    with no byte is a body, not nothing (the outside tester's F15). Nothing changes."""
    token = await _token(pool, client)
    before = await _snapshot(pool)
    signed = {"Authorization": f"Bearer {token}"}
    assert optional_bodies()  # the docs name three
    wrong = []
    for route in optional_bodies():
        answer = await client.request(route.method, concrete(route.path), headers=signed)
        got = (answer.status_code, answer.json().get("error", {}).get("code"))
        if got != (400, "malformed_json"):
            wrong.append(f"{route.method} {route.path}: {got}")
    assert wrong == []

    async def nothing() -> AsyncIterator[bytes]:
        return
        yield b""

    chunked = await client.post(
        "/api/v1/auth/logout", content=nothing(),
        headers={**signed, "Content-Type": "application/json"},
    )  # fmt: skip
    assert (chunked.status_code, chunked.json()["error"]["code"]) == (400, "malformed_json")
    assert await _snapshot(pool) == before
    still = await client.get("/api/v1/me", headers=signed)
    assert still.status_code == 200  # the logout never ran
