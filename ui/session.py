"""Who is logged in, decided once per script run and re-checked by every page.

streamlit-authenticator checks the password and writes the signed login cookie. Its cookie
is stateless, so each login also gets a server-side record (`AuthSession`) keyed by the
user name and the cookie's expiry stamp: logout, account lock or expiry revoke that record,
and a copied cookie replayed later finds it revoked and lands on the login page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import jwt
import streamlit as st
import streamlit_authenticator as stauth

from domain.errors import PermissionDenied
from domain.i18n import _
from services import accounts
from services.runtime import read_session, write_session
from services.settings import cookie_key, load_settings

if TYPE_CHECKING:
    from db.models import User

SESSION_ID = "cxc_session_id"
LOGGED_OUT = "cxc_logged_out"
LOGIN_FAILED = "cxc_login_failed"


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
    """Only where a cookie is written or deleted (login form, logout): its cookie component
    answers every page load with an extra script run, which could swallow a click."""
    settings = load_settings()
    return stauth.Authenticate(
        credentials,
        cookie_name=settings.cookie_name,
        cookie_key=cookie_key(),
        cookie_expiry_days=settings.session_hours / 24,
        auto_hash=False,
        login_sleep_time=0,
    )


def _forget() -> None:
    """End this browser session's login (the server-side record is handled by the caller)."""
    st.session_state.pop(SESSION_ID, None)
    for key in ("authentication_status", "username", "name", "email", "roles"):
        st.session_state[key] = None


def resolve_user() -> User | None:
    """Run once at the top of app.py: the logged-in user, or None.

    A browser session remembers its server-side session id; a new one (a page load) finds
    it from the login cookie, which must map to a record that is still open.
    """
    session_id = st.session_state.get(SESSION_ID)
    with read_session() as session:
        if session_id:
            user = accounts.active_user(session, session_id)
            if user is None:
                _forget()  # revoked, expired or locked meanwhile
            return user
        token = _cookie_token()
        if token is None or st.session_state.get(LOGGED_OUT):
            return None
        record = accounts.find_session_by_key(session, accounts.session_key(str(token["username"]), token["exp_date"]))
        user = accounts.active_user(session, record.id) if record else None  # type: ignore[arg-type]
    if user is None or record is None:
        return None
    st.session_state[SESSION_ID] = record.id
    st.session_state["authentication_status"] = True
    st.session_state["username"] = user.username
    return user


def current_user() -> User | None:
    """Re-read on every page from the server-side session; never trusted from the browser."""
    session_id = st.session_state.get(SESSION_ID)
    if not session_id:
        return None
    with read_session() as session:
        return accounts.active_user(session, session_id)


def render_login_form() -> User | None:
    """The login form; on success opens the server-side session and returns the user.

    The form is ours; streamlit-authenticator checks the password and writes the cookie, and
    is created only when the form is sent, because its cookie component answers its first
    appearance with an extra script run that can swallow the click on "Log in".
    """
    with st.form("login_form"):
        st.subheader(_("Log in"))
        username = st.text_input(_("User name"), key="login_username", max_chars=254, autocomplete="username")
        password = st.text_input(_("Password"), key="login_password", type="password", max_chars=200, autocomplete="current-password")
        submitted = st.form_submit_button(_("Log in"), type="primary")
    if not submitted:
        # Kept across reruns: the cookie component reruns the script right after a failed try.
        if st.session_state.get(LOGIN_FAILED):
            st.error(_("Username or password is incorrect."))
        return None
    st.session_state.pop(LOGIN_FAILED, None)
    name = username.strip().lower()
    with read_session() as session:
        authenticator = _authenticator(accounts.login_credentials(session, name))
    if not (name and password and authenticator.authentication_controller.login(name, password)):
        _forget()
        if name and password:
            with write_session() as session:
                accounts.record_failed_login(session=session, username=name)
        st.session_state[LOGIN_FAILED] = True
        st.error(_("Username or password is incorrect."))
        return None
    authenticator.cookie_controller.set_cookie()
    expiry = authenticator.cookie_controller.cookie_model.exp_date
    try:
        with write_session() as session:
            record = accounts.start_session(session=session, username=name, key=accounts.session_key(name, expiry))
    except PermissionDenied:
        _forget()
        st.error(_("Username or password is incorrect."))
        return None
    st.session_state[SESSION_ID] = record.id
    st.session_state.pop(LOGGED_OUT, None)
    return current_user()


def logout() -> None:
    session_id = st.session_state.get(SESSION_ID)
    if session_id:
        with write_session() as session:
            accounts.revoke_session(session=session, auth_session_id=session_id)
    authenticator = _authenticator({"usernames": {}})
    # Deletes the cookie in the browser; the revoked record already refuses it anyway.
    authenticator.cookie_controller.delete_cookie()
    _forget()
    # This browser session must not log back in from a cookie the page has not deleted yet.
    st.session_state[LOGGED_OUT] = True
