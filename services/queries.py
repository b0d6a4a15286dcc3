"""Read-only queries behind the pages, each scoped to what the asking user may see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, func, select

from db.audit import ChainReport, verify_chain
from db.models import AuditEvent, Organisation, Outbox, Partnership, User
from domain.enums import OutboxState, Role


def organisation_of(session: Session, user: User) -> Organisation | None:
    if user.role != Role.PARTICIPANT or user.organisation_id is None:
        return None
    return session.get(Organisation, user.organisation_id)


def partnership_of(session: Session, user: User) -> Partnership | None:
    if user.role != Role.COORDINATOR or user.partnership_id is None:
        return None
    return session.get(Partnership, user.partnership_id)


def colleagues(session: Session, user: User) -> list[User]:
    """People of the same organisation (participant) or Partnership (coordinator)."""
    if user.role == Role.PARTICIPANT and user.organisation_id:
        query = select(User).where(User.organisation_id == user.organisation_id)
    elif user.role == Role.COORDINATOR and user.partnership_id:
        query = select(User).where(User.partnership_id == user.partnership_id, User.role == Role.COORDINATOR)
    else:
        return []
    return list(session.exec(query.order_by(User.full_name)))


@dataclass(frozen=True)
class ProgrammeCounts:
    partnerships: int
    organisations: int
    participants: int
    coordinators: int
    queued_mails: int
    audit_events: int


def programme_counts(session: Session) -> ProgrammeCounts:
    def count(model: type, *where: object) -> int:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()  # type: ignore[arg-type]

    return ProgrammeCounts(
        partnerships=count(Partnership),
        organisations=count(Organisation),
        participants=count(User, User.role == Role.PARTICIPANT),
        coordinators=count(User, User.role == Role.COORDINATOR),
        queued_mails=count(Outbox, Outbox.state == OutboxState.QUEUED),
        audit_events=count(AuditEvent),
    )


def coordinators_with_partnership(session: Session) -> list[tuple[User, Partnership]]:
    query = (
        select(User, Partnership)
        .join(Partnership, User.partnership_id == Partnership.id)  # type: ignore[arg-type]
        .where(User.role == Role.COORDINATOR)
        .order_by(Partnership.acronym, User.full_name)
    )
    return list(session.exec(query))


def users_page(session: Session, *, search: str = "", limit: int = 200) -> list[User]:
    query = select(User).order_by(User.username).limit(limit)
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            func.lower(User.username).like(pattern)
            | func.lower(User.full_name).like(pattern)
            | func.lower(User.email).like(pattern)
        )
    return list(session.exec(query))


def outbox_page(session: Session, *, states: Sequence[OutboxState] = (), limit: int = 200) -> list[Outbox]:
    query = select(Outbox).order_by(Outbox.created_at.desc()).limit(limit)  # type: ignore[attr-defined]
    if states:
        query = query.where(Outbox.state.in_(states))  # type: ignore[attr-defined]
    return list(session.exec(query))


def outbox_counts(session: Session) -> dict[OutboxState, int]:
    rows = session.exec(select(Outbox.state, func.count()).group_by(Outbox.state)).all()
    return {state: count for state, count in rows}


def audit_page(session: Session, *, search: str = "", limit: int = 500) -> list[tuple[AuditEvent, str | None]]:
    """Newest events first, with the actor's user name today (an erased person shows as erased; the
    append-only row keeps what it recorded). `search`: "exchange 12" for a record, or a user name."""
    query = (
        select(AuditEvent, User.username)
        .outerjoin(User, AuditEvent.actor_user_id == User.id)  # type: ignore[arg-type]
        .order_by(AuditEvent.seq.desc())  # type: ignore[attr-defined]
        .limit(limit)
    )
    words = search.strip().lower().split()
    if len(words) == 2 and words[1].isdigit():
        query = query.where(AuditEvent.entity_type == words[0], AuditEvent.entity_id == int(words[1]))
    elif words:
        query = query.where(User.username == words[0])
    return [(event, who) for event, who in session.exec(query)]


def check_audit_chain(session: Session) -> ChainReport:
    """The hash chain of the audit log walked from its first event (the admin's Audit log page)."""
    return verify_chain(session)
