"""Ecosystems and activity types of an exchange, kept as rows so the figures can GROUP BY them.

They live in JSON answers (the Visitor's expression of interest, the action plan); JSON arrays
cannot be grouped alike on SQLite and PostgreSQL, so a copy is written when they are settled.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlmodel import Session

from db.models import EOI, ActionPlan, Exchange, ExchangeTag
from db.types import id_of

ECOSYSTEM = "ecosystem"
ACTIVITY = "activity_type"


def ecosystems_of(eoi_answers: dict) -> list[str]:
    values = eoi_answers.get("ecosystems") or []
    return [str(v) for v in values if str(v).strip()] if isinstance(values, list) else []


def activities_of(plan_answers: dict) -> list[str]:
    rows = plan_answers.get("activities") or []
    return (
        [str(r.get("activity_type")) for r in rows if isinstance(r, dict) and r.get("activity_type")]
        if isinstance(rows, list)
        else []
    )


def set_tags(session: Session, exchange_id: int, kind: str, values: Iterable[str]) -> None:
    session.execute(sa.delete(ExchangeTag).where(ExchangeTag.exchange_id == exchange_id, ExchangeTag.kind == kind))  # type: ignore[arg-type]
    for value in sorted({v[:80] for v in values}):
        session.add(ExchangeTag(exchange_id=exchange_id, kind=kind, value=value))


def tag_from_eoi(session: Session, exchange: Exchange) -> None:
    eoi = session.get(EOI, exchange.visitor_eoi_id)
    set_tags(session, id_of(exchange), ECOSYSTEM, ecosystems_of(eoi.answers if eoi else {}))


def tag_from_plan(session: Session, exchange: Exchange, plan: ActionPlan) -> None:
    set_tags(session, id_of(exchange), ACTIVITY, activities_of(plan.answers))
