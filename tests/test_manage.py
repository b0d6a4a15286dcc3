"""The administration command line, run as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from db.engine import make_engine

ROOT = Path(__file__).resolve().parent.parent


def manage(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cxc.db'}",
        "CXC_DATA_DIR": str(tmp_path),
        "CXC_BCRYPT_ROUNDS": "4",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def counts(tmp_path: Path) -> dict[str, int]:
    engine = make_engine(f"sqlite:///{tmp_path / 'cxc.db'}")
    with engine.connect() as conn:
        result = {
            t: conn.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar_one()
            for t in ("user", "organisation", "partnership")
        }
        result["countries"] = conn.execute(sa.text("SELECT count(DISTINCT country) FROM organisation")).scalar_one()
        result["types"] = conn.execute(sa.text("SELECT count(DISTINCT org_type) FROM organisation")).scalar_one()
        result["roles"] = conn.execute(sa.text('SELECT count(DISTINCT role) FROM "user"')).scalar_one()
    engine.dispose()
    return result


def test_demo_fills_a_programme_and_running_it_twice_duplicates_nothing(tmp_path: Path) -> None:
    first = manage(tmp_path, "demo")
    assert first.returncode == 0, first.stderr
    assert "admin" in first.stdout and "coord.dib" in first.stdout and "porto.cluster" in first.stdout
    after_first = counts(tmp_path)
    assert after_first["partnership"] == 3
    assert after_first["organisation"] >= 8 and after_first["countries"] >= 6 and after_first["types"] == 6
    assert after_first["roles"] == 3
    second = manage(tmp_path, "demo")
    assert second.returncode == 0, second.stderr
    assert counts(tmp_path) == after_first
    assert second.stdout == first.stdout


def test_create_admin_from_the_command_line(tmp_path: Path) -> None:
    done = manage(
        tmp_path,
        "create-admin",
        "--username",
        "ops",
        "--email",
        "ops@example.eu",
        "--name",
        "Ops Team",
        "--password-stdin",
        stdin="a-long-operator-secret\n",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "created admin ops"
    assert counts(tmp_path)["user"] == 1


def test_create_admin_with_bad_input_exits_2_and_stores_nothing(tmp_path: Path) -> None:
    done = manage(
        tmp_path,
        "create-admin",
        "--username",
        "ops",
        "--email",
        "nope",
        "--name",
        "Ops Team",
        "--password-stdin",
        stdin="short\n",
    )
    assert done.returncode == 2
    assert "error: email:" in done.stderr and "error: password:" in done.stderr
    assert counts(tmp_path)["user"] == 0


def test_migrate_is_idempotent(tmp_path: Path) -> None:
    assert manage(tmp_path, "migrate").returncode == 0
    again = manage(tmp_path, "migrate")
    assert again.returncode == 0 and again.stdout.startswith("migrated")


def test_verify_audit_reports_an_intact_then_a_broken_chain(tmp_path: Path) -> None:
    assert manage(tmp_path, "demo").returncode == 0
    ok = manage(tmp_path, "verify-audit")
    assert ok.returncode == 0 and ok.stdout.startswith("OK: ") and "hash chain intact" in ok.stdout
    engine = make_engine(f"sqlite:///{tmp_path / 'cxc.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER audit_event_no_update")
        conn.exec_driver_sql("UPDATE audit_event SET comment = 'forged' WHERE seq = 3")
    engine.dispose()
    broken = manage(tmp_path, "verify-audit")
    assert broken.returncode == 1 and broken.stdout.startswith("NOT OK: event 3 was changed")


def test_export_writes_every_table_and_every_file_with_its_hash(tmp_path: Path) -> None:
    import csv
    import hashlib
    import json

    db_dir = tmp_path / "db"
    db_dir.mkdir()
    assert manage(db_dir, "demo").returncode == 0
    target = tmp_path / "export"
    result = manage(db_dir, "export", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("exported ") and "tables to" in result.stdout
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["tables"]["exchange"] >= 10 and manifest["tables"]["exchange_tag"] >= 10
    assert any(f["path"].startswith("files/document/") for f in manifest["files"])
    for entry in manifest["files"]:
        assert hashlib.sha256((target / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    with (target / "user.csv").open(encoding="utf-8") as handle:
        users = list(csv.DictReader(handle))
    assert users and {u["password_hash"] for u in users} == {"(withheld)"}
    again = manage(db_dir, "export", str(target))
    assert again.returncode == 2 and "not an empty folder" in again.stderr
