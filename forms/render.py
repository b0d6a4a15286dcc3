"""Small Streamlit helpers shared by the pages: errors next to fields, tables with real names."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from db.services.errors import NotFound, PermissionDenied, ValidationFailed

T = TypeVar("T")


def _key(form: str) -> str:
    return f"_errors_{form}"


def field_error(form: str, field: str) -> None:
    """Show the problem of one field, right under it, if the last submit found one."""
    message = st.session_state.get(_key(form), {}).get(field)
    if message:
        st.error(message, icon=":material/error:")


def run_action(form: str, action: Callable[[], T], *, success: str) -> T | None:
    """Call one service function; keep its field errors for the next render, toast the outcome."""
    try:
        result = action()
    except ValidationFailed as exc:
        st.session_state[_key(form)] = exc.errors
        st.rerun()
    except (PermissionDenied, NotFound) as exc:
        st.session_state.pop(_key(form), None)
        st.error(str(exc))
        return None
    st.session_state.pop(_key(form), None)
    st.toast(success, icon=":material/check_circle:")
    return result


def has_errors(form: str) -> bool:
    return bool(st.session_state.get(_key(form)))


def form_errors_banner(form: str) -> None:
    if has_errors(form):
        st.warning("Please correct the fields marked below; nothing was saved yet.", icon=":material/warning:")
