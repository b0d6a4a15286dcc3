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
from domain.errors import PermissionDenied, ValidationFailed
from services.settings import SettingsError


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
    from services.accounts import create_admin

    upgrade(get_engine())
    password = _read_password(args)
    with write_session() as session:
        admin = create_admin(
            session=session,
            username=args.username,
            email=args.email,
            full_name=args.name,
            password=password,
            password_repeat=password,
        )
    print(f"created admin {admin.username}")
    return 0


def cmd_demo(_: argparse.Namespace) -> int:
    from services.demo import seed_demo

    upgrade(get_engine())
    with write_session() as session:
        accounts = seed_demo(session)
    print("Demo programme ready. Accounts (user name, role, belongs to, password):")
    for account in accounts:
        print(f"  {account.username:<16} {account.role.value:<12} {account.belongs_to:<40} {account.password}")
    return 0


def _place(text: str) -> tuple[str, str]:
    """ "Porto,PT" -> ("Porto", "PT"); "PT" -> ("", "PT")."""
    city, _, country = text.rpartition(",")
    return city.strip(), country.strip()


def _coords(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    try:
        latitude, longitude = (float(part) for part in text.split(","))
    except ValueError as exc:
        raise ValueError(f"“{text}” is not LAT,LON (e.g. 41.15,-8.61)") from exc
    return latitude, longitude


def cmd_quote(args: argparse.Namespace) -> int:
    import json
    from datetime import date

    from db.engine import read_session
    from domain.quote import QuoteError, locate, quote
    from services.rules import rules_in_force

    upgrade(get_engine())  # the rules in force live in the database
    with read_session() as session:
        rules = rules_in_force(session)
    try:
        start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
        visitor = locate(*_place(args.visitor), rules, _coords(args.visitor_coords))
        host = locate(*_place(args.host), rules, _coords(args.host_coords))
        result = quote(rules, visitor=visitor, host=host, start=start, end=end)
    except (QuoteError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result.as_dict(), ensure_ascii=False))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from pathlib import Path

    from db.engine import read_session
    from services.documents import verify_pdf

    path = Path(args.file)
    if not path.is_file():
        print(f"error: {path} is not a file", file=sys.stderr)
        return 2
    with read_session() as session:
        result = verify_pdf(session, path.read_bytes())
    print(("OK: " if result.issued_here and result.unchanged else "NOT OK: ") + result.line())
    return 0 if result.issued_here and result.unchanged else 1


def cmd_verify_audit(_: argparse.Namespace) -> int:
    from db.audit import verify_chain
    from db.engine import read_session

    with read_session() as session:
        report = verify_chain(session)
    if report.ok:
        print(f"OK: {report.events} audit events, hash chain intact")
        return 0
    print(f"NOT OK: {report.reason} (after {report.events} good events)")
    return 1


def cmd_send_mail(_: argparse.Namespace) -> int:
    from services.mailer import deliver_configured

    report = deliver_configured()
    if report is None:
        print("SMTP_URL is not set: e-mails wait in the Outbox page")
        return 1
    print(f"outbox: {report.line()}")
    return 0


def cmd_remind(args: argparse.Namespace) -> int:
    from datetime import UTC, date, datetime

    from services.reminders import send_reminders

    try:
        today = date.fromisoformat(args.today) if args.today else datetime.now(UTC).date()
    except ValueError:
        raise ValidationFailed({"today": f"“{args.today}” is not a date (YYYY-MM-DD)"}) from None
    with write_session() as session:
        report = send_reminders(session, today=today, system=True)
    print(report.line())
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from services.portable import export_everything

    target = Path(args.directory)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ValidationFailed({"directory": f"{target} exists and is not an empty folder"})
    counts = export_everything(get_engine(), target)
    print(f"exported {sum(counts.values())} rows of {len(counts)} tables to {target}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from db.backup import BackupError, backup

    try:
        kind = backup(database_url(), Path(args.file))
    except BackupError as exc:
        raise ValidationFailed({"file": str(exc)}) from None
    print(f"backup written: {args.file} ({kind}, {Path(args.file).stat().st_size} bytes)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime
    from pathlib import Path

    from db.backup import BackupError, backup, restore
    from db.engine import data_dir, dispose_engines

    url = database_url()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    safety = data_dir() / f"before-restore-{stamp}.{'db' if url.startswith('sqlite') else 'dump'}"
    try:
        if not Path(args.file).is_file():
            raise BackupError(f"there is no file {args.file}")
        backup(url, safety)  # what is there now is never lost, even by a wrong restore
        dispose_engines()
        kind = restore(url, Path(args.file))
    except BackupError as exc:
        raise ValidationFailed({"file": str(exc)}) from None
    upgrade(get_engine())  # a backup of an earlier release is brought to this release's schema
    print(f"restored {args.file} ({kind}); the previous database is kept in {safety}")
    return 0


def cmd_places(_: argparse.Namespace) -> int:
    from domain.places import ensure_index

    print(f"places index ready: {ensure_index()}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from domain.errors import NotFound, UploadRefused
    from services.imports.columns import Kind, match_headers
    from services.imports.importer import (
        ImportRefused,
        header_problems,
        problem_lines,
        rows_of,
        run_import,
        server_operator,
    )
    from services.imports.reading import read_table

    path = Path(args.file)
    if not path.is_file():
        print(f"error: {path} is not a file", file=sys.stderr)
        return 2
    kind = Kind(args.kind)
    try:
        table = read_table(path.name, path.read_bytes(), sheet=args.sheet)
    except UploadRefused as exc:
        print(f"error: {path.name}: {exc}", file=sys.stderr)
        return 2
    match = match_headers(kind, table.headers)
    problems = header_problems(kind, match)
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"nothing stored: fix the headers of {path.name} (see `manage.py import --help`)", file=sys.stderr)
        return 2
    for header in match.unknown:
        print(f"note: the column “{header}” is not one of ours and is left out")
    upgrade(get_engine())
    try:
        with write_session() as session:
            summary = run_import(
                session=session,
                actor=server_operator(session),
                kind=kind,
                rows=rows_of(kind, table, match),
                partnership_id=args.partnership,
                dry_run=args.dry_run,
            )
    except ImportRefused as exc:
        lines = problem_lines(kind, exc.checked)
        for line in lines:
            print(f"error: {line}", file=sys.stderr)
        bad_rows = sum(1 for c in exc.checked if c.problems)
        print(f"nothing stored: {len(lines)} problems in {bad_rows} of {len(exc.checked)} rows", file=sys.stderr)
        return 2
    except NotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{path.name} ({table.source}): {summary.line()}")
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
    quote_parser = commands.add_parser("quote", help="the lump sum of an exchange, as JSON")
    quote_parser.add_argument(
        "--visitor", required=True, help='"City,CC", e.g. "Porto,PT" (or "CC" with --visitor-coords)'
    )
    quote_parser.add_argument("--host", required=True, help='"City,CC", e.g. "Lyon,FR" (or "CC" with --host-coords)')
    quote_parser.add_argument("--start", required=True, help="first exchange day, YYYY-MM-DD")
    quote_parser.add_argument("--end", required=True, help="last exchange day, YYYY-MM-DD")
    quote_parser.add_argument("--visitor-coords", help="LAT,LON of the Visitor, for places not in the list")
    quote_parser.add_argument("--host-coords", help="LAT,LON of the Host")
    quote_parser.set_defaults(func=cmd_quote)
    verify = commands.add_parser("verify", help="is this PDF issued by this instance and unchanged? (exit 0 yes, 1 no)")
    verify.add_argument("file")
    verify.set_defaults(func=cmd_verify)
    commands.add_parser("verify-audit", help="check the audit log's hash chain (exit 0 intact, 1 broken)").set_defaults(
        func=cmd_verify_audit
    )
    commands.add_parser(
        "send-mail", help="deliver the due e-mails of the outbox over SMTP_URL (the server also does it)"
    ).set_defaults(func=cmd_send_mail)
    remind = commands.add_parser(
        "remind", help="e-mail reminders of overdue reports and payments (once per item and day; for a daily cron)"
    )
    remind.add_argument("--today", help="the day to judge by, YYYY-MM-DD (default: today, UTC)")
    remind.set_defaults(func=cmd_remind)
    export = commands.add_parser(
        "export", help="write every table as CSV plus the stored documents and evidence files into DIR"
    )
    export.add_argument("directory", metavar="DIR", help="a new or empty folder")
    export.set_defaults(func=cmd_export)
    backup_parser = commands.add_parser(
        "backup", help="copy the database into FILE (SQLite online backup; PostgreSQL with pg_dump)"
    )
    backup_parser.add_argument("file", metavar="FILE")
    backup_parser.set_defaults(func=cmd_backup)
    restore_parser = commands.add_parser(
        "restore", help="replace the database with the backup FILE (the current one is kept in data/)"
    )
    restore_parser.add_argument("file", metavar="FILE")
    restore_parser.set_defaults(func=cmd_restore)
    commands.add_parser("places", help="build the offline index of cities (done by make run)").set_defaults(
        func=cmd_places
    )
    importer = commands.add_parser(
        "import",
        help="import organisations, people or exchanges from a CSV or XLSX file (all rows or none)",
        description="Every row is checked as the forms check it; one bad row and nothing is stored (exit 2, "
        "each problem with its row and column). Importing the same file again changes nothing.",
    )
    importer.add_argument("kind", choices=["organisations", "people", "exchanges"], metavar="KIND")
    importer.add_argument("file", metavar="FILE", help="a .csv (UTF-8, Windows-1252 or Latin-1; ; or ,) or .xlsx file")
    importer.add_argument("--partnership", type=int, metavar="ID", help="the Partnership whose records these are")
    importer.add_argument("--sheet", help="the sheet to read, for a workbook with several")
    importer.add_argument("--dry-run", action="store_true", help="check and count, store nothing")
    importer.set_defaults(func=cmd_import)
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
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
