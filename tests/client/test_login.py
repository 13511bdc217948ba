"""`etender login` / `etender logout` against a real server and PostgreSQL (issue 16
item 6; docs/cli.md, "Signing in"): the token kept in a 0600 file with its server, read
by the other commands, refused when others may read it or when aimed at another server;
a refused login or logout leaves the file as it was."""

from __future__ import annotations

import asyncio
import json
import os
import pty
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import asyncpg
import httpx
import pytest

from audit import service as audit
from tests.accounts.factory import PASSWORD
from tests.client.cli_kit import etender, login
from tests.conftest import LiveServer, free_port
from tests.tender.world import World, published_tender
from tests.web.tender.http_kit import (
    fixture_http_ca,  # noqa: F401
    fixture_settings,  # noqa: F401
    fixture_web_world,  # noqa: F401
)
from web.services import services


async def me(server: str, token: str) -> int:
    async with httpx.AsyncClient(base_url=server) as http:
        answer = await http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    return answer.status_code


def _saved(config: Path) -> dict[str, str]:
    found: dict[str, str] = json.loads((config / "etender" / "token").read_text())
    return found


def _names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


async def test_login_saves_a_0600_token_file_and_logout_revokes_it(
    live_server: LiveServer, web_world: World, tmp_path: Path
) -> None:
    """Even under umask 000 the file is 0600 in a 0700 directory; it holds the server
    and the token, never the password; logout revokes the token, then deletes the file."""
    config = tmp_path / "config"
    code, out, err = await etender(
        "login", "--server", live_server.url + "/", "--username", "bidder1", "--password-stdin",
        config=config, stdin=f"{PASSWORD}\n".encode(), umask=0,
    )  # fmt: skip
    assert code == 0, err
    path = config / "etender" / "token"
    assert f"token saved in {path} (mode 0600)" in out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert _names(path.parent) == ["token"]  # no temporary file left
    saved = _saved(config)
    assert {k: saved[k] for k in ("format", "server", "username")} == {
        "format": "etender-token-v1", "server": live_server.url, "username": "bidder1",
    }  # fmt: skip
    assert PASSWORD not in path.read_text()
    assert PASSWORD not in out + err
    assert await me(live_server.url, saved["token"]) == 200

    code, out, err = await etender("logout", config=config)
    assert code == 0, err
    assert "signed out" in out
    assert not path.exists()
    assert await me(live_server.url, saved["token"]) == 401  # session_expired at once


async def test_a_refused_login_writes_nothing_and_keeps_the_old_file(
    live_server: LiveServer, web_world: World, tmp_path: Path
) -> None:
    """A wrong password is the server's code, exit 1; no password and no terminal is
    ``login_password_missing``, exit 2, before any request; the saved file is untouched."""
    config = tmp_path / "config"
    assert (await login(live_server.url, config))[0] == 0
    before = (config / "etender" / "token").read_bytes()
    code, _, err = await login(live_server.url, config, password="wrong-password")
    assert code == 1
    assert "refused: credentials_invalid" in err
    code, _, err = await etender(
        "login", "--server", live_server.url, "--username", "bidder1", config=config
    )
    assert code == 2
    assert "error: login_password_missing" in err
    code, _, err = await login(live_server.url, config, password="")
    assert (code, "login_password_missing" in err) == (2, True)
    code, _, err = await login(live_server.url, config, password="pass\x00word")
    assert code == 1, err  # the server's refusal, one line, no traceback
    assert "refused: " in err
    assert "Traceback" not in err
    assert (config / "etender" / "token").read_bytes() == before
    assert _names(config / "etender") == ["token"]


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620, 0o660])
async def test_a_token_file_others_may_read_or_write_is_refused(
    live_server: LiveServer, web_world: World, tmp_path: Path, mode: int
) -> None:
    """ssh's rule for a private key: the owner alone. Refused with the stable code and
    the chmod to run, for the saved file and for one named with --token-file; the file is
    never deleted (logout too refuses), nothing is sent."""
    config = tmp_path / "config"
    assert (await login(live_server.url, config))[0] == 0
    path = config / "etender" / "token"
    path.chmod(mode)
    token = _saved(config)["token"]
    code, _, err = await etender("logout", config=config)
    assert code == 2
    assert "error: token_file_insecure" in err
    assert f"chmod 600 {path}" in err
    assert path.exists()
    named = tmp_path / "named-token"
    named.write_text(token)
    named.chmod(mode)
    code, _, err = await etender(
        "bid", "register-cert", "--server", live_server.url, "--token-file", str(named),
        "--cert", str(tmp_path / "absent.crt"), "--key", str(tmp_path / "absent.key"),
        config=config,
    )  # fmt: skip
    assert code == 2
    assert "error: token_file_insecure" in err
    assert await me(live_server.url, token) == 200  # still valid: never logged out


async def test_a_symbolic_link_or_a_file_without_a_token_is_refused(
    live_server: LiveServer, web_world: World, tmp_path: Path
) -> None:
    """A symlink to a 0600 file is not followed (it could point anywhere); NUL bytes,
    non-ASCII, an empty file, another format and an oversized file are not a token."""
    config = tmp_path / "config"
    assert (await login(live_server.url, config))[0] == 0
    real = config / "etender" / "token"
    link = tmp_path / "link"
    link.symlink_to(real)
    code, _, err = await etender("logout", "--token-file", str(link), config=config)
    assert (code, "error: token_file_insecure" in err) == (2, True)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo, 0o600)  # opened without blocking: refused, not waited on
    code, _, err = await etender("logout", "--token-file", str(fifo), config=config)
    assert (code, "error: token_file_insecure" in err) == (2, True)
    token = _saved(config)["token"]
    for content in (
        token.encode() + b"\x00",
        "令牌".encode(),
        b"",
        b"  \n",
        b'{"format": "other", "token": "x"}',
        b"{not json",
        b"a" * 5000,
        b"two tokens",
    ):
        bad = tmp_path / "bad"
        bad.write_bytes(content)
        bad.chmod(0o600)
        code, _, err = await etender("logout", "--token-file", str(bad), config=config)
        assert (code, "error: token_file_invalid" in err) == (2, True), (content, err)
        assert bad.exists()
    assert real.exists()


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """Another server: a plain HTTP listener that records every request line and header."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_any(self) -> None:
            seen.append(f"{self.command} {self.path} {self.headers.get('Authorization')}")
            self.send_response(404)
            self.end_headers()

        do_GET = do_POST = do_PUT = do_any

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


async def test_the_saved_token_is_never_sent_to_another_server(
    live_server: LiveServer, web_world: World, tmp_path: Path, listener: tuple[str, list[str]]
) -> None:
    """A command aimed at another server refuses ``token_server_mismatch`` and sends the
    token nowhere; aimed at its own server (any spelling of it) it is used."""
    config = tmp_path / "config"
    assert (await login(live_server.url, config))[0] == 0
    other, seen = listener
    for command in (
        ("bid", "submit", "--server", other, "--tender", "XC-2026-GC-000001", "--lot", "1",
         "--cert", "c", "--key", "k", "part.age"),
        ("bid", "register-cert", "--server", other, "--cert", "c", "--key", "k"),
        ("logout", "--server", other),
    ):  # fmt: skip
        code, _, err = await etender(*command, config=config)
        assert (code, "error: token_server_mismatch" in err) == (2, True), (command, err)
    code, out, err = await etender(
        "audit", "verify", "--server", other, "--log-key", "x", "--entries", config=config
    )
    assert code == 2
    assert "token_server_mismatch" in out + err
    assert seen == []  # not a single request reached the other server
    assert (config / "etender" / "token").exists()
    spelled = live_server.url.replace("http://", "HTTP://") + "//"
    code, out, err = await etender("logout", "--server", spelled, config=config)
    assert code == 0, err


async def test_logout_keeps_the_file_when_the_server_cannot_be_reached(
    live_server: LiveServer, web_world: World, tmp_path: Path
) -> None:
    """The token still works until it expires: the file stays, so logout can be retried."""
    config = tmp_path / "config"
    assert (await login(live_server.url, config))[0] == 0
    path = config / "etender" / "token"
    saved = _saved(config)
    saved["server"] = f"http://127.0.0.1:{free_port()}"  # nobody listens there
    path.write_text(json.dumps(saved))
    code, _, err = await etender("logout", config=config)
    assert code == 1
    assert "could not be reached" in err
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_logout_of_an_ended_session_deletes_the_file(
    live_server: LiveServer, pool: asyncpg.Pool, web_world: World, tmp_path: Path
) -> None:
    """A token already revoked (here: logged out elsewhere) has nothing left to end."""
    config = tmp_path / "config"
    assert (await login(live_server.url, config))[0] == 0
    token = _saved(config)["token"]
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        ended = await http.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert ended.status_code == 200
    code, out, err = await etender("logout", config=config)
    assert code == 0, err
    assert "already ended" in out
    assert not (config / "etender" / "token").exists()


async def test_logout_without_a_token_file_is_not_signed_in(
    live_server: LiveServer, web_world: World, tmp_path: Path
) -> None:
    code, _, err = await etender("logout", config=tmp_path / "config")
    assert code == 2
    assert "error: not_signed_in" in err


async def test_the_other_commands_send_the_saved_token(
    live_server: LiveServer, pool: asyncpg.Pool, web_world: World, tmp_path: Path
) -> None:
    """`opening release` with no token option: signed out, the server says
    ``unauthenticated`` (one line, where an empty token was a traceback before); after
    `etender login` it answers bidder1: no lot to release."""
    async with pool.acquire() as conn:
        tender = await published_tender(conn, web_world)
    config = tmp_path / "config"
    identity = tmp_path / "official.agekey"
    assert (await etender("bid", "keygen", "--out", str(identity), config=config))[0] == 0
    release = ("opening", "release", "--server", live_server.url, "--identity", str(identity),
               "--tender", str(tender.id))  # fmt: skip
    code, _, signed_out = await etender(*release, config=config)
    assert code == 1
    assert '"unauthenticated"' in signed_out
    assert (await login(live_server.url, config))[0] == 0
    code, _, signed_in = await etender(*release, config=config)
    assert code == 0, signed_in  # signed in: no lot of this tender is bidder1's to release
    assert "unauthenticated" not in signed_in


def _login_on_a_terminal(server: str, config: Path, password: str) -> tuple[int, bytes]:
    """`etender login` with a pseudo-terminal as its stdin and output: answers the
    prompt once it is shown, returns the exit status and everything the terminal showed."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "ETENDER_TOKEN"}
    env["XDG_CONFIG_HOME"] = str(config)
    process = subprocess.Popen(
        [sys.executable, "-m", "web.cli.main", "login", "--server", server,
         "--username", "bidder1"],
        stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
    )  # fmt: skip
    os.close(slave)
    shown = b""
    try:
        while b"password for bidder1" not in shown:  # wait on the prompt, not on time
            shown += os.read(master, 4096)
        os.write(master, password.encode() + b"\n")
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(master)
        status = process.wait(timeout=120)
    return status, shown


async def test_on_a_terminal_the_password_is_asked_without_echo(
    live_server: LiveServer, web_world: World, tmp_path: Path
) -> None:
    config = tmp_path / "config"
    status, shown = await asyncio.to_thread(_login_on_a_terminal, live_server.url, config, PASSWORD)
    assert status == 0, shown
    assert b"password for bidder1 at " in shown
    assert PASSWORD.encode() not in shown  # the terminal never echoed it
    assert b"signed in as bidder1" in shown
    assert stat.S_IMODE((config / "etender" / "token").stat().st_mode) == 0o600


async def test_a_second_login_revokes_the_token_it_replaces(
    live_server: LiveServer, web_world: World, tmp_path: Path
) -> None:
    """The file holds one token: the one it held before ends at once (docs/cli.md)."""
    config = tmp_path / "config"
    assert (await login(live_server.url, config))[0] == 0
    first = _saved(config)["token"]
    code, _, err = await login(live_server.url, config)
    assert code == 0, err
    assert "the token this file held before is revoked" in err
    second = _saved(config)["token"]
    assert first != second
    assert (await me(live_server.url, first), await me(live_server.url, second)) == (401, 200)


async def test_a_refused_token_is_printed_with_the_servers_code(
    live_server: LiveServer, web_world: World, tmp_path: Path, pool: asyncpg.Pool
) -> None:
    """`audit verify` with a token the server refuses prints the platform's code and
    message, not the HTTP client's text and its link (breaker F13); exit 2."""
    async with pool.acquire() as conn:  # a log with entries, so they are read
        await audit.integrate(conn)
        await audit.sign_new_checkpoint(conn, services(live_server.server.config.app).log_identity)
    token = "A" * 43  # a token's shape, never issued
    code, out, err = await etender(
        "audit", "verify", "--server", live_server.url, "--token", token, "--entries",
        config=tmp_path / "config",
    )  # fmt: skip
    assert code == 2, out + err
    assert "refused: token_invalid: " in err
    assert "developer.mozilla.org" not in out + err
