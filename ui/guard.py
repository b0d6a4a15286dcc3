"""The first line of every page: re-check the role on the server, refuse otherwise."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from domain.enums import Role
from domain.i18n import _
from services.permissions import has_role
from ui.session import current_user

if TYPE_CHECKING:
    from db.models import User


def require_role(*roles: Role) -> User:
    """The logged-in user if their role may open this page; otherwise a refusal and stop."""
    user = current_user()
    if user is None or not has_role(user, roles):
        st.error(_("This page is not available to you."))
        st.stop()
    return user
