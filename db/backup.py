"""`manage.py backup FILE` and `restore FILE`: SQLite through its online backup API (safe while
the app runs), PostgreSQL through `pg_dump` / `pg_restore` in their custom format."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url


class BackupError(ValueError):
    """The backup or restore cannot be done; the message says why."""


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(parsed.database)


def _libpq(url: str) -> str:
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def backup(url: str, target: Path) -> str:
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = _sqlite_path(url)
    if source is not None:
        if not source.exists():
            raise BackupError(f"there is no database at {source}")
        with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
            live.backup(copy)  # page by page, consistent even while the app writes
        copy_check = sqlite3.connect(target)
        try:
            if copy_check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("the copy failed its integrity check")
        finally:
            copy_check.close()
        return "sqlite"
    result = subprocess.run(
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), _libpq(url)],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {result.stderr.strip()[-500:]}")
    return "postgresql"


def restore(url: str, source: Path) -> str:
    """Replace the database's content with the backup's (the caller migrates afterwards)."""
    if not source.is_file():
        raise BackupError(f"there is no file {source}")
    target = _sqlite_path(url)
    if target is not None:
        try:
            with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup_db:
                tables = {row[0] for row in backup_db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                if "alembic_version" not in tables:
                    raise BackupError(f"{source} is not a CXC Desk backup (no alembic_version table)")
                with sqlite3.connect(target) as live:
                    backup_db.backup(live)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source} is not an SQLite backup: {exc}") from exc
        return "sqlite"
    with source.open("rb") as handle:
        if handle.read(5) != b"PGDMP":
            raise BackupError(f"{source} is not a pg_dump custom-format backup")
    listing = subprocess.run([_tool("pg_restore"), "--list", str(source)], capture_output=True, text=True, timeout=600)
    if listing.returncode != 0 or "alembic_version" not in listing.stdout:
        raise BackupError(f"{source} cannot be read as a CXC Desk backup: {listing.stderr.strip()[-300:]}")
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            # A clean slate: the backup brings every table, trigger and the alembic version back.
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()
    result = subprocess.run(
        [_tool("pg_restore"), "--no-owner", "--exit-on-error", "--dbname", _libpq(url), str(source)],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()[-500:]}")
    return "postgresql"
