"""Accounts: registration with bad input, first admin, lock-out, sessions, passwords."""

from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from db.models import AuthSession, Organisation, Outbox, PasswordResetToken, User
from db.types import id_of, utcnow
from domain.enums import Role
from domain.errors import PermissionDenied, ValidationFailed
from services import accounts, sessions
from tests import factories as f
from tests.conftest import table_count

GOOD = accounts.Registration(
    username="ana.sousa",
    email="ana@porto.example.eu",
    full_name="Ana Sousa",
    password=f.PASSWORD,
    password_repeat=f.PASSWORD,
    organisation_name="Porto Digital Cluster",
    organisation_type="cluster",
    country="PT",
    city="Porto",
)


def test_registration_creates_person_and_organisation(session: Session) -> None:
    user = accounts.register_participant(session=session, data=GOOD)
    organisation = session.get(Organisation, user.organisation_id)
    assert user.role == Role.PARTICIPANT and organisation is not None
    assert (organisation.legal_name, organisation.country, organisation.city) == (
        "Porto Digital Cluster",
        "PT",
        "Porto",
    )
    assert accounts.check_password(f.PASSWORD, user.password_hash)
    assert session.exec(select(Outbox).where(Outbox.to_email == "ana@porto.example.eu")).one().kind == "welcome"


BAD_INPUTS = [
    ({"username": ""}, "username", "required"),
    ({"full_name": ""}, "full_name", "required"),
    ({"full_name": "x" * 121}, "full_name", "under 120"),
    ({"organisation_name": "y" * 201}, "organisation_name", "under 200"),
    ({"email": "not-an-address"}, "email", "not an e-mail address"),
    ({"email": ""}, "email", "required"),
    ({"country": "US"}, "country", "not a participating country"),
    ({"country": ""}, "country", "Please choose"),
    ({"organisation_type": "bank"}, "organisation_type", "not a type of organisation"),
    ({"password": "short", "password_repeat": "short"}, "password", "at least 12"),
    ({"password": "password1234", "password_repeat": "password1234"}, "password", "most common"),
    ({"password_repeat": "something-else-entirely"}, "password_repeat", "differ"),
    ({"username": "Ana Sousa!"}, "username", "lower-case"),
    ({"city": "   "}, "city", "required"),
]


@pytest.mark.parametrize(("change", "field", "words"), BAD_INPUTS)
def test_bad_registration_input_names_the_field_and_stores_nothing(
    session: Session, engine: Engine, change, field, words
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        accounts.register_participant(session=session, data=replace(GOOD, **change))
    assert field in caught.value.errors
    assert words.lower() in caught.value.errors[field].lower()
    session.rollback()
    assert (
        table_count(engine, "user") == 0
        and table_count(engine, "organisation") == 0
        and table_count(engine, "outbox") == 0
    )


def test_duplicate_user_name_or_email_is_refused(session: Session, engine: Engine) -> None:
    accounts.register_participant(session=session, data=GOOD)
    with pytest.raises(ValidationFailed) as caught:
        accounts.register_participant(
            session=session, data=replace(GOOD, email="other@example.eu", username="ANA.SOUSA")
        )
    assert "taken" in caught.value.errors["username"]
    with pytest.raises(ValidationFailed) as caught:
        accounts.register_participant(
            session=session, data=replace(GOOD, username="ana2", email="ANA@porto.example.eu")
        )
    assert "exists already" in caught.value.errors["email"]
    session.rollback()
    assert table_count(engine, "user") == 1 and table_count(engine, "organisation") == 1


def test_first_admin_only_once(session: Session) -> None:
    assert accounts.instance_needs_setup(session)
    accounts.create_first_admin(
        session=session,
        username="root",
        email="root@example.eu",
        full_name="Root Admin",
        password=f.PASSWORD,
        password_repeat=f.PASSWORD,
    )
    assert not accounts.instance_needs_setup(session)
    with pytest.raises(PermissionDenied):
        accounts.create_first_admin(
            session=session,
            username="root2",
            email="root2@example.eu",
            full_name="Second",
            password=f.PASSWORD,
            password_repeat=f.PASSWORD,
        )
    assert len(session.exec(select(User)).all()) == 1


def test_five_failures_lock_the_account_for_fifteen_minutes(session: Session) -> None:
    user = f.participant(session)
    for _ in range(4):
        accounts.record_failed_login(session=session, username=user.username)
    session.expire_all()
    assert not accounts.is_locked(session.get(User, id_of(user)))  # type: ignore[arg-type]
    assert user.username in accounts.login_credentials(session)["usernames"]
    accounts.record_failed_login(session=session, username=user.username)
    session.expire_all()
    locked = session.get(User, user.id)
    assert accounts.is_locked(locked)  # type: ignore[arg-type]
    assert timedelta(minutes=14) < locked.locked_until - utcnow() <= timedelta(minutes=15)  # type: ignore[operator, union-attr]
    # A locked user is absent from the login credentials: the form answers as for a wrong password.
    assert user.username not in accounts.login_credentials(session)["usernames"]


def test_lock_revokes_open_sessions(session: Session) -> None:
    user = f.participant(session)
    session_id = f.open_session(session, user)
    assert accounts.active_user(session, session_id) is not None
    for _ in range(5):
        accounts.record_failed_login(session=session, username=user.username)
    session.expire_all()
    assert accounts.active_user(session, session_id) is None


def test_unknown_user_failures_change_nothing(session: Session, engine: Engine) -> None:
    accounts.record_failed_login(session=session, username="nobody")
    assert table_count(engine, "audit_event") == 0


def test_logout_revokes_the_server_session(session: Session) -> None:
    user = f.participant(session)
    login = sessions.open_session(session=session, user=user)
    cookie = sessions.redeem_ticket(session=session, ticket=login.ticket)
    assert cookie is not None and accounts.active_user(session, login.auth_session_id) is not None
    assert sessions.session_for_token(session, cookie.token).id == login.auth_session_id  # type: ignore[union-attr]
    accounts.revoke_session(session=session, auth_session_id=login.auth_session_id)
    session.expire_all()
    assert accounts.active_user(session, login.auth_session_id) is None


def test_expired_session_is_not_active(session: Session) -> None:
    user = f.participant(session)
    session_id = f.open_session(session, user)
    session.execute(
        sa.update(AuthSession).where(AuthSession.id == session_id).values(expires_at=utcnow() - timedelta(seconds=1))
    )
    session.commit()
    assert accounts.active_user(session, session_id) is None


def test_change_password_checks_the_current_one(session: Session) -> None:
    user = f.participant(session)
    with pytest.raises(ValidationFailed) as caught:
        accounts.change_password(
            session=session, actor=user, current="wrong", new="a-brand-new-secret", new_repeat="a-brand-new-secret"
        )
    assert "current" in caught.value.errors
    accounts.change_password(
        session=session, actor=user, current=f.PASSWORD, new="a-brand-new-secret", new_repeat="a-brand-new-secret"
    )
    session.expire_all()
    assert accounts.check_password("a-brand-new-secret", session.get(User, id_of(user)).password_hash)  # type: ignore[union-attr]


def test_password_reset_by_one_time_token(session: Session) -> None:
    user = f.participant(session)
    for _ in range(5):
        accounts.record_failed_login(session=session, username=user.username)
    accounts.request_password_reset(session=session, email=user.email.upper())
    mail = session.exec(select(Outbox).where(Outbox.kind == "password_reset")).one()
    token = mail.body.split("token=")[1].split()[0]
    assert session.exec(select(PasswordResetToken)).one().token_hash != token  # only the hash is stored
    accounts.reset_password(session=session, token=token, new="my-new-long-secret", new_repeat="my-new-long-secret")
    session.expire_all()
    reloaded = session.get(User, user.id)
    assert accounts.check_password("my-new-long-secret", reloaded.password_hash)  # type: ignore[union-attr]
    assert not accounts.is_locked(reloaded)  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed, match="invalid or has expired"):
        accounts.reset_password(
            session=session, token=token, new="another-long-secret", new_repeat="another-long-secret"
        )


def test_reset_request_for_unknown_address_says_nothing_and_stores_nothing(session: Session, engine: Engine) -> None:
    accounts.request_password_reset(session=session, email="nobody@example.eu")
    assert table_count(engine, "outbox") == 0 and table_count(engine, "password_reset_token") == 0


def test_only_admins_create_coordinators(session: Session) -> None:
    admin = f.admin(session)
    partnership = f.partnership(session, admin)
    participant = f.participant(session)
    with pytest.raises(PermissionDenied):
        f.coordinator(session, participant, id_of(partnership))
    coordinator = f.coordinator(session, admin, id_of(partnership))
    assert coordinator.role == Role.COORDINATOR and coordinator.partnership_id == partnership.id
    with pytest.raises(ValidationFailed):
        f.coordinator(session, admin, 9999)


def test_admin_locks_an_account_and_sends_a_reset_link(session: Session) -> None:
    from services.accounts import active_user, lock_user, send_reset_link, unlock_user
    from tests import factories

    admin = factories.admin(session)
    person = factories.participant(session)
    login = factories.open_session(session, person)
    with pytest.raises(PermissionDenied):
        lock_user(session=session, actor=person, user_id=id_of(admin))
    lock_user(session=session, actor=admin, user_id=id_of(person))
    assert active_user(session, login) is None and session.get(AuthSession, login).revoked_at is not None  # type: ignore[union-attr]
    unlock_user(session=session, actor=admin, user_id=id_of(person))
    send_reset_link(session=session, actor=admin, user_id=id_of(person))
    mail = session.exec(select(Outbox).where(Outbox.to_email == person.email, Outbox.kind == "password_reset")).one()
    assert "reset_password?token=" in mail.body
