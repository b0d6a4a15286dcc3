"""News sign-up with double opt-in, a one-click unsubscribe link, and a page to see one's subscription.

The confirmation link carries a random token (stored hashed). The unsubscribe link carries an
HMAC of the address under the instance secret, so every later news e-mail can carry one
without storing anything, and nobody can unsubscribe someone else.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from sqlmodel import Session, func, select

from db.models import NewsSubscriber, Outbox
from db.types import utcnow
from domain.errors import NotFound, ValidationFailed
from domain.i18n import _
from domain.validators import email_problem, normalise_email
from services.outbox import queue_mail
from services.settings import cookie_key, load_settings

CONFIRMATIONS_PER_DAY = 3


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def manage_token(email: str) -> str:
    return hmac.new(cookie_key().encode(), f"news|{email}".encode(), hashlib.sha256).hexdigest()[:32]


def manage_link(email: str, *, unsubscribe: bool = False) -> str:
    query = {"email": email, "token": manage_token(email)} | ({"action": "unsubscribe"} if unsubscribe else {})
    return f"{load_settings().public_url}/news?{urlencode(query)}"


def subscribe(session: Session, email: str) -> None:
    """Always the same answer to the visitor (no telling who is subscribed); a mail only when useful."""
    problem = email_problem(email)
    if problem:
        raise ValidationFailed({"email": problem})
    address = normalise_email(email)
    since = utcnow() - timedelta(days=1)
    sent_today = session.exec(
        select(func.count())
        .select_from(Outbox)
        .where(Outbox.to_email == address, Outbox.kind == "news_confirm", Outbox.created_at >= since)
    ).one()
    if sent_today >= CONFIRMATIONS_PER_DAY:
        raise ValidationFailed(
            {
                "email": _("We have sent {n} confirmation e-mails to this address today; please look for them.").format(
                    n=CONFIRMATIONS_PER_DAY
                )
            }
        )
    token = secrets.token_urlsafe(32)
    subscriber = session.exec(select(NewsSubscriber).where(NewsSubscriber.email == address)).first()
    if subscriber is None:
        subscriber = NewsSubscriber(email=address, token_hash=_hash(token))
    elif subscriber.confirmed_at is not None:
        queue_mail(
            session,
            to=address,
            subject=_("You already receive ClusterXchange news"),
            kind="news_confirm",
            body=_("This address already receives our news. To see or end the subscription:\n\n{link}").format(
                link=manage_link(address)
            ),
        )
        session.commit()
        return
    subscriber.token_hash = _hash(token)
    session.add(subscriber)
    url = load_settings().public_url
    queue_mail(
        session,
        to=address,
        subject=_("Confirm your subscription to ClusterXchange news"),
        kind="news_confirm",
        body=_(
            "Please confirm that you want ClusterXchange news at this address:\n\n{confirm}\n\n"
            "If you did not ask for it, ignore this e-mail: nothing will be sent.\n\nUnsubscribe at any time: "
            "{unsubscribe}"
        ).format(
            confirm=f"{url}/news?{urlencode({'confirm': token})}", unsubscribe=manage_link(address, unsubscribe=True)
        ),
    )
    session.commit()


def confirm(session: Session, token: str) -> NewsSubscriber:
    subscriber = (
        session.exec(select(NewsSubscriber).where(NewsSubscriber.token_hash == _hash(token))).first() if token else None
    )
    if subscriber is None:
        raise NotFound(_("This confirmation link is not valid (any more). Sign up again to get a new one."))
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = utcnow()
        subscriber.token_hash = _hash(secrets.token_urlsafe(32))  # a link works once
        session.add(subscriber)
        session.commit()
    return subscriber


def _check(email: str, token: str) -> str:
    if not email or not token or not hmac.compare_digest(manage_token(email), token):
        raise NotFound(_("This link is not valid. Use the link of your latest e-mail."))
    return email


def subscription(session: Session, email: str, token: str) -> NewsSubscriber | None:
    address = _check(email, token)
    return session.exec(select(NewsSubscriber).where(NewsSubscriber.email == address)).first()


def unsubscribe(session: Session, email: str, token: str) -> bool:
    """Delete the subscription (nothing of it is kept); False when there was none."""
    subscriber = subscription(session, email, token)
    if subscriber is None:
        return False
    session.delete(subscriber)
    session.commit()
    return True


def confirmed_subscribers(session: Session) -> int:
    return session.exec(
        select(func.count()).select_from(NewsSubscriber).where(NewsSubscriber.confirmed_at.is_not(None))  # type: ignore[union-attr]
    ).one()
