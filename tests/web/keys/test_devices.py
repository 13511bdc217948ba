"""A browser's key is bound to its member and that device (issue 12): registration says
so, the keys list shows it, the log entry names the kind, and the answer cannot change."""

from __future__ import annotations

import base64
import datetime as dt

import asyncpg
import httpx
import pytest

from accounts.model import OrgKind, Role
from audit import service as audit
from signing.certs import Identity, dump_pem_certificate
from signing.cms import sign_detached
from signing.demo_ca import DemoCA, create_demo_ca, issue_identity
from signing.log.entry import LogEntry
from tests.accounts import factory
from web.settings import Settings

NOW = dt.datetime.now(dt.UTC)
BROWSER = {"kind": "browser", "label": "评标室 3 号机 Chromium"}


@pytest.fixture
def ca(settings: Settings) -> DemoCA:
    ca = create_demo_ca(now=NOW - dt.timedelta(days=1))
    trust = settings.data_dir / "trust"
    trust.mkdir(parents=True, exist_ok=True)
    (trust / "root.pem").write_bytes(dump_pem_certificate(ca.root_cert))
    (trust / "issuing.pem").write_bytes(dump_pem_certificate(ca.issuing_cert))
    return ca


@pytest.fixture
async def headers(pool: asyncpg.Pool, client: httpx.AsyncClient) -> dict[str, str]:
    async with pool.acquire() as conn:
        org = await factory.make_organisation(conn, OrgKind.CITY_CENTRE)
        user = await factory.make_user(conn, org, Role.CENTRE_STAFF)
    login = await client.post(
        "/api/v1/auth/login", json={"username": user.username, "password": factory.PASSWORD}
    )
    return {"Authorization": f"Bearer {login.json()['token']}"}


async def register(
    client: httpx.AsyncClient, headers: dict[str, str], who: Identity, device: object = None
) -> httpx.Response:
    """Register ``who`` by a signed challenge, with ``device`` when one is given."""
    issued = (await client.post("/api/v1/auth/challenge")).json()
    body = base64.b64decode(issued["challenge"])
    signature = sign_detached(body, who.certificate, who.key, chain=who.chain)
    payload = {
        "certificate": dump_pem_certificate(who.certificate).decode(),
        "nonce": issued["nonce"],
        "signature": base64.b64encode(signature).decode(),
    }
    if device is not None:
        payload["device"] = device
    return await client.post("/api/v1/me/certificates", json=payload, headers=headers)


async def _last_entry(pool: asyncpg.Pool) -> LogEntry:
    async with pool.acquire() as conn:
        await audit.integrate(conn)  # the registration is queued (docs/audit-log.md §2.2)
        raw = await conn.fetchval(
            "SELECT entry FROM log_entries WHERE kind = 'account.certificate_registered'"
            " ORDER BY idx DESC LIMIT 1"
        )
    return LogEntry.from_bytes(raw)


async def test_a_browser_key_is_registered_to_its_device_and_listed_so(
    client: httpx.AsyncClient, headers: dict[str, str], ca: DemoCA, pool: asyncpg.Pool
) -> None:
    """The device is stored, listed by /me/keys and named (its kind) in the log entry;
    a certificate without one lists ``device: null``."""
    held = issue_identity(ca, name="甲", now=NOW - dt.timedelta(hours=1))
    assert (await register(client, headers, held)).status_code == 200
    assert (await _last_entry(pool)).data["device_kind"] is None
    browser = issue_identity(ca, name="甲", now=NOW - dt.timedelta(hours=1))
    answer = await register(client, headers, browser, BROWSER)
    assert answer.status_code == 200, answer.text
    assert (await _last_entry(pool)).data == {
        "cert_sha256": answer.json()["value"], "device_kind": "browser"}  # fmt: skip
    keys = (await client.get("/api/v1/me/keys", headers=headers)).json()["certificates"]
    assert [(k["current"], k["device"]) for k in keys] == [(False, None), (True, BROWSER)]


async def test_the_same_device_answer_is_idempotent_and_another_is_refused(
    client: httpx.AsyncClient, headers: dict[str, str], ca: DemoCA, pool: asyncpg.Pool
) -> None:
    """Again with the same device: 200, nothing logged; with another label or none:
    409 certificate_device_conflict naming the registered device, nothing changed."""
    browser = issue_identity(ca, name="甲", now=NOW - dt.timedelta(hours=1))
    await register(client, headers, browser, BROWSER)
    async with pool.acquire() as conn:
        size = await conn.fetchval("SELECT size FROM log_head")
    again = await register(client, headers, browser, BROWSER)
    relabelled = await register(client, headers, browser, {"kind": "browser", "label": "x"})
    undeviced = await register(client, headers, browser)
    assert again.status_code == 200
    for refused in (relabelled, undeviced):
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"]["code"] == "certificate_device_conflict"
        assert refused.json()["error"]["details"] == {"device": BROWSER}
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT size FROM log_head") == size
    keys = (await client.get("/api/v1/me/keys", headers=headers)).json()["certificates"]
    assert [k["device"] for k in keys] == [BROWSER]


@pytest.mark.parametrize(
    "device",
    [{"kind": "browser", "label": ""}, {"kind": "browser", "label": "   "},
     {"kind": "browser", "label": "x" * 65}, {"kind": "token", "label": "x"}],
)  # fmt: skip
async def test_a_device_outside_its_shape_is_request_invalid(
    client: httpx.AsyncClient, headers: dict[str, str], ca: DemoCA, device: object
) -> None:
    """A label of 1–64 characters, not only blanks; the kind "browser" only."""
    who = issue_identity(ca, name="甲", now=NOW - dt.timedelta(hours=1))
    answer = await register(client, headers, who, device)
    assert (answer.status_code, answer.json()["error"]["code"]) == (422, "request_invalid")
    assert (await client.get("/api/v1/me/keys", headers=headers)).json()["certificates"] == []


@pytest.mark.parametrize(
    "label",
    ["机\x07", "\x1b[31m机", "评标室\n3号", "机\x85", "机\x7f",
     "\u200b\u200b\u200b", " 机", "机\u3000"],
)  # fmt: skip
async def test_a_device_label_follows_the_one_line_text_rule(
    client: httpx.AsyncClient, headers: dict[str, str], ca: DemoCA, label: str
) -> None:
    """No control character (C0, DEL, C1), no bidi override or isolate, not only
    invisible characters, no surrounding spaces: request_invalid, nothing stored."""
    who = issue_identity(ca, name="甲", now=NOW - dt.timedelta(hours=1))
    answer = await register(client, headers, who, {"kind": "browser", "label": label})
    assert (answer.status_code, answer.json()["error"]["code"]) == (422, "request_invalid")
    assert answer.json()["error"]["details"] == {"field": "device.label"}
    assert (await client.get("/api/v1/me/keys", headers=headers)).json()["certificates"] == []


@pytest.mark.parametrize("label", ["\u202e机3号", "机\u2066x\u2069"])
async def test_a_device_label_with_a_bidi_control_is_refused_before_any_check(
    client: httpx.AsyncClient, headers: dict[str, str], ca: DemoCA, label: str
) -> None:
    """A bidi override or isolate is refused for every JSON string (web/http.py, issue
    15): text_contains_bidi_control, nothing stored."""
    who = issue_identity(ca, name="甲", now=NOW - dt.timedelta(hours=1))
    answer = await register(client, headers, who, {"kind": "browser", "label": label})
    assert (answer.status_code, answer.json()["error"]["code"]) == (
        400,
        "text_contains_bidi_control",
    )
    assert (await client.get("/api/v1/me/keys", headers=headers)).json()["certificates"] == []


async def test_a_device_label_of_64_code_points_is_accepted(
    client: httpx.AsyncClient, headers: dict[str, str], ca: DemoCA
) -> None:
    """64 characters counted in code points (each of these is 3 bytes in UTF-8, and the
    emoji outside the BMP counts one, not two UTF-16 units)."""
    who = issue_identity(ca, name="甲", now=NOW - dt.timedelta(hours=1))
    label = "评" * 63 + "\U0001f5a5"
    answer = await register(client, headers, who, {"kind": "browser", "label": label})
    assert answer.status_code == 200, answer.text


async def test_the_database_refuses_half_a_device(
    client: httpx.AsyncClient, headers: dict[str, str], ca: DemoCA,
    owner_conn: asyncpg.Connection,
) -> None:  # fmt: skip
    """A kind without a label, a label without a kind, a blank label, another kind:
    the table's constraints say no (migration 0068)."""
    await register(client, headers, issue_identity(ca, name="甲", now=NOW - dt.timedelta(hours=1)))
    for kind, label in (("browser", None), (None, "x"), ("browser", " "), ("usb", "x")):
        with pytest.raises(asyncpg.CheckViolationError):
            await owner_conn.execute(
                "UPDATE user_certificates SET device_kind = $1, device_label = $2", kind, label
            )
