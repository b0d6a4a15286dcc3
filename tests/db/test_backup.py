"""Backup and restore round trip on SQLite (online backup) and PostgreSQL (pg_dump)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import SQLModel

from db.engine import dispose_engines, get_engine, write_session
from db.types import id_of
from services import payments
from tests.journey import accepted_exchange

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=300,
    )


def counts() -> dict[str, int]:
    with get_engine().connect() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in SQLModel.metadata.sorted_tables
        }


def test_backup_then_restore_brings_back_exactly_what_was_saved(database_url: str, tmp_path: Path) -> None:
    with write_session() as session:
        c, exchange = accepted_exchange(session)
    before = counts()
    file = tmp_path / "backups" / "cxc.backup"
    made = manage("backup", str(file))
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(f"backup written: {file}")
    assert manage("backup", str(file)).returncode == 2  # never overwrites a backup
    with write_session() as session:
        payments.order_payment(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange))
    assert counts()["payment"] == 1
    dispose_engines()
    restored = manage("restore", str(file))
    assert restored.returncode == 0, restored.stderr
    assert "the previous database is kept in" in restored.stdout
    assert counts() == before
    assert manage("verify-audit").returncode == 0
    # The database of just before the restore is kept: the order made after the backup is in it.
    safety = Path(restored.stdout.strip().rsplit(" ", 1)[-1])
    assert safety.is_file() and safety.stat().st_size > 0


def test_restore_of_a_wrong_file_changes_nothing(database_url: str, tmp_path: Path) -> None:
    with write_session() as session:
        accepted_exchange(session)
    before = counts()
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"this is not a backup at all" * 100)
    dispose_engines()
    refused = manage("restore", str(junk))
    assert refused.returncode == 2 and "error: file:" in refused.stderr
    assert manage("restore", str(tmp_path / "missing.backup")).returncode == 2
    assert counts() == before
