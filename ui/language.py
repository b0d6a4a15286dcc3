"""The language of this script run, and the switch in the sidebar of every page.

The language is, in order: the one saved on the logged-in person's account; the one chosen in
this browser session; the one remembered in the browser (the `cxc_lang` cookie); the first of
ours in the browser's Accept-Language (or its `navigator.language`); the instance's default.

A choice is saved on the account of a logged-in person (`accounts.set_locale`) and remembered
in the browser through a real HTTP route (`web/language.py`), loaded as a script that also sets
`<html lang>` at once; later page loads get it from the server.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import streamlit as st

from domain.i18n import LANGUAGE_NAMES, SHIPPED, _, best_match, default_locale, normalise, use_locale
from services import accounts
from services.sessions import LANGUAGE_COOKIE, LANGUAGE_PATH
from ui.actions import act

if TYPE_CHECKING:
    from db.models import User

CHOSEN = "cxc_locale"  # the language chosen in this browser session
SWITCH = "cxc_language_switch"  # the switch's widget
PICKED = "cxc_language_picked"  # set by the switch, handled at the top of the next run
IN_BROWSER = "cxc_locale_in_browser"  # what the browser's cookie said when this session began
TOLD = "cxc_locale_told"  # the browser has been told a language in this session


def _browser_guess() -> str | None:
    headers = st.context.headers
    return best_match(headers.get("Accept-Language") if headers else None) or normalise(st.context.locale)


def _cookie() -> str | None:
    cookies = st.context.cookies
    return normalise(cookies.get(LANGUAGE_COOKIE)) if cookies else None


def choose(user: User | None) -> str:
    saved = normalise(user.locale) if user is not None else None
    return saved or st.session_state.get(CHOSEN) or _cookie() or _browser_guess() or default_locale()


def apply(user: User | None) -> str:
    """Once per run, at the top of app.py: decide the language of this run and keep it where it belongs."""
    if IN_BROWSER not in st.session_state:
        st.session_state[IN_BROWSER] = _cookie()
    picked = normalise(st.session_state.pop(PICKED, None))
    if picked:
        st.session_state[CHOSEN] = picked
    locale = picked or choose(user)
    use_locale(locale)
    if user is not None:
        st.session_state[CHOSEN] = locale  # after a logout, the page keeps speaking it
    if user is not None and user.locale != locale:
        # a switch, or the first login of an account without a language: the account keeps it
        if act(lambda s: accounts.set_locale(session=s, actor=user, locale=locale), success=None):
            user.locale = locale
    return locale


def _picked() -> None:
    st.session_state[PICKED] = st.session_state.get(SWITCH)


def render_switch(locale: str) -> None:
    """The switch (each language named in its own words), and the browser told of a new choice."""
    if st.session_state.get(SWITCH) != locale:
        st.session_state[SWITCH] = locale
    st.selectbox(
        # Words only: Streamlit hands the label to screen readers as it is written (aria-label), and an
        # icon's markup (":material/translate:") would be read out letter by letter.
        _("Language"),
        SHIPPED,
        format_func=LANGUAGE_NAMES.__getitem__,
        key=SWITCH,
        on_change=_picked,
    )
    if st.session_state.get(TOLD) or st.session_state.get(IN_BROWSER) != locale:
        # Drawn on every run from then on: the same element is not inserted (nor run) again, a new
        # language is. Relative to the page, as the login cookie's image: any server.baseUrlPath works.
        st.session_state[TOLD] = True
        st.html(
            f'<script src="{html.escape(LANGUAGE_PATH)}?lang={html.escape(locale)}"></script>',
            unsafe_allow_javascript=True,
            width="content",
        )
