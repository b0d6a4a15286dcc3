"""The first line of every page: re-check the role on the server, refuse otherwise."""

from __future__ import annotations

import streamlit as st

from db.models import User
from domain.enums import Role
from domain.i18n import _
from ui.session import current_user


def require_role(*roles: Role) -> User:
    """The logged-in user if their role may open this page; otherwise a refusal and stop."""
    user = current_user()
    if user is None or user.role not in roles:
        st.error(_("This page is not available to you."))
        st.stop()
    return user  # type: ignore[return-value]
