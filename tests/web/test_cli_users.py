"""``etender users``: bootstrap an organisation and administrators from the console."""

from __future__ import annotations

import io

import pytest

from tests.accounts.factory import new_credit_code
from tests.conftest import TestDatabase as Database
from web.cli.main import main

STRONG = "Console-secret-9"


@pytest.fixture
def env(database: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    """The command migrates and works on the test's database (DATABASE_URL, as its owner)."""
    monkeypatch.setenv("DATABASE_URL", database.owner_dsn)
    return database


def run(monkeypatch: pytest.MonkeyPatch, argv: list[str], stdin: str = "") -> int:
    """Run the command with ``stdin`` as its (non-terminal) standard input."""
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def bootstrap(monkeypatch: pytest.MonkeyPatch) -> str:
    code = new_credit_code()
    args = ["users", "add-organisation", "--credit-code", code, "--name", "宣城市公共资源交易中心"]
    assert run(monkeypatch, [*args, "--kind", "city_centre", "--region", "341800"]) == 0
    return code


def test_the_console_bootstraps_an_organisation_and_an_administrator(
    env: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """add-organisation, then create-admin with the password on stdin, then list."""
    code = bootstrap(monkeypatch)
    args = ["users", "create-admin", "--role", "system_admin", "--username", "root.admin"]
    assert run(monkeypatch, [*args, "--org-code", code], stdin=f"{STRONG}\n") == 0
    capsys.readouterr()
    assert run(monkeypatch, ["users", "list"]) == 0
    listing = capsys.readouterr().out
    assert "root.admin" in listing
    assert "system_admin" in listing
    assert STRONG not in listing


def test_a_weak_password_from_stdin_is_refused(
    env: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 1 with the policy's reason; no account."""
    code = bootstrap(monkeypatch)
    args = ["users", "add", "--username", "weak.user", "--org-code", code, "--role", "centre_staff"]
    assert run(monkeypatch, args, stdin="short\n") == 1
    assert "password_too_weak" in capsys.readouterr().err
    capsys.readouterr()
    assert run(monkeypatch, ["users", "list"]) == 0
    assert "weak.user" not in capsys.readouterr().out


def test_a_password_argument_does_not_exist(env: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Passwords never travel as arguments (shell history, process list)."""
    with pytest.raises(SystemExit):
        run(
            monkeypatch, ["users", "add", "--username", "x.y", "--org-code", "x", "--password", "p"]
        )


def test_the_console_cannot_give_one_person_two_admin_roles(
    env: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """三员分立 holds for the console too: admin_role_conflict, exit 1."""
    code = bootstrap(monkeypatch)
    args = ["users", "create-admin", "--role", "security_admin", "--username", "sec.admin"]
    assert run(monkeypatch, [*args, "--org-code", code], stdin=f"{STRONG}\n") == 0
    grant = ["users", "grant", "--username", "sec.admin", "--role", "audit_admin"]
    assert run(monkeypatch, grant) == 1
    assert "admin_role_conflict" in capsys.readouterr().err
    revoke = ["users", "revoke", "--username", "sec.admin", "--role", "security_admin"]
    assert run(monkeypatch, revoke) == 0
    assert run(monkeypatch, grant) == 0
