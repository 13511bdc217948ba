"""scrypt password hashes and the password policy."""

from __future__ import annotations

import re

import pytest

from accounts import passwords
from accounts.errors import PasswordTooWeak
from tests.accounts.factory import PASSWORD

# Every test here hashes at the production cost (the suite lowers it: tests/conftest.py).
pytestmark = pytest.mark.usefixtures("production_password_cost")

PHC = re.compile(r"\$scrypt\$ln=14,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}")


async def test_a_hash_verifies_its_password_only() -> None:
    """The right password verifies; any other does not."""
    encoded = await passwords.hash_password("Correct horse 1")
    assert await passwords.verify_password("Correct horse 1", encoded)
    assert not await passwords.verify_password("Correct horse 2", encoded)
    assert not await passwords.verify_password("", encoded)


async def test_the_hash_is_a_phc_string_with_a_fresh_salt() -> None:
    """$scrypt$ln=14,r=8,p=1$<salt>$<hash>, unpadded base64; salts never repeat."""
    first = await passwords.hash_password("Same password 1")
    second = await passwords.hash_password("Same password 1")
    assert PHC.fullmatch(first)
    assert PHC.fullmatch(second)
    assert first != second


def test_the_parameters_travel_with_the_hash() -> None:
    """A hash made with other parameters still verifies (parameters can be raised later)."""
    cheap = passwords.ScryptParams(log2_n=10, r=4, p=2)
    encoded = passwords.hash_password_sync("Older hash 12", cheap)
    assert encoded.startswith("$scrypt$ln=10,r=4,p=2$")
    assert passwords.verify_password_sync("Older hash 12", encoded)


@pytest.mark.parametrize(
    "encoded",
    [
        None,
        "",
        "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
        "$scrypt$ln=14,r=8,p=1$!!!$AAAA",
        "$scrypt$ln=40,r=8,p=1$c2FsdHNhbHRzYWx0$aGFzaA",
    ],
)
def test_missing_or_unreadable_hashes_never_verify(encoded: str | None) -> None:
    """No hash, another scheme, bad base64 or absurd parameters: refused, not raised."""
    assert not passwords.verify_password_sync("Anything 1234", encoded)


def test_a_tampered_hash_does_not_verify() -> None:
    """Changing the stored hash breaks verification."""
    encoded = passwords.hash_password_sync("Tamper proof 1")
    head, digest = encoded.rsplit("$", 1)
    flipped = ("B" if digest[0] == "A" else "A") + digest[1:]
    assert not passwords.verify_password_sync("Tamper proof 1", f"{head}${flipped}")


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Short1", "at least 12"),
        ("Eleven-ch1!", "at least 12"),
        ("alllowercaseletters", "two of"),
        ("12345678901234", "two of"),
        ("x" * 257 + "A", "at most 256"),
        ("zhang.san-2025", "username"),
        ("Aaaaaaaaaaaa", "different characters"),
        ("abab1212abab", "different characters"),
        ("abc123abc123", "repeated"),
        ("Xy7!Xy7!Xy7!Xy7!", "repeated"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, reason: str) -> None:
    """Too short, one character class, too long, containing the username, or repetitive
    (few distinct characters, or one piece repeated whole)."""
    with pytest.raises(PasswordTooWeak) as refused:
        passwords.check_password_policy(password, username="zhang.san")
    assert reason in refused.value.message
    assert refused.value.code == "password_too_weak"


@pytest.mark.parametrize("password", ["abcdefghij1k", "密码很长而且还有数字12", "lower and space"])
def test_passwords_of_two_classes_and_twelve_characters_pass(password: str) -> None:
    """Twelve characters from at least two classes (other characters count as one)."""
    passwords.check_password_policy(password, username="zhang.san")


@pytest.mark.parametrize(
    "password", ["password1234", "Password1234", "QWERTYUIOP123", "WoAiNi1314520", "1q2w3e4r5t6y"]
)
def test_common_passwords_are_refused_whatever_their_case(password: str) -> None:
    """Long enough and of two classes, but on the shipped list (compared case-insensitively)."""
    with pytest.raises(PasswordTooWeak) as refused:
        passwords.check_password_policy(password)
    assert "common passwords" in refused.value.message


def test_the_shipped_list_of_common_passwords_is_a_few_thousand_lower_case_entries() -> None:
    """Package data, read at import; every entry is lower case and one line."""
    assert 2000 <= len(passwords.COMMON_PASSWORDS) <= 20000
    assert all(entry == entry.lower() for entry in passwords.COMMON_PASSWORDS)
    assert "password1234" in passwords.COMMON_PASSWORDS


def test_the_test_and_demo_passwords_pass_the_policy() -> None:
    """The factory's password and the ones tests set comply (12+ characters, not common)."""
    for password in (PASSWORD, "Wrong-password-1", "Another-secret-7", "New-password-1"):
        passwords.check_password_policy(password)


def test_generated_passwords_pass_the_policy() -> None:
    """Demo and reset passwords always satisfy the policy."""
    for _ in range(50):
        passwords.check_password_policy(passwords.generate_password())
