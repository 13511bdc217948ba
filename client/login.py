"""`etender login` and `etender logout` (docs/cli.md, "Signing in").

    etender login --server https://etender.example --username bidder1   # asks, no echo
    printf '%s\\n' "$PW" | etender login --server URL --username bidder1 --password-stdin
    etender logout

``login`` trades the password for a bearer token (POST /api/v1/auth/login) and saves it
with the server that issued it in a 0600 file (client/token_file.py), by default
``$XDG_CONFIG_HOME/etender/token``; every command that takes a token reads it when none
is given. The password is never written, logged or put on the command line (``ps``
shows arguments to every user). ``logout`` revokes the token on its server
(POST /api/v1/auth/logout) and then deletes the file; a server that cannot be reached
leaves the file in place, since the token still works until it expires.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

import httpx

from client import token_file
from client.errors import ApiError, ClientError, LoginPasswordMissing, NotSignedIn
from client.http import api_error
from client.token_file import SavedToken

EXIT_REFUSED = 1  # the server said no, or could not be reached
EXIT_BAD_INPUT = 2  # our own refusal: a token file, a missing password
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
# The server refuses a longer one (web/accounts/bodies.py Password); read no further.
MAX_PASSWORD = 256


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `etender login` and `etender logout`."""
    login = subparsers.add_parser("login", help="sign in and save a bearer token (mode 0600)")
    login.add_argument("--server", required=True, help="the platform's base URL")
    login.add_argument("--username", required=True, help="your user name")
    login.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (no prompt)",
    )
    _add_file_argument(login)
    login.set_defaults(func=_guarded(cmd_login))

    logout = subparsers.add_parser("logout", help="revoke the saved token and delete its file")
    logout.add_argument("--server", help="the server, for a file that does not name it")
    _add_file_argument(logout)
    logout.set_defaults(func=_guarded(cmd_logout))


def _add_file_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--token-file",
        type=Path,
        help="the token file (default: $XDG_CONFIG_HOME/etender/token, "
        "else ~/.config/etender/token)",
    )


def _path(args: argparse.Namespace) -> Path:
    named: Path | None = args.token_file
    return named if named is not None else token_file.default_path(os.environ)


def read_password(args: argparse.Namespace, stdin: TextIO) -> str:
    """The password: the first line of stdin with --password-stdin, else asked on the
    terminal without echo; never from an argument or the environment."""
    if args.password_stdin:
        password = stdin.readline(MAX_PASSWORD + 2).rstrip("\r\n")
    elif stdin.isatty():
        password = getpass.getpass(f"password for {args.username} at {args.server}: ")
    else:
        raise LoginPasswordMissing(
            "no terminal to ask the password on: pipe it in with --password-stdin"
        )
    if not password:
        raise LoginPasswordMissing("an empty password")
    return password


def cleartext_warning(server: str) -> str | None:
    """A warning for a password about to cross the network unencrypted: plain http to a
    host that is not this machine (the demo's http://127.0.0.1 is fine)."""
    parts = urlsplit(server)
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() != "http" or host in {"localhost", "::1"} or host.startswith("127."):
        return None
    return f"warning: {server} is plain http: your password and token cross the network unencrypted"


def cmd_login(args: argparse.Namespace) -> int:
    """Sign in with the password; save the token (0600) only once the server issued it."""
    path = _path(args)
    if warning := cleartext_warning(args.server):
        print(warning, file=sys.stderr)
    password = read_password(args, sys.stdin)
    body = {"username": args.username, "password": password}
    with httpx.Client(base_url=args.server.rstrip("/"), timeout=TIMEOUT) as http:
        response = http.post("/api/v1/auth/login", json=body)
    del password, body
    if response.status_code != 200:
        raise api_error(response)
    answer = response.json()
    saved = SavedToken(
        token=token_file.check_token(str(answer.get("token", ""))),
        server=args.server.rstrip("/"),
        username=args.username,
        expires_at=str(answer.get("expires_at", "")),
    )
    previous = _previous_token(path, saved.server or "")
    token_file.write(path, saved)
    print(f"signed in as {args.username} at {saved.server}; token saved in {path} (mode 0600)")
    print(f"it expires at {saved.expires_at}; `etender logout` ends it sooner", file=sys.stderr)
    if previous is not None and previous != saved.token:
        _end_quietly(saved.server or "", previous)
    return 0


def _previous_token(path: Path, server: str) -> str | None:
    """The token the file held for this same server, if it was ours and safe to read."""
    try:
        old = token_file.read(path)
    except (OSError, ClientError):
        return None
    same = old.server is not None and token_file.server_key(old.server) == (
        token_file.server_key(server)
    )
    return old.token if same else None


def _end_quietly(server: str, token: str) -> None:
    """Revoke the token the new one replaced in the file: nobody can use it any more, so
    it should not stay valid either. Best effort: a failure leaves it to expire."""
    headers = {"Authorization": f"Bearer {token}"}
    try:
        with httpx.Client(base_url=server, timeout=TIMEOUT, headers=headers) as http:
            ended = http.post("/api/v1/auth/logout").status_code == 200
    except httpx.HTTPError:
        ended = False
    if ended:
        print("the token this file held before is revoked", file=sys.stderr)


def cmd_logout(args: argparse.Namespace) -> int:
    """Revoke the saved token on its server, then delete the file."""
    path = _path(args)
    if not path.exists() and not path.is_symlink():
        raise NotSignedIn(f"no token file {path}: nothing to sign out of")
    saved = token_file.read(path)
    servers = [args.server] if args.server else []
    token = token_file.for_servers(saved, servers, path)
    server = saved.server or args.server
    if not server:
        print(
            f"etender logout: {path} does not say which server issued it: give --server",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.rstrip("/"), timeout=TIMEOUT, headers=headers) as http:
        response = http.post("/api/v1/auth/logout")
    # 401: the token had already ended (expired, revoked, a password change): nothing
    # left to revoke, so the file goes too.
    if response.status_code not in (200, 401):
        raise api_error(response)
    path.unlink()
    ended = "signed out" if response.status_code == 200 else "the token had already ended"
    print(f"{ended} at {server}; deleted {path}")
    return 0


def _guarded(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """One line with the stable code for every refusal; nothing written on any of them."""

    def run(args: argparse.Namespace) -> int:
        name = f"etender {args.command}"
        try:
            return command(args)
        except ClientError as exc:
            print(f"{name}: error: {exc.code}: {exc.message}", file=sys.stderr)
            return EXIT_BAD_INPUT
        except ApiError as exc:
            print(f"{name}: refused: {exc}", file=sys.stderr)
            return EXIT_REFUSED
        except httpx.HTTPError as exc:
            print(f"{name}: the server could not be reached: {exc}", file=sys.stderr)
            return EXIT_REFUSED

    return run
