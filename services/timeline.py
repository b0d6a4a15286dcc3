"""The history of a record, read from the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from db.models import AuditEvent, User
from domain.labels import event_label


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    who: str
    action: str
    comment: str

    def line(self, when: str) -> str:
        """One line of the history: the step in the reader's language; the comment as recorded (the audit log's
        own words, evidence that is never rewritten)."""
        return f"{when} · {self.who} · {event_label(self.action)}" + (f": {self.comment}" if self.comment else "")


def timeline(session: Session, entity_type: str, entity_id: int) -> list[TimelineEntry]:
    """Who did what, when: the name is read from the account today, so an erased person shows as erased
    while the audit row itself (append-only) keeps what it recorded."""
    rows = session.exec(
        select(AuditEvent, User.full_name)
        .outerjoin(User, AuditEvent.actor_user_id == User.id)  # type: ignore[arg-type]
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.seq)
    ).all()
    return [
        TimelineEntry(event.created_at, name or event.actor_label, event.action, event.comment) for event, name in rows
    ]
