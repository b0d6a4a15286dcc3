"""Fixtures: a fresh, migrated database per test, on SQLite and (where asked) PostgreSQL.

Data is created through the same service functions that users trigger.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel
from streamlit import config as streamlit_config

from db.engine import dispose_engines, get_engine, make_engine
from db.migrate import upgrade
from db.rules_seed import seed_rules

# Page tests should show what went wrong; production hides error details (.streamlit/config.toml).
streamlit_config.set_option("client.showErrorDetails", "full")

# The places index is the same for every test: build it once per machine, not per test.
os.environ.setdefault("CXC_CACHE_DIR", "/tmp/cxc-test-cache")

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
STRONG_PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    # Unit tests hash hundreds of passwords and do not test the cost itself, so they lower it.
    # Browser tests (marked e2e) never do: they log in as users do, at the production cost.
    if request.node.get_closest_marker("e2e") is None:
        monkeypatch.setenv("CXC_BCRYPT_ROUNDS", "4")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate once; each test copies the file (much faster than migrating per test)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def _pg_available() -> str | None:
    try:
        engine = make_engine(PG_URL)
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"PostgreSQL at {PG_URL.split('@')[-1]} is not reachable: {exc.__class__.__name__}"


@pytest.fixture(scope="session")
def pg_migrated() -> str:
    problem = _pg_available()
    if problem:
        if IN_CI:
            pytest.fail(problem + " (CI=true: PostgreSQL tests must run)")
        pytest.skip(problem)
    engine = make_engine(PG_URL)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    upgrade(engine)
    engine.dispose()
    return PG_URL


def _truncate_pg(url: str) -> None:
    engine = make_engine(url)
    # The change stamp's row is left as the migrations wrote it; its token only ever moves.
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables if t.name != "change_stamp")
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        seed_rules(conn)  # what the migrations leave: the shipped rules as version 1, in force
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated, empty database; DATABASE_URL points at it for the code under test."""
    if request.param == "sqlite":
        path = tmp_path / "cxc.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_migrated")
        _truncate_pg(url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("CXC_DATA_DIR", str(tmp_path / "data"))
    dispose_engines()
    yield url
    dispose_engines()


@pytest.fixture
def sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_template: Path) -> Iterator[str]:
    """SQLite only: for page tests and the like, where the backend does not matter."""
    path = tmp_path / "cxc.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("CXC_DATA_DIR", str(tmp_path / "data"))
    dispose_engines()
    yield url
    dispose_engines()


@pytest.fixture
def engine(database_url: str) -> Engine:
    return get_engine(database_url)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine.execution_options(cxc_write=True), expire_on_commit=False) as s:
        yield s


def table_count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar_one()
