"""The one path of a click: `act` runs one service function in a write session of its own.

button -> `act` -> service (permission, transition, audit, outbox rows, one commit) -> a toast, or
the refusal in the service's own words. Nothing is half written: a refused or failed action
rolls back, and everything the person typed stays where it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, TypeVar

import streamlit as st
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from domain.errors import NotFound, PermissionDenied, StaleState, UploadRefused, ValidationFailed
from domain.i18n import N_, _
from domain.workflow import TransitionRefused
from services.runtime import write_session
from ui.widgets import errors_key

T = TypeVar("T")
BUSY = N_(
    "The database is busy right now and nothing was saved; what you typed is still here. Please try again in a moment."
)
Success = str | Callable[[T], str] | None


def act(
    service: Callable[[Session], T],
    *,
    success: Success[T],
    form: str | None = None,
    on_invalid: Callable[[dict[str, str]], None] | None = None,
    rerun: bool = False,
) -> T | Literal[True] | None:
    """Run `service(session)` for one button; the service commits.

    `success` is the toast (or a function of the result that words it; None: no toast).
    Field errors show under the fields of `form` (`field_error`) or go to `on_invalid` (a wizard).
    With `rerun`, the page is drawn again after a success so that it shows the new state.
    Returns what the service returned (True when it returns nothing), or None when refused.
    """

    def run() -> T | Literal[True]:
        with write_session() as session:
            result = service(session)
        return True if result is None else result

    if form is not None:
        outcome = run_action(form, run, success=success)
    else:
        outcome = attempt(run, success=success, on_invalid=on_invalid)
    if rerun and outcome is not None:
        st.rerun()
    return outcome


def run_action(form: str, action: Callable[[], T], *, success: Success[T]) -> T | None:
    """`attempt` for a form whose field errors show under each field (`field_error`) on the next render."""
    st.session_state.pop(errors_key(form), None)

    def keep(errors: dict[str, str]) -> None:
        st.session_state[errors_key(form)] = errors

    return attempt(action, success=success, on_invalid=keep)


def attempt(
    action: Callable[[], T], *, success: Success[T], on_invalid: Callable[[dict[str, str]], None] | None = None
) -> T | None:
    """Call one service function for a button: toast on success, plain words on refusal.

    Field errors go to `on_invalid` (a wizard shows them next to its fields); everything the
    person typed stays where it was.
    """
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
        st.error(_(BUSY), icon=":material/hourglass:")
        return None
    message = success(result) if callable(success) else success
    if message:
        st.toast(message, icon=":material/check_circle:")
    return result
