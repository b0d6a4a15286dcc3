import pytest
from sqlalchemy.engine import Engine

from db.engine import database_url, make_engine


def test_sqlite_connections_have_wal_foreign_keys_and_busy_timeout(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    engine.dispose()


def test_default_database_is_a_sqlite_file_in_the_data_folder(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CXC_DATA_DIR", str(tmp_path / "data"))
    assert database_url() == f"sqlite:///{tmp_path / 'data' / 'cxc.db'}"
    assert (tmp_path / "data").is_dir()


@pytest.mark.parametrize("given", ["postgresql://u@h/db", "postgres://u@h/db", "postgresql+psycopg://u@h/db"])
def test_postgresql_urls_use_psycopg3(monkeypatch, given: str) -> None:
    monkeypatch.setenv("DATABASE_URL", given)
    assert database_url() == "postgresql+psycopg://u@h/db"


def test_both_backends_answer(engine: Engine) -> None:
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1
