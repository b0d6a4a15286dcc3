"""SQL functions that SQLite and PostgreSQL spell differently, one spelling per dialect each."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from db.types import UTCDateTime


class epoch_days(FunctionElement):
    """A timestamp as a number of days, on SQLite and PostgreSQL alike."""

    type = sa.Float()
    inherit_cache = True


class day_start(FunctionElement):
    """A DATE as the timestamp of its midnight UTC, comparable and sortable with timestamps."""

    type = UTCDateTime()
    inherit_cache = True


SPELLINGS: dict[tuple[type[FunctionElement], str], str] = {
    (epoch_days, "sqlite"): "julianday({})",
    (epoch_days, "postgresql"): "(EXTRACT(EPOCH FROM {}) / 86400.0)",
    # SQLite keeps timestamps as naive-UTC text (db.types): the same text at midnight sorts among them.
    (day_start, "sqlite"): "(({}) || ' 00:00:00.000000')",
    (day_start, "postgresql"): "(CAST({} AS TIMESTAMP) AT TIME ZONE 'UTC')",
}


def _register(function: type[FunctionElement], dialect: str, template: str) -> None:
    @compiles(function, dialect)
    def spell(element: FunctionElement, compiler, **kw) -> str:  # type: ignore[no-untyped-def]
        return template.format(compiler.process(element.clauses, **kw))


for (_function, _dialect), _template in SPELLINGS.items():
    _register(_function, _dialect, _template)
