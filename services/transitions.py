"""Applying one workflow transition: the only place where a state column changes.

The change is a conditional UPDATE on the state the caller saw, so that a double click,
a second tab or a second server loses cleanly instead of applying an action twice, and the
audit event is written in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, SQLModel

from db.audit import append_event
from db.models import EOI, Exchange, User
from db.types import id_of, utcnow
from domain.enums import Action, Party
from domain.errors import StaleState
from domain.i18n import _
from domain.workflow import EOI_TRANSITIONS, EXCHANGE_TRANSITIONS, Facts, T, check, state_label

TABLES: dict[type[SQLModel], tuple[T, ...]] = {
    EOI: EOI_TRANSITIONS,
    Exchange: EXCHANGE_TRANSITIONS,
}

ENTITY_NAMES: dict[type[SQLModel], str] = {EOI: "eoi", Exchange: "exchange"}


def apply_transition(
    session: Session,
    record: EOI | Exchange,
    action: Action,
    *,
    parties: Iterable[Party],
    actor: User | None,
    facts: Facts | None = None,
    comment: str = "",
    values: dict[str, object] | None = None,
) -> T:
    """Move `record` along `action`; the caller commits. Raises TransitionRefused or StaleState."""
    model = type(record)
    expected: StrEnum = record.state
    facts = facts or Facts(comment=comment)
    row = check(TABLES[model], expected, action, parties, facts)
    now = utcnow()
    changes: dict[str, object] = {"state": row.target, "updated_at": now, **(values or {})}
    table = model.__table__  # type: ignore[union-attr]
    result = session.execute(
        sa.update(table)
        .where(table.c.id == record.id, table.c.state == expected.value)
        .values(**{key: (val.value if isinstance(val, StrEnum) else val) for key, val in changes.items()})
    )
    if result.rowcount != 1:
        session.rollback()
        current = session.execute(sa.select(table.c.state).where(table.c.id == record.id)).scalar_one_or_none()
        if current is None:
            raise StaleState(_("This record was deleted meanwhile; reload the page."))
        raise StaleState(
            _("This record changed meanwhile (it is now “{state}”); reload the page and try again.").format(
                state=_(state_label(type(expected)(current)))
            )
        )
    append_event(
        session,
        actor=actor,
        entity_type=ENTITY_NAMES[model],
        entity_id=id_of(record),
        action=str(action),
        from_state=expected.value,
        to_state=row.target.value,
        comment=comment,
    )
    # Keep the in-memory object in step with the row without marking it dirty again.
    for key, val in changes.items():
        set_committed_value(record, key, val)
    return row
