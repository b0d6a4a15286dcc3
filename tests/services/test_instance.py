"""The instance's own identity: asked at set-up, edited by admins, never a real organisation's by default."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.testclient import TestClient

from db.models import AuditEvent, InstanceSetting, Outbox, User
from domain.errors import PermissionDenied, ValidationFailed
from services import instance, public_address
from services.outbox import notify
from tests import factories as f
from tests.conftest import table_count
from web.headers import SecurityHeadersMiddleware

SUPPORT = instance.Identity(
    name="Support Office of AIB",
    email="Support@AIB.example.eu",
    phone="+43 1 234",
    hours="9:00–13:00 CET",
    public_url="https://desk.aib.example.eu/",
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
    for variable in [*instance.ENVIRONMENT.values(), public_address.ENVIRONMENT]:
        monkeypatch.delenv(variable, raising=False)
    assert instance.identity(session) == instance.Identity(public_url="http://localhost:8501")


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
        name="Support Office of AIB",
        email="support@aib.example.eu",
        phone="+43 1 234",
        hours="9:00–13:00 CET",
        public_url="https://desk.aib.example.eu",
    )


def test_bad_set_up_input_names_every_field_and_stores_nothing(session: Session, engine: Engine) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _setup(session, instance.Identity(name=" ", email="not-an-address"), password="short")
    session.rollback()
    assert {"support_name", "support_email", "password", "public_url"} <= set(caught.value.errors)
    assert table_count(engine, "user") == 0 and table_count(engine, "instance_setting") == 0


def test_only_an_admin_changes_the_identity(session: Session) -> None:
    with pytest.raises(PermissionDenied):
        instance.save_identity(session=session, actor=f.participant(session), data=SUPPORT)
    assert session.exec(select(InstanceSetting)).all() == []


@pytest.mark.parametrize(
    "address",
    ["", "cxc.example.eu", "ftp://cxc.example.eu", "https://", "https://cxc.example.eu/?next=1", "https://a:b@cxc.eu"],
)
def test_an_address_people_cannot_reach_is_refused_with_a_reason(session: Session, address: str) -> None:
    admin = f.admin(session)
    with pytest.raises(ValidationFailed) as caught:
        instance.save_identity(session=session, actor=admin, data=replace(SUPPORT, public_url=address))
    session.rollback()
    assert caught.value.errors["public_url"]
    assert session.exec(select(InstanceSetting)).all() == []


def test_the_address_an_admin_sets_is_the_one_links_and_headers_use_at_once(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(public_address.ENVIRONMENT, "http://localhost:8501")
    admin = f.admin(session)
    # Read once through the process-wide copy, as the mail and the cookie routes do.
    assert public_address.public_url() == "http://localhost:8501"
    instance.save_identity(session=session, actor=admin, data=SUPPORT)
    assert public_address.public_url() == "https://desk.aib.example.eu"
    notify(session, [admin], subject="s", body="b", kind="test", link="exchange?id=7")
    session.commit()
    assert "https://desk.aib.example.eu/exchange?id=7" in session.exec(select(Outbox.body)).one()
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "identity")).one()
    assert "https://desk.aib.example.eu" in (event.comment or "")

    with TestClient(Starlette(middleware=[Middleware(SecurityHeadersMiddleware, https=_https_now)])) as client:
        assert "strict-transport-security" in client.get("/").headers
        instance.save_identity(
            session=session, actor=admin, data=replace(SUPPORT, public_url="http://intranet.aib.local:8501")
        )
        assert "strict-transport-security" not in client.get("/").headers


def _https_now() -> bool:
    return public_address.public_url().startswith("https://")


def test_an_action_reads_the_public_address_through_its_own_connection(database_url: str) -> None:
    """The address's cache runs out in the middle of an action (a contact message whose mail links to
    the app): the action asks the pool for no second connection. Before, under a burst of 200, every
    pooled connection was held by a writer queueing for this action's lock, and the second request
    waited for the pool's 30-second timeout."""
    import sqlalchemy as sa

    from db.engine import get_engine, write_session
    from services.contact import send_message

    with write_session() as session:
        f.admin(session)
        public_address.store_public_url(session, "https://desk.alpine.example.eu", None)
        session.commit()
    public_address.forget_cached_public_url()
    checkouts: list[int] = []

    def counted(*_args: object) -> None:
        checkouts.append(1)

    sa.event.listen(get_engine(), "checkout", counted)
    try:
        with write_session() as session:
            send_message(
                session=session, name="Ana", email="ana@example.pt", subject="Dates", body="When does the call open?"
            )
    finally:
        sa.event.remove(get_engine(), "checkout", counted)
    assert len(checkouts) == 1
    with write_session() as session:
        mail = session.exec(select(Outbox).where(Outbox.kind == "contact")).one()
        assert "https://desk.alpine.example.eu/admin_messages" in mail.body
