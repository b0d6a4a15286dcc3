"""E-mails are rows of the outbox, written in the same transaction as the change they tell of; and who is told."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlmodel import Session, select

from db.models import Outbox, User
from domain.enums import Role
from domain.i18n import _, in_language
from services.public_address import public_url


def queue_mail(
    session: Session, *, to: str, subject: str, body: str, kind: str, headers: dict[str, str] | None = None
) -> Outbox:
    """`headers`: extra headers of this mail (e.g. List-Unsubscribe), set by the mailer as given."""
    mail = Outbox(to_email=to, subject=subject[:200], body=body, kind=kind, headers=headers or {})
    session.add(mail)
    return mail


# A text of an e-mail: a callable is rendered once per recipient, in the recipient's language.
Text = str | Callable[[], str]


def render(text: Text) -> str:
    return text() if callable(text) else text


def notify(session: Session, users: Iterable[User], *, subject: Text, body: Text, kind: str, link: str = "") -> int:
    """One e-mail per distinct address, in its person's language (User.locale): pass the subject and
    body as `lambda: _("…").format(…)` so that they are translated and formatted for each recipient.
    `link` is a path of the app, e.g. "exchange?id=4"."""
    url = f"{public_url()}/{link}" if link else ""
    sent: set[str] = set()
    for user in users:
        if user.email and user.email not in sent:
            with in_language(user.locale):
                greeting = _("Hello {name},").format(name=user.full_name)
                text = "\n\n".join(part for part in (greeting, render(body), url) if part)
                queue_mail(session, to=user.email, subject=render(subject), body=text, kind=kind)
            sent.add(user.email)
    return len(sent)


def organisation_users(session: Session, organisation_id: int) -> list[User]:
    """The organisation's active people; someone invited is told of its records once they have joined."""
    return list(
        session.exec(
            select(User).where(
                User.organisation_id == organisation_id,
                User.is_active == True,  # noqa: E712 - SQL expression
                User.invited_at.is_(None),  # type: ignore[union-attr]
            )
        )
    )


def partnership_users(session: Session, partnership_id: int) -> list[User]:
    return list(
        session.exec(
            select(User).where(
                User.partnership_id == partnership_id,
                User.role == Role.COORDINATOR,
                User.is_active == True,  # noqa: E712
            )
        )
    )


def admins(session: Session) -> list[User]:
    return list(session.exec(select(User).where(User.role == Role.ADMIN, User.is_active == True)))  # noqa: E712
