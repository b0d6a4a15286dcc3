"""Server-side login sessions and the one-time hand-off of their cookie.

A login (by password or through an identity provider) opens an `AuthSession` whose cookie
token the page never sees: the page only gets a one-time ticket, valid for a few minutes,
and the browser exchanges it at the server's cookie route (`web/session_cookie.py`) for an
HttpOnly cookie holding a fresh random token. Only SHA-256 digests are stored.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from db.models import AuthSession, User
from db.types import utcnow
from domain.errors import PermissionDenied
from domain.i18n import _
from services.accounts import sha256_hex as _digest
from services.settings import load_settings

HANDOFF_MINUTES = 5
# The server's cookie routes (web/session_cookie.py), relative to the app's base path.
HANDOFF_PATH = "api/session"
LOGOUT_PATH = "api/logout"
LANGUAGE_PATH = "api/language"  # remembers the language in the browser (web/language.py)
LANGUAGE_COOKIE = "cxc_lang"


@dataclass(frozen=True)
class Login:
    auth_session_id: int
    ticket: str  # one-time: the cookie route exchanges it for the session cookie


@dataclass(frozen=True)
class IssuedCookie:
    token: str
    expires_at: datetime


def open_session(*, session: Session, user: User, via: str = "password") -> Login:
    """Open a server-side session for a user who has just proven who they are."""
    if not user.is_active or (user.locked_until is not None and user.locked_until > utcnow()):
        raise PermissionDenied(_("Username or password is incorrect."))
    now = utcnow()
    ticket = secrets.token_urlsafe(32)
    user.failed_logins = 0
    user.last_login_at = now
    record = AuthSession(
        # Until the hand-off the record answers to no cookie: its key is a digest nobody holds.
        key_hash=_digest(secrets.token_urlsafe(32)),
        handoff_hash=_digest(ticket),
        handoff_expires_at=now + timedelta(minutes=HANDOFF_MINUTES),
        user_id=user.id,  # type: ignore[arg-type]
        expires_at=now + timedelta(hours=load_settings().session_hours),
        via=via,
    )
    session.add(user)
    session.add(record)
    session.commit()
    return Login(auth_session_id=record.id, ticket=ticket)  # type: ignore[arg-type]


def redeem_ticket(*, session: Session, ticket: str, replaced_token: str | None = None) -> IssuedCookie | None:
    """Exchange a hand-off ticket, once, for the session's cookie token (rotated at every login).

    `replaced_token` is the cookie the browser sent with the request, if any: the login it
    belonged to ends, so one browser holds one session.
    """
    if not ticket or len(ticket) > 100:
        return None
    token = secrets.token_urlsafe(32)
    now = utcnow()
    record = session.exec(select(AuthSession).where(AuthSession.handoff_hash == _digest(ticket))).first()
    if record is None:
        return None
    # Conditional: two requests with the same ticket (a double render) issue one cookie.
    taken = session.execute(
        sa.update(AuthSession)
        .where(
            AuthSession.id == record.id,
            AuthSession.handoff_hash == _digest(ticket),
            AuthSession.handoff_expires_at > now,  # type: ignore[operator]
            AuthSession.revoked_at.is_(None),  # type: ignore[union-attr]
            AuthSession.expires_at > now,
        )
        .values(key_hash=_digest(token), handoff_hash=None, handoff_expires_at=None)
    )
    if taken.rowcount != 1:
        session.rollback()
        return None
    if replaced_token:
        session.execute(
            sa.update(AuthSession)
            .where(
                AuthSession.key_hash == _digest(replaced_token),
                AuthSession.id != record.id,
                AuthSession.revoked_at.is_(None),
            )  # type: ignore[union-attr]
            .values(revoked_at=now)
        )
    session.commit()
    return IssuedCookie(token=token, expires_at=record.expires_at)


def handoff_pending(session: Session, auth_session_id: int) -> bool:
    """True while the browser has not yet fetched the cookie of this login."""
    handoff = session.exec(select(AuthSession.handoff_hash).where(AuthSession.id == auth_session_id)).first()
    return handoff is not None


def session_for_token(session: Session, token: str) -> AuthSession | None:
    """The session a cookie token belongs to (open or not: the caller checks)."""
    if not token or len(token) > 100:
        return None
    return session.exec(select(AuthSession).where(AuthSession.key_hash == _digest(token))).first()


def revoke_token(*, session: Session, token: str) -> None:
    """Logout from the cookie route: the session behind this cookie ends."""
    if not token or len(token) > 100:
        return
    session.execute(
        sa.update(AuthSession)
        .where(AuthSession.key_hash == _digest(token), AuthSession.revoked_at.is_(None))  # type: ignore[union-attr]
        .values(revoked_at=utcnow())
    )
    session.commit()


def user_for_verified_email(session: Session, email: str) -> User | None:
    """The active account an identity provider's verified e-mail address belongs to, if exactly one."""
    address = email.strip().lower()
    if not address or len(address) > 254:
        return None
    users = session.exec(
        select(User).where(sa.func.lower(User.email) == address, User.is_active.is_(True))  # type: ignore[attr-defined]
    ).all()
    return users[0] if len(users) == 1 else None
