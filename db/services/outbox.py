"""E-mails are rows of the outbox, written in the same transaction as the change they tell of."""

from __future__ import annotations

from sqlmodel import Session

from db.models import Outbox


def queue_mail(session: Session, *, to: str, subject: str, body: str, kind: str) -> Outbox:
    mail = Outbox(to_email=to, subject=subject[:200], body=body, kind=kind)
    session.add(mail)
    return mail
