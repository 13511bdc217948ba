"""Password hashing with scrypt (RFC 7914) in a PHC-style string, and the password policy.

Stored form: ``$scrypt$ln=14,r=8,p=1$<salt>$<hash>`` with unpadded standard base64, as
the PHC string format writes it; the 0001 CHECK requires the ``$scrypt$`` prefix. The
parameters travel with each hash, so raising them later only affects new hashes. About
16 MiB and ~50 ms per hash here: scrypt runs in a worker thread, off the event loop.

The policy for new passwords (issue 9, item 8; NIST SP 800-63B §5.1.1.2): 12–256
characters, two character classes, not the username, and not on the list of common
passwords shipped as ``accounts/common_passwords.txt`` (compared case-insensitively).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import dataclasses
import hashlib
import hmac
import re
import secrets
import string
from pathlib import Path

from accounts.errors import PasswordTooWeak

LOG2_N = 14
BLOCK_SIZE = 8
PARALLELISM = 1
SALT_BYTES = 16
HASH_BYTES = 32
MIN_LENGTH = 12
MAX_LENGTH = 256  # scrypt hashes any length; cap it so a login body cannot be costly.
_MAX_LOG2_N = 20
_PHC = re.compile(
    r"\$scrypt\$ln=(?P<ln>[0-9]{1,2}),r=(?P<r>[0-9]{1,2}),p=(?P<p>[0-9]{1,2})"
    r"\$(?P<salt>[A-Za-z0-9+/]+)\$(?P<hash>[A-Za-z0-9+/]+)"
)

# A hash of nothing in particular: verifying against it when the user does not exist
# costs the same as a real check, so timing does not reveal which usernames exist.
_DUMMY_SALT = b"etender-no-user!"

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


def _load_common_passwords(path: Path = COMMON_PASSWORDS_FILE) -> frozenset[str]:
    """The shipped list, lower-cased; lines starting with '#' say where it came from."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.lower() for line in lines if line and not line.startswith("#"))


# Read once at import: package data, the same for every process (no lazy discovery).
COMMON_PASSWORDS = _load_common_passwords()


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ScryptParams:
    """The cost parameters of one hash."""

    log2_n: int = LOG2_N
    r: int = BLOCK_SIZE
    p: int = PARALLELISM


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _scrypt(password: str, salt: bytes, params: ScryptParams) -> bytes:
    n = 1 << params.log2_n
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=n,
        r=params.r,
        p=params.p,
        maxmem=256 * n * params.r * params.p,
        dklen=HASH_BYTES,
    )


# The cost of every new hash. A stored hash names its own cost, so verification never
# reads this; the tests lower it for the thousands of users they make (tests/conftest.py).
COST = ScryptParams()


def hash_password_sync(password: str, params: ScryptParams | None = None) -> str:
    """The PHC string for ``password`` with a fresh random salt (blocking), at ``COST``
    unless ``params`` are given."""
    params = COST if params is None else params
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, params)
    head = f"$scrypt$ln={params.log2_n},r={params.r},p={params.p}"
    return f"{head}${_b64(salt)}${_b64(digest)}"


def verify_password_sync(password: str, encoded: str | None) -> bool:
    """Whether ``password`` matches ``encoded``, in constant time (blocking).

    A missing or unreadable hash still costs one scrypt run and then fails.
    """
    parsed = _parse(encoded) if encoded is not None else None
    if parsed is None:
        _scrypt(password, _DUMMY_SALT, ScryptParams())
        return False
    params, salt, expected = parsed
    return hmac.compare_digest(_scrypt(password, salt, params), expected)


def _parse(encoded: str) -> tuple[ScryptParams, bytes, bytes] | None:
    match = _PHC.fullmatch(encoded)
    if match is None:
        return None
    params = ScryptParams(log2_n=int(match["ln"]), r=int(match["r"]), p=int(match["p"]))
    if not (1 <= params.log2_n <= _MAX_LOG2_N and 1 <= params.r <= 32 and 1 <= params.p <= 16):
        return None
    try:
        return params, _unb64(match["salt"]), _unb64(match["hash"])
    except (binascii.Error, ValueError):
        return None


async def hash_password(password: str) -> str:
    """Hash ``password`` off the event loop."""
    return await asyncio.to_thread(hash_password_sync, password)


async def verify_password(password: str, encoded: str | None) -> bool:
    """Check ``password`` against ``encoded`` off the event loop."""
    return await asyncio.to_thread(verify_password_sync, password, encoded)


_CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits)


def _character_classes(password: str) -> int:
    classes = {next((i for i, c in enumerate(_CLASSES) if ch in c), 3) for ch in password}
    return len(classes)


MIN_DISTINCT = 5


def _repetitive(password: str) -> bool:
    """Few distinct characters, or a shorter piece repeated whole (NIST SP 800-63B 3.1.1.2:
    refuse repetitive passwords such as ``aaaaaaaaaaaa`` or ``abc123abc123``)."""
    if len(set(password)) < MIN_DISTINCT:
        return True
    return password in (password + password)[1:-1]


def check_password_policy(password: str, *, username: str = "") -> None:
    """12–256 characters, two classes or more, not the username, not repetitive, not a
    common password."""
    if len(password) < MIN_LENGTH:
        raise PasswordTooWeak(f"a password has at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise PasswordTooWeak(f"a password has at most {MAX_LENGTH} characters")
    if _character_classes(password) < 2:
        raise PasswordTooWeak(
            "a password mixes at least two of: lower-case letters, upper-case letters, "
            "digits, other characters"
        )
    if username and username.lower() in password.lower():
        raise PasswordTooWeak("a password must not contain the username")
    if _repetitive(password.lower()):
        raise PasswordTooWeak(
            f"a password has at least {MIN_DISTINCT} different characters and is not one "
            "short piece repeated (such as abc123abc123)"
        )
    if password.lower() in COMMON_PASSWORDS:
        raise PasswordTooWeak("this password is on the list of common passwords: choose another")


def generate_password() -> str:
    """A random 16-character password that passes the policy (demo data, resets)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(16))
        if _character_classes(candidate) >= 3 and candidate.lower() not in COMMON_PASSWORDS:
            return candidate
