"""Who is logged in, decided once per script run and re-checked by every page.

A login opens a server-side session (`AuthSession`) and keeps its id in this browser
session's state, so the press on "Log in" takes at once. The browser's cookie is written
by the server (`web/session_cookie.py`): the page loads a one-time ticket as an invisible
image and the response sets an HttpOnly cookie with an opaque token. A page load finds the
session from that cookie; logout, account lock or expiry revoke the record, so a copied
cookie replayed later finds it closed and lands on the login page.

No component is rendered here: a component's first answer reruns the script, and a rerun
during the slow password check lost the press (issue 17).
"""

from __future__ import annotations

import html
import secrets
from contextvars import ContextVar
from functools import cache
from typing import TYPE_CHECKING

import streamlit as st
from streamlit_authenticator.utilities.hasher import Hasher

from domain.errors import PermissionDenied
from domain.i18n import _
from services import accounts, sessions
from services.runtime import read_session, write_session
from services.sessions import HANDOFF_PATH, LOGOUT_PATH
from services.settings import load_settings
from ui import oidc

if TYPE_CHECKING:
    from db.models import User

SESSION_ID = "cxc_session_id"
HANDOFF = "cxc_cookie_ticket"  # a login whose cookie the browser has not fetched yet
CLEAR_COOKIE = "cxc_clear_cookie"
LOGIN_FAILED = "cxc_login_failed"
LOGGED_OUT = "cxc_logged_out"

# The user read in this script run, with the server-side session it was read for: app.py reads it
# at the top of every run (resolve_user), and the page's guard a moment later in the same run
# gets the same answer without a second statement. A script run has its thread; the next run's
# resolve_user forgets it first. (A fragment reruns without app.py: one that needs the user must
# call resolve_user itself.)
_read_this_run: ContextVar[tuple[int, User | None] | None] = ContextVar("cxc_user_this_run", default=None)


@cache
def _dummy_hash() -> str:
    """Checked when the user name is unknown or locked: the same answer in the same time."""
    return accounts.hash_password(secrets.token_urlsafe(16))


def _forget() -> None:
    """End this browser session's login (the server-side record is handled by the caller)."""
    st.session_state.pop(SESSION_ID, None)
    st.session_state.pop(HANDOFF, None)


def _cookie_token() -> str | None:
    cookies = st.context.cookies
    return cookies.get(load_settings().cookie_name) if cookies else None


def resolve_user() -> User | None:
    """Run once at the top of app.py: the logged-in user, or None.

    A browser session remembers its server-side session id; a new one (a page load) finds
    it from the session cookie, which must belong to a record that is still open; failing
    both, an identity from the organisation's provider may open a session (auth/oidc.py).
    """
    _read_this_run.set(None)
    session_id = st.session_state.get(SESSION_ID)
    if session_id:
        user = current_user()
        if user is None:
            _forget()  # revoked, expired or locked meanwhile
        return user
    user = _user_from_cookie()
    if user is not None:
        return user
    login = oidc.sign_in_from_provider()
    if login is None:
        return None
    start_login(login)
    return current_user()


def _user_from_cookie() -> User | None:
    token = _cookie_token()
    if not token:
        return None
    with read_session() as session:
        record = sessions.session_for_token(session, token)
        user = accounts.active_user(session, record.id) if record is not None else None  # type: ignore[arg-type]
    if user is None or record is None:
        return None
    st.session_state[SESSION_ID] = record.id
    _read_this_run.set((record.id, user))  # type: ignore[arg-type]
    return user


def current_user() -> User | None:
    """Read once per script run from the server-side session; never trusted from the browser."""
    session_id = st.session_state.get(SESSION_ID)
    if not session_id:
        return None
    seen = _read_this_run.get()
    if seen is not None and seen[0] == session_id:
        return seen[1]
    with read_session() as session:
        user = accounts.active_user(session, session_id)
    _read_this_run.set((session_id, user))
    return user


def start_login(login: sessions.Login) -> None:
    """This browser session is logged in from now on; its cookie follows (render_cookie_handoff)."""
    st.session_state[SESSION_ID] = login.auth_session_id
    st.session_state[HANDOFF] = login.ticket
    st.session_state.pop(CLEAR_COOKIE, None)


def _pixel(path: str) -> None:
    # Relative to the page, so it works under any server.baseUrlPath; decorative for readers.
    st.html(
        f'<img src="{html.escape(path)}" alt="" aria-hidden="true" width="1" height="1" '
        'style="position:absolute;width:1px;height:1px;opacity:0">'
    )


def render_cookie_handoff() -> None:
    """Once per run (app.py): have the browser fetch the cookie of a new login, or drop a logged-out one.

    The image keeps being drawn until the server has issued the cookie, so a rerun or a page
    switch in between cannot lose it.
    """
    ticket = st.session_state.get(HANDOFF)
    session_id = st.session_state.get(SESSION_ID)
    if ticket and session_id:
        with read_session() as session:
            pending = sessions.handoff_pending(session, session_id)
        if pending:
            _pixel(f"{HANDOFF_PATH}?ticket={ticket}")
        else:
            st.session_state.pop(HANDOFF, None)
    if st.session_state.pop(CLEAR_COOKIE, None):
        _pixel(f"{LOGOUT_PATH}?n={st.session_state.get('_cxc_logout_count', 0)}")


def check_password(username: str, password: str) -> User | None:
    """streamlit-authenticator's check of the password; failures are counted in the database."""
    name = username.strip().lower()
    if not (name and password):
        return None
    with read_session() as session:
        credentials = accounts.login_credentials(session, name)["usernames"].get(name)
    valid = Hasher.check_pw(password, credentials["password"] if credentials else _dummy_hash())
    if not (valid and credentials):
        with write_session() as session:
            accounts.record_failed_login(session=session, username=name)
        return None
    with read_session() as session:
        return accounts.find_user(session, name)


def render_login_form() -> User | None:
    """The login form; on success opens the server-side session and returns the user."""
    with st.form("login_form"):
        st.header(_("Log in"))
        username = st.text_input(_("User name"), key="login_username", max_chars=254, autocomplete="username")
        password = st.text_input(
            _("Password"), key="login_password", type="password", max_chars=200, autocomplete="current-password"
        )
        submitted = st.form_submit_button(_("Log in"), type="primary")
    if not submitted:
        if st.session_state.get(LOGIN_FAILED):
            st.error(_("Username or password is incorrect."))
        return None
    st.session_state.pop(LOGIN_FAILED, None)
    user = check_password(username, password)
    if user is None:
        _forget()
        st.session_state[LOGIN_FAILED] = True
        st.error(_("Username or password is incorrect."))
        return None
    try:
        with write_session() as session:
            login = sessions.open_session(session=session, user=session.merge(user))
    except PermissionDenied:
        _forget()
        st.error(_("Username or password is incorrect."))
        return None
    start_login(login)
    return current_user()


def logout() -> bool:
    """End the login; True when the page is leaving for the provider's logout (no rerun then)."""
    session_id = st.session_state.get(SESSION_ID)
    if session_id:
        with write_session() as session:
            accounts.revoke_session(session=session, auth_session_id=session_id)
    _forget()
    leaving = oidc.sign_out_of_provider()  # the provider's logout, when signed in there
    # The revoked record refuses the cookie already; the browser also drops it.
    st.session_state[CLEAR_COOKIE] = True
    st.session_state[LOGGED_OUT] = True
    st.session_state["_cxc_logout_count"] = st.session_state.get("_cxc_logout_count", 0) + 1
    return leaving


def logged_out_just_now() -> bool:
    """True once, in the run that follows a logout (to say so)."""
    return bool(st.session_state.pop(LOGGED_OUT, False))
