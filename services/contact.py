"""Messages to the Support Office: stored, e-mailed to the admins, answered from the admin pages."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, func, select

from db.models import ContactMessage, User
from db.types import utcnow
from domain.enums import ContactState
from domain.errors import NotFound, ValidationFailed
from domain.i18n import _, current_locale, in_language, ngettext
from domain.validators import collect, email_problem, normalise_email, required_text
from services.outbox import admins, notify, queue_mail
from services.permissions import require_admin

PER_ADDRESS_PER_HOUR = 3


def send_message(*, session: Session, name: str, email: str, subject: str, body: str) -> ContactMessage:
    errors = collect(
        name=required_text(name, max_length=120, min_length=2),
        email=email_problem(email),
        subject=required_text(subject, max_length=200, min_length=3),
        body=required_text(body, max_length=5000, min_length=10),
    )
    if errors:
        raise ValidationFailed(errors)
    address = normalise_email(email)
    recent = session.exec(
        select(func.count())
        .select_from(ContactMessage)
        .where(ContactMessage.email == address, ContactMessage.created_at >= utcnow() - timedelta(hours=1))
    ).one()
    if recent >= PER_ADDRESS_PER_HOUR:
        raise ValidationFailed(
            {
                "email": ngettext(
                    "You have sent {n} message in the last hour; we will answer it. Please write again later.",
                    "You have sent {n} messages in the last hour; we will answer them. Please write again later.",
                    PER_ADDRESS_PER_HOUR,
                ).format(n=PER_ADDRESS_PER_HOUR)
            }
        )
    message = ContactMessage(
        name=name.strip(), email=address, subject=subject.strip(), body=body.strip(), locale=current_locale()
    )
    session.add(message)
    session.flush()
    notify(
        session,
        admins(session),
        subject=lambda: _("Contact: {subject}").format(subject=message.subject),
        body=lambda: _("{name} <{email}> wrote:\n\n{body}").format(name=message.name, email=address, body=message.body),
        kind="contact",
        link="admin_messages",
    )
    session.commit()
    return message


def messages(
    session: Session, actor: User, states: list[ContactState] | None = None, limit: int = 200
) -> list[ContactMessage]:
    require_admin(actor)
    query = select(ContactMessage).order_by(ContactMessage.created_at.desc()).limit(limit)  # type: ignore[attr-defined]
    if states:
        query = query.where(ContactMessage.state.in_(states))  # type: ignore[attr-defined]
    return list(session.exec(query))


def _message(session: Session, actor: User, message_id: int) -> ContactMessage:
    require_admin(actor)
    message = session.get(ContactMessage, message_id)
    if message is None:
        raise NotFound(_("No such message."))
    return message


def reply(*, session: Session, actor: User, message_id: int, text: str) -> ContactMessage:
    message = _message(session, actor, message_id)
    problem = required_text(text, max_length=5000, min_length=2)
    if problem:
        raise ValidationFailed({"reply": problem})
    message.reply, message.state, message.answered_at = text.strip(), ContactState.ANSWERED, utcnow()
    session.add(message)
    with in_language(message.locale):  # our words in the sender's language; the reply itself as the admin wrote it
        subject = _("Re: {subject}").format(subject=message.subject)
        body = _("Dear {name},\n\n{reply}\n\n— ClusterXchange Support Office\n\n> {original}").format(
            name=message.name, reply=message.reply, original=message.body.replace("\n", "\n> ")
        )
    queue_mail(session, to=message.email, subject=subject, kind="contact_reply", body=body)
    session.commit()
    return message


def close(*, session: Session, actor: User, message_id: int) -> ContactMessage:
    message = _message(session, actor, message_id)
    message.state = ContactState.CLOSED
    session.add(message)
    session.commit()
    return message
