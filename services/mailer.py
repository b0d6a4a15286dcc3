"""Delivery of the outbox over SMTP.

Mails are claimed with a conditional UPDATE (queued → sending, with a lease), so two app
processes never send the same mail; a process killed mid-send leaves a lease that expires
and the mail is tried again (at least once, never lost). Failures retry with exponential
backoff and end as `failed`, shown to admins with the last error.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

import sqlalchemy as sa
from sqlmodel import Session, select

from db.models import Outbox, User
from db.types import id_of, utcnow
from domain.enums import OutboxState
from domain.i18n import _
from services.permissions import require_admin
from services.public_address import public_url
from services.settings import SettingsError

LEASE = timedelta(minutes=10)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
SECURITY = {"smtp": "none", "smtp+starttls": "starttls", "smtps": "tls"}


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    security: str  # none | starttls | tls
    username: str = ""
    password: str = ""
    cafile: str = ""
    timeout: float = 20.0

    def __repr__(self) -> str:  # never print the password
        return f"SmtpTarget({self.security}://{self.host}:{self.port}, user={self.username or '-'})"


def parse_smtp_url(url: str) -> SmtpTarget:
    """`smtp://host:25` (plain), `smtp+starttls://user:pass@host:587`, `smtps://user:pass@host:465`.

    `?cafile=/path/ca.pem` trusts a private certificate authority (self-hosted relays).
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise SettingsError(_("{name} is not a valid address: {problem}").format(name="SMTP_URL", problem=exc)) from exc
    if parts.scheme not in SECURITY:
        raise SettingsError(_("{name} must start with smtp://, smtp+starttls:// or smtps://").format(name="SMTP_URL"))
    if not parts.hostname:
        raise SettingsError(_("{name} names no host").format(name="SMTP_URL"))
    security = SECURITY[parts.scheme]
    query = parse_qs(parts.query)
    return SmtpTarget(
        host=parts.hostname,
        port=port or {"none": 25, "starttls": 587, "tls": 465}[security],
        security=security,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        cafile=query.get("cafile", [""])[0],
    )


def retry_delay(attempts: int) -> timedelta:
    """1 min after the first failure, then doubling, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def build_message(mail: Outbox, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to_email
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=f"cxc-{mail.id}")
    for name, value in (mail.headers or {}).items():
        message[name] = value
    message.set_content(mail.body)
    return message


class SmtpSender:
    """One SMTP connection for a batch of mails."""

    def __init__(self, target: SmtpTarget) -> None:
        self.target = target
        self.client: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSender:
        target = self.target
        context = ssl.create_default_context(cafile=target.cafile or None)
        if target.security == "tls":
            self.client = smtplib.SMTP_SSL(target.host, target.port, timeout=target.timeout, context=context)
        else:
            self.client = smtplib.SMTP(target.host, target.port, timeout=target.timeout)
            if target.security == "starttls":
                self.client.starttls(context=context)
        if target.username:
            self.client.login(target.username, target.password)
        return self

    def send(self, message: EmailMessage) -> None:
        assert self.client is not None
        self.client.send_message(message)

    def __exit__(self, *_: object) -> None:
        if self.client is not None:
            try:
                self.client.quit()
            except smtplib.SMTPException:
                pass


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def line(self) -> str:
        return f"sent {self.sent}, retrying {self.retrying}, failed {self.failed}"


def claim_due(session: Session, *, now: datetime, limit: int) -> list[Outbox]:
    """Take up to `limit` due mails for this process; a mail another process holds is skipped."""
    due = (Outbox.state == OutboxState.QUEUED) & ((Outbox.next_attempt_at.is_(None)) | (Outbox.next_attempt_at <= now))  # type: ignore[operator, union-attr]
    lease_over = (Outbox.state == OutboxState.SENDING) & (Outbox.next_attempt_at <= now)  # type: ignore[operator]
    candidates = session.exec(select(Outbox.id).where(due | lease_over).order_by(Outbox.id).limit(limit)).all()  # type: ignore[arg-type]
    claimed = []
    for mail_id in candidates:
        result = session.execute(
            sa.update(Outbox)
            .where(Outbox.id == mail_id, due | lease_over)  # type: ignore[arg-type]
            .values(state=OutboxState.SENDING, next_attempt_at=now + LEASE)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(mail_id)
    mails = list(session.exec(select(Outbox).where(Outbox.id.in_(claimed)).order_by(Outbox.id)))  # type: ignore[arg-type, union-attr]
    for mail in mails:
        session.expunge(mail)  # read while sending, with no transaction (and no SQLite write lock) open
    session.commit()
    return mails


def record_outcome(session: Session, mail_id: int, error: str | None, *, now: datetime, max_attempts: int) -> str:
    mail = session.get(Outbox, mail_id)
    assert mail is not None
    mail.attempts += 1
    if error is None:
        mail.state, mail.sent_at, mail.next_attempt_at, mail.last_error = OutboxState.SENT, now, None, ""
        outcome = "sent"
    elif mail.attempts >= max_attempts:
        mail.state, mail.last_error, mail.next_attempt_at = OutboxState.FAILED, error[:2000], None
        outcome = "failed"
    else:
        mail.state, mail.last_error = OutboxState.QUEUED, error[:2000]
        mail.next_attempt_at = now + retry_delay(mail.attempts)
        outcome = "retrying"
    session.add(mail)
    return outcome


def deliver_due(
    session_factory: Callable[[], AbstractContextManager[Session]],
    target: SmtpTarget,
    sender: str,
    *,
    now: datetime | None = None,
    limit: int = 100,
    max_attempts: int = 8,
) -> DeliveryReport:
    """Claim, send, record: three steps, so no transaction stays open while the SMTP server talks."""
    now = now or utcnow()
    with session_factory() as session:
        mails = claim_due(session, now=now, limit=limit)
    if not mails:
        return DeliveryReport()
    errors = _send_all(target, sender, mails)
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    with session_factory() as session:
        for mail, error in zip(mails, errors, strict=True):
            counts[record_outcome(session, id_of(mail), error, now=now, max_attempts=max_attempts)] += 1
        session.commit()
    return DeliveryReport(**counts)


def _send_all(target: SmtpTarget, sender: str, mails: Sequence[Outbox]) -> list[str | None]:
    errors: list[str | None] = []
    try:
        with SmtpSender(target) as connection:
            for mail in mails:
                try:
                    connection.send(build_message(mail, sender))
                    errors.append(None)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
                    errors.append(_describe(exc))
    except (OSError, smtplib.SMTPException) as exc:  # connection, TLS or login: every unsent mail retries
        errors += [_describe(exc)] * (len(mails) - len(errors))
    return errors


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"


def retry_failed(session: Session, mail_ids: Sequence[int], *, actor: User | None = None, system: bool = False) -> int:
    """An admin sends failed mails again (after mending the address or the SMTP settings)."""
    if not system:
        require_admin(actor)
    result = session.execute(
        sa.update(Outbox)
        .where(Outbox.id.in_(mail_ids), Outbox.state == OutboxState.FAILED)  # type: ignore[arg-type, union-attr]
        .values(state=OutboxState.QUEUED, next_attempt_at=None, attempts=0)
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def _sender() -> str:
    """The Support Office of this instance (services/instance.py), or a no-reply address of its host."""
    from urllib.parse import urlparse

    from db.engine import read_session
    from services.instance import identity

    with read_session() as session:
        who = identity(session)
    if who.email:
        return f"{who.name or 'CXC Desk'} <{who.email}>"
    return f"CXC Desk <noreply@{urlparse(public_url()).hostname or 'localhost'}>"


def deliver_configured(*, now: datetime | None = None) -> DeliveryReport | None:
    """Deliver with the instance's settings; None when no SMTP_URL is set (mails wait in the Outbox)."""
    from db.engine import write_session
    from services.settings import load_settings

    settings = load_settings()
    if not settings.smtp_url:
        return None
    from services.news import queue_pending

    with write_session() as session:  # news being sent: the next batch joins the outbox first
        queue_pending(session)
    return deliver_due(
        write_session,
        parse_smtp_url(settings.smtp_url),
        settings.mail_from or _sender(),
        now=now,
        max_attempts=settings.smtp_max_attempts,
    )
