#!/usr/bin/env python3
"""CXC Desk administration: `python manage.py COMMAND …` (see `--help`).

Outputs are stable: operators script them. Exit codes: 0 done, 1 refused, 2 bad input.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from db.engine import database_url, get_engine, write_session
from db.migrate import upgrade
from db.services.errors import PermissionDenied, ValidationFailed


def cmd_migrate(_: argparse.Namespace) -> int:
    upgrade(get_engine())
    print(f"migrated {database_url().split('@')[-1]}")
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != first:
        raise ValidationFailed({"password_repeat": "The two passwords differ."})
    return first


def cmd_create_admin(args: argparse.Namespace) -> int:
    from db.services.accounts import create_admin

    upgrade(get_engine())
    password = _read_password(args)
    with write_session() as session:
        admin = create_admin(
            session=session, username=args.username, email=args.email, full_name=args.name,
            password=password, password_repeat=password,
        )
    print(f"created admin {admin.username}")
    return 0


def cmd_demo(_: argparse.Namespace) -> int:
    from db.demo import seed_demo

    upgrade(get_engine())
    with write_session() as session:
        accounts = seed_demo(session)
    print("Demo programme ready. Accounts (user name, role, belongs to, password):")
    for account in accounts:
        print(f"  {account.username:<16} {account.role.value:<12} {account.belongs_to:<40} {account.password}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="manage.py", description="CXC Desk administration")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    admin = commands.add_parser("create-admin", help="create an administrator account")
    admin.add_argument("--username", required=True)
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", required=True, help="full name")
    admin.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    admin.set_defaults(func=cmd_create_admin)
    commands.add_parser("demo", help="fill the database with a demo programme").set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ValidationFailed as exc:
        for field, message in exc.errors.items():
            print(f"error: {field}: {message}", file=sys.stderr)
        return 2
    except PermissionDenied as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
