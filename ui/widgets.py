"""Small Streamlit helpers shared by the pages: errors next to fields, tables with real names."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from sqlalchemy.exc import OperationalError

from domain.errors import NotFound, PermissionDenied, ValidationFailed
from domain.i18n import _

T = TypeVar("T")
BUSY = _("The database is busy right now and nothing was saved; what you typed is still here. Please try again in a moment.")


def _key(form: str) -> str:
    return f"_errors_{form}"


def field_error(form: str, field: str) -> None:
    """Show the problem of one field, right under it, if the last submit found one."""
    message = st.session_state.get(_key(form), {}).get(field)
    if message:
        st.error(message, icon=":material/error:")


def run_action(form: str, action: Callable[[], T], *, success: str) -> T | None:
    """`attempt` for a form whose field errors show under each field (`field_error`) on the next render."""
    st.session_state.pop(_key(form), None)

    def keep(errors: dict[str, str]) -> None:
        st.session_state[_key(form)] = errors

    return attempt(action, success=success, on_invalid=keep)


def attempt(action: Callable[[], T], *, success: str, on_invalid: Callable[[dict[str, str]], None] | None = None) -> T | None:
    """Call one service function for a button: toast on success, plain words on refusal.

    Field errors go to `on_invalid` (a wizard shows them next to its fields); everything the
    person typed stays where it was.
    """
    from domain.workflow import TransitionRefused
    from services.files import UploadRefused
    from services.transitions import StaleState

    try:
        result = action()
    except ValidationFailed as exc:
        if on_invalid is not None:
            on_invalid(exc.errors)
            st.rerun()
        st.error(" ".join(exc.errors.values()), icon=":material/error:")
        return None
    except (PermissionDenied, NotFound, TransitionRefused, StaleState, UploadRefused) as exc:
        st.error(str(exc), icon=":material/block:")
        return None
    except OperationalError:  # the transaction was rolled back: nothing half written
        st.error(BUSY, icon=":material/hourglass:")
        return None
    st.toast(success, icon=":material/check_circle:")
    return result


def record_id() -> int | None:
    """The `id` query parameter as a number, or None when absent or not a number."""
    raw = st.query_params.get("id", "")
    if not (raw.isdigit() and len(raw) < 12):
        return None
    # Arriving through st.page_link(query_params=…), the browser's URL may not carry the id
    # into the next rerun; writing it back pins it to the URL.
    st.query_params["id"] = raw
    return int(raw)


def has_errors(form: str) -> bool:
    return bool(st.session_state.get(_key(form)))


def form_errors_banner(form: str) -> None:
    if has_errors(form):
        st.warning(_("Please correct the fields marked below; nothing was saved yet."), icon=":material/warning:")


def text_field(form: str, field: str, label: str, *, key: str, required: bool = True, password: bool = False,
               max_chars: int | None = None, help: str | None = None) -> str:
    """A labelled text input with its error right under it (required fields carry " *")."""
    value = st.text_input(label + (" *" if required else ""), key=key, type="password" if password else "default",
                          max_chars=max_chars, help=help)
    field_error(form, field)
    return value
