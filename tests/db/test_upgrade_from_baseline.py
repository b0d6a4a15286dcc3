"""A database made by the first release (revision 0001) keeps every record through every later migration."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from db.engine import make_engine
from db.migrate import upgrade


def value_for(column: sa.Column, n: int) -> object:
    kind = column.type
    if column.name == "host_org_id":
        return 2 if n == 1 else 1  # an exchange has two different sides
    if column.foreign_keys or isinstance(kind, sa.Integer):
        return n
    if isinstance(kind, sa.Boolean):
        return True
    if isinstance(kind, sa.DateTime):
        return datetime(2026, 1, n, 9, 30)
    if isinstance(kind, sa.Date):
        return date(2026, 1, n)
    if isinstance(kind, sa.JSON):
        return {"ecosystems": ["Digital", "Textile"], "answer": n}
    if isinstance(kind, sa.LargeBinary):
        return f"bytes {n}".encode()
    if isinstance(kind, sa.Float | sa.Numeric):
        return 1.5 * n
    if column.name.endswith("email"):
        return f"person{n}@example.org"
    length = getattr(kind, "length", None) or 200
    return f"{column.name}-{n}"[:length]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    url = request.getfixturevalue("pg_migrated")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    yield url
    engine = make_engine(url)
    upgrade(engine)  # leave the shared test database at the head for the tests that follow
    engine.dispose()


def test_every_record_of_the_first_release_survives_the_upgrade(fresh_url: str) -> None:
    engine = make_engine(fresh_url)
    upgrade(engine, "0001")
    old = sa.MetaData()
    old.reflect(engine)
    written: dict[str, list[dict]] = {}
    with engine.begin() as conn:
        for table in old.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = [{c.name: value_for(c, n) for c in table.columns} for n in (1, 2)]
            conn.execute(table.insert(), rows)
            written[table.name] = rows
    upgrade(engine)
    new = sa.MetaData()
    new.reflect(engine)
    with engine.connect() as conn:
        for name, rows in written.items():
            table = new.tables[name]
            key = list(table.primary_key.columns)
            stored = [dict(r._mapping) for r in conn.execute(sa.select(table).order_by(*key))]
            assert len(stored) == len(rows), name
            for before, after in zip(rows, stored, strict=True):
                for column, value in before.items():
                    got = after[column]
                    if isinstance(value, datetime) and isinstance(got, datetime):
                        got = got.replace(tzinfo=None)
                    assert got == value, f"{name}.{column}: {value!r} became {got!r}"
        # Columns added later have their defaults, and the tags were filled from the answers.
        assert conn.execute(sa.text("SELECT count(*) FROM exchange WHERE lump_sum_breakdown IS NULL")).scalar_one() == 0
        tags = conn.execute(sa.text("SELECT exchange_id, kind, value FROM exchange_tag ORDER BY 1, 3")).all()
        assert [tuple(t) for t in tags] == [
            (1, "ecosystem", "Digital"),
            (1, "ecosystem", "Textile"),
            (2, "ecosystem", "Digital"),
            (2, "ecosystem", "Textile"),
        ]
    engine.dispose()
