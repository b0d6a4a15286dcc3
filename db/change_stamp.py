"""A token that moves whenever the records the work queue reads are written.

A process may keep what it computed from those tables (a page of the work queue) for as long as
the token it read before computing is still the token in the database. The token is moved in the
same transaction as the write, at commit, by every session of every process (manage.py commands
included), so a page kept by one server is dropped as soon as another server commits a change.

The token is moved last, just before COMMIT: the row lock it takes on PostgreSQL is held for the
commit only, and a transaction holding it waits for nothing else (no deadlock with the record
locks taken earlier). Writes that bypass the ORM session (a raw connection) are not seen: the app
has none outside migrations and restores, which run before the servers start.
"""

from __future__ import annotations

import uuid
from itertools import chain

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from db.models import ChangeStamp

WORK = "work"
# Everything the work queue reads: its items, the organisations' names and countries, the
# participants it searches by name or e-mail, and the rules versions that set its deadlines.
WATCHED = frozenset(
    {
        "exchange",
        "eoi",
        "action_plan",
        "document",
        "signature",
        "closing_report",
        "payment",
        "organisation",
        "user",
        "rules_version",
    }
)
# A login writes the user row too (last login, failed attempts): only these columns are read.
USER_COLUMNS = ("full_name", "email", "organisation_id")
_CHANGED = "cxc_work_changed"


def current_token(session: Session) -> str:
    """The token now in the database; a fresh one (that matches nothing kept) if the row is missing."""
    token = session.execute(sa.select(ChangeStamp.token).where(ChangeStamp.name == WORK)).scalar_one_or_none()
    return token or uuid.uuid4().hex


def _table_of(obj: object) -> str | None:
    table = getattr(type(obj), "__table__", None)
    return getattr(table, "name", None)


def _changes_work(obj: object, *, dirty: bool) -> bool:
    table = _table_of(obj)
    if table not in WATCHED:
        return False
    if not dirty:
        return True
    state = sa.inspect(obj)
    columns = USER_COLUMNS if table == "user" else state.mapper.column_attrs.keys()
    return any(state.attrs[name].history.has_changes() for name in columns)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    # The lists and the attributes' history still show what this flush wrote.
    if any(_changes_work(obj, dirty=False) for obj in chain(session.new, session.deleted)) or any(
        _changes_work(obj, dirty=True) for obj in session.dirty
    ):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    # INSERT/UPDATE/DELETE statements run through session.execute (conditional transitions, bulk
    # imports) write without a flush; they count whatever columns they set.
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in WATCHED:
            state.session.info[_CHANGED] = True


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    session.flush()  # what is still pending is written now, so that it is seen above
    if session.info.pop(_CHANGED, False):
        session.execute(sa.update(ChangeStamp).where(ChangeStamp.name == WORK).values(token=uuid.uuid4().hex))


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_CHANGED, None)
