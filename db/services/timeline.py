"""The history of a record, read from the audit log."""

from __future__ import annotations

from sqlmodel import Session, select

from db.models import AuditEvent


def timeline(session: Session, entity_type: str, entity_id: int) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent).where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id).order_by(AuditEvent.seq)
        )
    )
