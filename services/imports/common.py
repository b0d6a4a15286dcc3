"""What every import kind shares: the rows handed in, the checked rows handed back, the context
of one import (who, for which Partnership, the rules in force) and the summary."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from db.audit import NewEvent
from db.models import User
from domain.i18n import _, ngettext
from domain.places import normalise
from domain.rules import Rules
from domain.validators import required_text
from services.imports.columns import Column, Kind, columns_of
from services.imports.reading import formula_problem, plain_text

ADD, UPDATE, UNCHANGED = "add", "update", "unchanged"
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RowInput:
    number: int  # the spreadsheet's row number
    values: dict[str, str]  # column key -> text as typed (possibly fixed in the preview)


@dataclass
class Checked:
    number: int
    values: dict[str, str]
    problems: dict[str, str] = field(default_factory=dict)
    action: str = ADD
    payload: Any = None  # what the kind's writer needs (the record to update, looked-up ids…)

    def problem(self, key: str, message: str | None) -> None:
        if message and key not in self.problems:
            self.problems[key] = message


@dataclass
class Context:
    session: Session
    actor: User
    kind: Kind
    scope: int | None  # the Partnership whose records this import may touch; None: any (administrator)
    rules: Rules
    events: list[NewEvent] = field(default_factory=list)
    progress: Progress | None = None
    total: int = 0
    done: int = 0

    def tick(self) -> None:
        self.done += 1
        if self.progress is not None and (self.done % 500 == 0 or self.done == self.total):
            self.progress(self.done, self.total)

    def audit(self, entity_type: str, entity_id: int, action: str, *, to_state: str = "", comment: str = "") -> None:
        self.events.append(NewEvent(entity_type, entity_id, action, to_state, comment))


@dataclass
class Summary:
    kind: Kind
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    left_out: int = 0
    people_added: int = 0
    dry_run: bool = False

    def line(self) -> str:
        """ "41 organisations added, 3 updated, 2 left out" (and what else the rows brought): each count in
        a text of its own, whose words agree with the kind and the number in every language."""
        parts = [part.format(n=n) for part, n in _counts(self.kind, self.added, self.updated, self.unchanged)]
        if self.left_out:
            parts.append(ngettext("{n} row left out", "{n} left out", self.left_out).format(n=self.left_out))
        if self.people_added:
            parts.append(
                ngettext("{n} contact person added", "{n} contact people added", self.people_added).format(
                    n=self.people_added
                )
            )
        line = ", ".join(parts)
        return _("Dry run, nothing stored: {line}").format(line=line) if self.dry_run else line


def _counts(kind: Kind, added: int, updated: int, unchanged: int) -> list[tuple[str, int]]:
    if kind == Kind.ORGANISATIONS:
        return [
            (ngettext("{n} organisation added", "{n} organisations added", added), added),
            (ngettext("{n} organisation updated", "{n} updated", updated), updated),
            (ngettext("{n} organisation unchanged", "{n} unchanged", unchanged), unchanged),
        ]
    if kind == Kind.PEOPLE:
        return [
            (ngettext("{n} person added", "{n} people added", added), added),
            (ngettext("{n} person updated", "{n} updated", updated), updated),
            (ngettext("{n} person unchanged", "{n} unchanged", unchanged), unchanged),
        ]
    return [
        (ngettext("{n} exchange added", "{n} exchanges added", added), added),
        (ngettext("{n} exchange updated", "{n} updated", updated), updated),
        (ngettext("{n} exchange unchanged", "{n} unchanged", unchanged), unchanged),
    ]


def each_row(ctx: Context, rows: list[RowInput]) -> Iterator[Checked]:
    """Every row after the checks all kinds share, the progress reported on the way."""
    for row in rows:
        ctx.tick()
        yield first_checks(ctx.kind, row)


def first_checks(kind: Kind, row: RowInput) -> Checked:
    """Cells cleaned (a leading apostrophe kept text as text), formulas refused, required cells present."""
    checked = Checked(row.number, {})
    for col in columns_of(kind):
        raw = (row.values.get(col.key) or "").strip()
        checked.problem(col.key, formula_problem(raw))
        value = plain_text(raw)
        checked.values[col.key] = value
        if col.required and not value:
            checked.problem(col.key, required_text(value, max_length=1))
    return checked


def insert_many(session: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> list[int]:
    """New rows in one statement, their ids in the same order: building 10,000 ORM objects costs
    far more than the SQL. The model's own defaults fill what a row leaves out."""
    if not rows:
        return []
    defaults = {
        name: info.get_default(call_default_factory=True)
        for name, info in model.model_fields.items()
        if name != "id" and not info.is_required()
    }
    table = model.__table__  # type: ignore[attr-defined]
    statement = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(session.execute(statement, [defaults | row for row in rows]).scalars())


@lru_cache(maxsize=65_536)
def normal_name(text: str) -> str:
    """Legal names compare without case, accents or extra spaces ("ACME  Lda" = "Acme Lda")."""
    return " ".join(normalise(text).split())


def label_of(kind: Kind, key: str) -> str:
    col: Column = next(c for c in columns_of(kind) if c.key == key)
    return _(col.label)
