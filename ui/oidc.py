"""Sign-in through the organisation's identity provider (OpenID Connect), beside passwords.

Streamlit's `st.login()` runs the authorisation-code flow with PKCE (Authlib) and keeps the
provider's identity in its own signed cookie (`st.user`). That identity alone opens nothing
here: it is matched, by an e-mail address the provider says it has verified, to one active
account, and only then does a normal server-side session open (`via="oidc"`). Nobody gets a
role from the provider: participants register themselves, coordinators and administrators
are still created by an administrator.
"""

from __future__ import annotations

from enum import StrEnum

import streamlit as st

from domain.errors import PermissionDenied
from domain.i18n import _
from services import sessions
from services.runtime import read_session, write_session
from services.settings import oidc_provider_name

PROBLEM = "cxc_oidc_problem"


class Problem(StrEnum):
    UNVERIFIED = "unverified"  # the provider did not vouch for the e-mail address
    UNKNOWN = "unknown"  # a verified address that no account here uses (yet)
    REFUSED = "refused"  # the account is locked or deactivated


def configured() -> bool:
    """True when an `[auth]` section is set (from the environment via asgi.py, or secrets.toml)."""
    try:
        section = st.secrets.get("auth")
    except FileNotFoundError:  # no secrets at all: Streamlit raises (StreamlitSecretNotFoundError)
        return False
    return bool(section and section.get("client_id"))


def provider_label() -> str:
    return oidc_provider_name() or _("your organisation's account")


def _identity() -> tuple[str, bool] | None:
    """The provider's e-mail address and whether it is verified, when someone signed in there."""
    if not configured() or not st.user.is_logged_in:
        return None
    email = str(st.user.get("email") or "").strip().lower()
    verified = st.user.get("email_verified") in (True, "true", "True", 1)
    return email, bool(email) and verified


def verified_email() -> str:
    """The verified address of the provider's identity, to prefill registration ("" if none)."""
    identity = _identity()
    return identity[0] if identity and identity[1] else ""


def sign_in_from_provider() -> sessions.Login | None:
    """Open a session for the account matching the provider's identity; record why not otherwise."""
    identity = _identity()
    if identity is None:
        return None
    email, verified = identity
    if not verified:
        st.session_state[PROBLEM] = Problem.UNVERIFIED
        return None
    with read_session() as session:
        user = sessions.user_for_verified_email(session, email)
    if user is None:
        st.session_state[PROBLEM] = Problem.UNKNOWN
        return None
    try:
        with write_session() as session:
            login = sessions.open_session(session=session, user=session.merge(user), via="oidc")
    except PermissionDenied:
        st.session_state[PROBLEM] = Problem.REFUSED
        return None
    st.session_state.pop(PROBLEM, None)
    return login


def render_notice() -> None:
    """For a visitor who signed in at the provider but has no way in here: what to do next."""
    problem = st.session_state.get(PROBLEM)
    if problem is None or _identity() is None:
        return
    provider = provider_label()
    if problem == Problem.UNKNOWN:
        st.info(
            _(
                "You signed in with {provider} as {email}, but no account here uses this address yet. "
                "Register your organisation with it; after that, signing in with {provider} takes you "
                "straight in."
            ).format(provider=provider, email=verified_email())
        )
        st.page_link("pages/public/register.py", label=_("Register your organisation"), icon=":material/person_add:")
    elif problem == Problem.UNVERIFIED:
        st.error(
            _(
                "{provider} has not confirmed your e-mail address, so it cannot open an account here. "
                "Confirm the address with {provider}, or log in with your user name and password."
            ).format(provider=provider)
        )
    else:
        st.error(_("This account cannot be used at the moment. Please contact the Support Office."))
    if st.button(_("Sign out of {provider}").format(provider=provider), key="oidc_sign_out"):
        st.session_state.pop(PROBLEM, None)
        st.logout()


def render_sign_in_button() -> None:
    """On the login page, beside the password form, when a provider is configured."""
    if not configured() or _identity() is not None:
        return
    st.divider()
    if st.button(
        _("Sign in with {provider}").format(provider=provider_label()), key="oidc_sign_in", icon=":material/badge:"
    ):
        st.login()


def sign_out_of_provider() -> bool:
    """After our logout of an account that came through the provider: leave the provider too,
    or its identity cookie would open a new session on the next page load. True when the page
    is on its way there (a rerun now would drop the redirect)."""
    if _identity() is None:
        return False
    st.session_state.pop(PROBLEM, None)
    st.logout()
    return True
