"""The instance's own identity: asked at set-up, edited by admins, never a real organisation's by default."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from db.models import AuditEvent, InstanceSetting, User
from domain.errors import PermissionDenied, ValidationFailed
from services import instance
from tests import factories as f
from tests.conftest import table_count

SUPPORT = instance.Identity(
    name="Support Office of AIB", email="Support@AIB.example.eu", phone="+43 1 234", hours="9:00–13:00 CET"
)


def _setup(session: Session, support: instance.Identity = SUPPORT, **account: str) -> User:
    values = {
        "username": "ada",
        "email": "ada@example.eu",
        "full_name": "Ada Admin",
        "password": f.PASSWORD,
        "password_repeat": f.PASSWORD,
        **account,
    }
    return instance.set_up_instance(session=session, support=support, **values)


def test_a_fresh_instance_advertises_nobody(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in instance.ENVIRONMENT.values():
        monkeypatch.delenv(variable, raising=False)
    assert instance.identity(session) == instance.Identity()


def test_the_environment_applies_until_an_admin_sets_the_identity(session: Session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CXC_SUPPORT_EMAIL", "desk@example.org")
    assert instance.identity(session).email == "desk@example.org"
    admin = f.admin(session)
    saved = instance.save_identity(session=session, actor=admin, data=SUPPORT)
    assert saved.email == "support@aib.example.eu" and saved.name == "Support Office of AIB"
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "identity")).one()


def test_set_up_stores_the_administrator_and_the_identity_together(session: Session) -> None:
    admin = _setup(session)
    assert admin.username == "ada"
    assert instance.identity(session) == instance.Identity(
        name="Support Office of AIB", email="support@aib.example.eu", phone="+43 1 234", hours="9:00–13:00 CET"
    )


def test_bad_set_up_input_names_every_field_and_stores_nothing(session: Session, engine: Engine) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _setup(session, instance.Identity(name=" ", email="not-an-address"), password="short")
    session.rollback()
    assert {"support_name", "support_email", "password"} <= set(caught.value.errors)
    assert table_count(engine, "user") == 0 and table_count(engine, "instance_setting") == 0


def test_only_an_admin_changes_the_identity(session: Session) -> None:
    with pytest.raises(PermissionDenied):
        instance.save_identity(session=session, actor=f.participant(session), data=SUPPORT)
    assert session.exec(select(InstanceSetting)).all() == []
