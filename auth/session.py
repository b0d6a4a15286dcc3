"""Who is logged in, decided once per script run and re-checked by every page.

streamlit-authenticator handles the login form and the signed cookie. Its cookie is
stateless, so each login also gets a server-side record (`AuthSession`) keyed by the
user name and the cookie's expiry stamp: logout, account lock or expiry revoke that record,
and a copied cookie replayed later finds it revoked and lands on the login page.
"""

from __future__ import annotations

import jwt
import streamlit as st
import streamlit_authenticator as stauth

from db.engine import read_session, write_session
from db.models import User
from db.services import accounts
from db.services.errors import PermissionDenied
from db.settings import cookie_key, load_settings
from forms.i18n import _

SESSION_ID = "cxc_session_id"
AUTHENTICATOR = "_cxc_authenticator"


def _cookie_token() -> dict | None:
    """The decoded login cookie of this browser, if any and if it is ours."""
    raw = st.context.cookies.get(load_settings().cookie_name) if st.context.cookies else None
    if not raw:
        return None
    try:
        token = jwt.decode(raw, cookie_key(), algorithms=["HS256"])
    except jwt.PyJWTError:
        return None
    return token if isinstance(token, dict) and "username" in token and "exp_date" in token else None


def _authenticator(credentials: dict) -> stauth.Authenticate:
    settings = load_settings()
    authenticator = stauth.Authenticate(
        credentials,
        cookie_name=settings.cookie_name,
        cookie_key=cookie_key(),
        cookie_expiry_days=settings.session_hours / 24,
        auto_hash=False,
        login_sleep_time=0,
    )
    # One instance per run: a second one would render the cookie component twice.
    st.session_state[AUTHENTICATOR] = authenticator
    return authenticator


def _forget(authenticator: stauth.Authenticate) -> None:
    st.session_state.pop(SESSION_ID, None)
    if st.session_state.get("authentication_status"):
        authenticator.logout(location="unrendered")


def resolve_user() -> User | None:
    """Run once at the top of app.py: the logged-in user, or None."""
    session_id = st.session_state.get(SESSION_ID)
    token = _cookie_token()
    with read_session() as session:
        user = accounts.active_user(session, session_id) if session_id else None
        if user is not None:
            credentials = accounts.login_credentials(session, user.username)
        elif token is not None and not st.session_state.get("logout"):
            credentials = accounts.login_credentials(session, str(token["username"]))
        else:
            credentials = accounts.login_credentials(session)
    authenticator = _authenticator(credentials)
    if session_id and user is None:
        # Revoked, expired or locked meanwhile: this browser session ends here.
        _forget(authenticator)
        return None
    authenticator.login(location="unrendered")
    if user is not None:
        return user
    if st.session_state.get("authentication_status") and token is not None:
        key = accounts.session_key(str(token["username"]), token["exp_date"])
        with read_session() as session:
            record = accounts.find_session_by_key(session, key)
            user = accounts.active_user(session, record.id) if record else None  # type: ignore[arg-type]
        if user is None or record is None:
            _forget(authenticator)
            return None
        st.session_state[SESSION_ID] = record.id
        return user
    if st.session_state.get("authentication_status"):
        # Logged in by the form in a previous run but without a server record: not trusted.
        _forget(authenticator)
    return None


def current_user() -> User | None:
    """Re-read on every page from the server-side session; never trusted from the browser."""
    session_id = st.session_state.get(SESSION_ID)
    if not session_id:
        return None
    with read_session() as session:
        return accounts.active_user(session, session_id)


def render_login_form() -> User | None:
    """The login form; on success opens the server-side session and returns the user."""
    authenticator: stauth.Authenticate = st.session_state[AUTHENTICATOR]
    authenticator.login(
        location="main",
        fields={"Form name": _("Log in"), "Username": _("User name"), "Password": _("Password"), "Login": _("Log in")},
    )
    status = st.session_state.get("authentication_status")
    if status and not st.session_state.get(SESSION_ID):
        username = st.session_state["username"]
        expiry = authenticator.cookie_controller.cookie_model.exp_date
        try:
            with write_session() as session:
                record = accounts.start_session(
                    session=session, username=username, key=accounts.session_key(username, expiry)
                )
        except PermissionDenied:
            _forget(authenticator)
            st.error(_("Username or password is incorrect."))
            return None
        st.session_state[SESSION_ID] = record.id
        st.session_state["logout"] = None
        return current_user()
    if status is False:
        model = authenticator.authentication_controller.authentication_model
        failed = [name for name, data in model.credentials["usernames"].items() if data.get("failed_login_attempts")]
        for name in failed:
            with write_session() as session:
                accounts.record_failed_login(session=session, username=name)
        st.error(_("Username or password is incorrect."))
    return None


def logout() -> None:
    session_id = st.session_state.get(SESSION_ID)
    if session_id:
        with write_session() as session:
            accounts.revoke_session(session=session, auth_session_id=session_id)
    authenticator = st.session_state.get(AUTHENTICATOR)
    if authenticator is not None:
        _forget(authenticator)
    st.session_state.pop(SESSION_ID, None)
