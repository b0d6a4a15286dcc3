"""Server-side login sessions: the one-time cookie hand-off, rotation, and the cookie routes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.testclient import TestClient

from db.models import AuthSession, User
from db.types import utcnow
from domain.errors import PermissionDenied
from services import accounts, sessions
from tests import factories as f
from web import session_cookie
from web.headers import SecurityHeadersMiddleware


def test_a_ticket_gives_the_cookie_once(session: Session) -> None:
    user = f.participant(session)
    login = sessions.open_session(session=session, user=user)
    assert sessions.handoff_pending(session, login.auth_session_id)
    cookie = sessions.redeem_ticket(session=session, ticket=login.ticket)
    assert cookie is not None and len(cookie.token) == 43
    assert not sessions.handoff_pending(session, login.auth_session_id)
    assert sessions.redeem_ticket(session=session, ticket=login.ticket) is None  # used up
    record = sessions.session_for_token(session, cookie.token)
    assert record is not None and record.id == login.auth_session_id and record.via == "password"
    # Only digests are stored: neither the ticket nor the token appear in the row.
    stored = session.exec(select(AuthSession).where(AuthSession.id == login.auth_session_id)).one()
    assert cookie.token not in (stored.key_hash, stored.handoff_hash) and login.ticket != stored.key_hash


def test_an_expired_or_revoked_ticket_gives_nothing(session: Session) -> None:
    user = f.participant(session)
    late = sessions.open_session(session=session, user=user)
    session.execute(
        sa.update(AuthSession)
        .where(AuthSession.id == late.auth_session_id)
        .values(handoff_expires_at=utcnow() - timedelta(seconds=1))
    )
    session.commit()
    assert sessions.redeem_ticket(session=session, ticket=late.ticket) is None

    ended = sessions.open_session(session=session, user=user)
    accounts.revoke_session(session=session, auth_session_id=ended.auth_session_id)
    assert sessions.redeem_ticket(session=session, ticket=ended.ticket) is None
    assert sessions.redeem_ticket(session=session, ticket="") is None
    assert sessions.redeem_ticket(session=session, ticket="x" * 500) is None


def test_a_new_login_in_the_same_browser_ends_the_older_session(session: Session) -> None:
    user = f.participant(session)
    first = sessions.open_session(session=session, user=user)
    old = sessions.redeem_ticket(session=session, ticket=first.ticket)
    assert old is not None
    second = sessions.open_session(session=session, user=user)
    new = sessions.redeem_ticket(session=session, ticket=second.ticket, replaced_token=old.token)
    assert new is not None and new.token != old.token
    session.expire_all()
    assert accounts.active_user(session, first.auth_session_id) is None
    assert accounts.active_user(session, second.auth_session_id) is not None


def test_a_login_ends_at_its_expiry_to_the_second(session: Session) -> None:
    """The expiry is compared in the database (one statement per page run), on both databases."""
    user = f.participant(session)
    login = sessions.open_session(session=session, user=user)
    for moved, open_still in ((timedelta(seconds=30), True), (timedelta(seconds=-1), False)):
        session.execute(
            sa.update(AuthSession)
            .where(AuthSession.id == login.auth_session_id)  # type: ignore[arg-type]
            .values(expires_at=utcnow() + moved)
        )
        session.commit()
        assert (accounts.active_user(session, login.auth_session_id) is not None) is open_still


def test_a_locked_or_inactive_account_opens_no_session(session: Session) -> None:
    user = f.participant(session)
    for _attempt in range(5):
        accounts.record_failed_login(session=session, username=user.username)
    session.expire_all()
    with pytest.raises(PermissionDenied):
        sessions.open_session(session=session, user=session.get(User, user.id))  # type: ignore[arg-type]


def test_failures_during_a_lock_neither_count_nor_prolong_it(session: Session) -> None:
    user = f.participant(session)
    for _attempt in range(5):
        accounts.record_failed_login(session=session, username=user.username)
    session.expire_all()
    locked = session.get(User, user.id)
    assert locked is not None and locked.failed_logins == 5
    until = locked.locked_until
    accounts.record_failed_login(session=session, username=user.username)
    session.expire_all()
    again = session.get(User, user.id)
    assert again is not None and (again.failed_logins, again.locked_until) == (5, until)
    # After the lock has run out, the count starts again from one.
    session.execute(sa.update(User).where(User.id == user.id).values(locked_until=utcnow() - timedelta(seconds=1)))
    session.commit()
    accounts.record_failed_login(session=session, username=user.username)
    session.expire_all()
    after = session.get(User, user.id)
    assert after is not None and (after.failed_logins, after.locked_until) == (1, None)


def test_a_successful_login_resets_the_failure_count(session: Session) -> None:
    user = f.participant(session)
    accounts.record_failed_login(session=session, username=user.username)
    sessions.open_session(session=session, user=session.get(User, user.id))  # type: ignore[arg-type]
    session.expire_all()
    assert session.get(User, user.id).failed_logins == 0  # type: ignore[union-attr]


def _client(https: bool = False) -> TestClient:
    app = Starlette(routes=session_cookie.routes(), middleware=[Middleware(SecurityHeadersMiddleware, https=https)])
    return TestClient(app, base_url="https://testserver" if https else "http://testserver")


def test_cookie_route_sets_an_httponly_lax_cookie_and_logout_clears_it(session: Session) -> None:
    user = f.participant(session)
    login = sessions.open_session(session=session, user=user)
    with _client() as client:
        response = client.get(f"/{session_cookie.HANDOFF_PATH}", params={"ticket": login.ticket})
        assert response.status_code == 200 and response.headers["content-type"] == "image/gif"
        cookie = response.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie and "Secure" not in cookie
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        # The same ticket again sets nothing.
        again = client.get(f"/{session_cookie.HANDOFF_PATH}", params={"ticket": login.ticket})
        assert "set-cookie" not in again.headers
        out = client.get(f"/{session_cookie.LOGOUT_PATH}")
        assert 'cxc_session=""' in out.headers["set-cookie"] and "Max-Age=0" in out.headers["set-cookie"]
    session.expire_all()
    assert accounts.active_user(session, login.auth_session_id) is None


def test_cookie_is_secure_and_hsts_is_sent_when_the_public_url_is_https(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CXC_PUBLIC_URL", "https://cxc.example.eu")
    user = f.participant(session)
    login = sessions.open_session(session=session, user=user)
    with _client(https=True) as client:
        response = client.get(f"/{session_cookie.HANDOFF_PATH}", params={"ticket": login.ticket})
    assert "Secure" in response.headers["set-cookie"] and "HttpOnly" in response.headers["set-cookie"]
    assert response.headers["strict-transport-security"].startswith("max-age=")


def test_a_ticket_sent_from_another_site_sets_no_cookie(session: Session) -> None:
    user = f.participant(session)
    login = sessions.open_session(session=session, user=user)
    with _client() as client:
        response = client.get(
            f"/{session_cookie.HANDOFF_PATH}", params={"ticket": login.ticket}, headers={"Sec-Fetch-Site": "cross-site"}
        )
    assert "set-cookie" not in response.headers
    assert sessions.handoff_pending(session, login.auth_session_id)
