"""The bearer token kept by `etender login` (docs/cli.md, "Signing in"): one file, mode
0600, that every command taking a token reads when none is given.

The file is JSON ``{"format": "etender-token-v1", "server", "username", "token",
"expires_at"}``: the server it was issued by travels with the token, and a command aimed
at another server refuses to send it there (a token is a password for its lifetime;
docs/api-auth.md). A file holding the bare token (written by hand, as before) is still
read, without that check. Either is refused when anyone but its owner may read or write
it, as ssh refuses a private key: ``token_file_insecure``.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from client.errors import TokenFileInsecure, TokenFileInvalid, TokenServerMismatch
from client.session.files import write_atomic

FORMAT = "etender-token-v1"
MAX_BYTES = 4096  # a token file is a few hundred bytes; refuse to slurp anything else
# RFC 6750 b64token characters: a token is ASCII, no spaces, nothing to hide in a header.
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/=")


@dataclass(frozen=True, slots=True)
class SavedToken:
    """A token as read from a file: the server is None for a bare-token file."""

    token: str
    server: str | None = None
    username: str = ""
    expires_at: str = ""


def default_path(env: Mapping[str, str]) -> Path:
    """``$XDG_CONFIG_HOME/etender/token``, else ``~/.config/etender/token`` (XDG Base
    Directory: a relative XDG_CONFIG_HOME is invalid and ignored)."""
    base = env.get("XDG_CONFIG_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path(env.get("HOME", "~")) / ".config"
    return root.expanduser() / "etender" / "token"


def server_key(url: str) -> str:
    """A base URL as compared: scheme (ws→http, wss→https) and host lower-cased, the
    default port and trailing slashes dropped."""
    parts = urlsplit(url.strip())
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme.lower(), parts.scheme.lower())
    host = (parts.hostname or "").lower()
    port = parts.port
    default = {"http": 80, "https": 443}.get(scheme)
    where = host if port is None or port == default else f"{host}:{port}"
    return f"{scheme}://{where}{parts.path.rstrip('/')}"


def check_token(token: str) -> str:
    """The token if it is one RFC 6750 b64token, else ``token_file_invalid``."""
    if not token or len(token) > 512 or not set(token) <= _TOKEN_CHARS:
        raise TokenFileInvalid("the token file does not hold a bearer token")
    return token


def read(path: Path) -> SavedToken:
    """Read a token file: owner-only (0600 or stricter), a regular file (no symlink), at
    most 4 KiB; JSON of our format or one bare token."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.filename is None:
            exc.filename = str(path)
        if os.path.islink(path):
            raise TokenFileInsecure(f"{path} is a symbolic link: name the file itself") from exc
        raise
    with os.fdopen(fd, "rb") as handle:
        # fstat on the open file: the file checked is the file read.
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise TokenFileInsecure(f"{path} is not a regular file")
        if info.st_uid != os.getuid():
            raise TokenFileInsecure(f"{path} belongs to another user")
        if info.st_mode & 0o077:
            mode = stat.S_IMODE(info.st_mode)
            raise TokenFileInsecure(
                f"{path} has mode {mode:04o}: others may read your token; "
                f"run `chmod 600 {path}` (or `etender login` again)"
            )
        raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise TokenFileInvalid(f"{path} is larger than a token file ({MAX_BYTES} bytes)")
    return parse(raw, path)


def parse(raw: bytes, path: Path) -> SavedToken:
    """The token file's bytes as a token (and its server, for our JSON format)."""
    try:
        text = raw.decode("ascii").strip()
    except UnicodeDecodeError as exc:
        raise TokenFileInvalid(f"{path} is not a token file (not ASCII)") from exc
    if not text.startswith("{"):
        return SavedToken(token=check_token(text))
    try:
        body = json.loads(text)
    except ValueError as exc:
        raise TokenFileInvalid(f"{path} is not a token file (bad JSON)") from exc
    fields = ("token", "server", "username", "expires_at")
    if (
        not isinstance(body, dict)
        or body.get("format") != FORMAT
        or not all(isinstance(body.get(name), str) for name in fields)
    ):
        raise TokenFileInvalid(f"{path} is not an {FORMAT} token file")
    return SavedToken(
        token=check_token(body["token"]),
        server=body["server"],
        username=body["username"],
        expires_at=body["expires_at"],
    )


def for_servers(saved: SavedToken, servers: Iterable[str], path: Path) -> str:
    """The token, if the file's server is one of ``servers`` (any, for a bare token)."""
    wanted = {server_key(s) for s in servers}
    if saved.server is not None and wanted and server_key(saved.server) not in wanted:
        raise TokenServerMismatch(
            f"the token in {path} was issued by {saved.server}, not by "
            f"{' or '.join(sorted(wanted))}: it is not sent elsewhere; run "
            "`etender login --server …` for that server (with --token-file for a second file)"
        )
    return saved.token


def write(path: Path, saved: SavedToken) -> None:
    """Write the token file with mode 0600, atomically: a temporary file in the same
    directory (created 0600, never wider), fsync, rename. A failure leaves the old file
    (or none), never half a token. The directory is created 0700 if missing."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    body = {
        "format": FORMAT,
        "server": saved.server or "",
        "username": saved.username,
        "token": saved.token,
        "expires_at": saved.expires_at,
    }
    data = (json.dumps(body, ensure_ascii=True, sort_keys=True) + "\n").encode("ascii")
    write_atomic(path, data)
