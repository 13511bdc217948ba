"""docs/cli.md says what the code does: the login and logout options, the token file's
place, format and example byte for byte, the order of token sources, the refusals with
their codes and exit statuses, and the tender identifier's rules."""

from __future__ import annotations

import argparse
import json
import re
import stat
from pathlib import Path

import pytest

from client import errors, token_file
from client.bid import tender_ref
from client.token_file import SavedToken
from tests.docs.markdown import code_blocks, read, section
from web.cli.main import build_parser

DOC = read("cli.md")


def _options(command: str) -> set[str]:
    parser = build_parser(command)
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return {o for a in sub.choices[command]._actions for o in a.option_strings} - {"-h", "--help"}


def test_the_usage_lines_name_every_option_of_login_and_logout() -> None:
    [usage] = code_blocks(section(DOC, "## Signing in"))
    lines = dict(line.split(" ", 2)[1:] for line in usage.splitlines())
    for command in ("login", "logout"):
        assert set(re.findall(r"--[a-z-]+", lines[command])) == _options(command)


def test_the_example_file_is_what_login_writes(tmp_path: Path) -> None:
    """Same members, same order and spacing, this format name; mode 0600."""
    [example] = code_blocks(section(DOC, "## Signing in"), "json")
    shown = json.loads(example)
    path = tmp_path / "etender" / "token"
    token_file.write(
        path,
        SavedToken(
            token=shown["token"], server=shown["server"], username=shown["username"],
            expires_at=shown["expires_at"],
        ),
    )  # fmt: skip
    assert path.read_text() == example + "\n"
    assert shown["format"] == token_file.FORMAT
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert token_file.read(path) == SavedToken(
        token=shown["token"], server=shown["server"], username=shown["username"],
        expires_at=shown["expires_at"],
    )  # fmt: skip


def test_the_documented_places_of_the_file_are_the_codes() -> None:
    text = section(DOC, "## Signing in")
    assert "`$XDG_CONFIG_HOME/etender/token`, else `~/.config/etender/token`" in text
    home = {"HOME": "/home/bidder"}
    assert token_file.default_path({**home, "XDG_CONFIG_HOME": "/cfg"}) == Path(
        "/cfg/etender/token"
    )
    assert token_file.default_path(home) == Path("/home/bidder/.config/etender/token")
    assert token_file.default_path({**home, "XDG_CONFIG_HOME": "rel"}) == Path(
        "/home/bidder/.config/etender/token"
    )
    assert f"more than {token_file.MAX_BYTES} bytes" in DOC


def _table(title: str) -> dict[str, tuple[int, str]]:
    rows = re.findall(r"^\| `([a-z_]+)` \| ([0-9]) \| (.+) \|$", section(DOC, title), re.M)
    return {code: (int(status), text) for code, status, text in rows}


def test_every_refusal_of_the_page_is_a_client_error_and_all_of_its_own_are_there() -> None:
    documented = {**_table("## Which token a command sends"), **_table("## Naming a tender")}
    ours = {
        cls.code
        for cls in vars(errors).values()
        if isinstance(cls, type)
        and issubclass(cls, errors.ClientError)
        and cls.__module__ == "client.errors"
        and cls.code.startswith(("token_", "tender_identifier_", "not_signed", "login_"))
    }
    assert set(documented) == ours - {"login_password_missing"}
    assert "`login_password_missing`, exit 2" in DOC
    assert {status for status, _ in documented.values()} == {2}


@pytest.mark.parametrize(
    ("server", "same"),
    [
        ("https://etender.example", True),
        ("HTTPS://Etender.Example:443//", True),
        ("wss://etender.example/", True),
        ("http://etender.example", False),
        ("https://etender.example:8443", False),
        ("https://etender.example/other", False),
        ("https://etender.example.evil", False),
    ],
)
def test_servers_compare_as_documented(server: str, same: bool) -> None:
    assert "ws://` counts as `http://`" in DOC
    key = token_file.server_key
    assert (key(server) == key("https://etender.example")) is same


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("XC-2026-GC-000123", True),
        ("xc-2026-gc-000123", True),
        ("3f1c2b1e-0000-4000-8000-000000000001", True),
        ("XC 2026", False),
        ("-XC", False),
        ("XC/2026", False),
        ("X" * 64, True),
        ("X" * 65, False),
        ("招标", False),
    ],
)
def test_the_identifier_rule_is_the_documented_one(text: str, valid: bool) -> None:
    assert "1–64 characters of `A–Z a–z 0–9 . _ -` starting with a letter or digit" in DOC
    try:
        tender_ref.parse(text)
    except errors.TenderIdentifierInvalid:
        assert not valid
    else:
        assert valid


@pytest.mark.parametrize(
    ("mode", "passes"),
    [(0o600, True), (0o400, True), (0o700, True), (0o440, False), (0o602, False), (0o610, False)],
)
def test_the_owner_only_rule_is_the_documented_one(tmp_path: Path, mode: int, passes: bool) -> None:
    assert "(0600 and 0400 pass)" in DOC
    path = tmp_path / "token"
    path.write_text("3p9ZgAswVl7DS2_lPdlk-4Dlnjm1bqLNKyqnbF6g9n0\n")
    path.chmod(mode)
    try:
        assert token_file.read(path).token == "3p9ZgAswVl7DS2_lPdlk-4Dlnjm1bqLNKyqnbF6g9n0"
    except errors.TokenFileInsecure:
        assert not passes
    else:
        assert passes


def test_the_listing_usage_lines_name_every_option_of_their_commands() -> None:
    """docs/cli.md, "Listings: the reserve price": each usage line is its command's options."""
    [usage] = code_blocks(section(DOC, "## Listings: the reserve price"))
    parser = build_parser("listing")
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    listing = sub.choices["listing"]
    [actions] = [a for a in listing._actions if isinstance(a, argparse._SubParsersAction)]
    [steps] = [
        a for a in actions.choices["reserve"]._actions
        if isinstance(a, argparse._SubParsersAction)
    ]  # fmt: skip
    commands = {"reserve seal": steps.choices["seal"], "release": actions.choices["release"]}
    lines = {line.removeprefix("etender listing ").split(" --", 1)[0]: line
             for line in usage.splitlines()}  # fmt: skip
    assert set(lines) == set(commands)
    for name, command in commands.items():
        options = {o for a in command._actions for o in a.option_strings} - {"-h", "--help"}
        assert set(re.findall(r"--[a-z-]+", lines[name])) == options
