"""Migration 0014 gives every person already in an organisation both roles, so nothing that worked stops."""

from alembic import command
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from db.migrate import alembic_config, upgrade
from db.models import PasswordResetToken, User
from domain.enums import TokenPurpose
from services import accounts
from tests import factories as f


def test_upgrade_makes_existing_people_contact_person_and_signatory(session: Session, engine: Engine) -> None:
    admin = f.admin(session)
    coordinator = f.coordinator(session, admin, f.partnership(session, admin, "VOP").id, "coord")  # type: ignore[arg-type]
    people = [f.participant(session, "ana"), f.participant(session, "bea")]
    accounts.request_password_reset(session=session, email="ana@example.eu")
    session.close()
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0012")
    upgrade(engine)
    with Session(engine) as fresh:
        roles = {u.username: (u.is_contact_person, u.is_signatory) for u in fresh.exec(select(User))}
        assert roles == {
            admin.username: (False, False),
            coordinator.username: (False, False),
            **{p.username: (True, True) for p in people},
        }
        assert fresh.exec(select(PasswordResetToken.purpose)).one() == TokenPurpose.RESET
