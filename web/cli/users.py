"""``etender users``: bootstrap organisations and administrators, add users, grant roles.

Run on the server by whoever operates it: the console holds the database owner's
access already, so it is trusted for account administration, and every change it
makes is logged with the role ``console``. Passwords are read from a prompt (asked
twice) or, when stdin is not a terminal, from its first line — never from an
argument, which would leave them in the shell history and the process list.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Awaitable, Callable

import asyncpg

from accounts.errors import AccountsError
from accounts.model import ADMIN_ROLES, ROLE_SCOPE_KINDS, ConsoleOperator, OrgKind, Role
from accounts.organisations import service as organisations
from accounts.passwords import check_password_policy
from accounts.users import service as user_service
from client.console import fail
from web.cli.common import guarded, run_with_database
from web.settings import Settings

Work = Callable[[asyncpg.Connection, Settings], Awaitable[int]]


def operator() -> ConsoleOperator:
    """The person at the console, named by the operating system."""
    try:
        return ConsoleOperator(name=getpass.getuser())
    except (KeyError, OSError):
        return ConsoleOperator(name="console")


def read_password(username: str) -> str:
    """A new password from the terminal (twice) or the first line of stdin."""
    if not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"New password for {username}: ")
        if getpass.getpass("Repeat it: ") != password:
            raise SystemExit(fail("the two passwords differ", 1))
    check_password_policy(password, username=username)
    return password


def _run(work: Work) -> int:
    def call() -> int:
        try:
            return run_with_database(work)
        except AccountsError as exc:
            return fail(f"{exc.message} ({exc.code})", 1)

    return guarded(call)


def cmd_add_organisation(args: argparse.Namespace) -> int:
    """Register an organisation (the first one is usually the city centre)."""

    async def work(conn: asyncpg.Connection, settings: Settings) -> int:
        parent = (
            await organisations.organisation_by_code(conn, args.parent_code)
            if args.parent_code
            else None
        )
        org = await organisations.create_organisation(
            conn,
            operator(),
            credit_code=args.credit_code,
            name=args.name,
            kind=OrgKind(args.kind),
            parent_id=parent.id if parent else None,
            region=args.region,
        )
        print(f"organisation {org.id} {org.credit_code} {org.name} ({org.kind})")
        return 0

    return _run(work)


def _add_user(args: argparse.Namespace, roles: list[Role]) -> int:
    try:
        password = read_password(args.username)
    except AccountsError as exc:
        return fail(f"{exc.message} ({exc.code})", 1)

    async def work(conn: asyncpg.Connection, settings: Settings) -> int:
        org = await organisations.organisation_by_code(conn, args.org_code)
        scope = (
            await organisations.organisation_by_code(conn, args.scope_code)
            if args.scope_code
            else None
        )
        console = operator()
        async with conn.transaction():
            user = await user_service.create_user(
                conn,
                console,
                organisation_id=org.id,
                username=args.username,
                display_name=args.display_name or args.username,
                password=password,
            )
            for role in roles:
                scoped = scope is not None and role in ROLE_SCOPE_KINDS
                scope_id = scope.id if scope is not None and scoped else None
                await user_service.grant_role(
                    conn, console, user_id=user.id, role=role, scope_id=scope_id
                )
        print(f"user {user.id} {user.username} at {org.name}: {', '.join(roles) or 'no roles'}")
        return 0

    return _run(work)


def cmd_create_admin(args: argparse.Namespace) -> int:
    """Open an administrator account (三员分立: one admin role per person)."""
    return _add_user(args, [Role(args.role)])


def cmd_add(args: argparse.Namespace) -> int:
    """Open a user account with any roles."""
    return _add_user(args, [Role(role) for role in args.role or []])


def _grant(args: argparse.Namespace, *, revoke: bool) -> int:
    async def work(conn: asyncpg.Connection, settings: Settings) -> int:
        user = await user_service.user_by_username(conn, args.username)
        scope = (
            await organisations.organisation_by_code(conn, args.scope_code)
            if args.scope_code
            else None
        )
        scope_id = scope.id if scope is not None else None
        change = user_service.revoke_role if revoke else user_service.grant_role
        await change(conn, operator(), user_id=user.id, role=Role(args.role), scope_id=scope_id)
        done = "revoked" if revoke else "granted"
        print(f"{done} {args.role} {'from' if revoke else 'to'} {user.username}")
        return 0

    return _run(work)


def cmd_grant(args: argparse.Namespace) -> int:
    """Grant a role to a user."""
    return _grant(args, revoke=False)


def cmd_revoke(args: argparse.Namespace) -> int:
    """Revoke a role from a user."""
    return _grant(args, revoke=True)


def cmd_list(args: argparse.Namespace) -> int:
    """Print every user with organisation and roles."""

    async def work(conn: asyncpg.Connection, settings: Settings) -> int:
        rows = await user_service.list_users(conn, operator())
        names: dict[object, str] = {}
        print(f"{'USERNAME':<20} {'NAME':<12} {'STATUS':<9} {'ORGANISATION':<30} ROLES")
        for user, grants in rows:
            if user.organisation_id not in names:
                names[user.organisation_id] = (
                    await organisations.get_organisation(conn, user.organisation_id)
                ).name
            roles = ", ".join(str(g.role) for g in grants) or "-"
            org = names[user.organisation_id]
            print(f"{user.username:<20} {user.display_name:<12} {user.status:<9} {org:<30} {roles}")
        return 0

    return _run(work)


def _user_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--username", required=True, help="login name, [a-z0-9._-], 3–64")
    parser.add_argument("--org-code", required=True, help="the organisation's credit code")
    parser.add_argument("--display-name", help="the person's name (default: the username)")
    parser.add_argument("--scope-code", help="credit code of a supervisor's department")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``etender users`` and its sub-commands."""
    users = sub.add_parser("users", help="organisations, user accounts and roles")
    cmds = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")

    org = cmds.add_parser("add-organisation", help="register an organisation")
    org.add_argument("--credit-code", required=True, help="unified social credit code")
    org.add_argument("--name", required=True)
    org.add_argument("--kind", required=True, choices=[str(k) for k in OrgKind])
    org.add_argument("--parent-code", help="the parent organisation's credit code")
    org.add_argument("--region", default="", help="GB/T 2260 region code")
    org.set_defaults(func=cmd_add_organisation)

    admin = cmds.add_parser("create-admin", help="open an administrator account")
    admin.add_argument("--role", required=True, choices=sorted(str(r) for r in ADMIN_ROLES))
    _user_arguments(admin)
    admin.set_defaults(func=cmd_create_admin)

    add = cmds.add_parser("add", help="open a user account")
    add.add_argument("--role", action="append", choices=[str(r) for r in Role], help="repeatable")
    _user_arguments(add)
    add.set_defaults(func=cmd_add)

    for name, func in (("grant", cmd_grant), ("revoke", cmd_revoke)):
        change = cmds.add_parser(name, help=f"{name} a role")
        change.add_argument("--username", required=True)
        change.add_argument("--role", required=True, choices=[str(r) for r in Role])
        change.add_argument("--scope-code", help="credit code of a supervisor's department")
        change.set_defaults(func=func)

    listing = cmds.add_parser("list", help="list users and their roles")
    listing.set_defaults(func=cmd_list)
