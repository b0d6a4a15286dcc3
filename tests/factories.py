"""Test data made through the service functions, plus a way to log an AppTest in."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from sqlmodel import Session

from db.models import AuthSession, Partnership, User
from db.types import id_of, utcnow
from domain.enums import OrgType, Role
from services.accounts import Registration, create_admin, create_coordinator, register_participant, sha256_hex
from services.partnerships import PartnershipInput, create_partnership

PASSWORD = "correct-horse-battery-staple"
_numbers = count(1)


def admin(session: Session, username: str = "admin") -> User:
    return create_admin(
        session=session,
        username=username,
        email=f"{username}@example.eu",
        full_name="Ada Admin",
        password=PASSWORD,
        password_repeat=PASSWORD,
    )


def partnership(session: Session, actor: User, acronym: str | None = None) -> Partnership:
    acronym = acronym or f"P{next(_numbers)}"
    return create_partnership(
        session=session,
        actor=actor,
        data=PartnershipInput(
            name=f"Partnership {acronym}",
            acronym=acronym,
            contact_email=f"{acronym.lower()}@example.eu",
            countries=["PT", "FR"],
            ecosystems=["Digital"],
        ),
    )


def coordinator(session: Session, actor: User, partnership_id: int, username: str | None = None) -> User:
    username = username or f"coord{next(_numbers)}"
    return create_coordinator(
        session=session,
        actor=actor,
        partnership_id=partnership_id,
        username=username,
        email=f"{username}@example.eu",
        full_name="Cora Coordinator",
        password=PASSWORD,
        password_repeat=PASSWORD,
    )


def participant(session: Session, username: str | None = None, country: str = "PT") -> User:
    username = username or f"part{next(_numbers)}"
    return register_participant(
        session=session,
        data=Registration(
            username=username,
            email=f"{username}@example.eu",
            full_name="Pat Participant",
            password=PASSWORD,
            password_repeat=PASSWORD,
            organisation_name=f"Org of {username}",
            organisation_type=OrgType.SME.value,
            country=country,
            city="Porto",
        ),
    )


def open_session(session: Session, user: User) -> int:
    """A server-side login record, as a successful password login would create."""
    record = AuthSession(
        key_hash=sha256_hex(f"test|{id_of(user)}|{next(_numbers)}"),
        user_id=id_of(user),
        expires_at=utcnow() + timedelta(hours=1),
    )
    session.add(record)
    session.commit()
    return record.id  # type: ignore[return-value]


def log_in(app_test, session: Session, user: User):
    """Put an AppTest in the state of a browser that logged in as `user`."""
    app_test.session_state["cxc_session_id"] = open_session(session, user)
    return app_test


ROLES = (None, Role.PARTICIPANT, Role.COORDINATOR, Role.ADMIN)
