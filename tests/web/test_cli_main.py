"""``etender``'s entry point: one command's run imports only the module adding it."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys

import pytest

from web.cli.main import COMMAND_MODULES, COMMANDS, VALUE_OPTIONS, build_parser, joined_values, main


def _registered(module: str) -> list[str]:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    importlib.import_module(module).register(sub)
    return list(sub.choices)


def test_the_table_names_every_command_of_every_module() -> None:
    """COMMANDS maps each top-level command to the module that adds it, and no other."""
    added = {command: module for module in COMMAND_MODULES for command in _registered(module)}
    assert added == COMMANDS


def test_one_commands_parser_holds_that_command_only() -> None:
    """A known command builds its module's parsers; anything else builds the whole tree."""
    for command, module in COMMANDS.items():
        sub = build_parser(command)._subparsers
        assert sub is not None
        [action] = [a for a in sub._group_actions if isinstance(a, argparse._SubParsersAction)]
        assert list(action.choices) == _registered(module)
    for other in (None, "-h", "--help", "no-such-command"):
        whole = build_parser(other)._subparsers
        assert whole is not None
        [action] = [a for a in whole._group_actions if isinstance(a, argparse._SubParsersAction)]
        assert set(action.choices) == set(COMMANDS)


def test_a_client_command_does_not_load_the_server() -> None:
    """`etender witness` in a fresh interpreter imports no web or database module."""
    script = (
        "import sys\n"
        "from web.cli.main import main\n"
        "try:\n    main(['witness', '--help'])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'asyncpg', 'starlette',"
        " 'uvicorn', 'reportlab', 'tender', 'evaluation'} or m.startswith('web.cli.demo')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def _actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    found = list(parser._actions)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found.extend(_actions(child))
    return found


def test_a_token_that_starts_with_a_dash_is_the_tokens_value() -> None:
    """One bearer token in 64 starts with "-" (base64url): after ``--token`` it is the
    value, not an option (the listing CLI test failed once on such a token); a word of
    another shape (an option, "-h") is not taken for a token (breaker F13)."""
    token = "-Ab_9" + "x" * 38
    assert joined_values(["bid", "submit", "--token", token, "part.etbid"]) == [
        "bid", "submit", f"--token={token}", "part.etbid",
    ]  # fmt: skip
    for word in ("--entries", "-h", "--token-file", "-", "-" + "x" * 43):
        assert joined_values(["x", "--token", word]) == ["x", "--token", word]
    assert joined_values(["x", "--", "--token", token]) == ["x", "--", "--token", token]
    assert joined_values(["x", "--token"]) == ["x", "--token"]  # argparse names it missing
    seal = [
        "listing", "reserve", "seal", "--server", "http://127.0.0.1:1", "--token", token,
        "--listing", "L", "--reserve-fen", "1", "--cert", "c", "--key", "k",
        "--identity", "i", "--trust", "t",
    ]  # fmt: skip
    assert build_parser("listing").parse_args(joined_values(seal)).token == token
    with pytest.raises(SystemExit):  # argparse's "expected one argument", exit 2
        build_parser("listing").parse_args(joined_values([*seal[:5], "--token", "--listing"]))


def test_every_option_that_takes_a_token_is_joined_to_its_value() -> None:
    """Every option whose value is a token the platform issued is in VALUE_OPTIONS, so a
    new command's ``--token`` cannot miss the rule above."""
    named = {
        option
        for action in _actions(build_parser(None))
        if action.nargs != 0 and action.dest == "token"
        for option in action.option_strings
    }
    assert named == set(VALUE_OPTIONS)


@pytest.mark.parametrize(
    "server", ["http://127.0.0.1:9@127.0.0.1:9", "https://user:pw@etender.example", "http://@h"]
)
def test_a_server_address_naming_a_user_is_refused_before_anything_is_sent(
    server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The token file's server check ignored the user part, and the HTTP client sent it as
    credentials instead of the token (breaker F13): such an address is refused, exit 2."""
    assert main(["logout", "--server", server, "--token-file", "/nonexistent/token"]) == 2
    assert "names no user" in capsys.readouterr().err
