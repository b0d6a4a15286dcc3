"""The database engine (from DATABASE_URL) and the one-session-per-action helpers.

SQLite is the embedded default (a file in the data folder, WAL, foreign keys on, a busy
timeout); PostgreSQL is used through psycopg 3 when DATABASE_URL says so. The code path is
the same for both.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from db import change_stamp  # noqa: F401  (its session events move the token on every write of the work)

SQLITE_BUSY_TIMEOUT_MS = 30_000  # a burst of writers queues for the lock instead of failing

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()

# The write session of the action running in this context, while it is open. Code deep inside an
# action that needs one small read of its own (the public address on a cache miss) reads through
# it instead of asking the pool for a second connection: under a burst, every pooled connection
# is held by a writer queueing for the lock that this action holds, and a second request waited
# for the pool's 30-second timeout, failing every page waiting behind it.
_open_write: ContextVar[Session | None] = ContextVar("cxc_open_write_session", default=None)


def data_dir() -> Path:
    """The folder for the SQLite file, the cookie secret and stored files (CXC_DATA_DIR)."""
    path = Path(os.environ.get("CXC_DATA_DIR", Path(__file__).resolve().parent.parent / "data"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            # Accept the libpq form operators copy from their provider; we always drive psycopg 3.
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    return f"sqlite:///{data_dir() / 'cxc.db'}"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # A writing action takes the write lock up front: a deferred transaction that read
        # first and writes later fails at once with "database is locked" when another
        # writer committed in between, whatever the busy timeout.
        mode = "IMMEDIATE" if conn.get_execution_options().get("cxc_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        database = sa.engine.make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def get_engine(url: str | None = None) -> Engine:
    """One engine per URL and process: the pool is shared by every session of the app."""
    url = url or database_url()
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = make_engine(url)
        return engine


def dispose_engines() -> None:
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def read_session() -> Iterator[Session]:
    """A session for reading: closed at the end of the block, nothing committed."""
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


@contextmanager
def write_session() -> Iterator[Session]:
    """A session for one user action: the caller commits once; any error rolls back."""
    engine = get_engine().execution_options(cxc_write=True)
    with Session(engine, expire_on_commit=False) as session:
        opened = _open_write.set(session)
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        finally:
            _open_write.reset(opened)


def open_write_session() -> Session | None:
    """The write session of the action running here, if one is open (see `_open_write`)."""
    return _open_write.get()
