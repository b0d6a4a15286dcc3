"""Small Streamlit helpers shared by the pages: errors next to fields, the record id of the URL."""

from __future__ import annotations

import re

import streamlit as st

from domain.i18n import _
from services.instance import Identity


def errors_key(form: str) -> str:
    """Where the field errors of the last submit of `form` wait for the next render."""
    return f"_errors_{form}"


def field_error(form: str, field: str) -> None:
    """Show the problem of one field, right under it, if the last submit found one."""
    message = st.session_state.get(errors_key(form), {}).get(field)
    if message:
        st.error(message, icon=":material/error:")


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
    return bool(st.session_state.get(errors_key(form)))


def form_errors_banner(form: str) -> None:
    if has_errors(form):
        st.warning(_("Please correct the fields marked below; nothing was saved yet."), icon=":material/warning:")


def text_field(
    form: str,
    field: str,
    label: str,
    *,
    key: str,
    required: bool = True,
    password: bool = False,
    max_chars: int | None = None,
    help: str | None = None,
) -> str:
    """A labelled text input with its error right under it (required fields carry " *")."""
    value = st.text_input(
        label + (" *" if required else ""),
        key=key,
        type="password" if password else "default",
        max_chars=max_chars,
        help=help,
    )
    field_error(form, field)
    return value


def support_office_lines(who: Identity) -> None:
    """The Support Office's contact lines, those that are set (services/instance.py)."""
    lines = [
        text.format(value=value)
        for text, value in (
            (_("E-mail: {value}"), who.email),
            (_("Phone: {value}"), who.phone),
            (_("Opening hours: {value}"), who.hours),
        )
        if value
    ]
    if lines:
        st.markdown("  \n".join(lines))
    else:
        st.caption(_("The Support Office has not given its contact details yet; use the form to write to it."))


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$@])")


def plain(text: str) -> str:
    """Text people typed (an organisation's name…), escaped so that Markdown shows it as typed:
    a name with `*`, `[` or `:red[` neither formats nor links, and an e-mail address is no link
    (a link inside an expander's title is a control inside a control for screen readers)."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", " ".join(text.split()))
