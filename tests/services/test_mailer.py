"""The outbox reaches a real SMTP server; failures retry with backoff and end visible to admins."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from db.models import Outbox
from db.types import id_of, utcnow
from domain.enums import OutboxState
from services.mailer import deliver_due, parse_smtp_url, retry_delay, retry_failed
from services.outbox import queue_mail
from services.settings import SettingsError
from tests.smtp_catcher import SmtpCatcher, free_port

SENDER = "CXC Desk <desk@example.org>"


def factory(engine: Engine):
    @contextmanager
    def make():
        with Session(engine, expire_on_commit=False) as session:
            yield session

    return make


def queue(session: Session, count: int = 1) -> list[int]:
    mails = [
        queue_mail(
            session, to=f"person{i}@example.org", subject=f"Subject {i} – Kraków", body=f"Body {i} € ż", kind="test"
        )
        for i in range(count)
    ]
    session.commit()
    return [id_of(m) for m in mails]


def states(session: Session) -> list[OutboxState]:
    session.expire_all()
    found = [m.state for m in session.exec(select(Outbox).order_by(Outbox.id))]
    session.commit()  # the test's session writes (BEGIN IMMEDIATE): never hold it across a delivery
    return found


def reread(session: Session, mail: Outbox) -> Outbox:
    session.refresh(mail)
    session.commit()
    return mail


def test_mails_arrive_at_a_real_smtp_server(session: Session, engine: Engine) -> None:
    queue(session, 3)
    with SmtpCatcher() as smtp:
        report = deliver_due(factory(engine), parse_smtp_url(smtp.url()), SENDER)
        message = smtp.inbox.wait_for("person1@example.org", "Subject 1")
    assert (report.sent, report.retrying, report.failed) == (3, 0, 0)
    assert message.get_content().strip() == "Body 1 € ż"
    assert "Kraków" in str(message["Subject"]) and "desk@example.org" in str(message["From"])
    assert states(session) == [OutboxState.SENT] * 3
    # Nothing is sent twice.
    assert deliver_due(factory(engine), parse_smtp_url(smtp.url()), SENDER).sent == 0


def test_starttls_with_login(session: Session, engine: Engine, tmp_path: Path) -> None:
    queue(session)
    with SmtpCatcher(tls_folder=tmp_path, login=("desk", "s3cret pass")) as smtp:
        good = parse_smtp_url(smtp.url("desk", "s3cret%20pass"))
        assert good.security == "starttls" and good.password == "s3cret pass"
        assert deliver_due(factory(engine), good, SENDER).sent == 1
        smtp.inbox.wait_for("person0@example.org")


def test_unreachable_server_retries_with_backoff_then_fails(session: Session, engine: Engine) -> None:
    queue(session)
    target = parse_smtp_url(f"smtp://127.0.0.1:{free_port()}")
    now = utcnow()
    first = deliver_due(factory(engine), target, SENDER, now=now, max_attempts=3)
    assert first.retrying == 1
    mail = reread(session, session.exec(select(Outbox)).one())
    assert mail.state == OutboxState.QUEUED and mail.attempts == 1 and "ConnectionRefusedError" in mail.last_error
    assert mail.next_attempt_at == now + timedelta(minutes=1)
    # Not due yet: nothing tried.
    assert deliver_due(factory(engine), target, SENDER, now=now + timedelta(seconds=30), max_attempts=3).retrying == 0
    second = deliver_due(factory(engine), target, SENDER, now=now + timedelta(minutes=1), max_attempts=3)
    assert second.retrying == 1
    reread(session, mail)
    assert mail.next_attempt_at == now + timedelta(minutes=3)  # 1 min then 2 min
    third = deliver_due(factory(engine), target, SENDER, now=now + timedelta(minutes=3), max_attempts=3)
    assert third.failed == 1
    reread(session, mail)
    assert mail.state == OutboxState.FAILED and mail.attempts == 3
    # An admin sends it again once the server is back.
    assert retry_failed(session, [id_of(mail)], system=True) == 1
    session.commit()
    with SmtpCatcher() as smtp:
        assert (
            deliver_due(factory(engine), parse_smtp_url(smtp.url()), SENDER, now=now + timedelta(minutes=4)).sent == 1
        )
        smtp.inbox.wait_for("person0@example.org")


def test_a_lease_left_by_a_killed_sender_expires(session: Session, engine: Engine) -> None:
    queue(session)
    now = utcnow()
    with factory(engine)() as claiming:
        from services.mailer import claim_due

        assert len(claim_due(claiming, now=now, limit=10)) == 1
    assert states(session) == [OutboxState.SENDING]
    with SmtpCatcher() as smtp:
        target = parse_smtp_url(smtp.url())
        assert deliver_due(factory(engine), target, SENDER, now=now + timedelta(minutes=1)).sent == 0  # still held
        assert deliver_due(factory(engine), target, SENDER, now=now + timedelta(minutes=11)).sent == 1


def test_retry_delay_doubles_up_to_six_hours() -> None:
    assert [retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert retry_delay(30) == timedelta(hours=6)


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "smtp://host:notaport", "mail.example.org:25"])
def test_bad_smtp_urls_are_named(url: str) -> None:
    with pytest.raises(SettingsError, match="SMTP_URL"):
        parse_smtp_url(url)


def test_password_never_in_repr() -> None:
    target = parse_smtp_url("smtps://desk:hunter2-secret@mail.example.org")
    assert target.port == 465 and target.security == "tls"
    assert "hunter2" not in repr(target)
