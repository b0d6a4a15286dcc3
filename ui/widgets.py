"""Small Streamlit helpers shared by the pages: errors next to fields, the record id of the URL."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

import streamlit as st
from streamlit import config as streamlit_config

from domain.i18n import _
from domain.labels import ORG_TYPE_LABELS
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


def browser_address() -> str:
    """A first guess at the instance's public address: CXC_PUBLIC_URL, else where this browser reached it."""
    configured = os.environ.get("CXC_PUBLIC_URL", "").strip().rstrip("/")
    if configured:
        return configured
    parts = urlsplit(st.context.url or "")
    if not (parts.scheme and parts.netloc):
        return ""
    base = (streamlit_config.get_option("server.baseUrlPath") or "").strip("/")
    return f"{parts.scheme}://{parts.netloc}" + (f"/{base}" if base else "")


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


def organisation_inputs(form: str, prefix: str, countries: dict[str, str]) -> dict[str, str]:
    """The fields of a new organisation inside `form` (registration, a coordinator's new member), each with
    its error under it; keys `{prefix}_org_name`, …; returns the values by the services' field names."""
    name = text_field(
        form, "organisation_name", _("Legal name of the organisation"), key=f"{prefix}_org_name", max_chars=200
    )
    org_type = st.selectbox(
        _("Type of organisation") + " *",
        options=list(ORG_TYPE_LABELS),
        format_func=lambda t: ORG_TYPE_LABELS[t],
        index=None,
        key=f"{prefix}_org_type",
        placeholder=_("Choose a type"),
        help=_("Decides whether it can take part as Visitor, as Host, or both."),
    )
    field_error(form, "organisation_type")
    country = st.selectbox(
        _("Country where it is registered") + " *",
        options=list(countries),
        format_func=lambda c: countries.get(c, c),
        index=None,
        key=f"{prefix}_country",
        placeholder=_("Choose a participating country"),
    )
    field_error(form, "country")
    city = text_field(
        form,
        "city",
        _("City"),
        key=f"{prefix}_city",
        max_chars=120,
        help=_("Used to compute the travel distance, e.g. Porto"),
    )
    number = text_field(
        form,
        "registration_number",
        _("VAT or registration number"),
        key=f"{prefix}_number",
        max_chars=40,
        required=False,
        help=_("One organisation has one account: we check that it is not registered already."),
    )
    cluster = text_field(
        form,
        "cluster_name",
        _("Cluster the organisation belongs to"),
        key=f"{prefix}_cluster",
        max_chars=200,
        required=False,
    )
    return {
        "organisation_name": name,
        "organisation_type": org_type or "",
        "country": country or "",
        "city": city,
        "registration_number": number,
        "cluster_name": cluster,
    }
